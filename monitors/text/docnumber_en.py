"""English MOFCOM document numbers, dates and effective dates, mapped to the Chinese forms.

``MOFCOM and GAC Announcement No. 57, 2025``, ``Order No. 6 of 2025 of the Ministry of
Commerce``, ``Announcement No. 18 [2025] of the Ministry of Commerce and the General
Administration of Customs`` … are read into the same :class:`~monitors.text.docnumber.DocNumber`
the Chinese pages give, issuers in Chinese, so an English copy groups with the Chinese pages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from monitors.text.dates import find_date
from monitors.text.docnumber import DocNumber, add_delay, find_effective_dates

#: English names of the issuers (lower case) and the Chinese names the Chinese pages use.
ISSUER_ALIASES: dict[str, str] = {
    "ministry of commerce of the people's republic of china": "商务部",
    "ministry of commerce of china": "商务部",
    "ministry of commerce": "商务部",
    "mofcom": "商务部",
    "general administration of customs of the people's republic of china": "海关总署",
    "general administration of customs": "海关总署",
    "gac": "海关总署",
    "ministry of industry and information technology": "工业和信息化部",
    "miit": "工业和信息化部",
    "state cryptography administration": "国家密码局",
    "national cryptography administration": "国家密码局",
    "state administration of science, technology and industry for national defense":
        "国家国防科技工业局",
    "equipment development department of the central military commission": "中央军委装备发展部",
}  # fmt: skip
_ALIAS = "|".join(
    re.escape(alias).replace(r"\ ", r"\s+") for alias in sorted(ISSUER_ALIASES, key=len)[::-1]
)
_ALIAS_RE = re.compile(rf"\b(?:{_ALIAS})\b", re.IGNORECASE)
_ISSUER = rf"(?:the\s+)?\b(?:{_ALIAS})\b"
_ISSUERS = rf"{_ISSUER}(?:\s*(?:,\s*(?:and\s+)?|and\s+|&\s*){_ISSUER})*"
_ISSUERS_BEFORE_RE = re.compile(rf"(?P<issuers>{_ISSUERS})\s*(?:'s\s*)?$", re.IGNORECASE)
_ISSUERS_LINE_RE = re.compile(rf"\s*{_ISSUERS}\s*", re.IGNORECASE)
_EN_NUMBER_RE = re.compile(
    rf"""\b(?P<kind>Announcements?|Orders?|Decrees?)\b
    (?:\s+of\s+(?P<mid>{_ISSUERS}))?
    (?:\s*[\[(]?\s*(?P<y1>\d{{4}})\s*[\])]?)?
    \s*(?:No\.?|Number)\s*(?P<num>\d{{1,4}})\b
    (?:\s*(?:,\s*|\s+of\s+(?:the\s+year\s+)?|/\s*)(?P<y2>\d{{4}})\b
       |\s*[\[(]\s*(?P<y3>\d{{4}})\s*[\])])?
    (?:\s*,?\s+(?:of|by|issued\s+by)\s+(?P<after>{_ISSUERS}))?""",
    re.IGNORECASE | re.VERBOSE,
)
_KINDS = {"announcement": "公告", "order": "令", "decree": "令"}
_DATE_LINE = re.compile(
    r"^(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}|"
    r"\d{4}-\d{1,2}-\d{1,2})$"
)
_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_EN_EFFECTIVE_RE = re.compile(
    r"(?:into\s+(?:force|effect)|takes?\s+effect|becomes?\s+effective|be\s+effective|"
    r"effective|be\s+implemented|with\s+effect)\s+"
    r"(?:(?:as\s+)?(?:of|from|on|since|starting)\s+)?"
    r"(?:(?P<days>\d+)\s+days\s+(?:after|from)\s+)?"
    r"(?:(?P<pub>(?:the\s+)?date\s+of\s+(?:its\s+|their\s+)?"
    r"(?:promulgation|publication|issuance|release|announcement))"
    r"|(?P<now>immediately)"
    rf"|(?P<date>(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTH})\s+\d{{4}}))",
    re.IGNORECASE,
)


def _canonical_en(text: str) -> str:
    """NFKC, typographic apostrophes as ``'`` and every whitespace run as one space."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


def _issuer_names(text: str) -> tuple[str, ...]:
    """The Chinese names of the issuers named in ``text``, in order, once each."""
    names = (_alias_name(m.group(0)) for m in _ALIAS_RE.finditer(text))
    return tuple(dict.fromkeys(name for name in names if name))


def _alias_name(words: str) -> str | None:
    """The Chinese name for an alias matched by :data:`_ALIAS_RE`.

    Case-insensitive matching also lets Turkish ``ı`` / ``İ`` stand for ``i``: they are folded
    back (``"İ".lower()`` is ``i`` + U+0307), and anything else unexpected gives None.
    """
    key = " ".join(words.lower().split()).replace("\u0131", "i").replace("i\u0307", "i")
    return ISSUER_ALIASES.get(key)


def match_english_doc_number(
    text: str, *, default_issuer: str | None = "商务部"
) -> tuple[DocNumber, str] | None:
    """The first English document number in ``text`` and the English words that state it."""
    canonical = _canonical_en(text)
    for match in _EN_NUMBER_RE.finditer(canonical):
        year = match["y1"] or match["y2"] or match["y3"]
        if year is None or not 1949 <= int(year) <= 2199:
            continue
        before = _ISSUERS_BEFORE_RE.search(canonical[max(0, match.start() - 300) : match.start()])
        named = " , ".join(
            part for part in (before and before["issuers"], match["mid"], match["after"]) if part
        )
        issuers = _issuer_names(named) or ((default_issuer,) if default_issuer else ())
        if not issuers:
            continue
        start = match.start() - (len(before.group(0)) if before else 0)
        kind = _KINDS[match["kind"].lower().rstrip("s")]
        number = DocNumber(issuers, kind, int(year), int(match["num"]))
        return number, canonical[start : match.end()].strip()
    return None


def parse_english_doc_number(
    text: str, *, default_issuer: str | None = "商务部"
) -> DocNumber | None:
    """Return the first English MOFCOM document number in ``text``, or None.

    Handles ``MOFCOM Announcement No. 61 of 2025``, ``Announcement No. 18 [2025] of the
    Ministry of Commerce and the General Administration of Customs``, ``MOFCOM and GAC
    Announcement No. 57, 2025``, ``Announcement No.1, 2026``, ``Order No. 6 of 2025 of the
    Ministry of Commerce`` and ``Ministry of Commerce Announcement 2026 No. 1``: issuers
    before the kind, between it and the number (``Announcement of MOFCOM No. 1 of 2026``) or
    after the year, separated by commas, ``and`` or ``&``. Issuers come out in Chinese
    (MOFCOM → 商务部, GAC → 海关总署, MIIT → 工业和信息化部, State Cryptography
    Administration → 国家密码局) so the key equals the Chinese page's key when both name the
    same issuers. A number naming no issuer is ``default_issuer``'s (the site's own
    ministry); None disables that. A number without a year is not a document number.
    """
    found = match_english_doc_number(text, default_issuer=default_issuer)
    return found[0] if found else None


def signature_issuers(text: str) -> tuple[str, ...]:
    """Issuers signing an English notice: the issuer-only lines just above its date line.

    The date line must be among the last three lines (an annex link may follow it).
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for index in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        if _DATE_LINE.match(lines[index]) and find_date(lines[index]):
            break
    else:
        return ()
    found: list[str] = []
    for line in reversed(lines[max(0, index - 6) : index]):
        if not _ISSUERS_LINE_RE.fullmatch(_canonical_en(line)):
            break
        found[:0] = _issuer_names(_canonical_en(line))
    return tuple(dict.fromkeys(found))


def signature_date(text: str) -> date | None:
    """The date a notice is signed: a date-only line among its last three lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-3:]):
        if _DATE_LINE.match(line) and (day := find_date(line)):
            return day
    return None


def complete_issuers(number: DocNumber, signers: tuple[str, ...]) -> DocNumber:
    """``number`` with the signature's issuers when it names only some of them (lead first).

    English titles often name only MOFCOM for a joint MOFCOM/GAC announcement; the signature
    lines name every issuer, as the Chinese number does.
    """
    if (
        len(signers) > len(number.issuers)
        and signers[0] == number.issuers[0]
        and set(number.issuers) <= set(signers)
    ):
        return replace(number, issuers=signers)
    return number


def notice_doc_number(header_no: str, title: str, text: str) -> tuple[DocNumber, str] | None:
    """A notice's own number and its English words, issuers completed from the signature.

    Read from the header's document-number line, else from the title or the first line of
    the text, where the number must come first (``MOFCOM Announcement No. 1 of 2026 on ...``):
    a title that only mentions a number (``Spokesperson Answers Questions on Announcement
    No. 1 of 2026``) is not that announcement and gets no number.
    """
    candidates = [(header_no, False), (title, True), (text.split("\n", 1)[0], True)]
    for candidate, must_lead in candidates:
        found = match_english_doc_number(candidate)
        if found and (not must_lead or _leads(candidate, found[1])):
            return complete_issuers(found[0], signature_issuers(text)), found[1]
    return None


def _leads(text: str, phrase: str) -> bool:
    """True when ``text`` starts with ``phrase`` (ignoring case and a leading ``the``)."""

    def bare(value: str) -> str:
        return _canonical_en(value).strip().lower().removeprefix("the ")

    return bare(text).startswith(bare(phrase))


def parse_english_date(text: str) -> date | None:
    """The first date in ``text``: ``April 4, 2025``, ``Apr 4, 2025``, ``2025-04-04`` ..."""
    return find_date(_canonical_en(text))


def find_english_effective_dates(text: str, published: date | None) -> list[date]:
    """Effective dates stated in English: ``shall come into force on December 1, 2025``,
    ``... on the date of promulgation`` (= ``published``), ``takes effect immediately``,
    ``... 30 days after the date of promulgation`` (an implausible delay is ignored, see
    :func:`monitors.text.docnumber.add_delay`)."""
    found: list[date] = []
    for match in _EN_EFFECTIVE_RE.finditer(_canonical_en(text)):
        day = published if (match["pub"] or match["now"]) else find_date(match["date"] or "")
        if day is not None and match["days"]:
            day = add_delay(day, match["days"])
        if day is not None:
            found.append(day)
    return found


def find_english_effective_date(text: str, published: date | None) -> date | None:
    """The earliest effective date stated in ``text``, in English or Chinese wording."""
    dates = find_english_effective_dates(text, published) + find_effective_dates(text, published)
    return min(dates, default=None)
