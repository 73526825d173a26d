"""Change detection against a real SQLite store: baseline, new, modified, flip-back, removed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

from monitors.changes import detect
from monitors.storage.models import Attachment, FetchedFile, FetchedNotice
from monitors.storage.store import Store

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
    body = change.diff.body
    replaced = [line for line in body.lines if line.op == "replace"]
    assert len(replaced) == 1
    inserted = "".join(seg.text for seg in replaced[0].segments if seg.op == "insert")
    deleted = "".join(seg.text for seg in replaced[0].segments if seg.op == "delete")
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
    diff = store.get_change(outcome.change_id).diff
    assert [added.line for added in diff.attachments.added] == [pdf.canonical()]
    assert [(added.name, added.url) for added in diff.attachments.added] == [(pdf.name, pdf.url)]


def test_removed_only_once(store: Store) -> None:
    detect.record_fetch(store, notice(), run_id=None, baseline=True)
    first = detect.record_gone(store, "mofcom", URL, run_id=None, status=404)
    second = detect.record_gone(store, "mofcom", URL, run_id=None, status=404)
    assert (first.kind, second.kind) == ("removed", "unchanged")
    assert [c.kind for c in store.list_changes()] == ["removed"]
    assert store.find_notice(URL).status == "removed"


def test_diff_column_holds_the_json_every_version_wrote(store: Store) -> None:
    detect.record_fetch(store, notice(), run_id=None, baseline=True)
    detect.record_fetch(store, notice("第一条 禁止出口。"), run_id=None, baseline=False)
    detect.record_gone(store, "mofcom", URL, run_id=None, status=410)
    modified, removed = store.list_changes()
    stored = {r["id"]: r["diff"] for r in store.db.query("SELECT id, diff FROM changes")}
    assert stored[removed.id] == '{"http_status": 410}'
    assert removed.diff.http_status == 410
    assert json.loads(stored[modified.id]) == {
        "title": None,
        "body": json.loads(modified.diff.body.to_json()),
        "attachments": {"added": [], "removed": [], "changed": []},
    }
    assert stored[modified.id] == modified.diff.to_json()
    assert "第二条 自公布之日起施行。" in stored[modified.id]  # UTF-8, not \u-escaped


def test_gone_for_unknown_notice_is_an_error(store: Store) -> None:
    with pytest.raises(LookupError):
        detect.record_gone(store, "mofcom", URL, run_id=None, status=404)


def copy(source: str, url: str, number: str, text: str = "第一条 禁止出口。") -> FetchedNotice:
    return FetchedNotice(source=source, url=url, title=f"{number} 公告", text=text,
                         raw_html=b"", doc_number=number)  # fmt: skip


WWW = "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
ECL = "https://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202601/1206.html"
EN = "https://english.mofcom.gov.cn/Policies/AnnouncementsOrders/art/2026/art_x.html"


def test_one_document_on_several_urls_alerts_once(store: Store) -> None:
    for source in ("mofcom-ecl", "mofcom-en"):
        store.ensure_source(source, source, source)
    first = detect.record_fetch(store, copy("mofcom", WWW, "商务部公告2026年第1号"),
                                run_id=None, baseline=False)  # fmt: skip
    second = detect.record_fetch(store, copy("mofcom-ecl", ECL, "商务部公告2026年第1号"),
                                 run_id=None, baseline=False)  # fmt: skip
    third = detect.record_fetch(store, copy("mofcom-en", EN, "商务部 海关总署公告2026年第1号"),
                                run_id=None, baseline=False)  # fmt: skip
    assert (first.kind, second.kind, third.kind) == ("new", "copy", "copy")
    [change] = store.list_changes()
    copies = store.copies_of(change.document_id)
    assert [c.url for c in copies] == [WWW, ECL, EN]

    revised = copy(
        "mofcom-ecl", ECL, "商务部公告2026年第1号", text="第一条 禁止出口。第二条 新增。"
    )
    outcome = detect.record_fetch(store, revised, run_id=None, baseline=False)
    assert outcome.kind == "modified"
    assert store.get_change(outcome.change_id).document_id == change.document_id


def test_copy_seen_first_in_another_sources_baseline_is_not_news(store: Store) -> None:
    store.ensure_source("mofcom-ecl", "ECL", "mofcom-ecl")
    detect.record_fetch(store, copy("mofcom-ecl", ECL, "商务部公告2026年第1号"), run_id=None,
                        baseline=True)  # fmt: skip
    later = detect.record_fetch(store, copy("mofcom", WWW, "商务部公告2026年第1号"),
                                run_id=None, baseline=False)  # fmt: skip
    assert later.kind == "copy"
    assert store.list_changes() == []


def test_unnumbered_notices_are_separate_documents(store: Store) -> None:
    a = replace(notice(), url=URL + "?a", doc_number=None)
    b = replace(notice(), url=URL + "?b", doc_number=None)
    kinds = [detect.record_fetch(store, n, run_id=None, baseline=False).kind for n in (a, b)]
    assert kinds == ["new", "new"]


def pdf_version(text: str) -> tuple[Attachment, FetchedFile]:
    data = text.encode()
    sha = hashlib.sha256(data).hexdigest()
    url = "https://www.mofcom.gov.cn/files/list.pdf"
    file = FetchedFile(url=url, sha256=sha, size=len(data), content_type="application/pdf",
                       data=data, text=text, extractor="pdf")  # fmt: skip
    return Attachment("附件1.管控名单.pdf", url, sha, len(data), "application/pdf"), file


def test_changed_attachment_content_is_a_modification_with_a_text_diff(store: Store) -> None:
    attachment, file = pdf_version("1.三菱重工业株式会社\n2.TDK株式会社")
    detect.record_fetch(store, notice(attachments=(attachment,), files=(file,)), run_id=None,
                        baseline=True)  # fmt: skip
    attachment2, file2 = pdf_version("1.三菱重工业株式会社\n2.TDK株式会社\n3.SUBARU株式会社")
    outcome = detect.record_fetch(
        store, notice(attachments=(attachment2,), files=(file2,)), run_id=None, baseline=False
    )
    assert outcome.kind == "modified"
    diff = store.get_change(outcome.change_id).diff
    [changed] = diff.attachments.changed
    assert [changed.old_sha256, changed.new_sha256] == [attachment.sha256, attachment2.sha256]
    rendered = detect.format_change_diff(diff)
    assert "Attachment changed: 附件1.管控名单.pdf" in rendered
    assert "+ 3.SUBARU株式会社" in rendered
    assert store.file_info(attachment2.sha256)["text"].endswith("SUBARU株式会社")


def test_same_attachment_downloaded_again_is_not_a_change(store: Store) -> None:
    attachment, file = pdf_version("附件内容")
    first = notice(attachments=(attachment,), files=(file,))
    detect.record_fetch(store, first, run_id=None, baseline=True)
    assert detect.record_fetch(store, first, run_id=None, baseline=False).kind == "unchanged"
