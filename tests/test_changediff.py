"""ChangeDiff: the typed diff of a change and its stored JSON (``changes.diff``).

The constants below are byte for byte what earlier versions of detection wrote (taken from
stores they filled): every one must parse, and serialise back unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from monitors.changes import detect
from monitors.changes.alerts import added_parts, arrived_texts, matchable_parts
from monitors.core.config import PublishSettings
from monitors.core.errors import StoreError
from monitors.lists.specs import DEFAULT_LISTS
from monitors.mail.alertview import alert_view
from monitors.storage.models import (
    NO_TEXT_CHANGE,
    Attachment,
    AttachmentChange,
    AttachmentsDiff,
    ChangeDiff,
    FetchedNotice,
    ListedAttachment,
)
from monitors.storage.store import Store
from monitors.text.diff import TextDiff, diff_texts

#: removed: the detail page answered 404 (410 is stored the same way)
REMOVED = '{"http_status": 404}'
REMOVED_410 = '{"http_status": 410}'

#: modified: title, body, a file added, one removed, one changed (text diffed), one arrived
MODIFIED_TITLE_BODY_FILES = (
    '{"title": {"version": 1, "lines": [{"op": "replace", "old": "商务部公告2026年第1号", '
    '"new": "商务部公告2026年第1号（修订）", "segments": [["equal", "商务部公告2026年第1号"], '
    '["insert", "（修订）"]]}]}, "body": {"version": 1, "lines": [{"op": "equal", '
    '"old": "第一条 禁止出口。", "new": "第一条 禁止出口。", "segments": [["equal", '
    '"第一条 禁止出口。"]]}, {"op": "replace", "old": "第二条 自公布之日起施行。", '
    '"new": "第二条 自2026年1月15日起施行。", "segments": [["equal", "第二条 自"], ["delete", '
    '"公布之"], ["insert", "2026年1月15"], ["equal", "日起施行。"]]}, {"op": "equal", '
    '"old": "三", "new": "三", "segments": [["equal", "三"]]}, {"op": "equal", "old": "四", '
    '"new": "四", "segments": [["equal", "四"]]}, {"op": "equal", "old": "…", "new": "…", '
    '"segments": []}, {"op": "equal", "old": "六", "new": "六", "segments": [["equal", '
    '"六"]]}, {"op": "equal", "old": "七", "new": "七", "segments": [["equal", "七"]]}, '
    '{"op": "insert", "old": null, "new": "八", "segments": [["insert", "八"]]}]}, '
    '"attachments": {"added": ["附件4 \\"q\\".pdf\\thttps://www.mofcom.gov.cn/files/d.pdf\\t"], '
    '"removed": ["附件3.doc\\thttps://www.mofcom.gov.cn/files/c.doc\\t"], '
    '"changed": [{"url": "https://www.mofcom.gov.cn/files/list.pdf", '
    '"name": ["附件1.管控名单.pdf", "附件1.管控名单.pdf"], '
    '"sha256": ["d8243388143d5260594b1140873c3a240ab261ffffdb8dc940f3b6730ee37089", '
    '"a30564f7b7de50f9010f496f84b4b2e4d5c79a1ea1e44600e8387ff53bc28d5e"], "size": [14, 23], '
    '"text": {"version": 1, "lines": [{"op": "equal", "old": "1.三菱", "new": "1.三菱", '
    '"segments": [["equal", "1.三菱"]]}, {"op": "equal", "old": "2.TDK", "new": "2.TDK", '
    '"segments": [["equal", "2.TDK"]]}, {"op": "insert", "old": null, "new": "3.SUBARU", '
    '"segments": [["insert", "3.SUBARU"]]}]}}, '
    '{"url": "https://www.mofcom.gov.cn/files/b.xls", "name": ["附件2.xls", "附件2.xls"], '
    '"sha256": [null, "f4f89977306924236c97d7b24518787983953ebc0aa8bea08614b684d0f41909"], '
    '"size": [null, 13], "text": null}]}}'
)

#: modified: the body only
MODIFIED_BODY = (
    '{"title": null, "body": {"version": 1, "lines": [{"op": "equal", "old": "…", "new": "…", '
    '"segments": []}, {"op": "equal", "old": "七", "new": "七", "segments": [["equal", '
    '"七"]]}, {"op": "equal", "old": "八", "new": "八", "segments": [["equal", "八"]]}, '
    '{"op": "insert", "old": null, "new": "九", "segments": [["insert", "九"]]}]}, '
    '"attachments": {"added": [], "removed": [], "changed": []}}'
)

#: modified: files only (one without text, one whose text stayed the same)
MODIFIED_FILES_ONLY = (
    '{"title": null, "body": {"version": 1, "lines": []}, "attachments": {"added": [], '
    '"removed": [], "changed": [{"url": "https://www.mofcom.gov.cn/files/scan.pdf", '
    '"name": ["扫描件.pdf", "扫描件.pdf"], '
    '"sha256": ["c86371049302a4bf43cca212fab57678de6840cac80a71857bfacc8ec9ffff83", '
    '"fb2057bbdc497ade15508666e3c68d0bdf490447a9c6d74044054c09aad9dcaa"], "size": [6, 7], '
    '"text": null}, {"url": "https://www.mofcom.gov.cn/files/same.pdf", "name": ["附件.pdf", '
    '"附件（新）.pdf"], '
    '"sha256": ["a4990a5fb4123918ba19dbb3ff9d5cf5cde878f55bc9c5af064ae29f9a5813a2", '
    '"5a59ae064ef82ff6595221726440c2a5318895b381b0bd51363a95df949aad60"], "size": [6, 6], '
    '"text": {"version": 1, "lines": []}}]}}'
)

#: restored, content differing from the version it had before (escaped \\ and tab)
RESTORED_CHANGED = (
    '{"title": null, "body": {"version": 1, "lines": [{"op": "equal", "old": "…", "new": "…", '
    '"segments": []}, {"op": "equal", "old": "八", "new": "八", "segments": [["equal", '
    '"八"]]}, {"op": "equal", "old": "九", "new": "九", "segments": [["equal", "九"]]}, '
    '{"op": "insert", "old": null, "new": "十 \\\\ \\t tab", "segments": [["insert", '
    '"十 \\\\ \\t tab"]]}]}, "attachments": {"added": [], "removed": [], "changed": []}}'
)

#: modified, as written before attachment contents were compared and files hashed: no
#: ``changed`` list, attachment lines without a hash field
LEGACY_MODIFIED = (
    '{"title": null, "body": {"version": 1, "lines": [{"op": "insert", "old": null, '
    '"new": "第三条 新增。", "segments": [["insert", "第三条 新增。"]]}]}, '
    '"attachments": {"added": ["附件2.pdf\\thttps://www.mofcom.gov.cn/files/b.pdf"], '
    '"removed": ["附件1.pdf\\thttps://www.mofcom.gov.cn/files/a.pdf"]}}'
)

STORED = {
    "removed": REMOVED,
    "removed_410": REMOVED_410,
    "modified_title_body_files": MODIFIED_TITLE_BODY_FILES,
    "modified_body": MODIFIED_BODY,
    "modified_files_only": MODIFIED_FILES_ONLY,
    "restored_changed": RESTORED_CHANGED,
    "legacy_modified": LEGACY_MODIFIED,
}


@pytest.mark.parametrize("stored", STORED.values(), ids=STORED.keys())
def test_stored_forms_round_trip_byte_for_byte(stored: str) -> None:
    parsed = ChangeDiff.from_json(stored)
    assert parsed.to_json() == stored
    assert ChangeDiff.from_json(parsed.to_json()) == parsed


def test_removal() -> None:
    diff = ChangeDiff.from_json(REMOVED)
    assert diff == ChangeDiff.removal(404)
    assert (diff.http_status, diff.title, diff.body) == (404, None, NO_TEXT_CHANGE)
    assert diff.attachments == AttachmentsDiff() and diff.attachments.is_empty
    assert ChangeDiff.from_json(REMOVED_410).http_status == 410
    assert detect.format_change_diff(diff) == "(the detail page answered HTTP 404)"


def test_a_removal_holds_only_its_status() -> None:
    with pytest.raises(ValueError):
        ChangeDiff(title=diff_texts("a", "b"), http_status=404)
    with pytest.raises(ValueError):
        ChangeDiff(body=diff_texts("a", "b"), http_status=404)
    with pytest.raises(ValueError):
        ChangeDiff(attachments=AttachmentsDiff(compared=False), http_status=404)


def test_modified_title_body_and_files_parse_into_their_parts() -> None:
    diff = ChangeDiff.from_json(MODIFIED_TITLE_BODY_FILES)
    assert diff.http_status is None
    assert diff.title is not None
    assert diff.title.added_text() == "（修订）"
    [replaced] = [line for line in diff.body.lines if line.op == "replace"]
    assert (replaced.old, replaced.new) == (
        "第二条 自公布之日起施行。",
        "第二条 自2026年1月15日起施行。",
    )
    assert [line.is_gap for line in diff.body.lines].count(True) == 1
    assert diff.body.added_text() == "2026年1月15\n八"

    [added] = diff.attachments.added
    assert (added.name, added.url) == ('附件4 "q".pdf', "https://www.mofcom.gov.cn/files/d.pdf")
    assert added.line == '附件4 "q".pdf\thttps://www.mofcom.gov.cn/files/d.pdf\t'
    [removed] = diff.attachments.removed
    assert (removed.name, removed.url) == ("附件3.doc", "https://www.mofcom.gov.cn/files/c.doc")

    changed, arrived = diff.attachments.changed
    assert changed.url == "https://www.mofcom.gov.cn/files/list.pdf"
    assert (changed.old_name, changed.new_name) == ("附件1.管控名单.pdf", "附件1.管控名单.pdf")
    assert changed.old_sha256 is not None and changed.old_sha256.startswith("d8243388")
    assert changed.new_sha256 is not None and changed.new_sha256.startswith("a30564f7")
    assert (changed.old_size, changed.new_size) == (14, 23)
    assert changed.text is not None and changed.text.added_text() == "3.SUBARU"
    assert arrived == AttachmentChange(
        url="https://www.mofcom.gov.cn/files/b.xls",
        old_name="附件2.xls",
        new_name="附件2.xls",
        old_sha256=None,
        new_sha256="f4f89977306924236c97d7b24518787983953ebc0aa8bea08614b684d0f41909",
        old_size=None,
        new_size=13,
        text=None,
    )
    assert added_parts(diff) == ("（修订）", '2026年1月15\n八\n3.SUBARU\n附件4 "q".pdf')


def test_body_only_and_files_only() -> None:
    body = ChangeDiff.from_json(MODIFIED_BODY)
    assert body.title is None and body.attachments == AttachmentsDiff()
    assert body.body.added_text() == "九"
    files = ChangeDiff.from_json(MODIFIED_FILES_ONLY)
    assert files.title is None and files.body == NO_TEXT_CHANGE
    without_text, same_text = files.attachments.changed
    assert without_text.text is None
    assert same_text.text == TextDiff(lines=())
    assert (same_text.old_name, same_text.new_name) == ("附件.pdf", "附件（新）.pdf")
    assert detect.format_change_diff(files) == (
        "Attachment changed: 扫描件.pdf <https://www.mofcom.gov.cn/files/scan.pdf> (6 → 7 bytes)\n"
        "  (no extractable text to compare)\n\n"
        "Attachment changed: 附件（新）.pdf <https://www.mofcom.gov.cn/files/same.pdf> "
        "(6 → 6 bytes)\n  (same text)"
    )


def test_restored_keeps_escapes() -> None:
    diff = ChangeDiff.from_json(RESTORED_CHANGED)
    assert diff.body.added_text() == "十 \\ \t tab"
    assert diff.to_json() == RESTORED_CHANGED


def test_legacy_rows_without_file_comparison_parse() -> None:
    diff = ChangeDiff.from_json(LEGACY_MODIFIED)
    assert diff.attachments.changed == () and not diff.attachments.compared
    [added], [removed] = diff.attachments.added, diff.attachments.removed
    assert (added.name, added.url) == ("附件2.pdf", "https://www.mofcom.gov.cn/files/b.pdf")
    assert (removed.name, removed.url) == ("附件1.pdf", "https://www.mofcom.gov.cn/files/a.pdf")
    assert added_parts(diff) == ("", "第三条 新增。\n附件2.pdf")
    assert detect.format_change_diff(diff) == (
        "Text:\n+ 第三条 新增。\n\n"
        "Attachment + 附件2.pdf\thttps://www.mofcom.gov.cn/files/b.pdf\n\n"
        "Attachment - 附件1.pdf\thttps://www.mofcom.gov.cn/files/a.pdf"
    )


def test_a_diff_built_by_detection_equals_its_stored_form() -> None:
    old = "第一条 禁止出口。\n第二条 自2026年1月15日起施行。\n三\n四\n五\n六\n七\n八"
    built = ChangeDiff(body=diff_texts(old, old + "\n九"))
    assert built == ChangeDiff.from_json(MODIFIED_BODY)
    assert built.to_json() == MODIFIED_BODY
    listed = ListedAttachment.of(Attachment("附件3.doc", "https://www.mofcom.gov.cn/files/c.doc"))
    assert listed.line == "附件3.doc\thttps://www.mofcom.gov.cn/files/c.doc\t"


@pytest.mark.parametrize(
    "data",
    [
        "",
        "not json",
        "[]",
        "404",
        "null",
        '{"http_status": "404"}',
        '{"title": null}',
        '{"title": null, "body": null, "attachments": {"added": [], "removed": []}}',
        '{"title": null, "body": {"version": 1, "lines": []}}',
        '{"title": null, "body": {"version": 1, "lines": [{"op": "bogus", "old": null, '
        '"new": null, "segments": []}]}, "attachments": {"added": [], "removed": []}}',
        '{"title": null, "body": {"version": 1, "lines": []}, "attachments": {"added": [1], '
        '"removed": []}}',
        '{"title": null, "body": {"version": 1, "lines": []}, "attachments": {"added": [], '
        '"removed": [], "changed": [{"url": "u", "name": ["a"]}]}}',
    ],
)
def test_malformed_json_is_a_value_error(data: str) -> None:
    with pytest.raises(ValueError):
        ChangeDiff.from_json(data)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "dualwatch.db")
    opened.ensure_source("mofcom", "MOFCOM", "mofcom")
    yield opened
    opened.close()


def _stored_change(store: Store, notice_id: int, kind: str, diff: str | None) -> int:
    fields: dict[str, Any] = {
        "notice_id": notice_id,
        "run_id": None,
        "kind": kind,
        "version_id": None,
        "previous_version_id": None,
        "source": "mofcom",
        "url": "https://www.mofcom.gov.cn/a.html",
        "title": "商务部公告2026年第1号",
        "detected_at": "2026-01-01T00:00:00+00:00",
        "diff": diff,
    }
    return store.insert_change(**fields)


def test_old_rows_of_every_kind_are_read_parsed(store: Store) -> None:
    notice = FetchedNotice(source="mofcom", url="https://www.mofcom.gov.cn/a.html",
                           title="商务部公告2026年第1号", text="正文", raw_html=b"")  # fmt: skip
    notice_id = detect.record_fetch(store, notice, run_id=None, baseline=True).notice_id
    rows = [
        ("new", None),
        ("modified", MODIFIED_TITLE_BODY_FILES),
        ("modified", LEGACY_MODIFIED),
        ("removed", REMOVED),
        ("restored", RESTORED_CHANGED),
        ("restored", None),
        ("delisted", None),
    ]
    ids = [_stored_change(store, notice_id, kind, diff) for kind, diff in rows]
    changes = store.list_changes()
    assert [c.id for c in changes] == ids
    for change, (kind, stored) in zip(changes, rows, strict=True):
        assert change.kind == kind
        if stored is None:
            assert change.diff is None
        else:
            assert change.diff == ChangeDiff.from_json(stored)
            assert change.diff.to_json() == stored
    raw = [r["diff"] for r in store.db.query("SELECT diff FROM changes ORDER BY id")]
    assert raw == [stored for _, stored in rows]

    new, modified, legacy, removed, restored, _, delisted = changes
    assert detect.format_change_diff(new.diff).startswith("(no diff:")
    assert detect.format_change_diff(removed.diff) == "(the detail page answered HTTP 404)"
    assert "{+2026年1月15+}" in detect.format_change_diff(modified.diff)
    assert "Attachment now available: 附件2.xls" in detect.format_change_diff(modified.diff)
    assert matchable_parts(store, legacy)[:2] == ("", "第三条 新增。\n附件2.pdf")
    assert modified.diff is not None and arrived_texts(store, modified.diff) == []

    config: Any = SimpleNamespace(sources={}, lists=DEFAULT_LISTS, publish=PublishSettings())
    shown = alert_view(store, config, modified, [])
    assert shown.title_diff == modified.diff.title
    assert shown.body_diff == modified.diff.body
    assert [(a.name, a.change) for a in shown.attachments] == [("附件3.doc", "removed")]
    gone = alert_view(store, config, removed, [])
    assert (gone.http_status, gone.title_diff, gone.body_diff) == (404, None, None)
    quiet = alert_view(store, config, delisted, [])
    assert (quiet.http_status, quiet.title_diff, quiet.body_diff) == (None, None, None)
    assert alert_view(store, config, restored, []).body_diff == restored.diff.body


def test_a_corrupt_stored_diff_is_a_store_error_naming_the_change(store: Store) -> None:
    notice = FetchedNotice(source="mofcom", url="https://www.mofcom.gov.cn/a.html",
                           title="商务部公告2026年第1号", text="正文", raw_html=b"")  # fmt: skip
    notice_id = detect.record_fetch(store, notice, run_id=None, baseline=True).notice_id
    change_id = _stored_change(store, notice_id, "modified", '{"title": 1')
    with pytest.raises(StoreError, match=rf"change {change_id}: its stored diff is unreadable"):
        store.list_changes()


def test_stored_json_is_utf8_with_default_separators() -> None:
    stored = json.loads(MODIFIED_BODY)
    assert ChangeDiff.from_json(MODIFIED_BODY).to_json() == json.dumps(stored, ensure_ascii=False)
