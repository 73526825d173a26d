"""English document numbers, dates and effective dates of english.mofcom.gov.cn pages.

The English number must give the same :class:`DocNumber` key as the Chinese page of the same
announcement whenever both name the same issuers, so copies group by ``doc_key``.
"""

from __future__ import annotations

from datetime import date

import pytest

from monitors.text.docnumber import DocNumber, parse_doc_number
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

MOFCOM = ("商务部",)
MOFCOM_GAC = ("商务部", "海关总署")
FOUR = ("商务部", "工业和信息化部", "海关总署", "国家密码局")


@pytest.mark.parametrize(
    ("text", "issuers", "kind", "year", "number"),
    [
        ("MOFCOM Announcement No. 61 of 2025", MOFCOM, "公告", 2025, 61),
        (
            "Announcement No. 18 [2025] of the Ministry of Commerce and the General "
            "Administration of Customs",
            MOFCOM_GAC,
            "公告",
            2025,
            18,
        ),
        ("MOFCOM and GAC Announcement No. 57, 2025", MOFCOM_GAC, "公告", 2025, 57),
        ("Announcement No.1, 2026", MOFCOM, "公告", 2026, 1),
        ("Order No. 6 of 2025 of the Ministry of Commerce", MOFCOM, "令", 2025, 6),
        ("Ministry of Commerce Announcement 2026 No. 1", MOFCOM, "公告", 2026, 1),
        # more spellings seen in English texts
        ("MOFCOM, GAC Announcement No. 55 of 2025", MOFCOM_GAC, "公告", 2025, 55),
        ("MOFCOM & GAC Announcement No. 55 of 2025", MOFCOM_GAC, "公告", 2025, 55),
        ("Announcement No. 10, 2025 of MOFCOM and GAC on Tungsten", MOFCOM_GAC, "公告", 2025, 10),
        ("Announcement of the Ministry of Commerce No. 1 of 2026", MOFCOM, "公告", 2026, 1),
        ("Decree of the Ministry of Commerce No. 6 [2025]", MOFCOM, "令", 2025, 6),
        ("MOFCOM Order No. 5 of 2025", MOFCOM, "令", 2025, 5),
        ("Announcement No. 3/2026 of MOFCOM", MOFCOM, "公告", 2026, 3),
        ("Announcement (2025) No. 18 of MOFCOM and GAC", MOFCOM_GAC, "公告", 2025, 18),
        ("the Ministry of Commerce\u2019s Announcement No. 3 of 2026", MOFCOM, "公告", 2026, 3),
        ("ANNOUNCEMENT NO. 61 OF 2025 OF MOFCOM", MOFCOM, "公告", 2025, 61),
        ("Announcement No\uff0e\uff11\uff18 [\uff12\uff10\uff12\uff15]", MOFCOM, "公告", 2025, 18),
        ("Announcement No. 18 of the year 2025", MOFCOM, "公告", 2025, 18),
        (
            "Announcement No. 51 of 2024 of the Ministry of Commerce, the Ministry of Industry and "
            "Information Technology, the General Administration of Customs and the State "
            "Cryptography Administration on Releasing the List",
            FOUR,
            "公告",
            2024,
            51,
        ),
        (
            "MOFCOM, MIIT, GAC and National Cryptography Administration Announcement "
            "No. 51 of 2024",
            FOUR,
            "公告",
            2024,
            51,
        ),
        (
            "Announcement No. 23 of 2023 of the Ministry of Commerce of the People's Republic of "
            "China and the General Administration of Customs of the People's Republic of China",
            MOFCOM_GAC,
            "公告",
            2023,
            23,
        ),
        (
            "Announcement No. 70 of 2025 of MOFCOM and GAC on Suspending Announcements No. 55, "
            "56, 57, 58, 61 and 62 of 2025",
            MOFCOM_GAC,
            "公告",
            2025,
            70,
        ),
        (
            "In accordance with MOFCOM Announcement No. 46 of 2024, exports",
            MOFCOM,
            "公告",
            2024,
            46,
        ),
    ],
)
def test_parse_english_doc_number(
    text: str, issuers: tuple[str, ...], kind: str, year: int, number: int
) -> None:
    assert parse_english_doc_number(text) == DocNumber(issuers, kind, year, number)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Announcement No. 5",  # no year: not a document number
        "MOFCOM Regular Press Conference (January 8, 2026)",
        "No. 18 of 2025",  # no kind
        "Ministry of Commerce and General Administration of Customs Announcements No. 55, 56, 57, "
        "and 58 of 2025",  # a list of references, not one number
        "Announcement No. 18 of 1066",  # implausible year
        "Room No. 3 of 2025",
    ],
)
def test_parse_english_doc_number_rejects(text: str) -> None:
    assert parse_english_doc_number(text) is None


def test_no_issuer_means_the_default_issuer() -> None:
    assert parse_english_doc_number("Announcement No.1, 2026").issuers == MOFCOM
    assert parse_english_doc_number("Announcement No.1, 2026", default_issuer=None) is None
    assert parse_english_doc_number("Announcement No.1, 2026", default_issuer="海关总署") == (
        DocNumber(("海关总署",), "公告", 2026, 1)
    )


def test_match_returns_the_english_words() -> None:
    found = match_english_doc_number(
        "MOFCOM and GAC Announcement No. 57, 2025 on Implementing Export Control"
    )
    assert found == (
        DocNumber(MOFCOM_GAC, "公告", 2025, 57),
        "MOFCOM and GAC Announcement No. 57, 2025",
    )
    found = match_english_doc_number("Order No. 6 of 2025 of the Ministry of Commerce: Decision")
    assert found is not None
    assert found[1] == "Order No. 6 of 2025 of the Ministry of Commerce"


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "Announcement No. 18 [2025] of the Ministry of Commerce and the General "
            "Administration of Customs",
            "商务部 海关总署公告2025年第18号",
        ),
        ("MOFCOM and GAC Announcement No. 57, 2025", "商务部 海关总署公告2025年第57号"),
        ("MOFCOM Announcement No. 61 of 2025", "商务部公告2025第61号"),
        ("Announcement No.1, 2026", "商务部公告2026年第1号"),
        ("Ministry of Commerce Announcement 2026 No. 1", "商务部公告2026年第1号"),
        (
            "Order No. 6 of 2025 of the Ministry of Commerce",
            "中华人民共和国商务部令二〇二五年第6号",
        ),
        (
            "Announcement No. 51 of 2024 of the Ministry of Commerce, the Ministry of Industry and "
            "Information Technology, the General Administration of Customs and the State "
            "Cryptography Administration",
            "商务部 工业和信息化部 海关总署 国家密码局公告2024年第51号",
        ),
        ("MOFCOM and GAC Announcement No. 39, 2023", "商务部、海关总署公告2023年第39号"),
    ],
)
def test_key_and_text_equal_the_chinese_number(english: str, chinese: str) -> None:
    en, zh = parse_english_doc_number(english), parse_doc_number(chinese)
    assert en is not None and zh is not None
    assert en.key == zh.key
    assert str(en) == str(zh)  # the same doc_number text on both sites


def test_joint_announcement_named_only_for_mofcom() -> None:
    """The English title names MOFCOM alone: full keys differ, the lead issuer's agree."""
    en = parse_english_doc_number("MOFCOM Announcement No. 57 of 2025 on Rare Earths")
    zh = parse_doc_number("商务部 海关总署公告2025年第57号")
    assert (en.key, zh.key) == ("商务部/公告/2025/57", "商务部+海关总署/公告/2025/57")
    lead = [f"{n.issuers[0]}/{n.kind}/{n.year}/{n.number}" for n in (en, zh)]
    assert lead == ["商务部/公告/2025/57"] * 2
    signed = "IV. This announcement shall come into force on November 8, 2025.\n" + (
        "Ministry of Commerce\nGeneral Administration of Customs\nOctober 9, 2025"
    )
    assert complete_issuers(en, signature_issuers(signed)).key == zh.key


SIGNED_JOINTLY = "Body.\nMinistry of Commerce\nGeneral Administration of Customs\nOctober 9, 2025"


@pytest.mark.parametrize(
    ("header", "title", "text", "key", "words"),
    [
        ("", "MOFCOM Announcement No. 1 of 2026 on Japan", "Body.", "商务部/公告/2026/1",
         "MOFCOM Announcement No. 1 of 2026"),
        ("MOFCOM Announcement No. 61 of 2025", "On Rare Earths", "Body.", "商务部/公告/2025/61",
         "MOFCOM Announcement No. 61 of 2025"),
        ("", "On Rare Earths", "MOFCOM and GAC Announcement No. 57, 2025\nBody.",
         "商务部+海关总署/公告/2025/57", "MOFCOM and GAC Announcement No. 57, 2025"),
        ("", "MOFCOM Announcement No. 57 of 2025 on Rare Earths", SIGNED_JOINTLY,
         "商务部+海关总署/公告/2025/57", "MOFCOM Announcement No. 57 of 2025"),
        ("", "The Ministry of Commerce Announcement 2026 No. 11 on Entities", "Body.",
         "商务部/公告/2026/11", "The Ministry of Commerce Announcement 2026 No. 11"),
        # titles that only mention a number are not that announcement
        ("", "MOFCOM Spokesperson Answers Questions on Announcement No. 1 of 2026", "Body.",
         None, None),
        ("", "On Rare Earths", "Under MOFCOM Announcement No. 61 of 2025, exporters ...", None,
         None),
        ("", "MOFCOM Regular Press Conference (January 8, 2026)", "Q: Announcement No. 1 of 2026?",
         None, None),
    ],
)  # fmt: skip
def test_notice_doc_number(
    header: str, title: str, text: str, key: str | None, words: str | None
) -> None:
    found = notice_doc_number(header, title, text)
    parsed = (found[0].key, found[1]) if found else (None, None)
    assert parsed == (key, words)


@pytest.mark.parametrize(
    ("issuers", "signers", "expected"),
    [
        (MOFCOM, MOFCOM_GAC, MOFCOM_GAC),
        (MOFCOM_GAC, MOFCOM_GAC, MOFCOM_GAC),
        (MOFCOM, (), MOFCOM),
        (MOFCOM, ("海关总署", "商务部"), MOFCOM),  # another lead issuer: keep what the number says
        (("海关总署",), MOFCOM_GAC, ("海关总署",)),
        (("商务部", "工业和信息化部"), MOFCOM_GAC, ("商务部", "工业和信息化部")),
    ],
)
def test_complete_issuers(
    issuers: tuple[str, ...], signers: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    number = DocNumber(issuers, "公告", 2025, 57)
    assert complete_issuers(number, signers).issuers == expected


@pytest.mark.parametrize(
    ("text", "issuers", "day"),
    [
        ("Body.\nMinistry of Commerce\nGeneral Administration of Customs\nApril 4, 2025",
         MOFCOM_GAC, date(2025, 4, 4)),
        ("Body.\nMinistry of Commerce\nJanuary 6, 2026", MOFCOM, date(2026, 1, 6)),
        ("Body.\nMOFCOM, GAC\n2025-10-09", MOFCOM_GAC, date(2025, 10, 9)),
        ("Body.\nMinistry of Commerce\nMinistry of Industry and Information Technology\n"
         "General Administration of Customs\nState Cryptography Administration\n"
         "November 15, 2024\nAnnex: List.pdf", FOUR, date(2024, 11, 15)),
        ("Body.\nMinister of Commerce\nDecember 19, 2025", (), date(2025, 12, 19)),
        ("Q: what about MOFCOM?\nA: The measures are lawful.", (), None),
        ("Body ending with a sentence on April 4, 2025.", (), None),
    ],
)  # fmt: skip
def test_signature(text: str, issuers: tuple[str, ...], day: date | None) -> None:
    assert signature_issuers(text) == issuers
    assert signature_date(text) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("April 4, 2025", date(2025, 4, 4)),
        ("2025-04-04", date(2025, 4, 4)),
        ("Apr 4, 2025", date(2025, 4, 4)),
        ("Apr. 4, 2025", date(2025, 4, 4)),
        ("Sept. 30, 2025", date(2025, 9, 30)),
        ("4 April 2025", date(2025, 4, 4)),
        ("[2025-04-04]", date(2025, 4, 4)),
        ("2025-04-04 20:15", date(2025, 4, 4)),
        ("Published on January 7, 2026 by MOFCOM", date(2026, 1, 7)),
        ("January\u00a07,\u00a02026", date(2026, 1, 7)),
        ("no date here", None),
        ("April 31, 2025", None),
    ],
)
def test_parse_english_date(text: str, expected: date | None) -> None:
    assert parse_english_date(text) == expected


ISSUED = date(2025, 10, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This announcement shall come into force on the date of promulgation.", ISSUED),
        ("This announcement shall come into force on November 8, 2025.", date(2025, 11, 8)),
        ("The List shall come into effect as of Dec. 1, 2024.", date(2024, 12, 1)),
        ("The measures take effect immediately.", ISSUED),
        ("This Order shall be effective from 2026-02-01.", date(2026, 2, 1)),
        ("It shall come into force 30 days after the date of publication.", date(2025, 11, 8)),
        (
            "Article I shall come into force on December 1, 2025, and the other provisions shall "
            "come into force on the date of promulgation.",
            ISSUED,
        ),
        ("本公告自2025年12月1日起正式实施。", date(2025, 12, 1)),
        ("With effect from December 11, 2025, the duties shall be levied.", date(2025, 12, 11)),
        ("The duties shall continue to be levied as of December 11, 2025.", None),
        ("Q: When will the suspension end? A: On November 10, 2026.", None),
    ],
)
def test_english_effective_date(text: str, expected: date | None) -> None:
    assert find_english_effective_date(text, ISSUED) == expected


def test_effective_dates_in_order_and_without_reference() -> None:
    text = (
        "Article I shall come into force on December 1, 2025, and the other provisions shall "
        "come into force on the date of promulgation."
    )
    assert find_english_effective_dates(text, ISSUED) == [date(2025, 12, 1), ISSUED]
    assert find_english_effective_dates(text, None) == [date(2025, 12, 1)]
