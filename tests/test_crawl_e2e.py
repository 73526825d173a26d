"""End to end: the real CLI crawls the replica over real HTTP with real Scrapy into SQLite."""

from __future__ import annotations

import email
import email.policy
import json
from collections import defaultdict

from tests.conftest import CORE, Dualwatch
from tests.replica import MOFA_HOST, MOFCOM_HOST
from tests.replica import expected_changes as all_expected_changes

JAPAN_NO1 = (
    "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
)


def expected_changes(state: int) -> dict[str, dict[str, list[str]]]:
    """What the CORE sources (mofcom; mofa-ja with its 談話/記者会見 sections) should report."""
    return all_expected_changes(state, sites=("mofcom", "mofa", "mofa_press"))


def detected(dw: Dualwatch, since_id: int = 0) -> dict[str, dict[str, list[str]]]:
    """Changes with id > since_id as {host: {kind: sorted urls}}, via `changes --json`."""
    lines = dw.run("changes", "--json").stdout.splitlines()
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for change in map(json.loads, lines):
        if change["id"] > since_id:
            host = change["url"].split("/")[2]
            found[host][change["kind"]].append(change["url"])
    return {
        host: {kind: sorted(found[host].get(kind, [])) for kind in ("new", "modified", "removed")}
        for host in (MOFCOM_HOST, MOFA_HOST)
    }


def changes_since(dw: Dualwatch, since_id: int) -> list[dict]:
    lines = dw.run("changes", "--json").stdout.splitlines()
    return [c for c in map(json.loads, lines) if c["id"] > since_id]


def change_count(dw: Dualwatch) -> int:
    return len(dw.run("changes", "--json").stdout.splitlines())


def test_timeline_detects_exactly_the_new_revised_and_removed_notices(dualwatch: Dualwatch) -> None:
    baseline = dualwatch.run("crawl", *CORE)
    assert "ok (baseline)" in baseline.stdout
    assert change_count(dualwatch) == 0
    assert not (dualwatch.home / "outbox" / "new").exists() or not any(
        (dualwatch.home / "outbox" / "new").iterdir()
    )

    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", *CORE)
    assert detected(dualwatch) == expected_changes(2)
    assert JAPAN_NO1 in detected(dualwatch)[MOFCOM_HOST]["new"]

    seen = change_count(dualwatch)
    dualwatch.replica.set_state(3)
    dualwatch.run("crawl", *CORE)
    assert change_count(dualwatch) == seen, "page noise must never count as a change"

    dualwatch.replica.set_state(4)
    dualwatch.run("crawl", *CORE)
    assert detected(dualwatch, since_id=seen) == expected_changes(4)
    [removed] = [c for c in changes_since(dualwatch, seen) if c["kind"] == "removed"]
    assert "HTTP 404" in dualwatch.run("diff", str(removed["id"])).stdout


def test_new_notice_metadata_and_outbox_message(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", "mofcom")
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", "mofcom")
    with dualwatch.store() as store:
        notice = store.find_notice(JAPAN_NO1)
        version = store.get_version(notice.current_version_id)
    assert notice.doc_number == "商务部公告2026年第1号"
    assert notice.published == "2026-01-06"
    assert "禁止所有两用物项对日本军事用户" in version.text
    assert version.metadata["effective"] == "2026-01-06"  # 自公布之日起 = publication date
    shown = dualwatch.run("show", JAPAN_NO1).stdout
    assert "商务部公告2026年第1号" in shown and "2026-01-06" in shown

    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for path in (dualwatch.home / "outbox" / "new").iterdir()
    ]
    # the replica config's one subscription: immediate alerts for every relevant change
    [japan] = [m for m in messages if "对日本出口管制" in m["Subject"]]
    assert "New: 商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告" in japan["Subject"]
    assert japan["Subject"].startswith("[dualwatch][dual-use] ")
    assert JAPAN_NO1 in japan.get_body(("plain",)).get_content()
    assert japan["Message-ID"].startswith("<dualwatch.alert-")
    assert not [m for m in messages if "对外贸易经营者备案" in m["Subject"]]  # irrelevant


def test_modification_diff_marks_the_changed_characters(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", "mofcom")
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", "mofcom")
    [modified] = [
        json.loads(line)
        for line in dualwatch.run("changes", "--json").stdout.splitlines()
        if json.loads(line)["kind"] == "modified"
    ]
    assert modified["url"] in expected_changes(2)[MOFCOM_HOST]["modified"]
    shown = dualwatch.run("diff", str(modified["id"])).stdout
    assert "[-" in shown and "{+" in shown


def test_repeated_crawl_adds_no_version_and_uses_conditional_requests(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", *CORE)
    with dualwatch.store() as store:
        versions = store.db["versions"].count
        notices = store.db["notices"].count
    dualwatch.replica.reset_log()
    second = dualwatch.run("crawl", *CORE)
    assert "ok " in second.stdout
    with dualwatch.store() as store:
        assert store.db["versions"].count == versions
    statuses = [status for _method, _host, _path, status in dualwatch.replica.requests()]
    assert statuses.count(304) > 0
    assert change_count(dualwatch) == 0
    assert len(statuses) < notices + 6


def test_mofcom_pages_without_charset_decode_as_utf8(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", "mofcom")
    with dualwatch.store() as store:
        titles = [row["title"] for row in store.db.query("SELECT title FROM notices")]
    assert titles and all("\ufffd" not in t and "Ã" not in t for t in titles)
    assert any("出口管制" in t for t in titles)


def test_broken_listing_fails_loudly_and_removes_nothing(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", *CORE)
    dualwatch.replica.set_fault("broken-listing", host=MOFCOM_HOST)
    result = dualwatch.run("crawl", *CORE, check=1)
    assert "mofcom: failed" in result.stderr
    assert "layout" in result.stderr or "txtList_01" in result.stderr
    sources = dualwatch.run("sources").stdout
    assert "failed" in sources
    with dualwatch.store() as store:
        statuses = {row["status"] for row in store.db.query("SELECT status FROM notices")}
    assert statuses == {"active"}
    assert change_count(dualwatch) == 0


def test_blocked_and_empty_responses_are_not_quiet(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", *CORE)
    dualwatch.replica.set_fault("blocked", host=MOFA_HOST)
    result = dualwatch.run("crawl", "mofa-ja", check=1)
    assert "blocked" in result.stdout
    dualwatch.replica.set_fault("empty", host=MOFA_HOST)
    result = dualwatch.run("crawl", "mofa-ja", check=1)
    assert "blocked" in result.stdout
    assert "empty 200 response" in dualwatch.run("sources").stdout
    assert change_count(dualwatch) == 0


def test_server_errors_are_retried_then_recorded(dualwatch: Dualwatch) -> None:
    dualwatch.replica.set_fault("error500", host=MOFCOM_HOST)
    result = dualwatch.run("crawl", "mofcom", check=1)
    assert "HTTP 500" in result.stderr
    api_calls = [r for r in dualwatch.replica.requests() if "/api-gateway/" in r[2]]
    assert len(api_calls) == 2  # the first try plus retry_times = 1 in the replica config


def test_unknown_source_is_a_usage_error(dualwatch: Dualwatch) -> None:
    result = dualwatch.run("crawl", "nosuchsource", check=2)
    assert "unknown source 'nosuchsource'" in result.stderr


REVISED_85 = (
    "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_d7507c40739d6b87c152102ce5c2a158.html"
)


def test_attachments_are_downloaded_and_a_corrected_annex_is_a_modification(
    dualwatch: Dualwatch,
) -> None:
    dualwatch.run("crawl", "mofcom")
    with dualwatch.store() as store:
        notice = store.find_notice(REVISED_85)
        [annex, _second] = store.get_version(notice.current_version_id).attachments
        assert annex.sha256 and annex.size and annex.content_type == "application/pdf"
        assert "replica attachment" in store.file_info(annex.sha256)["text"]
    shown = dualwatch.run("show", REVISED_85, "--no-text").stdout
    assert f"bytes sha256:{annex.sha256[:12]} (" in shown and "chars of text via pdf" in shown
    assert "effective: 2026-01-01" in shown and "language: zh" in shown
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", "mofcom")
    seen = change_count(dualwatch)
    dualwatch.replica.reset_log()
    dualwatch.replica.set_state(5)
    dualwatch.run("crawl", "mofcom")
    later = [json.loads(line) for line in dualwatch.run("changes", "--json").stdout.splitlines()]
    [change] = [c for c in later if c["id"] > seen and c["kind"] == "modified"]
    assert change["url"] == REVISED_85
    shown = dualwatch.run("diff", str(change["id"])).stdout
    assert "Attachment changed: 附件1.2026年出口许可证管理货物目录.pdf" in shown
    assert "corrected: 44 goods" in shown
    pdf_requests = [r for r in dualwatch.replica.requests() if r[2].endswith(".pdf")]
    assert {status for *_, status in pdf_requests} == {200, 304}  # the other annex: unchanged
