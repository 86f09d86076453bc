"""One resolver for typed choices (bot/core/choices.py), and the conversations that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.choices import (
    NO,
    YES,
    YES_NO,
    country_resolver,
    language_resolver,
    normalise,
    province_resolver,
)
from bot.core.provinces import Provinces
from tests.conftest import Bot

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = province_resolver(Provinces.load(ROOT / "content"))


@pytest.mark.parametrize(
    ("typed", "province"),
    [
        ("ntb", "nusa-tenggara-barat"),
        ("NTT", "nusa-tenggara-timur"),
        ("jatim", "jawa-timur"),
        ("Jabar", "jawa-barat"),
        ("diy", "di-yogyakarta"),
        ("jogja", "di-yogyakarta"),
        ("Provinsi Bali", "bali"),
        ("saya dari Jawa Tengah", "jawa-tengah"),
        ("jawa timr", "jawa-timur"),  # a typo
        ("sulawesi selatn", "sulawesi-selatan"),
        ("Irian Jaya", "papua"),  # an old name
        ("DKI", "dki-jakarta"),
        ("Kepulauan Bangka Belitung.", "kepulauan-bangka-belitung"),
    ],
)
def test_provinces_by_name_abbreviation_old_name_or_typo(typed: str, province: str) -> None:
    assert PROVINCES.resolve(typed).found == province


def test_unsure_province_offers_did_you_mean() -> None:
    jawa = PROVINCES.resolve("jawa")
    assert jawa.found is None and jawa.unsure
    assert set(jawa.maybe) == {"jawa-barat", "jawa-tengah", "jawa-timur"}
    assert "jawa-timur" in PROVINCES.resolve("jatin").maybe  # a typo in a short word: ask


@pytest.mark.parametrize("typed", ["", "bandung", "gaji di taiwan berapa", "xy", "🙏"])
def test_no_province_is_no_guess(typed: str) -> None:
    resolution = PROVINCES.resolve(typed)
    assert resolution.found is None and not resolution.maybe


def test_countries_by_name_in_either_language() -> None:
    countries = country_resolver(
        [("kh", {"id": "Kamboja", "en": "Cambodia"}), ("tw", {"id": "Taiwan", "en": "Taiwan"})]
    )
    assert countries.resolve("kamboja").found == "kh"
    assert countries.resolve("Cambodia").found == "kh"
    assert countries.resolve("kambodia").found == "kh"  # a typo
    assert countries.resolve("ke Taiwan").found == "tw"
    assert countries.resolve("Jepang").found is None


def test_languages_and_yes_no() -> None:
    languages = language_resolver([("id", "Bahasa Indonesia"), ("en", "English")])
    assert languages.resolve("inggris").found == "en"
    assert languages.resolve("Bahasa Indonesia").found == "id"
    assert languages.resolve("englsh").found == "en"
    for typed in ("ya", "Iya!", "ok", "yes"):
        assert YES_NO.resolve(typed).found == YES
    for typed in ("tidak", "gak", "no", "nggak"):
        assert YES_NO.resolve(typed).found == NO
    assert YES_NO.resolve("mungkin").found is None


def test_normalise_drops_the_words_around_an_answer() -> None:
    assert normalise("  Saya tinggal di  Provinsi Jawa-Timur! ") == "jawa timur"


async def test_subscription_province_typed_as_an_abbreviation(bot: Bot) -> None:
    """In /langganan, "ntb" is Nusa Tenggara Barat (it used to fall through to the FAQ)."""
    api, user = bot.api, 7101
    api.private_chat(user, language_code="id")
    await api.send_text(user, "/langganan")
    assert "provinsi mana" in (await api.next_message(user))["text"]
    await api.send_text(user, "ntb")
    assert "Nusa Tenggara Barat" in (await api.next_message(user))["text"]
    assert bot.services.subscribers.get(user).province == "nusa-tenggara-barat"


async def test_subscription_province_did_you_mean_then_a_question(bot: Bot) -> None:
    api, user = bot.api, 7102
    api.private_chat(user, language_code="en")
    await api.send_text(user, "/subscribe")
    await api.next_message(user)
    await api.send_text(user, "jawa")
    unsure = await api.next_message(user)
    assert unsure["text"] == "Did you mean:"
    assert ("Jawa Timur", "sub:prov:jawa-timur") in bot.buttons(unsure)
    await api.press(user, unsure["message_id"], "sub:prov:jawa-timur")
    assert "Jawa Timur" in (await api.next_message(user))["text"]
    assert bot.services.subscribers.get(user).province == "jawa-timur"
    # The question is answered: typed text is a question for the FAQ again.
    await api.send_text(user, "how can I check that an agency is licensed?")
    answer = await api.next_message(user)
    assert bot.services.content.entries["verify-agency"].title["en"] in answer["text"]


async def test_subscription_question_instead_of_a_province_goes_to_the_faq(bot: Bot) -> None:
    api, user = bot.api, 7103
    api.private_chat(user, language_code="en")
    await api.send_text(user, "/subscribe")
    await api.next_message(user)
    await api.send_text(user, "how can I check that an agency is licensed?")
    answer = await api.next_message(user)
    assert bot.services.content.entries["verify-agency"].title["en"] in answer["text"]
    assert bot.services.subscribers.get(user).province is None


async def test_report_province_did_you_mean(bot: Bot) -> None:
    api, user = bot.api, 7104
    api.private_chat(user, language_code="en")
    await api.send_text(user, "/report")
    form = await api.next_message(user)
    await api.press(user, form["message_id"], "rp:cat:recruiter")
    await api.send_text(user, "kalimantan")
    while (unsure := await api.next_message(user)).get("text") != "Did you mean:":
        pass
    assert any(data.startswith("rp:pv:kalimantan-") for _, data in bot.buttons(unsure))
