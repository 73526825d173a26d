"""Extraction of control-list rows from list announcements (monitors/lists).

Every entity below is synthetic. Golden files: tests/golden/lists_<case>.json hold the whole
extraction of each table case (UPDATE_GOLDEN=1 rewrites them; review the diff).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from monitors.lists.enduser import end_user_list_problems
from monitors.lists.extract import (
    diff_end_user_list,
    extract_end_user_list,
    extract_list_events,
)
from monitors.lists.models import Announcement, ListExtraction, SourceRef
from monitors.lists.specs import DEFAULT_LISTS, country_code, parse_list_specs

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

PUBLISHED = date(2026, 3, 2)
PREAMBLE = (
    "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》等法律法规有关规定，"
    "为维护国家安全和利益、履行防扩散等国际义务，商务部决定{action}。现将有关事项公告如下："
)
RULES = "二、禁止出口经营者向上述实体出口两用物项；正在开展的相关出口活动应当立即停止。"
IN_FORCE = "三、本公告自公布之日起正式实施。"
SIGNATURE = ("商务部", "2026年3月2日")

#: 20 synthetic Japanese entities: (Chinese name, Latin name).
JAPANESE = (
    ("示例精密工业株式会社", "Example Precision Industries Co., Ltd."),
    ("样本航空宇宙株式会社", "Sample Aerospace Corporation"),
    ("试验重工株式会社", "Trial Heavy Industries, Ltd."),
    ("模拟电子系统株式会社", "Mock Electronic Systems Co., Ltd."),
    ("虚构造船株式会社", "Fictive Shipbuilding Co., Ltd."),
    ("假定材料株式会社", "Assumed Materials Corporation"),
    ("范例光学株式会社", "Paradigm Optics K.K."),
    ("样板动力株式会社", "Template Power Systems, Ltd."),
    ("演示雷达株式会社", "Demo Radar Co., Ltd."),
    ("测试推进技术株式会社", "Test Propulsion Technologies, Inc."),
    ("原型机械株式会社", "Prototype Machinery Co., Ltd."),
    ("草案防务株式会社", "Draft Defense Corporation"),
    ("占位海洋株式会社", "Placeholder Marine Co., Ltd."),
    ("假想航空发动机株式会社", "Hypothetical Aero Engines, Ltd."),
    ("示意传感器株式会社", "Schematic Sensors Co., Ltd."),
    ("模板宇航株式会社", "Boilerplate Astronautics Corporation"),
    ("概念工程株式会社", "Concept Engineering Co., Ltd."),
    ("样例研究所", "Specimen Research Institute"),
    ("虚拟大学", "Virtual University"),
    ("示范通信株式会社", "Showcase Communications Co., Ltd."),
)


def japanese_row(number: int, *, marker: str = ".") -> list[str]:
    """Row ``number`` of the 20 in one of three published layouts (by number)."""
    zh, latin = JAPANESE[number - 1]
    address = f"日本东京都港区示例町{number}丁目{number}番{number}号"
    if number % 3 == 1:  # one line: name（Latin），地址：…
        return [f"{number}{marker}{zh}（{latin}），地址：{address}。"]
    if number % 3 == 2:  # name line, then labelled lines (地 址 as published, 邮编, 常用名称)
        return [
            f"{number}{marker} {zh}（{latin}）",
            f"地 址：{address}",
            f"邮编：{100 + number}-{8000 + number}",
            f"常用名称：{zh[:2]}{number}号",
        ]
    return [f"{number}{marker}{zh}", latin, f"地址：{address}"]  # Latin name on its own line


def control_list_body(numbers: range | list[int], *, count: str = "20") -> str:
    """A control-list addition of the 20 Japanese entities (only ``numbers`` printed)."""
    rows = [line for n in numbers for line in japanese_row(n)]
    return "\n".join(
        (
            PREAMBLE.format(
                action=f"将示例精密工业株式会社等{count}家日本实体列入出口管制管控名单"
            ),
            "一、将以下实体列入出口管制管控名单：",
            *rows,
            RULES,
            IN_FORCE,
            *SIGNATURE,
        )
    )


US_ROWS = (
    "1、北辰示例航电公司（Northstar Example Avionics Inc.）",
    "地 址：美国弗吉尼亚州示例市第一大街1号",
    "2、西岭样本材料公司（Westridge Sample Materials LLC）",
    "地址：美国得克萨斯州样本市",
    "常用名称：西岭材料；Westridge Materials",
)


@dataclass(frozen=True)
class Case:
    """One announcement and what its extraction must say (the rest is in the golden file)."""

    name: str
    announcement: Announcement
    list_name: str | None
    action: str | None
    expected_count: int | None
    rows: int
    problems: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def announcement(title: str, *lines: str, **kwargs: Any) -> Announcement:
    """An announcement published on :data:`PUBLISHED` at a synthetic URL."""
    return Announcement(
        title=title,
        text="\n".join(lines),
        published=PUBLISHED,
        url="https://aqygzj.mofcom.gov.cn/flzc/gzjgfxwj/art/2026/art_0123456789abcdef.html",
        version_id=7,
        **kwargs,
    )


ANNEX_XLSX = "\n".join(
    (
        "[Sheet1]",
        "出口管制管控名单",
        "序号 | 实体名称 | 英文名称 | 地址",
        "1 | 示例精密工业株式会社 | Example Precision Industries Co., Ltd. "
        "| 日本东京都港区示例町1丁目",
        "2 | 样本航空宇宙株式会社 | Sample Aerospace Corporation | 日本爱知县名古屋市样本区2番地",
        "3 | 试验重工株式会社 | Trial Heavy Industries, Ltd. | 日本兵库县神户市试验区3号",
    )
)
ANNEX_PDF = "\n".join(
    (
        "附件",
        "出口管制管控名单",
        "1 示例精密工业株式会社（Example Precision Industries",
        "Co., Ltd.）",
        "地址：日本东京都港区示例町1丁目",
        "2 样本航空宇宙株式会社（Sample Aerospace Corporation）",
        "地址：日本爱知县名古屋市样本区2番地",
        "3 试验重工株式会社（Trial Heavy Industries, Ltd.）",
        "地址：日本兵库县神户市试验区3号",
        "- 1 -",
    )
)
ANNEX_TABS = (
    "序号\t名称\t国家\t地址\n"
    "1\t示例精密工业株式会社（Example Precision Industries Co., Ltd.）\t日本\t东京都港区\n"
    "2\t样本航空宇宙株式会社（Sample Aerospace Corporation）\t日本\t爱知县名古屋市\n"
    "3\t试验重工株式会社（Trial Heavy Industries, Ltd.）\t日本\t兵库县神户市\n"
)
ANNEX_BODY = (
    PREAMBLE.format(action="将3家日本实体列入出口管制管控名单"),
    "一、将3家日本实体列入出口管制管控名单，实体名称及地址见附件。",
    RULES,
    IN_FORCE,
    *SIGNATURE,
)
TITLE_ANNEX = "商务部公告2026年第33号 公布将3家日本实体列入出口管制管控名单"

CASES = (
    Case(
        "control_add",
        announcement(
            "商务部公告2026年第31号 公布将20家日本实体列入出口管制管控名单",
            control_list_body(range(1, 21)),
        ),
        "control-list",
        "add",
        20,
        20,
    ),
    Case(
        "watch_add",
        announcement(
            "商务部公告2026年第32号 关于将2家美国实体列入关注名单的公告",
            PREAMBLE.format(action="将北辰示例航电公司等2家美国实体列入关注名单"),
            *US_ROWS,
            "二、本公告自2026年3月16日起正式实施。",
            *SIGNATURE,
        ),
        "watch-list",
        "add",
        2,
        2,
    ),
    Case(
        "remove",
        announcement(
            "商务部公告2026年第34号 关于将2家美国实体移出关注名单的公告",
            "经核查，相关实体已履行承诺，商务部决定将以下2家美国实体移出关注名单：",
            *US_ROWS,
            "本公告自公布之日起正式实施。",
            *SIGNATURE,
        ),
        "watch-list",
        "remove",
        2,
        2,
    ),
    Case(
        "adjust_is_remove",
        announcement(
            "商务部公告2026年第35号 关于调整出口管制关注名单的公告",
            "经审查，相关实体已提交证明材料，商务部决定将以下实体移出关注名单：",
            "1.北辰示例航电公司（Northstar Example Avionics Inc.），地址：美国弗吉尼亚州示例市。",
            "本公告自公布之日起正式实施。",
        ),
        "watch-list",
        "remove",
        None,
        1,
    ),
    Case(
        "suspend",
        announcement(
            "商务部公告2026年第36号 关于暂停对2家美国实体采取出口管制措施的公告",
            "商务部决定，自2026年4月1日起暂停将以下2家美国实体列入出口管制管控名单所采取的措施，"
            "暂停期限为一年：",
            *US_ROWS,
            *SIGNATURE,
        ),
        "control-list",
        "suspend",
        2,
        2,
    ),
    Case(
        "resume",
        announcement(
            "商务部公告2027年第5号 关于恢复对2家美国实体采取出口管制措施的公告",
            "商务部决定，自2027年4月1日起恢复对以下2家美国实体采取的出口管制管控名单措施：",
            *US_ROWS,
            *SIGNATURE,
        ),
        "control-list",
        "resume",
        2,
        2,
    ),
    Case(
        "uel_decision",
        announcement(
            "不可靠实体清单工作机制关于将2家美国实体列入不可靠实体清单的决定",
            "不可靠实体清单工作机制〔2026〕3号",
            "根据《不可靠实体清单规定》有关规定，不可靠实体清单工作机制决定将以下2家美国实体"
            "列入不可靠实体清单：",
            *US_ROWS,
            "本决定自公布之日起施行。",
            "不可靠实体清单工作机制",
            "2026年3月2日",
        ),
        "unreliable-entity-list",
        "add",
        2,
        2,
        extra={"document": "不可靠实体清单工作机制〔2026〕3号"},
    ),
    Case(
        "uel_bare_number",
        announcement(
            "不可靠实体清单工作机制关于将1家美国实体列入不可靠实体清单的决定",
            "〔2026〕4号",
            "不可靠实体清单工作机制决定将以下1家美国实体列入不可靠实体清单：",
            US_ROWS[0],
            US_ROWS[1],
        ),
        "unreliable-entity-list",
        "add",
        1,
        1,
        extra={"document": "不可靠实体清单工作机制〔2026〕4号"},
    ),
    Case(
        "annex_xlsx",
        announcement(TITLE_ANNEX, *ANNEX_BODY, annexes=("附件说明（无名单）", ANNEX_XLSX)),
        "control-list",
        "add",
        3,
        3,
        extra={"origin": "annex 2"},
    ),
    Case(
        "annex_pdf",
        announcement(TITLE_ANNEX, *ANNEX_BODY, annexes=(ANNEX_PDF,)),
        "control-list",
        "add",
        3,
        3,
        extra={"origin": "annex 1"},
    ),
    Case(
        "annex_tabs",
        announcement(TITLE_ANNEX, *ANNEX_BODY, annexes=(ANNEX_TABS,)),
        "control-list",
        "add",
        3,
        3,
        extra={"origin": "annex 1"},
    ),
    Case(
        "count_mismatch",
        announcement(
            "商务部公告2026年第37号 公布将20家日本实体列入出口管制管控名单",
            control_list_body([n for n in range(1, 21) if n != 7]),
        ),
        "control-list",
        "add",
        20,
        19,
        problems=("states 20 entities, found 19 rows: missing row 7",),
    ),
    Case(
        "chinese_numeral_count",
        announcement(
            "商务部公告2026年第38号 关于将二十家日本实体列入出口管制管控名单的公告",
            control_list_body(range(1, 20), count="二十"),
        ),
        "control-list",
        "add",
        20,
        19,
        problems=("states 20 entities, found 19 rows: missing row 20",),
    ),
    Case(
        "duplicate_number",
        announcement(
            "商务部公告2026年第39号 关于将3家美国实体列入出口管制管控名单的公告",
            PREAMBLE.format(action="将3家美国实体列入出口管制管控名单"),
            "1.北辰示例航电公司（Northstar Example Avionics Inc.），地址：美国弗吉尼亚州。",
            "2.西岭样本材料公司（Westridge Sample Materials LLC），地址：美国得克萨斯州。",
            "2.东湾模拟光电公司（Eastbay Mock Photonics Corp.），地址：美国加利福尼亚州。",
        ),
        "control-list",
        "add",
        3,
        3,
        problems=("row numbering: missing row 3; row 2 appears 2 times",),
    ),
    Case(
        "title_text_disagree",
        announcement(
            "商务部公告2026年第41号 关于将3家美国实体列入关注名单的公告",
            PREAMBLE.format(action="将2家美国实体列入关注名单"),
            *US_ROWS,
        ),
        "watch-list",
        "add",
        3,
        2,
        problems=(
            "title states 3 entities, text states 2",
            "states 3 entities, found 2 rows: missing row 3",
        ),
    ),
    Case(
        "no_rows",
        announcement(
            "商务部公告2026年第42号 关于将部分实体移出关注名单的公告",
            "经核查，相关实体已履行承诺，商务部决定将其移出关注名单。",
            "本公告自公布之日起正式实施。",
        ),
        "watch-list",
        "remove",
        None,
        0,
        problems=("remove on 关注名单: no entity rows in the text or annexes",),
    ),
    Case(
        "not_a_list",
        announcement(
            "商务部 海关总署公告2026年第43号 关于对示例物项实施出口管制的公告",
            "一、满足以下特性的物项，未经许可，不得出口：",
            "1.示例物项（参考海关商品编号：2805301910）。",
            "二、出口经营者向关注名单中的实体出口的，可以向商务部申请移出关注名单。",
            "三、本公告自公布之日起正式实施。",
        ),
        None,
        None,
        None,
        0,
    ),
    Case(
        "qa_is_not_a_list",
        announcement(
            "商务部新闻发言人就将20家日本实体列入出口管制管控名单答记者问",
            "问：商务部决定将20家日本实体列入出口管制管控名单，请问有何考虑？",
            "答：相关决定依法作出。",
        ),
        None,
        None,
        None,
        0,
    ),
)


def extraction_dict(extraction: ListExtraction) -> dict[str, Any]:
    """The whole extraction as JSON-ready data (the golden form)."""
    source = extraction.source
    return {
        "list": extraction.list_name,
        "action": extraction.action,
        "expected_count": extraction.expected_count,
        "problems": list(extraction.problems),
        "document": source.document if source else None,
        "document_number": source.document_number if source else None,
        "events": [event.to_dict() for event in extraction.events],
    }


def check_golden(name: str, data: object) -> None:
    """Compare ``data`` with ``tests/golden/lists_<name>.json`` (written under UPDATE_GOLDEN=1)."""
    path = GOLDEN / f"lists_{name}.json"
    content = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if UPDATE:
        path.write_text(content, encoding="utf-8")
        return
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(content) == expected, f"{path.name} differs (UPDATE_GOLDEN=1 to accept)"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_extraction(case: Case) -> None:
    extraction = extract_list_events(case.announcement)
    assert extraction.list_name == case.list_name
    assert extraction.action == case.action
    assert extraction.expected_count == case.expected_count
    assert len(extraction.events) == case.rows
    assert extraction.problems == case.problems
    assert all(e.action == case.action and e.list_name == case.list_name for e in extraction.events)
    assert all(e.name for e in extraction.events)
    if "document" in case.extra:
        assert extraction.source is not None
        assert extraction.source.document == case.extra["document"]
    if "origin" in case.extra:
        assert {e.source.origin for e in extraction.events if e.source} == {case.extra["origin"]}
    check_golden(case.name, extraction_dict(extraction))


def test_control_list_rows_carry_every_field() -> None:
    extraction = extract_list_events(CASES[0].announcement)
    first, second, third = extraction.events[:3]
    assert (first.row_number, first.name, first.other_names) == (
        1,
        "示例精密工业株式会社",
        ("Example Precision Industries Co., Ltd.",),
    )
    assert first.address == "日本东京都港区示例町1丁目1番1号"
    assert second.other_names == ("Sample Aerospace Corporation", "样本2号")
    assert second.address == "日本东京都港区示例町2丁目2番2号"  # 地 址 read as 地址
    assert second.postcode == "102-8002"
    assert third.other_names == ("Trial Heavy Industries, Ltd.",)
    assert {e.country for e in extraction.events} == {"JP"}
    assert {e.effective for e in extraction.events} == {PUBLISHED}  # 自公布之日起
    assert [e.source.row_index for e in extraction.events if e.source] == list(range(20))
    assert first.source is not None
    assert first.source.document == "商务部/公告/2026/31"
    assert first.source.document_number == "商务部公告2026年第31号"
    assert (first.source.url, first.source.version_id) == (CASES[0].announcement.url, 7)


def test_effective_date_and_other_names_of_watch_list() -> None:
    extraction = extract_list_events(CASES[1].announcement)
    assert {e.effective for e in extraction.events} == {date(2026, 3, 16)}
    assert extraction.events[1].other_names == (
        "Westridge Sample Materials LLC",
        "西岭材料",
        "Westridge Materials",
    )
    assert extraction.events[0].country == "US"


def test_annex_forms_give_the_same_rows() -> None:
    names = {}
    for case in CASES:
        if case.name.startswith("annex_"):
            events = extract_list_events(case.announcement).events
            names[case.name] = [(e.row_number, e.name, e.other_names, e.country) for e in events]
    assert names["annex_xlsx"] == names["annex_pdf"] == names["annex_tabs"]
    assert names["annex_pdf"][0][2] == ("Example Precision Industries Co., Ltd.",)


def test_body_rows_win_over_annex_rows() -> None:
    body = announcement(
        "商务部公告2026年第44号 关于将2家美国实体列入关注名单的公告",
        PREAMBLE.format(action="将2家美国实体列入关注名单"),
        *US_ROWS,
        annexes=(ANNEX_XLSX,),
    )
    extraction = extract_list_events(body)
    assert [e.source.origin for e in extraction.events if e.source] == ["body", "body"]
    assert extraction.ok


def test_annex_row_numbering_restarting_is_loud() -> None:
    two_annexes = announcement(TITLE_ANNEX, *ANNEX_BODY, annexes=(ANNEX_XLSX, ANNEX_PDF))
    problems = extract_list_events(two_annexes).problems
    assert problems == (
        "states 3 entities, found 6 rows: row 1 appears 2 times; row 2 appears 2 times; "
        "row 3 appears 2 times",
    )


# -- METI End User List ------------------------------------------------------------------------

EUL_HEADER = (
    "No. | 国名・地域名 | 企業名・組織名 Company or Organization | 別名 Also Known As | 懸念区分"
)
EUL_OLD = "\n".join(
    (
        "外国ユーザーリスト",
        EUL_HEADER,
        "1 | アフガニスタン | Example Trading House | ・ETH / ・Example Trade Group | 生物、化学",
        "2 | イラン | Sample Industries Group | ・SIG | ミサイル",
        "3 | イラン | Mock Research Center | 核",
        "4 | パキスタン | Placeholder Engineering Co. | ・PEC | 核",
        "- 1 -",
    )
)
EUL_NEW = "\n".join(
    (
        EUL_HEADER,
        "1 | アフガニスタン | Example Trading House | ・ETH / ・Example Trade Group | 生物、化学",
        "2 | 中国 | Fictive Materials Ltd. | ・FML | ミサイル",
        "3 | イラン | Sample Industries Group | ・SIG / ・Sample Ind. | ミサイル",
        "4 | イラン | MOCK RESEARCH CENTER | 核",
    )
)


def test_end_user_list_rows() -> None:
    rows = extract_end_user_list(EUL_OLD)
    assert [r.number for r in rows] == [1, 2, 3, 4]
    assert rows[0].name == "Example Trading House"
    assert rows[0].other_names == ("ETH", "Example Trade Group")
    assert rows[0].concern == "生物、化学"
    assert (rows[0].country, rows[0].country_code) == ("アフガニスタン", "AF")
    assert rows[2].other_names == () and rows[2].concern == "核"
    assert end_user_list_problems(rows) == []


def test_end_user_list_problems_are_loud() -> None:
    assert end_user_list_problems([]) == ["End User List: no rows found"]
    rows = extract_end_user_list(EUL_OLD.replace("2 | イラン", "1 | イラン"))
    assert end_user_list_problems(rows) == [
        "End User List: missing rows 2",
        "End User List: row 1 appears 2 times",
    ]


def test_end_user_list_diff() -> None:
    source = SourceRef(
        document="外国ユーザーリスト",
        document_number="",
        published=date(2026, 9, 29),
        url="https://www.meti.go.jp/policy/anpo/law05.html",
        version_id=12,
    )
    events = diff_end_user_list(
        extract_end_user_list(EUL_OLD), extract_end_user_list(EUL_NEW), source=source
    )
    summary = [(e.action, e.row_number, e.name, e.country) for e in events]
    assert summary == [
        ("add", 2, "Fictive Materials Ltd.", "CN"),
        ("amend", 3, "Sample Industries Group", "IR"),
        ("remove", 4, "Placeholder Engineering Co.", "PK"),
    ]
    assert events[1].other_names == ("SIG", "Sample Ind.")
    assert {e.list_name for e in events} == {"meti-end-user-list"}
    assert events[2].source is not None and events[2].source.row_index == 3
    check_golden("end_user_diff", [e.to_dict() for e in events])


def test_end_user_list_renumbered_only_is_no_event() -> None:
    old = extract_end_user_list(EUL_OLD)
    lines = EUL_OLD.splitlines()
    renumbered = "\n".join(
        [EUL_HEADER, "1 | パキスタン | Placeholder Engineering Co. | ・PEC | 核"]
        + [line.replace(f"{n} | ", f"{n + 1} | ", 1) for n, line in enumerate(lines[2:5], 1)]
    )
    new = extract_end_user_list(renumbered)
    assert [r.number for r in new] == [1, 2, 3, 4] and new[0].name != old[0].name
    source = SourceRef("外国ユーザーリスト", "", date(2026, 9, 29), "", None)
    assert diff_end_user_list(old, new, source=source) == []


# -- list specs ----------------------------------------------------------------------------------


def test_default_lists() -> None:
    names = [spec.name for spec in DEFAULT_LISTS]
    assert names == ["control-list", "watch-list", "unreliable-entity-list", "meti-end-user-list"]
    eul = DEFAULT_LISTS[3]
    assert eul.title_in("en") == "End User List" and eul.title_in("zh") == "外国ユーザーリスト"
    assert DEFAULT_LISTS[0].phrases == (
        "Export Control Control List",
        "出口管制管控名单",
        "管控名单",
    )


def test_parse_list_specs_overrides_and_adds() -> None:
    specs = parse_list_specs(
        {
            "lists": {
                "watch-list": {"aliases": ["出口管制关注名单", "关注清单"]},
                "example-list": {
                    "title": "示例名单",
                    "titles": {"en": "Example List"},
                    "issuer": "商务部",
                    "aliases": ["示例清单"],
                },
            }
        }
    )
    by_name = {spec.name: spec for spec in specs}
    assert by_name["watch-list"].title == "关注名单"
    assert by_name["watch-list"].aliases == ("出口管制关注名单", "关注清单")
    assert by_name["example-list"].title_in("en") == "Example List"
    assert len(specs) == 5
    extraction = extract_list_events(
        announcement(
            "商务部公告2026年第45号 关于将1家美国实体列入示例清单的公告",
            US_ROWS[0],
            US_ROWS[1],
        ),
        specs,
    )
    assert (extraction.list_name, len(extraction.events), extraction.problems) == (
        "example-list",
        1,
        (),
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"new-list": {"aliases": ["x"]}}, "lists.new-list: title is required"),
        ({"Bad Name": {"title": "x"}}, "bad list name 'Bad Name'"),
        ({"x": {"title": "x", "colour": "red"}}, "lists.x: unknown key(s) colour"),
        ({"x": {"title": ""}}, "lists.x: title must be a non-empty string"),
        ({"x": {"title": "x", "aliases": "管控"}}, "lists.x: aliases must be a list"),
        ({"x": {"title": "x", "titles": {"fr": "y"}}}, "lists.x: titles: unknown language 'fr'"),
        ({"x": "not a table"}, "lists.x: must be a table"),
        ({"x": {"title": "关注名单"}}, "'关注名单' names both watch-list and x"),
    ],
)
def test_parse_list_specs_rejects_bad_input(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_list_specs(raw)


def test_country_codes() -> None:
    assert country_code("日本") == "JP" and country_code("Iran") == "IR"
    assert country_code("美国弗吉尼亚州", prefix=True) == "US"
    assert country_code("中国台湾台北市", prefix=True) == "TW"
    assert country_code("1-2-3 Marunouchi, Tokyo, Japan", prefix=True) == "JP"
    assert country_code("Indianapolis", prefix=True) is None
