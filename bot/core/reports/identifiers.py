"""Pull the traces a recruiter leaves out of a report: phone numbers, WhatsApp links, web
links and domains, @handles, e-mail addresses, bank accounts and agency names.

Each comes out normalised (phones in E.164, hosts lower-case, names upper-case), because
the point is to notice the same number or agency in another report, however it was typed.
Finders run in a fixed order and blank out what they took, so a bank account is not read
again as a phone number and an e-mail address not again as a domain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

import phonenumbers

DEFAULT_REGION = "ID"
MAX_IDENTIFIERS = 30


class Kind(StrEnum):
    PHONE = "phone"
    WHATSAPP = "whatsapp"  # a WhatsApp group invite (numbers from wa.me links are phones)
    LINK = "link"
    DOMAIN = "domain"
    HANDLE = "handle"
    EMAIL = "email"
    BANK_ACCOUNT = "bank"
    AGENCY = "agency"


@dataclass(frozen=True)
class Identifier:
    kind: Kind
    value: str  # normalised: the key for "seen in other reports"
    display: str  # as shown to the desk


Found = list[tuple[int, Identifier]]  # (position in the text, identifier)
Finder = Callable[[str], tuple[Found, str]]


def extract(text: str) -> list[Identifier]:
    """Every identifier in `text`, in the order they appear, without duplicates."""
    found: Found = []
    rest = text or ""
    for finder in FINDERS:
        items, rest = finder(rest)
        found.extend(items)
    unique: dict[tuple[Kind, str], Identifier] = {}
    for _position, item in sorted(found, key=lambda pair: pair[0]):
        unique.setdefault((item.kind, item.value), item)
    return list(unique.values())[:MAX_IDENTIFIERS]


def _wordlist(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each span by spaces of the same length, so later offsets stay valid."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# -- bank accounts ---------------------------------------------------------------------------
BANKS = _wordlist(
    "BRI BCA BNI Mandiri BSI BTN CIMB Niaga Danamon Permata Muamalat Jago SeaBank BJB Maybank "
    "OCBC Panin Mega Sinarmas"
)
_BANK_NAME = re.compile(r"\b(" + "|".join(BANKS) + r")\b", re.IGNORECASE)
_BANK = re.compile(
    r"\b(?:no\.?\s*rek(?:ening)?|norek|rek(?:ening)?|account(?:\s*(?:no|number))?|a/c|"
    + "|".join(BANKS)
    + r")\b[^\d\n]{0,20}?(\d[\d.\- ]{6,40}\d)",
    re.IGNORECASE,
)
MIN_ACCOUNT_DIGITS = 8
MAX_ACCOUNT_DIGITS = 18
BANK_NAME_AFTER = 12  # "rekening 123456789 BRI": the bank may follow the number


def _account_digits(raw: str) -> str | None:
    """Digits of the account number, stopping before a second number that follows it."""
    digits = ""
    for token in raw.split():
        part = re.sub(r"\D", "", token)
        if len(digits) + len(part) > MAX_ACCOUNT_DIGITS:
            break
        digits += part
    return digits if len(digits) >= MIN_ACCOUNT_DIGITS else None


def find_bank_accounts(text: str) -> tuple[Found, str]:
    found, spans = [], []
    for match in _BANK.finditer(text):
        digits = _account_digits(match.group(1))
        if digits is None:
            continue
        bank = _BANK_NAME.search(text, match.start(), match.end() + BANK_NAME_AFTER)
        display = f"{bank.group(1).upper()} {digits}" if bank else digits
        found.append((match.start(1), Identifier(Kind.BANK_ACCOUNT, digits, display)))
        spans.append(match.span(1))
    return found, _blank(text, spans)


# -- e-mail ----------------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


def find_emails(text: str) -> tuple[Found, str]:
    found, spans = [], []
    for match in _EMAIL.finditer(text):
        value = match.group(0).lower()
        found.append((match.start(), Identifier(Kind.EMAIL, value, value)))
        spans.append(match.span())
    return found, _blank(text, spans)


# -- links -----------------------------------------------------------------------------------
TLDS = _wordlist(
    "com net org info biz xyz site online top io me ly link app shop store asia club live vip "
    "icu cc tk ml ga cf gq my tw jp kr hk sg sa ae us uk co id gle ee page work jobs fun "
    "website space tech pro bio to gg"
)
_URL = re.compile(
    r"(?i)(?:https?://|www\.)[^\s<>\"'`]+"
    r"|(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:"
    + "|".join(TLDS)
    + r")\b(?:/[^\s<>\"'`]*)?"
)
WHATSAPP_HOSTS = frozenset({"wa.me", "api.whatsapp.com", "web.whatsapp.com", "whatsapp.com"})
TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me"})
# Hosts shared by everybody: the domain alone says nothing, only the full link does.
PLATFORM_HOSTS = frozenset(
    {
        "facebook.com",
        "m.facebook.com",
        "fb.com",
        "fb.me",
        "instagram.com",
        "tiktok.com",
        "vt.tiktok.com",
        "youtube.com",
        "youtu.be",
        "x.com",
        "twitter.com",
        "bit.ly",
        "s.id",
        "tinyurl.com",
        "cutt.ly",
        "goo.gl",
        "linktr.ee",
        "lynk.id",
        "forms.gle",
        "docs.google.com",
        "drive.google.com",
        "google.com",
        "play.google.com",
        "shope.ee",
        "chat.whatsapp.com",
    }
)
_TRAILING = ".,;:!?)]}'\"»"


def find_links(text: str) -> tuple[Found, str]:
    found, spans = [], []
    for match in _URL.finditer(text):
        raw = match.group(0).rstrip(_TRAILING)
        items = _classify_url(raw)
        if items:
            found.extend((match.start(), item) for item in items)
            spans.append((match.start(), match.start() + len(raw)))
    return found, _blank(text, spans)


def _classify_url(raw: str) -> list[Identifier]:
    url = raw if re.match(r"(?i)https?://", raw) else "http://" + raw
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return []
    if not host or "." not in host:
        return []
    path = parts.path.rstrip("/")
    if host in WHATSAPP_HOSTS:
        return _whatsapp_number(path, parts.query)
    if host == "chat.whatsapp.com" and path:
        value = f"{host}{path}"
        return [Identifier(Kind.WHATSAPP, value, value)]
    if host in TELEGRAM_HOSTS and re.fullmatch(r"/[A-Za-z0-9_]{4,32}", path):
        return [Identifier(Kind.HANDLE, "@" + path[1:].lower(), "@" + path[1:])]
    link = host + path + (f"?{parts.query}" if parts.query else "")
    items = [Identifier(Kind.LINK, link, link)] if path or parts.query else []
    if host not in PLATFORM_HOSTS:
        items.append(Identifier(Kind.DOMAIN, host, host))
    return items


def _whatsapp_number(path: str, query: str) -> list[Identifier]:
    digits = re.sub(r"\D", "", path) or re.sub(r"\D", "", parse_qs(query).get("phone", [""])[0])
    phone = normalise_phone("+" + digits) if digits else None
    return [Identifier(Kind.PHONE, phone, phone)] if phone else []


# -- @handles --------------------------------------------------------------------------------
_HANDLE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,30}[A-Za-z0-9_]))")


def find_handles(text: str) -> tuple[Found, str]:
    found, spans = [], []
    for match in _HANDLE.finditer(text):
        name = match.group(1)
        found.append((match.start(), Identifier(Kind.HANDLE, "@" + name.lower(), "@" + name)))
        spans.append(match.span())
    return found, _blank(text, spans)


# -- phone numbers ---------------------------------------------------------------------------
def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 ("+6281234567890") for a valid number; Indonesian numbers may omit +62."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_phones(text: str) -> tuple[Found, str]:
    found, spans = [], []
    matcher = phonenumbers.PhoneNumberMatcher(
        text, DEFAULT_REGION, leniency=phonenumbers.Leniency.VALID
    )
    for match in matcher:
        value = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((match.start, Identifier(Kind.PHONE, value, value)))
        spans.append((match.start, match.end))
    return found, _blank(text, spans)


# -- agencies --------------------------------------------------------------------------------
_AGENCY = re.compile(r"(?<!\w)(?:(?i:PT|LPK|Yayasan)|CV)\.?(?=\s)")
_WORD = re.compile(r"\s+([^\s]+)")
_NAME_WORD = re.compile(r"[\w&'.-]*\w[\w&'.-]*")
MAX_AGENCY_WORDS = 5
MAX_LOWERCASE_AGENCY_WORDS = 3
STOPWORDS = frozenset(
    _wordlist(
        """
    yang yg di ke dari dr dan atau untuk utk sebelum sesudah setelah tgl tanggal jam hari
    besok nanti sekarang kemarin lalu itu ini dengan dgn pada sudah udah akan juga tapi
    tetapi karena krn kata katanya bilang mau minta meminta menjanjikan janji dijanjikan saya
    sy aku kami kita dia mereka ada tidak tdk bukan sebagai sih nya tsb tersebut alamat
    beralamat berlokasi kantor kantornya lewat melalui via agen agency dalam dlm jadi mengaku
    resmi ilegal bodong palsu merekrut memberangkatkan mengirim punya milik nama bernama namanya
    the a an in at from and or to is was who that with by for of on which said says promised
    asked office located based are has have will sends sent send recruits recruited recruiting
    """
    )
)


def find_agencies(text: str) -> tuple[Found, str]:
    found = []
    for match in _AGENCY.finditer(text):
        words = _agency_words(text, match.end())
        if words:
            prefix = match.group(0).rstrip(".").upper()
            name = " ".join([prefix, *words]).upper()
            found.append((match.start(), Identifier(Kind.AGENCY, name, name)))
    return found, text


def _agency_words(text: str, position: int) -> list[str]:
    """The name after "PT": it ends at punctuation, a function word, or where capitals stop
    ("PT Maju Jaya menjanjikan…"); a name typed all in lower case is cut shorter."""
    words: list[str] = []
    for match in _WORD.finditer(text, position):
        token = match.group(1)
        word = token.rstrip(_TRAILING)
        if not _name_word(word, capitalised=bool(words) and _capitalised(words[0])):
            break
        words.append(word.rstrip("."))
        limit = MAX_AGENCY_WORDS if _capitalised(words[0]) else MAX_LOWERCASE_AGENCY_WORDS
        if word != token or len(words) >= limit:
            break
    return words


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _name_word(word: str, capitalised: bool) -> bool:
    if word == "&":
        return True
    if word.lower() in STOPWORDS or not _NAME_WORD.fullmatch(word):
        return False
    return not capitalised or _capitalised(word) or word == "&"


FINDERS: tuple[Finder, ...] = (
    find_bank_accounts,
    find_emails,
    find_links,
    find_handles,
    find_phones,
    find_agencies,
)
