"""Staff broadcasts and subscriptions: what is sent, to whom, and at what pace."""
