"""List announcements whose rows are only in an annex, and an Unreliable Entity List decision
with its own numbering, crawled from the replica (www.mofcom.gov.cn, state 5).

2026 No. 7 adds 3 entities to the control list in an Excel annex (``序号 | 实体名称 | 英文名称 |
地址``), 2026 No. 8 adds 2 to the watch list in a PDF annex (CJK text lines), and the decision
``不可靠实体清单工作机制〔2026〕1号`` adds 2 to the Unreliable Entity List in its body. The crawl
downloads the annexes, extracts their text and reads the rows; no list problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from monitors.storage.lists import ListStore
from tests.conftest import Dualwatch
from tests.replica import Replica
from tests.replica.content.mofcom import (
    CONTROL_ANNEX_ROWS,
    UEL_DECISION_NUMBER,
    list_annex_notices,
)

CONTROL_DOC, WATCH_DOC = "商务部/公告/2026/7", "商务部/公告/2026/8"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dualwatch]:
    """www.mofcom.gov.cn crawled at state 5, where the three announcements appear."""
    replica = Replica(port=0, state=5).start()
    dw = Dualwatch(home=tmp_path_factory.mktemp("annexes") / "home", replica=replica)
    try:
        crawl = dw.run("crawl", "--no-send", "mofcom", check=None)  # a listed 404 since state 4
        assert " list: " not in crawl.stdout and "list error" not in crawl.stderr, crawl.stdout
        yield dw
    finally:
        replica.stop()


def members(dw: Dualwatch, list_name: str) -> dict[str, dict]:
    """The members of one list (`dualwatch entities --json`) by name."""
    out = dw.run("entities", "--list", list_name, "--json").stdout
    return {m["name"]: m for m in map(json.loads, out.splitlines())}


def test_the_crawl_has_no_list_problem(crawled: Dualwatch) -> None:
    listing = crawled.run("lists", check=0)
    assert "problem" not in listing.stdout + listing.stderr
    with crawled.store() as store:
        assert ListStore(store).current_problems() == []


def test_control_list_rows_come_from_the_excel_annex(crawled: Dualwatch) -> None:
    found = members(crawled, "control-list")
    assert set(found) == {name for _, name, _, _ in CONTROL_ANNEX_ROWS}
    for _, name, english, address in CONTROL_ANNEX_ROWS:
        member = found[name]
        assert member["other_names"] == [english]
        assert (member["address"], member["country"]) == (address, "US")
        assert (member["status"], member["since"]) == ("listed", "2026-01-20")


def test_watch_list_rows_come_from_the_pdf_annex(crawled: Dualwatch) -> None:
    found = members(crawled, "watch-list")
    assert set(found) == {"示例雷达传感公司", "样本复合材料公司"}
    radar, composites = found["示例雷达传感公司"], found["样本复合材料公司"]
    assert radar["other_names"] == ["Example Radar Sensing Technologies Inc."]  # wrapped line
    assert radar["address"] == "美国马萨诸塞州示例市雷达路11号"
    assert composites["other_names"] == ["Sample Composites Corporation", "样本复材"]
    assert {m["country"] for m in found.values()} == {"US"}
    assert {m["since"] for m in found.values()} == {"2026-01-23"}


def test_rows_are_stored_with_their_annex_as_origin(crawled: Dualwatch) -> None:
    with crawled.store() as store:
        rows = store.rows("SELECT document, origin, count(*) AS n FROM list_events GROUP BY 1, 2")
    origins = {row["document"]: (row["origin"], row["n"]) for row in rows}
    assert origins[CONTROL_DOC] == ("annex 1", 3)
    assert origins[WATCH_DOC] == ("annex 1", 2)
    assert origins[UEL_DECISION_NUMBER] == ("body", 2)


def test_unreliable_entity_decision_carries_its_own_number(crawled: Dualwatch) -> None:
    found = members(crawled, "unreliable-entity-list")
    added = {name: m for name, m in found.items() if m["status"] == "listed"}
    assert set(added) == {"示例无人系统公司", "样本卫星通信公司"}
    assert added["示例无人系统公司"]["other_names"] == ["Example Unmanned Systems Inc."]
    assert added["样本卫星通信公司"]["other_names"] == ["Sample Satellite Communications LLC"]
    assert {m["since"] for m in added.values()} == {"2026-01-27"}
    with crawled.store() as store:
        events = ListStore(store).current_events()
    decision = [e for e in events if e.list_name == "unreliable-entity-list" and e.action == "add"]
    assert [(e.row_number, e.name) for e in decision] == [
        (1, "示例无人系统公司"),
        (2, "样本卫星通信公司"),
    ]
    assert {e.document for e in decision} == {"不可靠实体清单工作机制〔2026〕1号"}
    assert {e.document for e in events if e.list_name != "unreliable-entity-list"} == {
        CONTROL_DOC,
        WATCH_DOC,
    }


def test_annexes_are_served_as_excel_and_pdf(crawled: Dualwatch) -> None:
    """The files the crawl downloaded: an XLSX and a PDF, their text extracted."""
    control, watch, _ = list_annex_notices()
    with crawled.store() as store:
        kinds = {}
        for notice in (control, watch):
            stored = store.find_notice(f"https://www.mofcom.gov.cn{notice.path}")
            assert stored is not None and stored.current_version_id is not None
            [annex] = store.get_version(stored.current_version_id).attachments
            info = store.file_info(annex.sha256)
            kinds[notice.path] = (annex.content_type, info["extractor"])
            assert "美国" in info["text"]
    assert kinds == {
        control.path: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        watch.path: ("application/pdf", "pdf"),
    }
