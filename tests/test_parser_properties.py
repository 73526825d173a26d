"""Property tests: the date and document-number parsers never raise an undocumented exception.

Metadata never costs a notice: whatever text a page holds, :mod:`monitors.text.dates`,
:mod:`monitors.text.docnumber` and :mod:`monitors.text.docnumber_en` either return a value (or
None) or raise the error they document (:class:`DateParseError`; ``ValueError`` for
:func:`chinese_numeral_to_int`). Inputs mix realistic fragments (dates in every supported
form, document numbers, effective-date wording, full-width and non-ASCII digits, huge digit
runs, brackets) with random text. Spiders read such metadata through
:func:`monitors.text.metadata.lenient`, tested at the end.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scrapy.http import HtmlResponse

from crawler.items import ListedNotice
from crawler.spiders.mofcom import MofcomSpider
from monitors.core.config import load_config
from monitors.core.errors import DateParseError, ParseError
from monitors.text.dates import (
    CST,
    ERA_OFFSETS,
    assign_years,
    chinese_numeral_to_int,
    era_to_year,
    find_date,
    infer_year,
    parse_date,
    parse_datetime_cst,
)
from monitors.text.docnumber import (
    MAX_DELAY_DAYS,
    DocNumber,
    add_delay,
    find_effective_date,
    find_effective_dates,
    parse_doc_number,
)
from monitors.text.docnumber_en import (
    complete_issuers,
    find_english_effective_date,
    find_english_effective_dates,
    match_english_doc_number,
    notice_doc_number,
    parse_english_date,
    parse_english_doc_number,
    signature_date,
    signature_issuers,
)
from monitors.text.metadata import lenient
from tests.conftest import REPLICA_CONFIG

#: Every property test: enough examples to find the overflow paths, the file under ~10 s.
PROPERTY = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

FRAGMENTS = [
    # dates
    "2026-01-06", "2026/1/6", "2026.01.06", "2026-09-29 17:03", "2026-09-29 17:03:59",
    "2026年1月6日", "2026 年 1 月 6 日", "２０２６年１月６日", "２０２６－０１－０６",
    "二〇二五年十月九日", "令和8年1月6日", "令和元年5月1日", "平成31年4月30日", "令和",
    "平成", "昭和", "大正", "元年", "1月6日付", "9月30日", "2月29日", "12月31日", "十二月",
    "January 6, 2026", "6 January 2026", "Jan. 6, 2026", "April 14", "Sept 3rd", "DECEMBER",
    "2026-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "年", "月", "日", "号", "付",
    # document numbers
    "〔2025〕", "公告2026年第1号", "商务部公告2025年第61号", "商务部 海关总署公告2025年第57号",
    "国务院令第792号", "中华人民共和国", "商务部", "海关总署", "国务院", "关于", "和", "部",
    "局", "委员会", "公告", "令", "第", "二〇二五", "〇〇〇〇", "十", "百", "千", "万", "零",
    # effective dates
    "自公布之日起", "自即日起", "自本公告发布之日起", "自2025年12月1日起施行", "自12月1日起",
    "起", "自", "日后施行", "天后", "30日后施行", "施行", "实施",
    # English
    "shall come into force", "takes effect", " immediately", " days after ", "on ",
    "the date of promulgation", "MOFCOM", "GAC", "MIIT", "Ministry of Commerce", " and ",
    "Announcement No. 1 of 2026", "Order No. 6 of 2025", "Announcement", "Order", "No.",
    "[2025]", "(2025)", " of ", ", ", "December 1, 2025",
    # separators, brackets and odd characters
    " ", "\n", "\u3000", "、", "【", "】", "[", "]", "(", ")", "（", "）", "-", "/", ".",
    "ı", "İ", "ſ", "K", "٢٠٢٦", "२०२६", "௧", "①", "²", "ﾒ",
    # huge or odd numbers
    "0", "00", "9999", "99999999999", "2920448", "2912474", "4294967296",
]  # fmt: skip

fragments = st.sampled_from(FRAGMENTS)
#: Digit runs from short to longer than ``int()`` reads (4300 digits).
digit_runs = st.one_of(
    st.text("0123456789", min_size=1, max_size=12),
    st.text("０１２３４５６７８９", min_size=1, max_size=6),
    st.text("〇一二三四五六七八九十百千万", min_size=1, max_size=8),
    st.sampled_from([20, 400, 4301, 5000]).map(lambda n: "9" * n),
)
numbers = st.one_of(digit_runs, st.integers(0, 99).map(str))


def joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The concatenation of one draw from each of ``parts``."""
    return st.tuples(*parts).map("".join)


def one_of_texts(*choices: str) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


#: Realistic shapes with random numbers in them: dates, document numbers, delays.
shaped = st.one_of(
    joined(
        numbers,
        one_of_texts("-", "/", ".", "年"),
        numbers,
        one_of_texts("-", "/", ".", "月"),
        numbers,
        one_of_texts("", "日", " 17:03", "日付"),
    ),
    joined(
        one_of_texts(*ERA_OFFSETS),
        one_of_texts("元", "8", "九九", "99"),
        one_of_texts("年"),
        numbers,
        one_of_texts("月"),
        numbers,
        one_of_texts("日"),
    ),
    joined(one_of_texts("January ", "Sept. ", "DEC "), numbers, one_of_texts(", ", " "), numbers),
    joined(
        one_of_texts("商务部", "商务部 海关总署", "国务院", "某某委员会", "和平部"),
        one_of_texts("公告", "令"),
        one_of_texts("", "二〇二五年", "2025年"),
        st.just("第"),
        numbers,
        st.just("号"),
    ),
    joined(
        one_of_texts("自公布之日起", "自即日起", "自2025年12月1日起", "自12月1日起", "自2月29日起"),
        numbers,
        one_of_texts("日后施行", "天后", "日后"),
    ),
    joined(
        one_of_texts("shall come into force ", "takes effect from "),
        numbers,
        one_of_texts(" days after December 1, 2025", " days after the date of promulgation"),
    ),
    joined(
        one_of_texts("MOFCOM Announcement No. ", "Order No. "),
        numbers,
        one_of_texts(" of ", ", ", " [", " ("),
        numbers,
        one_of_texts("", "]", ")"),
    ),
)
texts = st.lists(
    st.one_of(fragments, fragments, shaped, digit_runs, st.text(max_size=6)), max_size=8
).map("".join)
references = st.one_of(st.dates(), st.sampled_from([date.min, date.max, date(2026, 1, 8)]))
published_dates = st.one_of(st.none(), references)
big_ints = st.one_of(st.integers(-40, 40), st.integers())


# -- monitors.text.dates ------------------------------------------------------------------------


@PROPERTY
@given(text=texts, reference=published_dates)
@example(text="٢٠٢٦-٠١-٠٦", reference=None)
@example(text="九九九九年十月九日", reference=None)
def test_parse_date_raises_only_date_parse_error(text: str, reference: date | None) -> None:
    try:
        result = parse_date(text, reference=reference)
    except DateParseError:
        assert find_date(text, reference=reference) is None
    else:
        assert isinstance(result, date)
        assert find_date(text, reference=reference) == result


@PROPERTY
@given(text=texts)
def test_parse_datetime_cst_raises_only_date_parse_error(text: str) -> None:
    try:
        result = parse_datetime_cst(text)
    except DateParseError:
        return
    assert isinstance(result, datetime) and result.tzinfo is CST


@PROPERTY
@given(month=big_ints, day=big_ints, reference=references, slack=big_ints)
@example(month=1, day=1, reference=date.max, slack=2)
@example(month=2, day=29, reference=date.min, slack=2)
@example(month=2**70, day=1, reference=date(2026, 1, 8), slack=2)
def test_infer_year_raises_only_date_parse_error(
    month: int, day: int, reference: date, slack: int
) -> None:
    try:
        result = infer_year(month, day, reference, slack_days=slack)
    except DateParseError:
        return
    assert (result.month, result.day) == (month, day)
    assert result.year in (reference.year, reference.year - 1)


@PROPERTY
@given(pairs=st.lists(st.tuples(big_ints, big_ints), max_size=6), reference=references)
def test_assign_years_raises_only_date_parse_error(
    pairs: list[tuple[int, int]], reference: date
) -> None:
    try:
        result = assign_years(pairs, reference)
    except DateParseError:
        return
    assert [(d.month, d.day) for d in result] == pairs
    assert result == sorted(result, reverse=True)


@PROPERTY
@given(text=st.one_of(digit_runs, texts))
def test_chinese_numeral_to_int_raises_only_value_error(text: str) -> None:
    try:
        result = chinese_numeral_to_int(text)
    except ValueError:
        return
    assert isinstance(result, int) and result >= 0


@PROPERTY
@given(era=st.one_of(st.sampled_from(sorted(ERA_OFFSETS)), st.text(max_size=3)), year=texts)
@example(era="令和", year="9" * 5000)
@example(era="令和", year="9999")
def test_era_to_year_raises_only_date_parse_error(era: str, year: str) -> None:
    try:
        result = era_to_year(era, year)
    except DateParseError:
        return
    assert ERA_OFFSETS[era] < result <= date.max.year


# -- monitors.text.docnumber --------------------------------------------------------------------


@PROPERTY
@given(text=texts)
@example(text="商务部公告2025年第" + "9" * 5000 + "号")
@example(text="商务部公告〇〇〇〇年第1号")
def test_parse_doc_number_never_raises_and_round_trips(text: str) -> None:
    number = parse_doc_number(text)
    if number is None:
        return
    assert isinstance(number, DocNumber) and number.issuers
    assert number.year is None or number.year > 0
    again = parse_doc_number(str(number))
    assert again is not None, str(number)
    assert again.identity == number.identity
    assert again == parse_doc_number(str(again))  # str() is a fixed point after one round


@PROPERTY
@given(text=texts, published=published_dates)
@example(text="自公布之日起2920448日后施行", published=date(2024, 12, 1))
@example(text="自公布之日起1日后施行", published=date.max)
@example(text="自12月31日起", published=date.max)
def test_find_effective_dates_never_raise(text: str, published: date | None) -> None:
    found = find_effective_dates(text, published)
    assert all(isinstance(day, date) for day in found)
    assert find_effective_date(text, published) == min(found, default=None)


@PROPERTY
@given(day=references, days=st.one_of(digit_runs, st.integers(0, 10**6).map(str)))
def test_add_delay_is_bounded(day: date, days: str) -> None:
    result = add_delay(day, days)
    if result is not None:
        assert timedelta(0) <= result - day <= timedelta(days=MAX_DELAY_DAYS)


# -- monitors.text.docnumber_en -----------------------------------------------------------------


@PROPERTY
@given(text=texts, default=st.sampled_from(["商务部", None]))
@example(text="Mınıstry of Commerce Announcement No. 1 of 2026", default=None)
@example(text="MİNİSTRY OF COMMERCE Announcement No. 1 of 2026", default=None)
def test_english_doc_numbers_never_raise(text: str, default: str | None) -> None:
    found = match_english_doc_number(text, default_issuer=default)
    number = parse_english_doc_number(text, default_issuer=default)
    assert number == (found[0] if found else None)
    if number is not None:
        assert number.issuers and 1949 <= (number.year or 0) <= 2199
        # the signature's co-issuers never change which document it is
        assert complete_issuers(number, ("商务部", "海关总署")).identity == number.identity


@PROPERTY
@given(header=texts, title=texts, lines=st.lists(texts, max_size=6))
def test_notice_doc_number_and_signature_never_raise(
    header: str, title: str, lines: list[str]
) -> None:
    text = "\n".join(lines)
    found = notice_doc_number(header, title, text)
    assert found is None or isinstance(found[0], DocNumber)
    assert all(isinstance(issuer, str) for issuer in signature_issuers(text))
    assert signature_date(text) is None or isinstance(signature_date(text), date)


@PROPERTY
@given(text=texts, published=published_dates)
@example(
    text="This Announcement shall come into force 2912474 days after December 1, 2025",
    published=None,
)
@example(text="shall take effect 1 days after the date of promulgation", published=date.max)
def test_english_dates_never_raise(text: str, published: date | None) -> None:
    assert parse_english_date(text) is None or isinstance(parse_english_date(text), date)
    found = find_english_effective_dates(text, published)
    assert all(isinstance(day, date) for day in found)
    both = found + find_effective_dates(text, published)
    assert find_english_effective_date(text, published) == min(both, default=None)


# -- regressions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("自公布之日起2920448日后施行", date(2024, 12, 1)),
        ("自即日起99999999999天后", date(2024, 12, 1)),
        ("自公布之日起" + "9" * 5000 + "日后施行", date(2024, 12, 1)),
        ("自公布之日起3日后施行", date.max),
    ],
)
def test_implausible_delays_are_ignored(text: str, published: date) -> None:
    assert find_effective_date(text, published) is None
    assert find_english_effective_date(text, published) is None


def test_plausible_delays_still_count() -> None:
    assert find_effective_date("自公布之日起30日后施行", date(2024, 12, 1)) == date(2024, 12, 31)
    assert add_delay(date(2024, 12, 1), str(MAX_DELAY_DAYS)) is not None
    assert add_delay(date(2024, 12, 1), str(MAX_DELAY_DAYS + 1)) is None


def test_implausible_english_delay_is_ignored() -> None:
    text = "This Announcement shall come into force 2912474 days after December 1, 2025"
    assert find_english_effective_date(text, None) is None
    text = "This Announcement shall come into force 30 days after December 1, 2025"
    assert find_english_effective_date(text, None) == date(2025, 12, 31)


def test_non_ascii_digits_and_huge_values() -> None:
    assert parse_date("٢٠٢٦-٠١-٠٦") == date(2026, 1, 6)  # \d matches every script's digits
    assert chinese_numeral_to_int("२०२६") == 2026
    with pytest.raises(ValueError):
        chinese_numeral_to_int("9" * 5000)
    with pytest.raises(DateParseError):
        era_to_year("令和", "9" * 5000)
    with pytest.raises(DateParseError):
        era_to_year("令和", "9999")
    with pytest.raises(DateParseError):
        infer_year(2**70, 1, date(2026, 1, 8))
    assert infer_year(12, 31, date.max) == date.max
    assert parse_doc_number("商务部公告2025年第" + "9" * 5000 + "号") is None
    assert parse_doc_number("商务部公告〇〇〇〇年第1号") is None


def test_dotted_and_dotless_i_in_english_issuers() -> None:
    number = parse_english_doc_number("Mınıstry of Commerce Announcement No. 1 of 2026")
    assert number is not None and number.issuers == ("商务部",)
    number = parse_english_doc_number("MİNİSTRY OF COMMERCE Order No. 6 of 2025")
    assert number is not None and number.key == "商务部/令/2025/6"


# -- lenient metadata ----------------------------------------------------------------------


@PROPERTY
@given(text=texts)
def test_lenient_parse_date_is_find_date(text: str) -> None:
    assert lenient(parse_date, text, what="date", url="https://example.org/") == find_date(text)


def test_lenient_returns_none_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    url = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_x.html"
    with caplog.at_level(logging.WARNING, logger="monitors.text.metadata"):
        assert lenient(parse_datetime_cst, "2025-13-45 99:99", what="PubDate", url=url) is None
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert message.startswith(f"{url}: cannot parse PubDate '2025-13-45 99:99'")
    assert message.endswith("; left empty")


def test_lenient_passes_values_and_blanks_through(caplog: pytest.LogCaptureFixture) -> None:
    stamp = lenient(parse_datetime_cst, "2025-10-09 09:02", what="PubDate", url="u")
    assert stamp == datetime(2025, 10, 9, 9, 2, tzinfo=CST)
    assert lenient(parse_datetime_cst, None, what="PubDate", url="u") is None
    assert lenient(parse_datetime_cst, "  ", what="PubDate", url="u") is None
    assert not caplog.records


def test_lenient_lets_bugs_through() -> None:
    def broken(text: str) -> date:
        raise KeyError(text)

    with pytest.raises(KeyError):
        lenient(broken, "2026-01-06", what="date", url="u")


def test_lenient_catches_every_parse_error(caplog: pytest.LogCaptureFixture) -> None:
    def refuse(text: str) -> str:
        raise ParseError(f"no document number in {text!r}")

    assert lenient(refuse, "x", what="doc number", url="u") is None
    assert "cannot parse doc number 'x'" in caplog.text


def test_unreadable_pubdate_keeps_the_notice(caplog: pytest.LogCaptureFixture) -> None:
    url = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_x.html"
    html = (
        "<html><head><meta name='ArticleTitle' content='商务部公告2025年第61号'>"
        "<meta name='PubDate' content='2025-13-45 99:99'></head><body>"
        "<div class='art-con-gonggao'><p>【发文日期】2025年10月09日</p></div>"
        "<div class='art-con' ergodic='article'><p>正文。</p></div></body></html>"
    )
    spider = MofcomSpider()
    spider.source = load_config(REPLICA_CONFIG).source("mofcom")
    response = HtmlResponse(url, body=html.encode(), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="monitors.text.metadata"):
        notice = spider.extract_notice(response, ListedNotice(url, "t", None))
    assert notice.published == date(2025, 10, 9)  # the header's 发文日期 instead
    assert notice.doc_number == "商务部公告2025年第61号"
    assert any("cannot parse PubDate" in r.getMessage() for r in caplog.records)
