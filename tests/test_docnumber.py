"""Tests for monitors.text.docnumber."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from monitors.text.docnumber import (
    DocNumber,
    find_effective_date,
    find_effective_dates,
    parse_doc_number,
)

MOFCOM = ("商务部",)
MOFCOM_GAC = ("商务部", "海关总署")


@pytest.mark.parametrize(
    ("text", "issuers", "kind", "year", "number"),
    [
        ("商务部公告2025年第61号", MOFCOM, "公告", 2025, 61),
        ("商务部公告2025第61号", MOFCOM, "公告", 2025, 61),
        ("商务部 海关总署公告2025年第57号", MOFCOM_GAC, "公告", 2025, 57),
        ("商务部、海关总署公告2023年第23号", MOFCOM_GAC, "公告", 2023, 23),
        ("商务部海关总署公告2023年第23号", MOFCOM_GAC, "公告", 2023, 23),
        ("商务部\u3000海关总署公告2025年第57号", MOFCOM_GAC, "公告", 2025, 57),
        (
            "商务部 工业和信息化部 海关总署 国家密码局公告2024年第51号",
            ("商务部", "工业和信息化部", "海关总署", "国家密码局"),
            "公告",
            2024,
            51,
        ),
        (
            "商务部 海关总署 国家国防科技工业局 中央军委装备发展部公告2025年第18号",
            ("商务部", "海关总署", "国家国防科技工业局", "中央军委装备发展部"),
            "公告",
            2025,
            18,
        ),
        ("商务部令2025年第5号", MOFCOM, "令", 2025, 5),
        ("中华人民共和国商务部令二〇二五年第6号", MOFCOM, "令", 2025, 6),
        ("中华人民共和国商务部令二〇二五年第六号", MOFCOM, "令", 2025, 6),
        ("商务部公告２０２６年第１号", MOFCOM, "公告", 2026, 1),
        ("商务部公告 2026 年 第 1 号", MOFCOM, "公告", 2026, 1),
        ("商务部 公告 2026年 第1号", MOFCOM, "公告", 2026, 1),
        (
            "商务部公告2025第61号 公布对境外相关稀土物项实施出口管制的决定",
            MOFCOM,
            "公告",
            2025,
            61,
        ),
        ("【发布文号】商务部公告2025年第61号", MOFCOM, "公告", 2025, 61),
        ("根据商务部公告2025年第61号的规定", MOFCOM, "公告", 2025, 61),
        (
            "中华人民共和国商务部 中华人民共和国海关总署公告2024年第1号",
            MOFCOM_GAC,
            "公告",
            2024,
            1,
        ),
        (
            "国家发展和改革委员会 商务部令2020年第33号",
            ("国家发展和改革委员会", "商务部"),
            "令",
            2020,
            33,
        ),
        ("科技部、商务部公告2020年第38号", ("科技部", "商务部"), "公告", 2020, 38),
        # unknown issuers are accepted by suffix
        ("国家市场监督管理总局公告2024年第3号", ("国家市场监督管理总局",), "公告", 2024, 3),
        (
            "根据国家市场监督管理总局公告2024年第3号",
            ("国家市场监督管理总局",),
            "公告",
            2024,
            3,
        ),
        (
            "商务部 国家市场监督管理总局公告2024年第3号",
            ("商务部", "国家市场监督管理总局"),
            "公告",
            2024,
            3,
        ),
        ("国务院关税税则委员会公告2025年第2号", ("国务院关税税则委员会",), "公告", 2025, 2),
        # first of several
        ("商务部公告2025年第61号、商务部公告2025年第62号", MOFCOM, "公告", 2025, 61),
    ],
)
def test_parse_doc_number(
    text: str, issuers: tuple[str, ...], kind: str, year: int, number: int
) -> None:
    assert parse_doc_number(text) == DocNumber(issuers, kind, year, number)


@pytest.mark.parametrize(
    "text",
    [
        "不可靠实体清单工作机制关于将部分外国实体列入不可靠实体清单的公告",
        "商务部关于公布对境外相关稀土物项实施出口管制的决定的公告",
        "公告2025年第1号",
        "商务部公告",
        "",
        "Announcement No. 61 of 2025",
    ],
)
def test_parse_doc_number_none(text: str) -> None:
    assert parse_doc_number(text) is None


@pytest.mark.parametrize(
    ("doc", "key", "text"),
    [
        (
            DocNumber(MOFCOM_GAC, "公告", 2025, 57),
            "商务部+海关总署/公告/2025/57",
            "商务部 海关总署公告2025年第57号",
        ),
        (DocNumber(MOFCOM, "令", 2025, 6), "商务部/令/2025/6", "商务部令2025年第6号"),
        (DocNumber(MOFCOM, "公告", 2025, 61), "商务部/公告/2025/61", "商务部公告2025年第61号"),
    ],
)
def test_doc_number_key_and_str(doc: DocNumber, key: str, text: str) -> None:
    assert doc.key == key
    assert str(doc) == text
    assert parse_doc_number(str(doc)) == doc


def test_issuer_order_is_significant_for_key() -> None:
    a = parse_doc_number("商务部 海关总署公告2025年第57号")
    b = parse_doc_number("海关总署 商务部公告2025年第57号")
    assert a is not None and b is not None
    assert a.key != b.key


def test_doc_number_is_frozen() -> None:
    doc = DocNumber(MOFCOM, "公告", 2025, 61)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.year = 2026  # type: ignore[misc]


PUBLISHED = date(2025, 10, 9)


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("本公告自2025年12月1日起施行。", PUBLISHED, date(2025, 12, 1)),
        ("自2025年12月1日起实施", PUBLISHED, date(2025, 12, 1)),
        ("自2025年12月1日起正式实施", PUBLISHED, date(2025, 12, 1)),
        ("自2025年12月1日起", None, date(2025, 12, 1)),
        ("自 2025 年 12 月 1 日起施行", PUBLISHED, date(2025, 12, 1)),
        ("自２０２５年１２月１日起施行", PUBLISHED, date(2025, 12, 1)),
        ("自二〇二五年十二月一日起施行", PUBLISHED, date(2025, 12, 1)),
        ("本公告自公布之日起实施。", PUBLISHED, PUBLISHED),
        ("本决定自发布之日起施行", PUBLISHED, PUBLISHED),
        ("本公告自即日起执行", PUBLISHED, PUBLISHED),
        ("本公告自公布之日起实施。", None, None),
        # year-less: the first occurrence on/after publication
        ("自12月1日起实施", PUBLISHED, date(2025, 12, 1)),
        ("自1月1日起实施", PUBLISHED, date(2026, 1, 1)),
        ("自12月1日起实施", None, None),
        # the first statement wins
        ("一、自公布之日起施行。二、自2026年1月1日起废止", PUBLISHED, PUBLISHED),
        ("公告如下：现予公布。", PUBLISHED, None),
        ("", PUBLISHED, None),
        ("来自各方的意见", PUBLISHED, None),
    ],
)
def test_find_effective_date(text: str, published: date | None, expected: date | None) -> None:
    assert find_effective_date(text, published) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本公告自本公告发布之日起施行。", date(2025, 10, 9)),
        ("本公告自公布之日起30日后施行。", date(2025, 11, 8)),
        ("本公告第一条自2025年12月1日起实施，其余条款自公布之日起正式实施。", date(2025, 10, 9)),
        ("本决定自2025年11月10日起实施。", date(2025, 11, 10)),
    ],
)
def test_effective_date_forms(text: str, expected: date) -> None:
    assert find_effective_date(text, date(2025, 10, 9)) == expected


def test_every_effective_date_is_listed_in_order() -> None:
    text = "本公告第一条自2025年12月1日起实施，其余条款自公布之日起正式实施。"
    assert find_effective_dates(text, date(2025, 10, 9)) == [date(2025, 12, 1), date(2025, 10, 9)]


@pytest.mark.parametrize(
    "text",
    [
        "中华人民共和国国务院令 第792号",
        "国务院令第792号",
        "《两用物项出口管制条例》（国务院令第792号）",
    ],
)
def test_state_council_orders_have_no_year(text: str) -> None:
    number = parse_doc_number(text)
    assert (number.issuers, number.kind, number.year, number.number) == (
        ("国务院",),
        "令",
        None,
        792,
    )
    assert number.identity == "国务院/令/-/792" and str(number) == "国务院令第792号"


def test_yearless_announcements_are_not_numbers() -> None:
    assert parse_doc_number("商务部公告第5号") is None
