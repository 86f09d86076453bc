"""Bot API method semantics for the fake server (validation, errors, resulting objects).

Each method takes the decoded request parameters and returns the ``result`` payload or raises
:class:`APIError` with the description the real Bot API uses, so python-telegram-bot maps it to
the same exception (BadRequest, Forbidden, ...). Methods other than getUpdates are synchronous,
which keeps "check flood limit, execute, record" atomic within the event loop.

`base` holds the registry, the dispatch and the shared validation; the methods are grouped as
the Bot API documentation groups them: `settings` (the bot itself, updates, webhook,
commands), `sending`, `editing` (and deleting, pinning) and `chats` (callbacks, chats,
members, files).
"""

from bot.core.tghtml import utf16_len
from bot.testing.fake_methods.base import canonical_method, normalize_id
from bot.testing.fake_methods.chats import ChatMethods
from bot.testing.fake_methods.editing import EditingMethods
from bot.testing.fake_methods.sending import SendingMethods
from bot.testing.fake_methods.settings import SettingsMethods


class BotMethods(SettingsMethods, SendingMethods, EditingMethods, ChatMethods):
    """Implements the Bot API methods the bot uses on top of :class:`FakeState`."""


__all__ = ["BotMethods", "canonical_method", "normalize_id", "utf16_len"]
