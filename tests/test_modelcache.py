"""The fitted FAQ model kept on disk between starts (bot/core/faq/modelcache.py).

A restart with unchanged content reads the model instead of training it; anything the fit
depends on changing gives a fresh fit; a broken cache costs a fit and a warning, never the
start, and never a different answer."""

from __future__ import annotations

import logging
import pickle
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from bot.core.faq import learned as learned_module
from bot.core.faq.learned import CharWbGrams, Learned
from bot.core.faq.learned import Settings as ModelSettings
from bot.core.faq.modelcache import ModelCache, model_key
from bot.core.faq.normalise import Glossary, Normaliser

ROOT = Path(__file__).resolve().parents[1]

EXAMPLES = [
    ("berapa biaya penempatan ke taiwan", "costs"),
    ("biaya resmi kerja ke luar negeri", "costs"),
    ("gaji dipotong agen tiap bulan", "salary_deductions"),
    ("potongan gaji buat bayar utang", "salary_deductions"),
    ("cara kirim uang ke keluarga", "remittance"),
    ("transfer gaji ke rumah", "remittance"),
]
QUESTIONS = ["biaya ke taiwan brp", "gajiku dipotong terus", "kirim duit ke kampung"]


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser(Glossary())


DANGER = [(f"aku disekap majikan {n}", True) for n in range(6)] + [
    (f"biaya ke taiwan {n}", False) for n in range(6)
]


def fit(
    normaliser: Normaliser, cache: ModelCache | None, examples=EXAMPLES, context="c1", danger=()
):
    return Learned(examples, normaliser, cache=cache, context=context, danger=danger)


def forbid_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("trained although the cache holds this model")

    monkeypatch.setattr(learned_module.Learned, "_fit", refuse)


def test_second_start_reads_the_model_and_answers_the_same(normaliser, tmp_path, monkeypatch):
    cache = ModelCache(tmp_path)
    first = fit(normaliser, cache)
    assert not first.from_cache
    forbid_training(monkeypatch)
    second = fit(normaliser, cache)
    assert second.from_cache
    assert second.labels == first.labels
    np.testing.assert_array_equal(second.probabilities(QUESTIONS), first.probabilities(QUESTIONS))
    for question in QUESTIONS:  # the fast path is rebuilt from the stored model too
        assert second.scores(question) == first.scores(question)


@pytest.mark.parametrize(
    "change",
    [
        {"examples": [*EXAMPLES, ("ongkos ke hongkong", "costs")]},
        {
            "examples": [
                (text, "remittance" if i == 0 else label)
                for i, (text, label) in enumerate(EXAMPLES)
            ]
        },
        {"context": "c2"},  # the content files changed (glossary, small talk, ...)
        {"danger": DANGER},  # the lines of the reading of harm (bot/core/faq/danger.py)
    ],
)
def test_anything_the_fit_depends_on_changing_trains_again(normaliser, tmp_path, change):
    cache = ModelCache(tmp_path)
    fit(normaliser, cache)
    old = list(tmp_path.glob("faq-model-*"))
    changed = fit(normaliser, cache, **change)
    assert not changed.from_cache
    new = list(tmp_path.glob("faq-model-*"))
    assert len(old) == len(new) == 1 and old != new  # the stale model is removed


def test_the_key_covers_weights_and_model_settings():
    base = model_key(EXAMPLES, None, ModelSettings(), "c")
    assert model_key(EXAMPLES, None, ModelSettings(), "c") == base
    assert model_key(EXAMPLES, [1.0] * 5 + [2.0], ModelSettings(), "c") != base
    assert model_key(EXAMPLES, None, ModelSettings(alpha=1e-3), "c") != base


def test_a_corrupt_file_costs_a_fit_and_a_warning(normaliser, tmp_path, caplog):
    cache = ModelCache(tmp_path)
    first = fit(normaliser, cache)
    [stored] = tmp_path.glob("faq-model-*")
    stored.write_bytes(b"not a pickle at all")
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.modelcache"):
        again = fit(normaliser, cache)
    assert not again.from_cache
    assert "damaged" in caplog.text
    np.testing.assert_array_equal(again.probabilities(QUESTIONS), first.probabilities(QUESTIONS))
    assert fit(normaliser, cache).from_cache  # and the good model was written back


def test_a_foreign_object_in_the_file_is_not_used(normaliser, tmp_path):
    cache = ModelCache(tmp_path)
    key = model_key(EXAMPLES, None, ModelSettings(), "c1")
    cache.path(key).write_bytes(pickle.dumps({"something": "else"}))
    assert not fit(normaliser, cache).from_cache


def test_an_unwritable_cache_still_starts(normaliser, tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the directory should be")
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.modelcache"):
        model = fit(normaliser, ModelCache(blocker / "cache"))
    assert model.labels == ["costs", "remittance", "salary_deductions"]
    assert "not written" in caplog.text


def test_no_temporary_files_are_left(normaliser, tmp_path):
    fit(normaliser, ModelCache(tmp_path))
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("faq-model-")] == []


def test_the_character_grams_survive_a_round_trip():
    grams = CharWbGrams((1, 3))
    expected = grams("kerja resmi")
    copy = pickle.loads(pickle.dumps(grams))
    assert copy.ngram_range == (1, 3)
    assert copy._words == {}  # the memo is not stored; it fills again as words come
    assert copy("kerja resmi") == expected


def test_settings_choose_the_cache_directory():
    assert Settings().model_cache_directory == Path("data/cache")
    sqlite = Settings.from_env({"DATABASE_URL": "sqlite:////srv/bot/db.sqlite3"})
    assert sqlite.model_cache_directory == Path("/srv/bot/cache")
    assert Settings.from_env({"MODEL_CACHE_DIR": "/var/cache/bot"}).model_cache_directory == (
        Path("/var/cache/bot")
    )
    assert Settings.from_env({"MODEL_CACHE_DIR": "off"}).model_cache_directory is None
    postgres = Settings.from_env({"DATABASE_URL": "postgresql://u@db/bot"})
    assert postgres.model_cache_directory == Path("data/cache")


def test_the_shipped_ensemble_is_read_back_identically(tmp_path, monkeypatch):
    from bot.services import build_ensemble, load_valid_content

    content = load_valid_content(ROOT / "content")
    trained = build_ensemble(content, cached=False, model_cache=tmp_path)
    forbid_training(monkeypatch)
    read = build_ensemble(content, cached=False, model_cache=tmp_path)
    assert read.learned.from_cache
    for question in ["gmn cara krja ke taiwan yg resmi", "agen minta 30jt wajar gk", "halo min"]:
        assert read.decide(question) == trained.decide(question)


def test_a_cache_others_may_write_to_is_not_read(normaliser, tmp_path, caplog):
    """A pickle runs code when read: a model file or directory that other users may write is
    ignored (a fit and a warning), and a directory the cache creates is private."""
    directory = tmp_path / "cache"
    cache = ModelCache(directory)
    fit(normaliser, cache)
    assert directory.stat().st_mode & 0o777 == 0o700
    [stored] = directory.glob("faq-model-*")
    assert stored.stat().st_mode & 0o077 == 0
    stored.chmod(0o666)
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.modelcache"):
        assert not fit(normaliser, cache).from_cache
    assert "writable by other users" in caplog.text
    caplog.clear()
    directory.chmod(0o777)
    fresh = sorted(directory.glob("faq-model-*"))[0]
    fresh.chmod(0o600)
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.modelcache"):
        assert not fit(normaliser, cache).from_cache
    assert "cache is writable by other users" in caplog.text
    directory.chmod(0o700)
    assert fit(normaliser, cache).from_cache


def test_the_key_covers_the_code_and_data_that_make_the_features(monkeypatch, tmp_path):
    """Editing the feature code or the informal-word dictionary (bot/data/indocollex) must
    give a new key, or a restart would read a model whose features no longer match."""
    from bot.core.faq import modelcache

    package = tmp_path / "bot"
    for name in modelcache._SOURCES:
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("original", encoding="utf-8")
    monkeypatch.setattr(modelcache, "__file__", str(package / "core/faq/modelcache.py"))
    base = model_key(EXAMPLES, None, ModelSettings(), "c")
    for name in modelcache._SOURCES:
        (package / name).write_text("edited", encoding="utf-8")
        assert model_key(EXAMPLES, None, ModelSettings(), "c") != base, name
        (package / name).write_text("original", encoding="utf-8")
    assert model_key(EXAMPLES, None, ModelSettings(), "c") == base
    assert any(name.endswith(".tsv") for name in modelcache._SOURCES)


def test_damage_inside_the_model_is_found_before_unpickling(normaliser, tmp_path, caplog):
    """Bytes lost in the middle of the file (a crash during write-back) still unpickle into
    a model that answers differently: the checksum finds them first."""
    cache = ModelCache(tmp_path)
    fit(normaliser, cache)
    [stored] = tmp_path.glob("faq-model-*")
    data = bytearray(stored.read_bytes())
    middle = len(data) * 3 // 4
    data[middle : middle + 64] = bytes(64)
    stored.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="bot.core.faq.modelcache"):
        assert not fit(normaliser, cache).from_cache
    assert "damaged" in caplog.text


def test_a_fifo_in_place_of_the_model_does_not_hang_the_start(normaliser, tmp_path):
    import os

    key = model_key(EXAMPLES, None, ModelSettings(), "c1" + normaliser.fingerprint)
    os.mkfifo(ModelCache(tmp_path).path(key), 0o600)
    assert not fit(normaliser, ModelCache(tmp_path)).from_cache  # returns: no blocking read


def test_what_cannot_be_removed_does_not_stop_the_start(normaliser, tmp_path, caplog):
    """Old models are removed after a save; one that cannot be (here a directory with a
    model's name) is logged and left, and temporary files of a killed start are removed."""
    import os

    (tmp_path / "faq-model-old.pickle").mkdir()
    leftover = tmp_path / ".tmp-killed.pickle"
    leftover.write_bytes(b"half a model")
    os.utime(leftover, (0, 0))
    fresh_temporary = tmp_path / ".tmp-writing.pickle"  # another instance writing right now
    fresh_temporary.write_bytes(b"being written")
    model = fit(normaliser, ModelCache(tmp_path))
    assert model.cached and not model.from_cache
    assert (tmp_path / "faq-model-old.pickle").is_dir()
    assert not leftover.exists() and fresh_temporary.exists()


def test_the_log_says_when_nothing_was_cached(tmp_path, caplog):
    from bot.services import build_ensemble, load_valid_content

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    content = load_valid_content(ROOT / "content")
    with caplog.at_level(logging.INFO, logger="bot.services"):
        build_ensemble(content, cached=False, model_cache=blocker / "cache")
    assert "trained (not cached)" in caplog.text


def test_a_different_glossary_in_the_normaliser_is_a_different_key():
    """The normaliser's words are read after the content digest; its fingerprint is in the
    key, so a model fitted with other glossary words is never read for these."""
    one = Normaliser(Glossary())
    other = Normaliser(Glossary(informal={"sy": "saya"}))
    assert one.fingerprint != other.fingerprint
    assert one.fingerprint == Normaliser(Glossary()).fingerprint


def test_the_reading_of_harm_is_read_back_identically(normaliser, tmp_path, monkeypatch):
    cache = ModelCache(tmp_path)
    first = fit(normaliser, cache, danger=DANGER)
    forbid_training(monkeypatch)
    second = fit(normaliser, cache, danger=DANGER)
    assert second.from_cache and second.danger_reading is not None
    assert second.danger_reading.threshold == first.danger_reading.threshold
    for question in ("aku disekap", "biaya ke taiwan brp"):
        assert second.read(question) == first.read(question)
