"""MOFCOM document numbers (``商务部 海关总署公告2025年第57号``) and effective dates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from monitors.text.dates import chinese_numeral_to_int, find_date

__all__ = [
    "KNOWN_ISSUERS",
    "MAX_DELAY_DAYS",
    "DocNumber",
    "add_delay",
    "find_effective_date",
    "parse_doc_number",
]

#: The longest plausible "N days after" delay of an effective date (about ten years); a
#: longer one is a typo or garbage, never a date to report.
MAX_DELAY_DAYS = 3660

#: Issuers recognised exactly; other organisations are matched by their suffix.
KNOWN_ISSUERS = (
    "商务部",
    "海关总署",
    "工业和信息化部",
    "国家密码局",
    "国家国防科技工业局",
    "中央军委装备发展部",
    "科技部",
    "国家发展和改革委员会",
    "国务院",
)
_KNOWN_BY_LENGTH = sorted(KNOWN_ISSUERS, key=len, reverse=True)
_STATE_PREFIX = "中华人民共和国"
#: Known issuers that also prefix the names of their sub-bodies (国务院关税税则委员会).
_PARENT_ISSUERS = frozenset({"国务院"})
#: Words that may directly precede an unknown issuer name and are not part of it.
_LEAD_WORDS = (
    "根据", "依据", "按照", "参照", "关于", "会同", "联合",
    "以及", "和", "及", "与", "经", "由",
)  # fmt: skip

_CN_NUM = "〇○零一二三四五六七八九十百千"
_NUMBER_RE = re.compile(
    rf"(?P<kind>公告|令)\s*(?:(?P<year>\d{{4}}|[〇○零一二三四五六七八九]{{4}})\s*年?\s*)?"
    rf"第\s*(?P<num>\d+|[{_CN_NUM}]+)\s*号"
)
#: Issuers whose orders are numbered in one running series without a year (国务院令第792号).
_RUNNING_SERIES = frozenset({"国务院"})
_GENERIC_ISSUER_RE = re.compile(r"[\u4e00-\u9fff]{0,20}?(?:部|局|署|委员会|院|办公室)$")
_SEPARATORS = " 、,"


@dataclass(frozen=True)
class DocNumber:
    """A MOFCOM document number such as ``商务部 海关总署公告2025年第57号``."""

    issuers: tuple[str, ...]
    kind: str  # "公告" or "令"
    year: int | None  # None for running series such as 国务院令第792号
    number: int

    @property
    def key(self) -> str:
        """Stable identity string, e.g. ``商务部+海关总署/公告/2025/57`` (``-`` for no year)."""
        return f"{'+'.join(self.issuers)}/{self.kind}/{self.year or '-'}/{self.number}"

    @property
    def identity(self) -> str:
        """What makes two pages the same document: lead issuer, kind, year and number.

        Joint announcements are numbered in the lead issuer's series (商务部 海关总署公告2025年
        第57号 is MOFCOM's No. 57), and copies on other sites or in English often name only the
        lead issuer, so co-issuers are left out: ``商务部/公告/2025/57``.
        """
        return f"{self.issuers[0]}/{self.kind}/{self.year or '-'}/{self.number}"

    def __str__(self) -> str:
        """Canonical Chinese form, e.g. ``商务部令2025年第6号`` or ``国务院令第792号``."""
        year = f"{self.year}年" if self.year else ""
        return f"{' '.join(self.issuers)}{self.kind}{year}第{self.number}号"


def _clean_generic(name: str) -> str:
    """Strip leading junk (earlier known issuers, 中华人民共和国, lead words) from a name."""
    cut = 0
    for known in (*KNOWN_ISSUERS, _STATE_PREFIX):
        if known in _PARENT_ISSUERS:
            continue
        index = name.rfind(known)
        if index >= 0 and index + len(known) < len(name):
            cut = max(cut, index + len(known))
    name = name[cut:]
    for word in _LEAD_WORDS:
        if name.startswith(word) and len(name) > len(word) + 1:
            return name[len(word) :]
    return name


def _take_issuer(prefix: str) -> tuple[str, str] | None:
    """Split the issuer name ending ``prefix`` off it: ``(rest, issuer)`` or None."""
    for known in _KNOWN_BY_LENGTH:
        if prefix.endswith(known):
            return prefix[: -len(known)], known
    match = _GENERIC_ISSUER_RE.search(prefix)
    if match is None:
        return None
    issuer = _clean_generic(match.group(0))
    if len(issuer) < 2:
        return None
    return prefix[: -len(issuer)], issuer


def _issuers_before(prefix: str) -> tuple[str, ...]:
    """Collect the issuer names written immediately before the document kind."""
    issuers: list[str] = []
    while True:
        prefix = prefix.rstrip(_SEPARATORS if issuers else " ")
        taken = _take_issuer(prefix)
        if taken is None:
            break
        prefix, issuer = taken
        issuers.append(issuer)
        prefix = prefix.removesuffix(_STATE_PREFIX)
    return tuple(reversed(issuers))


def _canonical(text: str) -> str:
    """NFKC (full-width digits → ASCII) with all whitespace as single spaces."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def parse_doc_number(text: str) -> DocNumber | None:
    """Return the first MOFCOM document number in ``text``, or None.

    Handles ``公告`` and ``令`` numbers with one or more issuers separated by
    spaces or ``、``, optional ``年``, spaces anywhere, full-width digits and
    Chinese-numeral years (``二〇二五``); a ``中华人民共和国`` prefix is dropped.
    A year 0 or a number too long to read (thousands of digits) is not a document number.
    """
    canonical = _canonical(text)
    for match in _NUMBER_RE.finditer(canonical):
        issuers = _issuers_before(canonical[: match.start()])
        if not issuers:
            continue
        if match["year"] is None and not (match["kind"] == "令" and issuers[0] in _RUNNING_SERIES):
            continue
        try:
            year = chinese_numeral_to_int(match["year"]) if match["year"] else None
            number = chinese_numeral_to_int(match["num"])
        except ValueError:  # a digit run longer than int() reads
            continue
        if year == 0:
            continue
        return DocNumber(issuers=issuers, kind=match["kind"], year=year, number=number)
    return None


_EFFECTIVE_RE = re.compile(
    r"自\s*(?:本(?:公告|令|决定|通知|办法|规定)\s*)?"
    r"(?:(?P<pub>公布|发布|印发|公告|颁布)\s*之\s*日|(?P<now>即日)|"
    r"(?P<date>[\d〇○零一二三四五六七八九十年月日号./\- ]{3,30}?))\s*起"
    r"(?:\s*(?P<days>\d+)\s*[日天]\s*后)?"
)


def find_effective_dates(text: str, published: date | None) -> list[date]:
    """Every effective date stated in ``text``, in order of appearance.

    ``自2025年12月1日起`` (optionally followed by 施行/实施/正式实施) gives that
    date; ``自公布之日起`` / ``自本公告发布之日起`` / ``自即日起`` give ``published``,
    and ``自公布之日起30日后施行`` gives ``published`` + 30 days (a delay over
    :data:`MAX_DELAY_DAYS`, or one ending past 9999, is ignored with its match). A
    year-less date (``自12月1日起``) is taken as its first occurrence on or after
    ``published``. Forms that need ``published`` are skipped when it is None.
    """
    found: list[date] = []
    for match in _EFFECTIVE_RE.finditer(_canonical(text)):
        if match["pub"] or match["now"]:
            day = published
        else:
            day = find_date(match["date"])
            if day is None and published is not None:
                day = _next_occurrence(match["date"], published)
        if day is not None and match["days"]:
            day = add_delay(day, match["days"])
        if day is not None:
            found.append(day)
    return found


def add_delay(day: date, days: str) -> date | None:
    """``day`` plus the ``days`` digits of an ``N日后`` / ``N days after`` delay.

    None (the stated date is ignored) when the delay exceeds :data:`MAX_DELAY_DAYS` or the
    result falls outside the calendar (past 9999-12-31): no real notice says that.
    """
    days = days.strip().lstrip("0") or "0"
    if not days.isdecimal() or len(days) > len(str(MAX_DELAY_DAYS)):
        return None
    delay = int(days)
    if delay > MAX_DELAY_DAYS:
        return None
    try:
        return day + timedelta(days=delay)
    except OverflowError:
        return None


def find_effective_date(text: str, published: date | None) -> date | None:
    """The earliest effective date stated in ``text`` (see :func:`find_effective_dates`).

    When parts of a notice take effect at different times (``第一条自2025年12月1日起实施，
    其余条款自公布之日起实施``) the earliest is when the notice first has legal effect.
    """
    return min(find_effective_dates(text, published), default=None)


def _next_occurrence(text: str, published: date) -> date | None:
    """Resolve a year-less effective date to its first occurrence on/after ``published``."""
    same_year = find_date(text, reference=date(published.year, 12, 31))
    if same_year is None or same_year >= published:
        return same_year
    try:
        return same_year.replace(year=published.year + 1)
    except ValueError:  # 2月29日 followed by a non-leap year
        return None
