"""Everything the bot needs besides Telegram, built once from the settings.

The command-line tools (`ask`, `eval`, `content`) and the Telegram layer share this, so
the terminal sees exactly the decisions users get.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.core import yamlfile
from bot.core.broadcasts.pacing import Pacing
from bot.core.cekdulu.checker import Checker
from bot.core.clock import Clock
from bot.core.content import Content, load_valid_content
from bot.core.desks.routing import DeskFileError, DeskMap, desks_path, load_desks
from bot.core.faq.danger import everyday_lines, load_harm_topics
from bot.core.faq.danger import load_training as load_danger_training
from bot.core.faq.ensemble import Ensemble
from bot.core.faq.followup import FollowUps, LanguageGuess
from bot.core.faq.learned import Learned
from bot.core.faq.match import Matcher
from bot.core.faq.modelcache import ModelCache
from bot.core.faq.normalise import Glossary, Normaliser
from bot.core.faq.smalltalk import SmallTalk
from bot.core.faq.training import TRAINING_WEIGHT, load_training
from bot.core.provinces import Provinces
from bot.core.reports.case_status import DeadlineRules
from bot.i18n import I18n
from bot.storage import Database
from bot.storage.audit import DeskAudit
from bot.storage.broadcasts import Broadcasts, Subscribers
from bot.storage.checks import AgencyRegister, CheckCounts, ReportedIdentifiers
from bot.storage.desks import DeskData
from bot.storage.reports import ReportDrafts, Reporters, ReportOutbox, Reports
from bot.storage.repositories import Feedback, Unanswered, Users
from bot.storage.sealed_rows import open_sealer, seal_plain_rows
from bot.storage.sealing import Sealer

log = logging.getLogger(__name__)


def build_matcher(content: Content) -> Matcher:
    glossary_path = content.directory / "glossary.yaml"
    glossary = Glossary.load(glossary_path) if glossary_path.exists() else Glossary()
    stemmers = {lang.code: lang.stemmer for lang in content.languages if lang.stemmer}
    return Matcher.from_content(content, Normaliser(glossary, stemmers=stemmers))


def written_examples(content: Content, smalltalk: SmallTalk) -> list[tuple[str, str]]:
    """Every phrasing and title of every entry in every language, and the small-talk
    examples: what editors wrote, each weighing 1 in training."""
    faq = [
        (text, entry.id)
        for entry in content.entries.values()
        for lang in content.language_codes
        for text in (*entry.questions[lang], entry.title[lang])
    ]
    return faq + smalltalk.examples()


def training_examples(
    content: Content, smalltalk: SmallTalk
) -> tuple[list[tuple[str, str]], list[float]]:
    """What the learned model is trained on, and each example's weight: the written
    examples and the real messages of content/faq_training.yaml, which weigh more
    (TRAINING_WEIGHT, bot/core/faq/training.py)."""
    written = written_examples(content, smalltalk)
    real = load_training(content.directory)
    return written + real, [1.0] * len(written) + [TRAINING_WEIGHT] * len(real)


def _stopwords(content: Content) -> dict[str, list[str]]:
    """Per-language stopwords of the glossary: words that say which language a text is in."""
    path = content.directory / "glossary.yaml"
    data = yamlfile.read(path) if path.exists() else None
    return (data or {}).get("stopwords") or {}


_BUILT: dict[str, Ensemble] = {}


def build_ensemble(
    content: Content, cached: bool = True, model_cache: Path | None = None
) -> Ensemble:
    """The matcher users meet: lexical + learned + small talk (docs/matching.md).

    Training the learned model takes about 3 s of CPU. Within one process the result is
    reused for identical content files (the test suite starts the bot many times); across
    restarts the fitted model is read from `model_cache` (a directory; None: always train),
    keyed by everything the fit depends on. The models are read-only."""
    key = content.digest if cached else ""
    if key and key in _BUILT:
        return _BUILT[key]
    ensemble = _train_ensemble(content, ModelCache(model_cache) if model_cache else None)
    if key:
        _BUILT.clear()  # keep one: content changes replace it
        _BUILT[key] = ensemble
    return ensemble


def train_learned(
    content: Content,
    smalltalk: SmallTalk,
    normaliser: Normaliser,
    written: list[tuple[str, str]],
    real: list[tuple[str, str]],
    cache: ModelCache | None = None,
) -> Learned:
    """The learned model as the bot trains it: `written` phrasings and small-talk examples
    (weight 1), `real` messages (TRAINING_WEIGHT), and the reading of harm, which learns
    what ordinary sounds like from those same real messages (danger.everyday_lines).

    The one recipe: the benchmarks and the calibration call it with their held-out subsets,
    so what they measure is the model users meet (a copy without the reading of harm once
    let them count small talk the bot withholds)."""
    return Learned(
        written + real,
        normaliser,
        weights=[1.0] * len(written) + [TRAINING_WEIGHT] * len(real),
        cache=cache,
        context=content.digest,
        danger=load_danger_training(content.directory),
        everyday=lambda: everyday_lines(
            real, smalltalk.in_distress, load_harm_topics(content.directory)
        ),
    )


def _train_ensemble(content: Content, cache: ModelCache | None) -> Ensemble:
    lexical = build_matcher(content)
    smalltalk = SmallTalk.load(content.directory)
    written = written_examples(content, smalltalk)
    real = load_training(content.directory)
    learned = train_learned(content, smalltalk, lexical.normaliser, written, real, cache)
    if cache:
        if learned.from_cache:
            how = "read from the model cache"
        else:
            how = "trained and cached" if learned.cached else "trained (not cached)"
        log.info("FAQ model %s (%d examples)", how, len(written) + len(real))
    ensemble = Ensemble(lexical, learned, smalltalk)
    ensemble.followups = FollowUps.load(content.directory)
    ensemble.language = LanguageGuess.from_content(content, _stopwords(content))
    return ensemble


def build_desks(settings: Settings) -> DeskMap:
    """The routing file (DESKS_FILE, else desks.yaml in the content directory), checked; a
    ConfigError naming DESKS_FILE lists what is wrong."""
    path = desks_path(Path(settings.content_dir), settings.desks_file)
    provinces = [p.id for p in Provinces.load(Path(settings.content_dir)).all]
    try:
        desks = load_desks(path, provinces, settings.desk_chat_id, settings.desk_name)
    except DeskFileError as exc:
        raise ConfigError("DESKS_FILE", "; ".join(exc.problems)) from None
    if desks.regional and settings.desk_chat_id is None:
        raise ConfigError(
            "DESK_CHAT_ID", f"{path} configures regional desks; set the central desk's chat"
        )
    return desks


def build_sealer(settings: Settings, db: Database, create: bool = True) -> Sealer:
    """The reporter key for this database (a SealError, exit 2, when it is missing or
    wrong), after sealing any plain rows an older version left."""
    sealer = open_sealer(
        settings.reporter_key,
        settings.reporter_key_file,
        settings.data_directory,
        db,
        create=create,
    )
    seal_plain_rows(db, sealer)
    return sealer


@dataclass
class Services:
    settings: Settings
    content: Content
    matcher: Ensemble
    i18n: I18n
    db: Database
    sealer: Sealer

    @classmethod
    def build(cls, settings: Settings, database: Database | None = None) -> Services:
        content = load_valid_content(Path(settings.content_dir))
        desks = build_desks(settings)  # a wrong routing file stops the bot before anything
        db = database or Database.open(settings.database_target)
        services = cls(
            settings=settings,
            content=content,
            matcher=build_ensemble(content, model_cache=settings.model_cache_directory),
            i18n=I18n(default=settings.default_language),
            db=db,
            sealer=build_sealer(settings, db),
        )
        services.__dict__["desks"] = desks
        return services

    @cached_property
    def desks(self) -> DeskMap:
        """The regional desks and the central one (bot/core/desks/routing.py)."""
        return build_desks(self.settings)

    @cached_property
    def users(self) -> Users:
        return Users(self.db, self.sealer)

    @cached_property
    def audit(self) -> DeskAudit:
        return DeskAudit(self.db, self.report_outbox.clock)

    @cached_property
    def feedback(self) -> Feedback:
        return Feedback(self.db)

    @cached_property
    def unanswered(self) -> Unanswered:
        return Unanswered(self.db)

    @cached_property
    def subscribers(self) -> Subscribers:
        return Subscribers(self.db)

    @cached_property
    def broadcasts(self) -> Broadcasts:
        return Broadcasts(self.db)

    @cached_property
    def provinces(self) -> Provinces:
        return Provinces.load(Path(self.settings.content_dir))

    @cached_property
    def pacing(self) -> Pacing:
        """Send pacing shared by replies and broadcasts (see bot/core/broadcasts/pacing.py)."""
        return Pacing(self.settings.broadcast_rate)

    # -- tip-off reports (the clock is replaceable so tests can move time) --------------------
    @cached_property
    def report_outbox(self) -> ReportOutbox:
        return ReportOutbox(self.db, Clock())

    @cached_property
    def reports(self) -> Reports:
        rules = DeadlineRules(
            urgent=timedelta(minutes=self.settings.urgent_ack_minutes),
            normal=timedelta(hours=self.settings.normal_ack_hours),
        )
        return Reports(self.db, self.report_outbox, rules, self.sealer, self.desks)

    @cached_property
    def reporters(self) -> Reporters:
        return Reporters(self.db, self.report_outbox, self.sealer, self.desks)

    @cached_property
    def report_drafts(self) -> ReportDrafts:
        return ReportDrafts(self.db, self.report_outbox.clock, self.sealer)

    # -- Cek Dulu: the checker, the agency register, check counts ------------------------------
    @cached_property
    def checker(self) -> Checker:
        """Red flags and destinations from the content directory; tip-off counts from the
        database. A broken rules file stops the bot at start-up (see
        handlers/cekdulu/conversation.py)."""
        checker = Checker.load(Path(self.settings.content_dir), self.content.language_codes)
        checker.count_reports = self.reported_identifiers.counts
        return checker

    @cached_property
    def desk_data(self) -> DeskData:
        """Statistics, the weekly digest and case exports for the desk."""
        return DeskData(self.db, self.report_outbox.clock, self.sealer)

    @cached_property
    def agency_register(self) -> AgencyRegister:
        return AgencyRegister(self.db, self.report_outbox.clock)

    @cached_property
    def reported_identifiers(self) -> ReportedIdentifiers:
        return ReportedIdentifiers(self.db)

    @cached_property
    def check_counts(self) -> CheckCounts:
        window = timedelta(minutes=self.settings.check_alert_window_minutes)
        return CheckCounts(self.db, self.report_outbox.clock, window, self.sealer)
