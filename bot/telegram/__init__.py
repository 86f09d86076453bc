"""The thin Telegram layer: wiring, handlers and keyboards that call the core."""
