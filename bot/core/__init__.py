"""The bot's domain logic. Nothing in this package imports telegram."""
