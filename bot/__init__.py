"""Safe-migration Telegram bot: FAQ answers, tip-offs to the desk, staff broadcasts."""

__version__ = "0.1.0"
