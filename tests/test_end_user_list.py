"""METI's 外国ユーザーリスト (End User List) as list data: the replica's law05.html links the
list as an Excel file (its 令和7年9月29日 edition in state 1, the 令和8年2月20日 revision in
state 5: two rows added, one removed, one also-known-as name amended, rows renumbered). The
crawl reads each version of the page as a revision of the one before; every version's events
count in the list's state; the alert about the revision states the rows, not a text diff."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from monitors.changes.detect import record_fetch
from monitors.lists.enduser import (
    best_end_user_list,
    diff_end_user_list,
    extract_end_user_list,
    is_end_user_list_page,
)
from monitors.lists.models import SourceRef
from monitors.lists.record import record_list_rows
from monitors.storage.lists import ListStore
from monitors.storage.models import Attachment, FetchedFile, FetchedNotice
from monitors.storage.store import Store
from monitors.text.extract import extract_text
from tests.conftest import REPLICA_CONFIG, Dualwatch
from tests.replica import Replica
from tests.replica.content import meti as content
from tests.replica.render import tiny_xlsx
from tests.smtp_server import SmtpServer

LAW05 = f"https://{content.METI_HOST}{content.LAW05_PATH}"
LIST = "meti-end-user-list"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITION_1, EDITION_2 = next(p for p in content.anpo_pages() if p.kind == "law05").editions


def sheet_text(rows: Any) -> str:
    """The text the crawler stores of an End User List Excel file with these cells."""
    return extract_text(tiny_xlsx("外国ユーザーリスト", rows)).text


def entities(dw: Dualwatch) -> dict[str, dict[str, Any]]:
    out = dw.run("entities", "--list", LIST, "--json").stdout
    return {m["name"]: m for m in map(json.loads, out.splitlines())}


# -- the replica's files -------------------------------------------------------------------


def test_the_replica_sheets_read_as_clean_end_user_lists() -> None:
    for edition in (EDITION_1, EDITION_2):
        index, rows = best_end_user_list([sheet_text(edition.sheet_rows())])
        assert index == 0 and len(rows) == len(edition.table)
        assert [row.number for row in rows] == list(range(1, len(rows) + 1))
        assert {row.country_code for row in rows} == {"IR", "CN", "KP", "PK", "RU"}
    source = SourceRef("外国ユーザーリスト/2026-02-20", "", None, LAW05, None)
    old, new = (extract_end_user_list(sheet_text(e.sheet_rows())) for e in (EDITION_1, EDITION_2))
    events = diff_end_user_list(old, new, source=source)
    assert sorted((e.action, e.name) for e in events) == sorted(
        [("add", name) for name in content.EUL_2026_ADDED]
        + [("remove", name) for name in content.EUL_2026_REMOVED]
        + [("amend", name) for name in content.EUL_2026_AMENDED]
    )
    renumbered = [n for o, n in zip(old, new, strict=False) if o.name != n.name]
    assert renumbered, "the revision renumbers rows"


def test_which_pages_must_hold_the_list() -> None:
    assert is_end_user_list_page("外国ユーザーリスト", {"page_kind": "end_user_list"})
    assert not is_end_user_list_page(
        "End User List", {"page_kind": "end_user_list", "language": "en"}
    )
    assert is_end_user_list_page("外国ユーザーリスト", {})
    assert not is_end_user_list_page("外国ユーザーリストを改正しました", {"doc_type": "press"})


# -- end to end: crawl, state, alert ---------------------------------------------------------


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """meti crawled at state 1 (baseline) then state 5 (the revision), alerts to a real SMTP
    server for a subscription to every topic."""
    directory = tmp_path_factory.mktemp("eul")
    replica = Replica(port=0, state=1).start()
    with SmtpServer() as smtp:
        config = directory / "m.toml"
        config.write_text(
            f'extends = "{REPLICA_CONFIG}"\n'
            f'[mail.smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n'
            '[[subscriptions]]\nname = "all"\nemail = "all@example.org"\ntopics = []\n',
            encoding="utf-8",
        )
        dw = Dualwatch(home=directory / "home", replica=replica, config_path=config)
        first = dw.run("crawl", "meti")
        after_first = entities(dw)
        replica.set_state(5)
        second = dw.run("crawl", "meti")
        messages = [r.message() for r in smtp.received]
    yield dw, after_first, messages, (first, second)
    replica.stop()


def test_both_crawls_are_ok_and_read_the_list(revised: Any) -> None:
    """Both crawls exit 0 (a list problem would make the run partial) and `dualwatch lists`
    counts the list's members with no problem."""
    dw, _, _, crawls = revised
    assert all(" list: " not in crawl.stdout for crawl in crawls)
    out = dw.run("lists", check=0).stdout
    counts = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:] if line.strip()}
    assert counts[LIST] == ["11", "0", "1"], out


def test_the_first_version_lists_every_row(revised: Any) -> None:
    _, first, _, _ = revised
    assert sorted(first) == sorted(row.name for row in content.EUL_2025)
    assert {m["status"] for m in first.values()} == {"listed"}
    assert {m["since"] for m in first.values()} == {"2025-09-29"}


def test_the_revision_adds_removes_and_amends(revised: Any) -> None:
    dw, _, _, _ = revised
    members = entities(dw)
    names = {row.name for row in content.EUL_2025} | {row.name for row in content.EUL_2026}
    assert sorted(members) == sorted(names) and len(members) == 12
    [removed] = content.EUL_2026_REMOVED
    assert members[removed]["status"] == "removed" and members[removed]["since"] == "2026-02-20"
    for added in content.EUL_2026_ADDED:
        assert members[added]["status"] == "listed" and members[added]["since"] == "2026-02-20"
    [amended] = content.EUL_2026_AMENDED
    assert members[amended]["status"] == "listed" and members[amended]["since"] == "2025-09-29"
    assert "Example Industrial Group" in members[amended]["other_names"]
    kept = set(names) - {removed}
    assert {n for n, m in members.items() if m["status"] == "listed"} == kept
    assert members["示例貿易総会社"]["country"] == "KP"


def test_the_alert_states_the_rows_added_removed_and_amended(revised: Any) -> None:
    _, _, messages, _ = revised
    [alert] = [m for m in messages if "Modified: 外国ユーザーリスト" in m["Subject"]]
    assert alert["Subject"].endswith("外国ユーザーリスト — +2 -1 ~1 on 外国ユーザーリスト")
    text = alert.get_body(("plain",)).get_content()
    assert "+2 -1 ~1 on 外国ユーザーリスト, effective 2026-02-20" in text
    assert "+ 4. 示例先端材料有限公司 (Example Advanced Materials Co., Ltd.) [CN]" in text
    assert "+ 10. 示例無人機工業 (Example UAV Works) [RU]" in text
    assert "- 4. 示例精密機械有限公司 (Example Precision Machinery Co., Ltd.) [CN]" in text
    assert "~ 3. 示例工業公司 (Example Industries Co., Ltd.; Example Industrial Group) [CN]" in text
    assert text.index("+ 4.") < text.index("- 4.") < text.index("~ 3.")
    # rows that were only renumbered are not rows of the change
    assert "示例化学工場" not in text
    html = alert.get_body(("html",)).get_content()
    assert "+2 -1 ~1 on 外国ユーザーリスト" in html and "示例無人機工業" in html


def test_rereading_gives_the_same_list(revised: Any) -> None:
    dw, _, _, _ = revised

    def members() -> list[dict[str, Any]]:
        return [{k: v for k, v in m.items() if k != "last_event_id"} for m in entities(dw).values()]

    before = members()
    dw.run("lists", "--reread")
    assert members() == before


# -- revisions in the store ------------------------------------------------------------------


def _store_version(store: Any, rows: Any, label: str, name: str) -> int:
    """Store a version of the End User List page whose Excel file ``name`` holds ``rows``."""
    data = tiny_xlsx("外国ユーザーリスト", rows)
    digest = hashlib.sha256(data).hexdigest()
    url = f"{LAW05.rsplit('/', 1)[0]}/{name}"
    fetched = FetchedNotice(
        source="meti",
        url=LAW05,
        title="外国ユーザーリスト",
        text=f"外国ユーザーリスト\n{label}",
        raw_html=b"<html></html>",
        attachments=(Attachment(name=label, url=url, sha256=digest, size=len(data)),),
        files=(FetchedFile(url, digest, len(data), XLSX, data, extract_text(data).text, "xlsx"),),
        metadata={"page_kind": "end_user_list", "language": "ja", "doc_type": "list"},
    )
    return record_fetch(store, fetched, run_id=None, baseline=False).notice_id


def test_a_renumbering_only_revision_is_no_event(tmp_path: Path) -> None:
    """Rows reordered and renumbered are no event: the new version states no rows, the
    list's state is unchanged."""
    rows = EDITION_1.sheet_rows()
    reordered = [rows[0], rows[1], *[[i, *r[1:]] for i, r in enumerate(reversed(rows[2:]), 1)]]
    with Store.open(tmp_path / "dw.db") as store:
        store.ensure_source("meti", "METI", "meti")
        lists = ListStore(store)
        first = _store_version(store, rows, "外国ユーザーリスト（令和7年9月29日改正）", "a.xlsx")
        assert record_list_rows(store, first) == ()
        before = [replace(m, last_event_id=0) for m in lists.members()]
        assert len(before) == 10 and {m.status for m in before} == {"listed"}
        second = _store_version(
            store, reordered, "外国ユーザーリスト（令和8年2月20日改正）", "b.xlsx"
        )
        assert second == first and record_list_rows(store, second) == ()
        versions = store.versions_of(first)
        assert len(versions) == 2
        assert len(lists.events_of_version(versions[0].id)) == 10
        assert lists.events_of_version(versions[1].id) == []
        assert [replace(m, last_event_id=0) for m in lists.members()] == before


def test_a_version_without_the_list_is_a_problem_and_keeps_the_state(tmp_path: Path) -> None:
    """Strict and loud: the page's file holds no table → a problem (the crawl entry fails);
    the list keeps the last clean version's rows, and the next clean version is compared
    with that one."""
    rows = EDITION_1.sheet_rows()
    with Store.open(tmp_path / "dw.db") as store:
        store.ensure_source("meti", "METI", "meti")
        lists = ListStore(store)
        notice = _store_version(store, rows, "外国ユーザーリスト（令和7年9月29日改正）", "a.xlsx")
        assert record_list_rows(store, notice) == ()
        before = [replace(m, last_event_id=0) for m in lists.members()]
        _store_version(store, [["準備中"]], "外国ユーザーリスト（令和8年1月5日改正）", "b.xlsx")
        problems = record_list_rows(store, notice)
        assert problems and "End User List" in problems[0]
        assert [p["problem"] for p in lists.current_problems()] == list(problems)
        assert [replace(m, last_event_id=0) for m in lists.members()] == before
        _store_version(
            store, EDITION_2.sheet_rows(), "外国ユーザーリスト（令和8年2月20日改正）", "c.xlsx"
        )
        assert record_list_rows(store, notice) == ()
        current = store.find_notice(str(notice))
        assert current is not None and current.current_version_id is not None
        actions = sorted(e.action for e in lists.events_of_version(current.current_version_id))
        assert actions == ["add", "add", "amend", "remove"]
        status = {m.name: m.status for m in lists.members()}
        assert status["示例精密機械有限公司"] == "removed" and len(status) == 12
