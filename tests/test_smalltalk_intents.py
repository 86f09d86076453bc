"""Small talk as people type it: every intent, with slang, typos, regional greetings and
English, must be small talk of the right intent (never an FAQ answer, never the fallback).

The lines below were written for this test from general knowledge of how people open, thank
and close a chat in Indonesian and English; none comes from tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content import load_valid_content
from bot.core.faq.match import Kind

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "greeting": [
        *("p", "pp", "min", "kak", "tes", "test", "testing", "tes tes 123", "ping"),
        *("assalamualaikum wr wb", "Assalamu'alaikum warahmatullahi wabarakatuh", "aslm min"),
        *("asw kak", "assalamualaikum kak mau tanya", "halo min", "haloo kakk", "hallo admin"),
        *("hai", "hay kak", "hy min", "hii", "selamat pagi", "met pagi min", "pagi kak"),
        *("malam min", "slmt siang", "permisi", "misi kak", "punten", "sampurasun", "hello"),
        *("hi there", "good morning", "hey", "om swastiastu", "salam kenal min", "halo bot"),
        *("halo, ada orang?", "min mau tanya", "kak numpang tanya"),
        "kulonuwun kak",  # Javanese knocking
    ],
    "thanks": [
        *("makasih", "makasih ya min", "makasi kak", "mksh", "makasiii", "trims"),
        *("trimakasih", "terima kasih banyak", "terimakasih infonya kak", "tq", "thx"),
        *("thanks", "thank you so much", "thank u", "tengkyu", "matur nuwun"),
        *("matursuwun mas", "hatur nuhun", "nuhun kang", "syukron", "siap kak, paham"),
        *("oke makasih infonya sangat membantu", "ok sip", "mantap min"),
        *("ok lanjut", "sip lanjut kak"),  # "go on": no goodbye (session 17's probe)
    ],
    "goodbye": [
        *("bye", "dadah", "pamit dulu ya min", "wassalamualaikum", "udah dulu ya", "see you"),
        *("wss kak", "oke dadah", "ok bye min"),  # "ok" opens the goodbye: half a thanks vote
    ],
    "identity": [
        *("bot ya?", "ini bot?", "ini robot ya", "kamu siapa", "ini siapa", "ini resmi ga"),
        *("kamu manusia apa bot", "akun ini resmi dari pemerintah?", "are you a bot?"),
        *("who are you", "is this official?", "lu siapa sih", "lo bot ya"),
    ],
    "human": [
        *("mau ngobrol sama orang", "bisa bicara dengan petugas?", "minta nomor admin"),
        *("sambungin ke cs dong", "aku mau chat sama manusia aja", "can i talk to a human"),
        "i want to speak to a real person",
    ],
    "insult": [
        *("bot goblok", "ga guna", "bodo amat bot ga jelas", "stupid bot"),
        *("kalian ga becus kerja", "percuma nanya ke bot"),
    ],
    "spam": [
        "daftar slot gacor bonus 100%",
        "pinjaman online cair 5 menit tanpa jaminan wa 0812xxxx",
        "join grup investasi crypto profit tiap hari",
        "click here to claim your prize",
        # keyboard mashing, by rule (smalltalk.is_keyboard_mash)
        *("asdfghjkl", "qwertyuiop", "jkjkjk", "sdfsdf asdasd", "ZXCVBNM"),
        # a link and nothing else, by rule (SmallTalk.by_link)
        *("https://chat.whatsapp.com/AbCdEf123", "www.bonus-gacor88.com", "https://bit.ly/kerja"),
        # a chat app's placeholder for a sticker or a picture (SmallTalk.by_placeholder)
        *("<Media tidak disertakan>", "[sticker]", "[ pesan suara ]"),
    ],
    # laughter, by rule (smalltalk.is_laughter), in any length and with held keys
    "laugh": [
        *("wkwk", "wkwkwk", "WKWKWKWK", "wkwkwkk", "kwkwkw", "awkwkwk", "hahaha", "hahahaa"),
        *("ahahaha", "hehehe", "hihihi", "xixixi", "awokawokawok", "awokwokwok", "lol"),
        *("lmao", "ngakak", "wkwk ngakak min", "haha", "hehe"),
    ],
}


@pytest.fixture(scope="module")
def ensemble():
    from bot.services import build_ensemble

    return build_ensemble(load_valid_content(ROOT / "content"))


@pytest.mark.parametrize(
    ("intent", "text"), [(intent, text) for intent, texts in CASES.items() for text in texts]
)
def test_small_talk_intent(ensemble, intent: str, text: str) -> None:
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, intent)
    assert decision.entry_id is None


@pytest.mark.parametrize(
    "text",
    [
        "cek dulu",  # the offer checker's name, not a greeting
        "paspor saya ditahan majikan",
        "terima kasih sudah membantu, tapi gaji saya dipotong agen tiap bulan",
        "halo kak, berapa biaya kerja ke taiwan?",
        "power bank",  # keys side by side in real words are no mashing
        "wkwk gaji saya dipotong agen",  # a laugh before a question
        "mau cek dulu",  # asking for the checker; "dulu" alone does not make a goodbye
        "cek https://bit.ly/loker-taiwan asli gak",  # a link with a question is no bare link
        "5.000.000/bulan",  # an amount per month, not a host and a path
        # session 17's probe: each of these got small talk from that session's first rules
        "[gaji brp]",  # words in brackets are read unless they name a sticker or a picture
        "syarat.ke/jepang",  # no scheme, no "www.": words typed without spaces
        "https://maps.app.goo.gl/AbC123xyz",  # a shared location, maybe from someone stranded
        "min ini asli gk? https://bit.ly/lokertaiwan",  # a link: no learned small talk but spam
        "tolong cek link ini https://loker-jepang.net/daftar",  # checking is no spam
        "disuruh follow akun tiktok dibayar 15rb, aman gk?",
        "LPK ini resmi gk? namanya LPK Maju Jaya",  # asking about a recruiter, not the bot
        "kok ada yg chat sy nawarin kerja ke jepang, ini siapa ya",
        "makasih kak, klo biaya ke jepang brp ya",  # a question after thanks keeps its buttons
        "halo min, asuransi gmn",
    ],
)
def test_questions_around_small_talk_words_are_not_small_talk(ensemble, text: str) -> None:
    assert ensemble.decide(text).kind is not Kind.SMALLTALK


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("🙏", "thanks"),
        ("🙏🏻🙏🏻", "thanks"),  # skin tones are the same emoji
        ("👍", "thanks"),
        ("❤️", "thanks"),  # with the variation selector phones add
        ("😊 🙏", "thanks"),
        ("👋", "greeting"),
        ("🙋🏽‍♀️", "greeting"),  # a joined sequence: person, skin tone, female sign
        ("👋🙏", "greeting"),  # a tie goes to the first intent, as with words
        ("🤣🤣🤣🤣", "laugh"),
        ("😂", "laugh"),
        # punctuation alone calls for attention as "p" does
        (".", "greeting"),
        ("....", "greeting"),
        ("??", "greeting"),
    ],
)
def test_emoji_alone_that_mean_an_intent_are_small_talk(ensemble, text: str, intent: str) -> None:
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, intent)


@pytest.mark.parametrize("text", ["😭😭", "🙏😭", "🔥🔥", "🇹🇼", "😂😭", ".🔥"])
def test_emoji_that_say_nothing_certain_stay_blank(ensemble, text: str) -> None:
    """A crying face may be distress, a flag a question: the bot asks for words instead."""
    assert ensemble.decide(text).kind is Kind.BLANK


def test_content_check_refuses_words_in_an_intents_emoji(tmp_path: Path) -> None:
    from bot.core.faq.smalltalk import check_smalltalk

    source = (ROOT / "content" / "smalltalk.yaml").read_text(encoding="utf-8")
    (tmp_path / "smalltalk.yaml").write_text(
        source.replace("emoji: [👋,", "emoji: [halo, 👋,", 1), encoding="utf-8"
    )
    problems = check_smalltalk(tmp_path, ["id", "en"], set())
    assert [p.entry for p in problems if p.field == "emoji"] == ["greeting"]
    shipped = check_smalltalk(ROOT / "content", ["id", "en"], set())
    assert [p for p in shipped if p.field == "emoji"] == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("makasihh kakk", "thanks"),  # doubled letters: a key held a moment too long
        ("haloo minn", "greeting"),
        ("operatorr bales dong", "human"),
        ("petugass tolong respon", "human"),
        ("tolong", "human"),  # a bare call for help gets the numbers and the police line
        ("bales dong min", "human"),
        ("cs nya mana", None),  # "mana" is no intent word: the learned model decides
        ("tolong paspor saya ditahan", None),
        ("balas dendam ke agen", None),
        # words the blind small-talk set's dev half showed missing (session 15)
        ("tabe kaka", "greeting"),
        ("mauliate", "thanks"),
        ("off dulu ya min", "goodbye"),
        ("ntar lagi ya", "goodbye"),
        ("panggilin admin nya dong", "human"),
        ("japri dong min", "human"),
        ("bengap", "insult"),
        ("useless", "insult"),
    ],
)
def test_small_talk_words_by_rule(text: str, intent: str | None) -> None:
    """The rule takes a word with doubled letters for the known word it is once they are
    single, and people asking for a reply (operator, petugas, bales, tolong) for `human`."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_words(text) == intent


@pytest.mark.parametrize(
    ("text", "mashed"),
    [
        *(("asdfghjkl", True), ("qwerty", True), ("dfgdfg", True), ("hjklhjkl", True)),
        *(("asdf", False), ("hahaha", False), ("wkwkwk", False), ("hehehe", False)),
        *(("massa", False), ("power", False), ("newer", False), ("trees", False)),
        *(("asdfghjkl kerja", False), ("asdf asdf asdf asdf", False), ("", False)),
        # one key held down; k and w repeated are laughter ("kkkkk" is "oke" in the slang)
        *(("jjjjjjjjjjjj", True), ("HHHHHHHH", True), ("aaaaa", False), ("kkkkkkkk", False)),
        *(("wwwwwwww", False), ("aaaaaaaa tolong", False)),
        # fingers resting on the middle row, typed at random
        *(("hjdkslah", True), ("dksjfhgl", True), ("shdjdhsks", True), ("jdjdjdhsh", True)),
        *(("adalah", False), ("adakah", False), ("ajalah", False), ("hajjah", False)),
        *(("kafala", False), ("salah", False), ("sahabat", False), ("hahahaa", False)),
        # chat spellings an adversarial probe found taken for mashing (session 15)
        *(("sdhlah", False), ("sdhlahh", False), ("sdhkah", False), ("kshlah", False)),
        *(("gassss", False), ("glasss", False), ("sasak", False), ("asasi", False)),
        *(("popok", False), ("yuyun", False), ("property", False), ("liberty", False)),
        # a thumb sliding over touching keys across rows (session 19); shorter walks are words
        *(("gbhjnkml", True), ("mnbvcxz", True), ("desert", False), ("dewasa", False)),
        # longer walks full of vowels are words or their typos (a probe of the walk rule)
        *(("sedewasa", False), ("resewed", False), ("sdewasa", False), ("deserty", False)),
    ],
)
def test_keyboard_mash(text: str, mashed: bool) -> None:
    """Four keys of one keyboard row, a chunk of neighbouring keys over and over, or one key
    held down; every word of a message of at most three. Laughter ("wkwk", "hehe", "kkkkk")
    and words are not."""
    from bot.core.faq.smalltalk import is_keyboard_mash

    assert is_keyboard_mash(text) is mashed


def test_no_word_of_the_content_looks_like_laughter() -> None:
    """Laughter is recognised by its shape; no word the content uses for its topics (or its
    Cek Dulu reasons, wages, offices) may have that shape, or a one-word question would be
    taken for a laugh. (The files of real messages hold real laughter: left out.)"""
    import re

    from bot.core.faq.smalltalk import is_laughter

    words: set[str] = set()
    for path in (ROOT / "content").rglob("*.yaml"):
        real_messages = {"cekdulu_training.yaml", "faq_training.yaml", "distress_training.yaml"}
        if path.name not in {"smalltalk.yaml", *real_messages}:
            words |= set(re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8").casefold()))
    assert len(words) > 5000
    assert sorted(w for w in words if is_laughter(w)) == []
    assert is_laughter("wkwkwkwk") and not is_laughter("wkw") and not is_laughter("hai")


@pytest.mark.parametrize(
    "text",
    [
        # laughter before a cry for help or a question must never hide it (adversarial probe)
        *("hahaha aku disekap", "wkwk aku dijual", "haha dipukul", "haha mati aja"),
        *("hahaha aku ditipu agen", "hahaha gaji ga dibayar", "hahaha bantu aku"),
        *("haha I was scammed", "lol I'm trapped", "haha help", "hahaha tki ilegal"),
        *("haha korea", "wkwk ssw", "haha scam", "wkwkwk agen penipu", "haha berapa gajinya"),
        *("hahaha 😭", "😭😭 hahaha", "kocak lu", "ga lucu"),
        # second probe: a sad face or emoji with the laughter, "not funny", a deputy head
        *("haha :(", "wkwk :((", "wkwkwk😭", "wkwk🥲", "gak lucu", "nggak lucu min", "pak waka"),
    ],
)
def test_laughter_beside_other_words_is_not_a_laugh(ensemble, text: str) -> None:
    assert ensemble.decide(text).intent != "laugh"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("tolong hahaha wkwkwk", "human"),  # the call for help wins over any laughter
        ("haha bye", "goodbye"),
        ("makasih wkwk", "thanks"),
        ("wkwk ngakak", "laugh"),
        *(("wkakakak", "laugh"), ("wakakaka", "laugh"), ("ehehe", "laugh"), ("hohoho", "laugh")),
        *(("huahaha", "laugh"), ("bwahaha", "laugh"), ("kekeke", "laugh"), ("awikwok", "laugh")),
        ("huhuhu", None),  # crying, not laughter
        ("wkwk " * 12, "laugh"),  # laughter of any length, in words too
        *(("aowkaowkaowk", "laugh"), ("buahahaha", "laugh"), ("heuheu", "laugh")),
        ("kakak", "greeting"),  # an address word calling for attention, not laughter
    ],
)
def test_laughter_by_rule(text: str, intent: str | None) -> None:
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_words(text) == intent


@pytest.mark.parametrize("text", [":(", ":'(", "-_-", ":/", ";_;", "/"])
def test_sad_emoticons_are_not_greeted(ensemble, text: str) -> None:
    """Only dots, question and exclamation marks call for attention; a sad face is no
    occasion for "Halo, salam kenal! 👋"."""
    assert ensemble.decide(text).intent != "greeting"


def test_laughter_is_never_learned() -> None:
    """The learned model must not learn laughter: beside a question it would outweigh the
    question's words. Laughter is recognised by rule only."""
    from bot.core.faq.smalltalk import SmallTalk

    labels = {label for _, label in SmallTalk.load(ROOT / "content").examples()}
    assert "smalltalk:laugh" not in labels and "smalltalk:greeting" in labels


@pytest.mark.parametrize(
    ("with_laughter", "without"),
    [
        ("wkwk aku ditipu agen", "aku ditipu agen"),
        ("hahaha aku disekap", "aku disekap"),
        ("haha help pls", "help pls"),
        ("gaji ga dibayar wkwkwk", "gaji ga dibayar"),
        ("WKWKWK TOLONG AKU", "TOLONG AKU"),
        # second probe: laughter glued to the words, doubled letters
        ("wkwk..aku disekap di kamboja", "..aku disekap di kamboja"),
        ("wkwkwk:aku mau pulang", ":aku mau pulang"),
        ("ngakakk aku ditipu agen", "aku ditipu agen"),
        ("aowkaowk aku ditipu agen", "aku ditipu agen"),
    ],
)
def test_laughter_says_nothing_about_the_topic(ensemble, with_laughter: str, without: str) -> None:
    """The models read a message without its laughter: a "wkwk" seen in a spam line must not
    make a cry for help look like spam (adversarial probe, session 13)."""
    a, b = ensemble.decide(with_laughter), ensemble.decide(without)
    assert (a.kind, a.intent, a.entry_id) == (b.kind, b.intent, b.entry_id)
    assert a.intent != "spam"


@pytest.mark.parametrize(
    "text",
    [
        "ini bukan lelucon aku disekap",  # "this is no joke": was the identity reply
        "ini serius bukan bercanda aku disekap majikan",
        "kamu robot ya? aku disekap",
        "halo min aku disekap",  # was a greeting
        "makasih min tapi aku dipukul majikan",  # was thanks
        "hi, I am trapped and my boss hit me",
    ],
)
def test_words_of_harm_are_never_small_talk(ensemble, text: str) -> None:
    """A greeting, thanks or "is this a bot" around words of harm must not take the reply:
    small talk's replies carry no hotline (found by the second laughter probe)."""
    assert ensemble.decide(text).kind is not Kind.SMALLTALK


@pytest.mark.parametrize(
    "text", ["assalamualaikum tolong", "p p p tolong", "halo kak tolong", "makasih tolongin"]
)
def test_a_call_for_help_beside_a_greeting_is_human(text: str) -> None:
    """ "assalamualaikum tolong" was a greeting (the greeting's words outnumbered "tolong"),
    whose reply has no hotline; a word of the human intent now decides (safety probe,
    session 14)."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_rule(text) == "human"


def test_no_word_of_the_content_looks_like_keyboard_mashing() -> None:
    """A one-word question made of a word the content uses must never be taken for spam.
    (The files of real messages hold real mashing: left out.)"""
    import re

    from bot.core.faq.smalltalk import is_keyboard_mash

    real_messages = {"cekdulu_training.yaml", "faq_training.yaml", "distress_training.yaml"}
    words: set[str] = set()
    for path in (ROOT / "content").rglob("*.yaml"):
        if path.name not in {"smalltalk.yaml", *real_messages}:
            words |= set(re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8").casefold()))
    assert len(words) > 5000
    assert sorted(w for w in words if is_keyboard_mash(w)) == []


def test_content_check_refuses_a_word_yaml_reads_as_true_or_false(tmp_path: Path) -> None:
    """A bare `off` in a YAML list is the boolean false: the goodbye word "off" was lost
    that way until it was quoted."""
    from bot.core.faq.smalltalk import check_smalltalk

    source = (ROOT / "content" / "smalltalk.yaml").read_text(encoding="utf-8")
    assert "'off'" in source
    (tmp_path / "smalltalk.yaml").write_text(
        source.replace("'off'", "off", 1)
        .replace("fillers: [", "fillers: [yes, ", 1)
        .replace("questions: [", "questions: [no, ", 1),
        encoding="utf-8",
    )
    problems = check_smalltalk(tmp_path, ["id", "en"], set())
    flagged = {(p.entry, p.field) for p in problems if "true/false" in p.message}
    assert flagged == {("goodbye", "words"), (None, "fillers"), (None, "questions")}
    shipped = check_smalltalk(ROOT / "content", ["id", "en"], set())
    assert [p for p in shipped if "true/false" in p.message] == []


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("ok makasih, terus gaji taiwan berapa", "wages-by-country"),
        ("good morning i need help", "help-abroad"),
    ],
)
def test_a_question_after_small_talk_is_answered(ensemble, text: str, entry: str) -> None:
    """An adversarial probe of session 15 found these answered with thanks or a greeting:
    what follows a small-talk opening is decided on its own."""
    decision = ensemble.decide(text)
    assert decision.kind in (Kind.ANSWER, Kind.SUGGEST)
    assert decision.candidates[0].entry_id == entry


def test_a_question_after_thanks_is_read_on_its_own_when_the_whole_is_unsure(ensemble) -> None:
    """ "makasih min, trus kalo mau ke taiwan gimana" got the fallback: the thanks drowned
    the question for the FAQ as a whole. What follows the opening is read on its own."""
    decision = ensemble.decide("makasih min, trus kalo mau ke taiwan gimana")
    assert decision.kind in (Kind.ANSWER, Kind.SUGGEST)
    assert decision.candidates[0].entry_id == "country-taiwan"


def test_small_talk_stays_when_nothing_follows_that_the_faq_knows(ensemble) -> None:
    decision = ensemble.decide("makasih ya min udh bantu jelasin")
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "thanks")


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("ok makasih, terus gaji taiwan berapa", "terus gaji taiwan berapa"),
        ("makasiiih kak, paspor hilang gmn", "paspor hilang gmn"),  # held keys are known
        ("makasih kak", None),  # nothing follows
        ("makasih kak, oke", None),  # one word is no question
        ("gaji taiwan berapa makasih", None),  # no small-talk opening
    ],
)
def test_the_opening_and_what_follows(text: str, rest: str | None) -> None:
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").opening(text) == rest


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a word of one intent outweighs a word of two: "good" is greeting or thanks
        ("good night", "goodbye"),
        ("good night kak", "goodbye"),
        ("selamat malam", "greeting"),  # both words greeting or goodbye: the order decides
        # fillers alone: one calls for attention, as do two with an address word ...
        ("ya", "greeting"),
        ("kak min", "greeting"),
        ("ada orang?", "greeting"),
        # ... but two particles are not a greeting by rule ("udah dulu" is leaving)
        ("udah dulu", None),
        # digits alone: nothing to read (sums are not digits alone)
        ("7", "spam"),
        ("0987654321", "spam"),
        ("+62 812-3456-7890", "spam"),
        ("12 x 8", None),
        # insults in regional slang and English
        ("bacot", "insult"),
        ("pukimak", "insult"),
        ("wtf bot", "insult"),
        # eastern Indonesian particles are fillers (session 18)
        ("halo kaka e", "greeting"),
        ("makasih toh", "thanks"),
    ],
)
def test_small_talk_by_rule(text: str, intent: str | None) -> None:
    """Session 16: "good night" was a greeting (a tie broken by the order of the intents),
    "udah dulu" a greeting (any two fillers called for attention) and bare digits the
    fallback."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_rule(text) == intent


@pytest.mark.parametrize("text", ["udah dulu", "udah dulu ya kak"])
def test_leaving_is_a_goodbye(ensemble, text: str) -> None:
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "goodbye")


def test_the_spam_reply_fits_a_message_that_cannot_be_read(ensemble) -> None:
    """Bare digits and mashing get the spam reply, so it must not only speak of adverts."""
    for lang in ("id", "en"):
        reply = ensemble.smalltalk.reply("spam", lang)
        assert "/menu" in reply
        assert ("tidak bisa membaca" in reply) if lang == "id" else ("can't read" in reply)


def test_address_words_are_fillers() -> None:
    from bot.core.faq.smalltalk import SmallTalk

    talk = SmallTalk.load(ROOT / "content")
    assert {"min", "kak", "orang"} <= talk.address <= talk.fillers
    assert "dulu" in talk.fillers - talk.address


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("fuck you bot", "insult"),  # "you" was a goodbye word: a three-way tie went to goodbye
        ("see you", "goodbye"),
        ("110", "human"),  # the police number alone: the reply that gives it
    ],
)
def test_small_talk_after_the_probe(ensemble, text: str, intent: str) -> None:
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, intent)


@pytest.mark.parametrize(
    "text",
    [
        # a number with a few words is an amount, a time or a phone number to check
        "20 juta",
        "24 jam?",
        "0812-3456-7890 agen resmi?",
        "cek nomor 081234567890",
        # anger at a recruiter and self-blame after a scam are no insult to the bot
        "agen bangsat",
        "dasar calo bangsat",
        "bego bgt aku ketipu",
    ],
)
def test_numbers_and_anger_at_others_are_not_small_talk(ensemble, text: str) -> None:
    assert ensemble.decide(text).kind is not Kind.SMALLTALK


@pytest.mark.parametrize(
    "text",
    [
        # session 19's fifth small-talk set: an advert that says "aman" or "asli" sells, it
        # does not ask whether something is safe (those words barred spam in any message)
        "skincare glowing dlm 7 hari bpom aman",
        "obat kuat herbal asli, pengiriman rahasia",
        "HOAX: besok jam 12 ada gempa besar, sebarkan!!",
    ],
)
def test_an_advert_that_claims_to_be_safe_is_spam(ensemble, text: str) -> None:
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "spam")


@pytest.mark.parametrize(
    ("asking", "selling"),
    [
        ("obat kuat herbal asli gk", "obat kuat herbal asli"),
        ("skincare glowing dlm 7 hari bpom aman?", "skincare glowing dlm 7 hari bpom aman"),
        ("is this crypto giveaway real", "this crypto giveaway real"),
        # the particles a doubt ends with (a probe of the first asking words)
        ("dapet sms menang undian 100jt, asli yaa", "dapet sms menang undian 100jt, asli"),
        ("arisan online untung 20% sebulan, aman y bang", "arisan online untung 20%, aman"),
    ],
)
def test_asking_whether_an_offer_is_real_bars_spam(asking: str, selling: str) -> None:
    from bot.core.faq.smalltalk import SmallTalk

    talk = SmallTalk.load(ROOT / "content")
    assert "spam" in talk.barred(asking)
    assert "spam" not in talk.barred(selling)


@pytest.mark.parametrize(
    ("field", "first"), [("asking", "gk"), ("denying", "bukan"), ("selling", "promo")]
)
def test_content_check_refuses_an_asking_or_denying_word_read_as_true_or_false(
    tmp_path: Path, field: str, first: str
) -> None:
    from bot.core.faq.smalltalk import check_smalltalk

    shipped = (ROOT / "content" / "smalltalk.yaml").read_text(encoding="utf-8")
    (tmp_path / "smalltalk.yaml").write_text(
        shipped.replace(f"{field}: [{first},", f"{field}: [no, {first},", 1), encoding="utf-8"
    )
    problems = check_smalltalk(tmp_path, ["id", "en"], set())
    assert [p.field for p in problems if not p.field.startswith("reply")] == [field]


@pytest.mark.parametrize(
    "text",
    ["permisi kak saya butuh bantuan", "halo min saya butuh bantuan", "hi, i need help"],
)
def test_a_call_for_help_after_a_hello_is_no_greeting(ensemble, text: str) -> None:
    """Session 19: training lines from the fifth small-talk set made the learned model take
    "permisi kak saya butuh bantuan" (a wrapped cry of the first harm probe) for a greeting,
    whose reply has no hotline."""
    assert ensemble.decide(text).intent != "greeting"


@pytest.mark.parametrize(
    "text",
    [
        # a probe of the first, wider list (bantu, help, tolong): wishes and thanks
        "halo kak, salam kenal ya, semoga bot ini bisa bantu banyak teman pmi",
        "pagi kak, salam dari kampung, semoga Allah bantu semua tim di sini",
        "permisi min, cuma mampir nyapa, tolong sampaikan salam ke timnya ya",
    ],
)
def test_a_hello_that_wishes_help_is_still_small_talk(ensemble, text: str) -> None:
    assert ensemble.decide(text).kind is Kind.SMALLTALK


@pytest.mark.parametrize("text", ["dongo", "oon", "bloon", "geblek", "dasar dongo"])
def test_more_insult_words(ensemble, text: str) -> None:
    """Session 20's sixth small-talk set: "dongo" (and its kin) got the fallback."""
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "insult")


@pytest.mark.parametrize("text", ["ini bukan calo kan?", "ini beneran bukan calo kan?"])
def test_asking_whether_the_bot_is_not_a_broker_is_about_the_bot(ensemble, text: str) -> None:
    """Out of group, two small-talk dev halves (sessions 18 and 19): "calo" barred the
    identity reply anywhere, so asking whether the bot is a broker got the fallback. A word
    right after "bukan" says what something is not (`denying` in content/smalltalk.yaml)."""
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "identity")


@pytest.mark.parametrize(
    "text", ["dia bukan calo kan?", "calo ini resmi gk?", "LPK ini resmi gk?", "agen bangsat"]
)
def test_a_broker_named_is_still_no_question_about_the_bot(ensemble, text: str) -> None:
    decision = ensemble.decide(text)
    assert decision.intent not in {"identity", "insult"}


@pytest.mark.parametrize(
    ("text", "intent"),
    [("woy min", "greeting"), ("oy kak", "greeting"), ("cukup sekian", "goodbye")],
)
def test_calls_and_closings_by_their_words(text: str, intent: str) -> None:
    """Out of group, the small-talk dev halves' "woy min" and "cukup sekian" fell back: only
    the learned model, trained on those very lines, knew them."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_rule(text) == intent


def test_the_denying_rule_on_its_adversarial_probe(ensemble) -> None:
    """tests/data/denying_probe20.tsv, by a helper told only the rule: the exception helps
    questions about the bot ("kmu bkn perekrut kan?") and rarely reaches a question about a
    recruiter or an offer that uses the same pattern (one in sixty when it landed)."""
    import csv

    path = ROOT / "tests" / "data" / "denying_probe20.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    identity = {
        row["message"]: ensemble.decide(row["message"]).intent == "identity" for row in rows
    }
    about_bot = [identity[r["message"]] for r in rows if r["expected"] == "identity"]
    about_others = [identity[r["message"]] for r in rows if r["expected"] == "not_identity"]
    assert (len(about_bot), len(about_others)) == (20, 60)
    assert sum(about_bot) >= 15
    assert sum(about_others) <= 2


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("ini nomor resmi kp2mi?", "identity"),
        ("ada nomor call center gk", "human"),
        # ... and where it would fall back (the eighth small-talk set's dev half)
        ("kok tau nomor sy", "identity"),
        ("give me the hotline number", "human"),
    ],
)
def test_small_talk_over_a_mere_did_you_mean(ensemble, text: str, intent: str) -> None:
    """Session 21: where the FAQ would only ask "did you mean" or fall back (an entry
    outscores the small-talk intent, but the FAQ is unsure of it), a small-talk intent that
    reaches its cut is the likelier reading. Held out on the dev halves, one decision for
    each, to the labelled small talk."""
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, intent)


@pytest.mark.parametrize("text", ["halo min, asuransi gmn", "min mau tanya gaji taiwan brp"])
def test_a_greeting_before_a_question_keeps_its_did_you_mean(ensemble, text: str) -> None:
    """The rule above must not take a question after a greeting: what follows the opening
    is decided on its own, and its answer or "did you mean" wins."""
    assert ensemble.decide(text).kind in {Kind.SUGGEST, Kind.ANSWER}


@pytest.mark.parametrize("text", ["promo paket data 50gb 20rb", "promo paket data 50GB 25rb"])
def test_an_advert_with_a_number_is_spam(ensemble, text: str) -> None:
    """Session 21: a number with at most three words is never spam to the learned model
    ("20 juta"); a word only adverts hold (`selling` in content/smalltalk.yaml) lifts that."""
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, "spam")


@pytest.mark.parametrize(
    "text",
    [
        *("20 juta", "24 jam?", "gaji 20jt", "masih ada slot 2 orang?"),
        # tests/data/rules_probe21.tsv (a helper told only the rule): an offer asked about
        *("promo diskon 50% penempatan?", "cashback 10% dr LPK?"),
    ],
)
def test_a_short_amount_is_still_no_spam(ensemble, text: str) -> None:
    assert ensemble.decide(text).intent != "spam"


@pytest.mark.parametrize(
    ("text", "intent"),
    [("ngeselin", "insult"), ("nyebelin bgt", "insult"), ("top 👍", "thanks"), ("top", "thanks")],
)
def test_more_words_of_the_eighth_set(text: str, intent: str) -> None:
    """Session 21's eighth small-talk set: "ngeselin" and "top 👍" fell back."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_rule(text) == intent


def test_calling_for_the_boss_asks_for_a_person() -> None:
    """Session 21's seventh small-talk set: "panggil bos mu" fell back (the reading of harm
    was wary of it, so only `human` could have answered, at a probability of 0.2)."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_rule("panggil bos mu") == "human"


def test_session_21_rules_on_their_adversarial_probe(ensemble) -> None:
    """tests/data/rules_probe21.tsv, by a helper told only the two rules above: rule A (small
    talk over a mere "did you mean") took none of 35 questions that sit near small talk, and
    answered 13 of 15 look-alike small-talk lines; rule B (`selling` words) made 15 of 15
    short adverts spam, and 3 of 25 short questions or reports with those words ("loker 15jt
    akun togel"), which fell back before."""
    import csv

    path = ROOT / "tests" / "data" / "rules_probe21.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    kinds = {(r["rule"], r["expected"]): [] for r in rows}
    for row in rows:
        decision = ensemble.decide(row["message"])
        kinds[(row["rule"], row["expected"])].append((decision.kind, decision.intent))
    talk = {key: sum(kind is Kind.SMALLTALK for kind, _ in got) for key, got in kinds.items()}
    spam = {key: sum(intent == "spam" for _, intent in got) for key, got in kinds.items()}
    assert {key: len(got) for key, got in kinds.items()} == {
        ("A", "question"): 35,
        ("A", "smalltalk"): 15,
        ("B", "question"): 25,
        ("B", "spam"): 15,
    }
    assert talk[("A", "question")] == 0
    assert talk[("A", "smalltalk")] >= 12
    assert spam[("B", "spam")] >= 14
    assert spam[("B", "question")] <= 4


@pytest.mark.parametrize(
    ("text", "intent"),
    [("asslmkm", "greeting"), ("pareng rumiyin", "goodbye"), ("jangkrik", "insult")],
)
def test_words_of_the_ninth_set(text: str, intent: str) -> None:
    """Session 22's ninth small-talk set (its dev half): each fell back."""
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").by_rule(text) == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("terima kasih nggih, sangat membantu saya yang di Taiwan", "thanks"),
        ("thanks, this is very useful info for my sister in Riyadh", "thanks"),
        ("hallo kak, sy TKW di hongkong, ijin bertanya ya", "greeting"),
    ],
)
def test_small_talk_stays_when_the_rest_asks_nothing(ensemble, text: str, intent: str) -> None:
    """Session 22's ninth small-talk set: the learned model heard thanks or a greeting in the
    whole, but the rest after the opening, decided on its own, answered about Taiwan or Hong
    Kong or offered buttons. The rest now counts only when it asks something."""
    decision = ensemble.decide(text)
    assert (decision.kind, decision.intent) == (Kind.SMALLTALK, intent)


@pytest.mark.parametrize(
    ("rest", "asks"),
    [
        ("terus gaji taiwan berapa", True),
        ("paspor hilang gmn", True),
        ("kalau ke jepang?", True),
        ("how do I apply", True),
        ("sangat membantu saya yang di Taiwan", False),
        ("sy TKW di hongkong, ijin bertanya ya", False),
    ],
)
def test_what_follows_an_opening_asks(rest: str, asks: bool) -> None:
    from bot.core.faq.smalltalk import SmallTalk

    assert SmallTalk.load(ROOT / "content").asks_after_opening(rest) is asks


def test_session_22_rule_on_its_adversarial_probe(ensemble) -> None:
    """tests/data/rules_probe22.tsv, by a helper told only the rule above and its question
    words: 50 questions after thanks or a greeting written without a question mark or a
    listed word ("makasih kak, info loker taiwan jalur resmi"), 40 openings followed by
    praise or context that look topical ("halo kak, sy TKW di taiwan udh 5 tahun"). Before
    the rule 18 of the 40 were small talk; with it 24, and none of the 50 questions (one,
    "sugeng enjing min, nyuwun pirsa ...", was lost until the Javanese "nyuwun pirsa"
    became question words)."""
    import csv

    path = ROOT / "tests" / "data" / "rules_probe22.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    talk = {"question": 0, "smalltalk": 0}
    for row in rows:
        talk[row["expected"]] += ensemble.decide(row["message"]).kind is Kind.SMALLTALK
    assert [r["expected"] for r in rows].count("question") == 50
    assert talk["question"] == 0
    assert talk["smalltalk"] >= 24


def test_harm_after_an_opening_wins_though_it_asks_nothing(ensemble) -> None:
    """The first version of the rule above kept the greeting for "halo kak saya mau pulang"
    (a cry of the harm probe: the reading finds harm in what follows the greeting, not in
    the whole), and lost the emergency note; the harm benchmark caught it."""
    decision = ensemble.decide("halo kak saya mau pulang")
    assert decision.urgent
    assert decision.kind is not Kind.SMALLTALK
