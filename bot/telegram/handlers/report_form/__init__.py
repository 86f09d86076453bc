"""/lapor (/report): the guided tip-off, one question at a time, buttons where possible.

what → province → place → when → details → evidence → identity → summary (send, edit or
cancel). The draft is saved after every answer, so a closed app or a restart of the bot
costs nothing: the next /lapor offers to continue. Only a confirmed report is stored as a
case, and the reporter hears "received" only after it is safely on disk.

The modules follow the form: `start` (begin, resume, pre-fill, cancel), `steps` (the
questions up to the details), `evidence`, `identity`, `summary` (check, edit, send),
`keyboards` (shared button layouts), `base` (what they share) and `conversation` (wiring).
"""

from bot.telegram.handlers.report_form.conversation import build_conversation, register
from bot.telegram.handlers.report_form.start import draft_from_message, start_report

__all__ = ["build_conversation", "draft_from_message", "register", "start_report"]
