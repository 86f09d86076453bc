"""Repositories for tip-off reports: cases, reporters, relays, drafts and the outbox.

Every change that must reach somebody (a new card, a status update, a relayed message) is
written to `report_outbox` in the same transaction as the change itself: if the change is
stored, so is the duty to deliver it, and a crash in between cannot separate them.

Who reported is sealed (bot/storage/sealing.py): the link rows, a shown name and a draft
are encrypted under the reporter key, and a person's rows are found by a keyed tag.
"""

from bot.storage.reports.cases import CODE_ATTEMPTS, Reports, add_desk_message
from bot.storage.reports.desk_chats import DeskChats
from bot.storage.reports.drafts import ReportDrafts
from bot.storage.reports.outbox import RECEIVED, ReportOutbox
from bot.storage.reports.reporters import Reporters
from bot.storage.reports.views import (
    CardIdentifier,
    OutboxJob,
    Report,
    ReporterLink,
    StoredEvidence,
    fully_synced,
)

__all__ = [
    "CODE_ATTEMPTS",
    "RECEIVED",
    "CardIdentifier",
    "DeskChats",
    "OutboxJob",
    "Report",
    "ReportDrafts",
    "ReportOutbox",
    "ReporterLink",
    "Reporters",
    "Reports",
    "StoredEvidence",
    "add_desk_message",
    "fully_synced",
]
