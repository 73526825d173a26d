"""Change detection against a real SQLite store: baseline, new, modified, flip-back, removed."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from monitors import detect
from monitors.models import Attachment, FetchedNotice
from monitors.store import Store

URL = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_0001.html"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "dualwatch.db")
    opened.ensure_source("mofcom", "MOFCOM", "mofcom")
    yield opened
    opened.close()


def notice(text: str = "第一条 禁止出口。\n第二条 自公布之日起施行。", **changes) -> FetchedNotice:
    base = FetchedNotice(
        source="mofcom",
        url=URL,
        title="商务部公告2026年第1号",
        text=text,
        raw_html=b"<html>raw</html>",
        doc_number="商务部公告2026年第1号",
    )
    return replace(base, **changes)


def test_baseline_records_without_a_change(store: Store) -> None:
    outcome = detect.record_fetch(store, notice(), run_id=None, baseline=True)
    assert outcome.kind == "baseline"
    assert store.list_changes() == []
    assert len(store.versions_of(outcome.notice_id)) == 1


def test_new_notice_after_baseline_is_a_change(store: Store) -> None:
    outcome = detect.record_fetch(store, notice(), run_id=None, baseline=False)
    assert outcome.kind == "new"
    [change] = store.list_changes()
    assert (change.kind, change.url, change.title) == ("new", URL, "商务部公告2026年第1号")


def test_same_content_adds_no_version(store: Store) -> None:
    first = detect.record_fetch(store, notice(), run_id=None, baseline=True)
    again = detect.record_fetch(store, notice(raw_html=b"<html>other noise</html>"), run_id=None,
                                baseline=False)  # fmt: skip
    assert again.kind == "unchanged"
    assert len(store.versions_of(first.notice_id)) == 1


def test_modified_text_stores_version_and_per_character_diff(store: Store) -> None:
    detect.record_fetch(store, notice(), run_id=None, baseline=True)
    changed = notice("第一条 禁止出口。\n第二条 自2026年1月15日起施行。")
    outcome = detect.record_fetch(store, changed, run_id=None, baseline=False)
    assert outcome.kind == "modified"
    change = store.get_change(outcome.change_id)
    body = json.loads(change.diff)["body"]
    replaced = [line for line in body["lines"] if line["op"] == "replace"]
    assert len(replaced) == 1
    inserted = "".join(text for op, text in replaced[0]["segments"] if op == "insert")
    deleted = "".join(text for op, text in replaced[0]["segments"] if op == "delete")
    assert (deleted, inserted) == ("公布之", "2026年1月15")
    assert "{+2026年1月15+}" in detect.format_change_diff(change.diff)


def test_flip_back_to_earlier_version_is_not_news(store: Store) -> None:
    detect.record_fetch(store, notice(), run_id=None, baseline=True)
    detect.record_fetch(store, notice("改了。"), run_id=None, baseline=False)
    outcome = detect.record_fetch(store, notice(), run_id=None, baseline=False)
    assert outcome.kind == "reverted"
    assert [c.kind for c in store.list_changes()] == ["modified"]
    assert len(store.versions_of(outcome.notice_id)) == 2
    assert detect.record_fetch(store, notice(), run_id=None, baseline=False).kind == "unchanged"


def test_attachment_change_is_a_modification(store: Store) -> None:
    detect.record_fetch(store, notice(), run_id=None, baseline=True)
    pdf = Attachment("附件1.pdf", "https://www.mofcom.gov.cn/files/a.pdf")
    outcome = detect.record_fetch(store, notice(attachments=(pdf,)), run_id=None, baseline=False)
    assert outcome.kind == "modified"
    diff = json.loads(store.get_change(outcome.change_id).diff)
    assert diff["attachments"]["added"] == [pdf.canonical()]


def test_removed_only_once(store: Store) -> None:
    detect.record_fetch(store, notice(), run_id=None, baseline=True)
    first = detect.record_gone(store, "mofcom", URL, run_id=None, status=404)
    second = detect.record_gone(store, "mofcom", URL, run_id=None, status=404)
    assert (first.kind, second.kind) == ("removed", "unchanged")
    assert [c.kind for c in store.list_changes()] == ["removed"]
    assert store.find_notice(URL).status == "removed"


def test_gone_for_unknown_notice_is_an_error(store: Store) -> None:
    with pytest.raises(LookupError):
        detect.record_gone(store, "mofcom", URL, run_id=None, status=404)
