"""Date parsing for every format found on the MOFCOM and MOFA sites.

Supported (anywhere inside surrounding text, full-width digits allowed):

* numeric ``2026-01-06``, ``2026/1/6``, ``2026.01.06`` (a trailing time is ignored);
* CJK ``2026年1月6日``, ``2026 年 1 月 6 日``, ``二〇二五年十月九日``;
* Japanese eras ``令和8年1月6日``, ``令和元年5月1日``, ``平成31年4月30日``;
* English ``January 6, 2026``, ``Jan. 6, 2026``, ``6 January 2026``;
* year-less ``1月6日``, ``9月30日付``, ``April 14`` (need a ``reference`` date).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone

from monitors.core.errors import DateParseError

__all__ = [
    "CST",
    "ERA_OFFSETS",
    "assign_years",
    "chinese_numeral_to_int",
    "era_to_year",
    "find_date",
    "infer_year",
    "parse_date",
    "parse_datetime_cst",
]

#: China Standard Time (UTC+8), used by MOFCOM timestamps.
CST = timezone(timedelta(hours=8))

#: Gregorian year = era offset + era year.
ERA_OFFSETS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911}

_CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_MYRIAD = "万"
_CN_CHARS = frozenset(_CN_DIGITS) | frozenset(_CN_UNITS) | {_CN_MYRIAD}

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec",
]  # fmt: skip
_MON = "(?P<mon>" + "|".join(_MONTH_NAMES + [m.upper() for m in _MONTH_NAMES]) + r")\b\.?"
_ORD = r"(?:st|nd|rd|th)?"
_NUM = r"(?:\d{1,2}|[〇零一二三四五六七八九十]{1,3})"
_CN_YEAR = r"[〇○零一二三四五六七八九]{4}"
_ERAS = "|".join(ERA_OFFSETS)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "ymd": re.compile(
        r"(?<!\d)(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    ),
    "cjk": re.compile(
        rf"(?<!\d)(?P<y>\d{{4}}|{_CN_YEAR})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"
    ),
    "era": re.compile(
        rf"(?P<era>{_ERAS})\s*(?P<y>元|{_NUM})\s*年\s*(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"
    ),
    "mdy": re.compile(rf"\b{_MON}\s*(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})(?!\d)"),
    "dmy": re.compile(rf"(?<!\d)(?P<d>\d{{1,2}}){_ORD}\s+{_MON},?\s+(?P<y>\d{{4}})(?!\d)"),
    "md_cjk": re.compile(rf"(?<!\d)(?P<m>{_NUM})\s*月\s*(?P<d>{_NUM})\s*日"),
    "md_en": re.compile(rf"\b{_MON}\s*(?P<d>\d{{1,2}}){_ORD}(?![\d:])"),
}
_YEARLESS = frozenset({"md_cjk", "md_en"})
_DATETIME_RE = re.compile(
    r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def chinese_numeral_to_int(text: str) -> int:
    """Convert a Chinese numeral (or Arabic / full-width digits) to ``int``.

    Digit-by-digit years (``二〇二五`` → 2025) and positional numerals
    (``十`` → 10, ``二十一`` → 21, ``一百零五`` → 105, ``一万二千`` → 12000) are
    supported, as are the decimal digits of any script (which regex ``\\d`` matches).
    Raises ``ValueError`` for anything else, including digit runs too long for
    ``int`` (over 4300 digits).
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if value.isdecimal():
        return int(value)
    if not value or not set(value) <= _CN_CHARS:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in _CN_DIGITS for ch in value):
        return int("".join(str(_CN_DIGITS[ch]) for ch in value))
    return _positional_numeral(value)


def _positional_numeral(value: str) -> int:
    """Evaluate a positional Chinese numeral such as ``一百零五``."""
    total = section = digit = 0
    for ch in value:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:  # 万
            total += (section + digit or 1) * 10000
            section = digit = 0
    return total + section + digit


def era_to_year(era: str, year_text: str) -> int:
    """Return the Gregorian year for a Japanese era year (``元`` means 1).

    ``era`` is one of 令和, 平成, 昭和, 大正; ``year_text`` may use Arabic,
    full-width or kanji digits. Raises :class:`DateParseError` otherwise, and when
    the year is past 9999 (no :class:`~datetime.date` can hold it).
    """
    if era not in ERA_OFFSETS:
        raise DateParseError(f"unknown era {era!r}")
    year_text = year_text.strip()
    try:
        number = 1 if year_text == "元" else chinese_numeral_to_int(year_text)
    except ValueError as exc:
        raise DateParseError(f"invalid era year {era}{year_text!r}") from exc
    if not 1 <= number <= date.max.year - ERA_OFFSETS[era]:
        raise DateParseError(f"invalid era year {era}{year_text!r}")
    return ERA_OFFSETS[era] + number


def _make_date(year: int, month: int, day: int, text: str) -> date:
    """Build a date or raise :class:`DateParseError` quoting ``text``."""
    try:
        return date(year, month, day)
    except (ValueError, OverflowError) as exc:  # OverflowError: beyond a C int
        raise DateParseError(f"invalid date {year}-{month}-{day} in {text!r}") from exc


def infer_year(month: int, day: int, reference: date, *, slack_days: int = 2) -> date:
    """Place a year-less (month, day) in ``reference``'s year, or the year before.

    The previous year is used when the date would fall more than ``slack_days``
    after ``reference`` (e.g. a December entry read on a January index page).
    Raises :class:`DateParseError` when neither year holds the date.
    """
    try:
        limit = reference + timedelta(days=slack_days)
    except OverflowError:  # past date.max / before date.min
        limit = date.max if slack_days > 0 else date.min
    try:
        candidate = date(reference.year, month, day)
    except (ValueError, OverflowError):
        candidate = None  # e.g. 2月29日 in a non-leap year: try the year before
    if candidate is not None and candidate <= limit:
        return candidate
    return _make_date(reference.year - 1, month, day, f"{month}月{day}日")


def assign_years(month_days: Sequence[tuple[int, int]], reference: date) -> list[date]:
    """Assign years to a newest-first listing of (month, day) pairs.

    The first entry uses :func:`infer_year`; each following entry keeps the
    previous entry's year unless its (month, day) is later than the previous
    one's, in which case the year decreases by one.
    """
    result: list[date] = []
    previous: tuple[int, int] | None = None
    year = reference.year
    for month, day in month_days:
        if previous is None:
            current = infer_year(month, day, reference)
            year = current.year
        else:
            if (month, day) > previous:
                year -= 1
            current = _make_date(year, month, day, f"{month}月{day}日")
        result.append(current)
        previous = (month, day)
    return result


def _num(value: str) -> int:
    """Integer from Arabic or Chinese digits (the regexes guarantee validity)."""
    return chinese_numeral_to_int(value)


def _build_ymd(match: re.Match[str], text: str, reference: date | None) -> date:
    return _make_date(_num(match["y"]), _num(match["m"]), _num(match["d"]), text)


def _build_era(match: re.Match[str], text: str, reference: date | None) -> date:
    year = era_to_year(match["era"], match["y"])
    return _make_date(year, _num(match["m"]), _num(match["d"]), text)


def _build_en(match: re.Match[str], text: str, reference: date | None) -> date:
    month = _MONTHS[match["mon"][:3].lower()]
    return _make_date(int(match["y"]), month, int(match["d"]), text)


def _build_yearless(match: re.Match[str], text: str, reference: date | None) -> date:
    if reference is None:
        raise DateParseError(f"year-less date {match.group(0)!r} needs a reference: {text!r}")
    groups = match.groupdict()
    month = _MONTHS[groups["mon"][:3].lower()] if groups.get("mon") else _num(groups["m"])
    day = _num(groups["d"])
    _make_date(2000, month, day, text)  # validate month/day in a leap year
    return infer_year(month, day, reference)


_BUILDERS: dict[str, Callable[[re.Match[str], str, date | None], date]] = {
    "ymd": _build_ymd,
    "cjk": _build_ymd,
    "era": _build_era,
    "mdy": _build_en,
    "dmy": _build_en,
    "md_cjk": _build_yearless,
    "md_en": _build_yearless,
}


def _first_match(text: str) -> tuple[str, re.Match[str]] | None:
    """Earliest match over all patterns; at equal start the longest, then full dates."""
    best: tuple[tuple[int, int, int], str, re.Match[str]] | None = None
    for kind, pattern in _PATTERNS.items():
        match = pattern.search(text)
        if match is None:
            continue
        rank = (match.start(), -len(match.group(0)), kind in _YEARLESS)
        if best is None or rank < best[0]:
            best = (rank, kind, match)
    return None if best is None else (best[1], best[2])


def parse_date(text: str, *, reference: date | None = None) -> date:
    """Parse the first date found in ``text``.

    Year-less dates (``1月6日付``, ``April 14``) are resolved with
    :func:`infer_year` against ``reference``. Raises :class:`DateParseError`
    (quoting the input) when no date is found, when the first date is invalid
    (``2026-02-30``) or when it is year-less and ``reference`` is None.
    """
    normalized = unicodedata.normalize("NFKC", text)
    found = _first_match(normalized)
    if found is None:
        raise DateParseError(f"no date found in {text!r}")
    kind, match = found
    return _BUILDERS[kind](match, text, reference)


def find_date(text: str, *, reference: date | None = None) -> date | None:
    """Like :func:`parse_date` but return None instead of raising."""
    try:
        return parse_date(text, reference=reference)
    except DateParseError:
        return None


def parse_datetime_cst(text: str) -> datetime:
    """Parse a MOFCOM timestamp (``2026-09-29 17:03``, seconds/time optional) as UTC+8.

    Returns a timezone-aware datetime; raises :class:`DateParseError` on failure.
    """
    match = _DATETIME_RE.search(unicodedata.normalize("NFKC", text))
    if match is None:
        raise DateParseError(f"no datetime found in {text!r}")
    year, month, day, hour, minute, second = (
        int(value) if value else 0 for value in match.group("y", "m", "d", "H", "M", "S")
    )
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=CST)
    except ValueError as exc:
        raise DateParseError(f"invalid datetime in {text!r}") from exc
