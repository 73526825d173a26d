"""Tests for monitors.text.dates."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from monitors.core.errors import DateParseError, ParseError
from monitors.text.dates import (
    assign_years,
    chinese_numeral_to_int,
    era_to_year,
    find_date,
    infer_year,
    parse_date,
    parse_datetime_cst,
)

REF = date(2026, 1, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-06", date(2026, 1, 6)),
        ("2026-01-06 17:30", date(2026, 1, 6)),
        ("[2026-09-29]", date(2026, 9, 29)),
        ("2026/1/6", date(2026, 1, 6)),
        ("2026.01.06", date(2026, 1, 6)),
        ("2026年1月6日", date(2026, 1, 6)),
        ("2025年10月09日", date(2025, 10, 9)),
        ("２０２６年１月６日", date(2026, 1, 6)),
        ("２０２６－０１－０６", date(2026, 1, 6)),
        ("2026 年 1 月 6 日", date(2026, 1, 6)),
        ("2026\u3000年\u30001\u3000月\u30006\u3000日", date(2026, 1, 6)),
        ("令和8年1月6日", date(2026, 1, 6)),
        ("令和８年１月６日", date(2026, 1, 6)),
        ("令和 8 年 1 月 6 日", date(2026, 1, 6)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("令和八年一月六日", date(2026, 1, 6)),
        ("二〇二五年十月九日", date(2025, 10, 9)),
        ("二〇二五年十二月三十一日", date(2025, 12, 31)),
        ("二○二五年一月二十日", date(2025, 1, 20)),
        ("January 6, 2026", date(2026, 1, 6)),
        ("Jan. 6, 2026", date(2026, 1, 6)),
        ("Sept. 30, 2025", date(2025, 9, 30)),
        ("December 1st, 2025", date(2025, 12, 1)),
        ("6 January 2026", date(2026, 1, 6)),
        ("30 Sep 2025", date(2025, 9, 30)),
        ("JANUARY 6, 2026", date(2026, 1, 6)),
        # surrounding words
        ("发布时间：2025-10-09 17:03", date(2025, 10, 9)),
        ("公布日期：2025年10月09日 来源：商务部", date(2025, 10, 9)),
        ("（令和8年1月6日付）外務省", date(2026, 1, 6)),
        ("Press release issued on January 6, 2026 by MOFA", date(2026, 1, 6)),
        # the first date wins
        ("2026年1月6日更新（初出2025年12月1日）", date(2026, 1, 6)),
        ("published 2025-12-01, amended 2026-01-06", date(2025, 12, 1)),
        ("令和7年12月1日（2025年12月1日）", date(2025, 12, 1)),
    ],
)
def test_parse_date_full_formats(text: str, expected: date) -> None:
    assert parse_date(text) == expected
    assert parse_date(text, reference=REF) == expected


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("1月6日付", date(2026, 1, 8), date(2026, 1, 6)),
        ("1月6日", date(2026, 1, 8), date(2026, 1, 6)),
        ("9月30日付", date(2026, 10, 1), date(2026, 9, 30)),
        ("12月26日付", date(2026, 1, 8), date(2025, 12, 26)),
        ("１２月２６日付", date(2026, 1, 8), date(2025, 12, 26)),
        ("十月九日", date(2025, 10, 9), date(2025, 10, 9)),
        ("April 14", date(2026, 5, 1), date(2026, 4, 14)),
        ("April 14", date(2026, 1, 8), date(2025, 4, 14)),
        ("Apr. 14th", date(2026, 5, 1), date(2026, 4, 14)),
        # within the 2-day slack: a date slightly in the future stays in this year
        ("1月10日付", date(2026, 1, 8), date(2026, 1, 10)),
        ("1月11日付", date(2026, 1, 8), date(2025, 1, 11)),
    ],
)
def test_parse_date_yearless(text: str, reference: date, expected: date) -> None:
    assert parse_date(text, reference=reference) == expected


@pytest.mark.parametrize("text", ["1月6日付", "9月30日付", "April 14"])
def test_parse_date_yearless_without_reference_raises(text: str) -> None:
    with pytest.raises(DateParseError, match="reference"):
        parse_date(text)
    assert find_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "no date here",
        "",
        "2026-02-30",
        "2026年2月30日",
        "2026-13-01",
        "2025年2月29日",
        "February 30, 2026",
        "令和8年13月1日",
        "二〇二五年十三月一日",
        "January 2026",
    ],
)
def test_parse_date_errors_quote_input(text: str) -> None:
    with pytest.raises(DateParseError) as excinfo:
        parse_date(text, reference=REF)
    assert repr(text) in str(excinfo.value)
    assert find_date(text, reference=REF) is None


def test_invalid_yearless_date_raises() -> None:
    with pytest.raises(DateParseError):
        parse_date("2月30日付", reference=REF)


def test_date_parse_error_hierarchy() -> None:
    with pytest.raises(DateParseError):
        parse_date("no date here")
    assert issubclass(DateParseError, ParseError)
    assert issubclass(DateParseError, ValueError)


def test_find_date_returns_date() -> None:
    assert find_date("更新日 2026/1/6") == date(2026, 1, 6)
    assert find_date("12月26日付", reference=REF) == date(2025, 12, 26)


@pytest.mark.parametrize(
    ("month", "day", "reference", "slack", "expected"),
    [
        (9, 30, date(2026, 10, 1), 2, date(2026, 9, 30)),
        (12, 26, date(2026, 1, 8), 2, date(2025, 12, 26)),
        (1, 8, date(2026, 1, 8), 2, date(2026, 1, 8)),
        (1, 10, date(2026, 1, 8), 2, date(2026, 1, 10)),
        (1, 11, date(2026, 1, 8), 2, date(2025, 1, 11)),
        (1, 9, date(2026, 1, 8), 0, date(2025, 1, 9)),
        (1, 1, date(2025, 12, 31), 2, date(2025, 1, 1)),
        (2, 29, date(2029, 3, 10), 2, date(2028, 2, 29)),
        (2, 29, date(2028, 3, 10), 2, date(2028, 2, 29)),
    ],
)
def test_infer_year(month: int, day: int, reference: date, slack: int, expected: date) -> None:
    assert infer_year(month, day, reference, slack_days=slack) == expected


@pytest.mark.parametrize(("month", "day"), [(2, 30), (13, 1), (2, 29)])
def test_infer_year_invalid(month: int, day: int) -> None:
    with pytest.raises(DateParseError):
        infer_year(month, day, date(2027, 3, 10))


@pytest.mark.parametrize(
    ("month_days", "reference", "expected"),
    [
        (
            [(1, 7), (1, 6), (12, 26), (12, 5)],
            date(2026, 1, 8),
            [date(2026, 1, 7), date(2026, 1, 6), date(2025, 12, 26), date(2025, 12, 5)],
        ),
        (
            [(1, 7), (1, 6), (12, 26), (12, 5)],
            date(2026, 11, 29),
            [date(2026, 1, 7), date(2026, 1, 6), date(2025, 12, 26), date(2025, 12, 5)],
        ),
        (
            [(12, 26), (12, 26), (3, 1), (1, 2), (12, 31)],
            date(2026, 1, 8),
            [
                date(2025, 12, 26),
                date(2025, 12, 26),
                date(2025, 3, 1),
                date(2025, 1, 2),
                date(2024, 12, 31),
            ],
        ),
        ([(9, 30)], date(2026, 10, 1), [date(2026, 9, 30)]),
        ([], date(2026, 1, 8), []),
    ],
)
def test_assign_years(
    month_days: list[tuple[int, int]], reference: date, expected: list[date]
) -> None:
    assert assign_years(month_days, reference) == expected


@pytest.mark.parametrize(
    ("era", "year_text", "expected"),
    [
        ("令和", "8", 2026),
        ("令和", "元", 2019),
        ("令和", "８", 2026),
        ("令和", "八", 2026),
        ("平成", "31", 2019),
        ("平成", "元", 1989),
        ("昭和", "64", 1989),
        ("大正", "15", 1926),
    ],
)
def test_era_to_year(era: str, year_text: str, expected: int) -> None:
    assert era_to_year(era, year_text) == expected


@pytest.mark.parametrize(("era", "year_text"), [("明応", "1"), ("令和", "x"), ("令和", "0")])
def test_era_to_year_invalid(era: str, year_text: str) -> None:
    with pytest.raises(DateParseError):
        era_to_year(era, year_text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二五", 2025),
        ("二○二六", 2026),
        ("〇", 0),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("三十一", 31),
        ("一百零五", 105),
        ("一百", 100),
        ("两千零二十五", 2025),
        ("一万二千", 12000),
        ("2025", 2025),
        ("２０２５", 2025),
        ("7", 7),
    ],
)
def test_chinese_numeral_to_int(text: str, expected: int) -> None:
    assert chinese_numeral_to_int(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "十a", "1.5"])
def test_chinese_numeral_to_int_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        chinese_numeral_to_int(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-29 17:03", (2026, 9, 29, 17, 3, 0)),
        ("2026-09-29 17:03:45", (2026, 9, 29, 17, 3, 45)),
        ("2026-09-29", (2026, 9, 29, 0, 0, 0)),
        ("  2026/9/29 7:03 ", (2026, 9, 29, 7, 3, 0)),
    ],
)
def test_parse_datetime_cst(text: str, expected: tuple[int, ...]) -> None:
    result = parse_datetime_cst(text)
    assert (result.year, result.month, result.day) == expected[:3]
    assert (result.hour, result.minute, result.second) == expected[3:]
    assert result.utcoffset() == timedelta(hours=8)


def test_parse_datetime_cst_converts_to_utc() -> None:
    result = parse_datetime_cst("2026-09-29 05:00")
    assert result == datetime.fromisoformat("2026-09-28T21:00:00+00:00")


@pytest.mark.parametrize("text", ["", "yesterday", "2026-02-30 10:00", "2026-09-29 25:00"])
def test_parse_datetime_cst_invalid(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_datetime_cst(text)
