"""Acceptance: `dualwatch crawl` with no arguments crawls every enabled source of the replica.

One announcement published on several MOFCOM sites (and in English) is one document and
alerts once; the research notes' key announcements are each found once, with the right
number, issuer and dates.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from monitors.core.config import load_config
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, Dualwatch, Offline, built_once
from tests.replica import Replica, expected_changes
from tests.replica.sites import site_modules

#: Replica sites that no enabled source reads (the config-only example is disabled).
UNCRAWLED_SITES = {"mofa_oshirase"}
CRAWLED_SITES = tuple(
    name.rsplit(".", 1)[-1]
    for name in site_modules()
    if name.rsplit(".", 1)[-1] not in UNCRAWLED_SITES
)

#: The research notes' table (real-sites.md §9): identity → (published, effective date).
RESEARCH_ANNOUNCEMENTS: dict[str, tuple[date, date | None]] = {
    "商务部/公告/2023/23": (date(2023, 7, 3), date(2023, 8, 1)),
    "商务部/公告/2023/39": (date(2023, 10, 20), date(2023, 12, 1)),
    "商务部/公告/2024/33": (date(2024, 8, 15), date(2024, 9, 15)),
    "商务部/公告/2024/51": (date(2024, 11, 15), date(2024, 12, 1)),
    "国务院/令/-/792": (date(2024, 10, 19), date(2024, 12, 1)),
    "商务部/公告/2024/46": (date(2024, 12, 3), None),
    "商务部/公告/2025/10": (date(2025, 2, 4), None),
    "商务部/公告/2025/18": (date(2025, 4, 4), None),
    "商务部/公告/2025/55": (date(2025, 10, 9), None),
    "商务部/公告/2025/57": (date(2025, 10, 9), None),
    "商务部/公告/2025/61": (date(2025, 10, 9), None),
    "商务部/公告/2025/62": (date(2025, 10, 9), None),
    "商务部/公告/2025/70": (date(2025, 11, 7), None),
    "商务部/公告/2026/1": (date(2026, 1, 6), date(2026, 1, 6)),
    "商务部/公告/2026/11": (date(2026, 2, 24), None),
    "商务部/公告/2026/12": (date(2026, 2, 24), None),
}


def test_every_enabled_source_is_crawled_and_listed(dualwatch: Dualwatch) -> None:
    result = dualwatch.run("crawl")
    enabled = [s.name for s in load_config(REPLICA_CONFIG).sources.values() if s.enabled]
    assert len(enabled) >= 7
    for name in enabled:
        assert any(line.startswith(f"{name} ") and "ok (baseline)" in line
                   for line in result.stdout.splitlines()), result.stdout  # fmt: skip
    listed = dualwatch.run("sources").stdout
    for name in enabled:
        [row] = [line for line in listed.splitlines() if line.startswith(f"{name} ")]
        assert " ok" in row


def test_timeline_across_all_sources_alerts_once_per_document(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl")
    assert changes_since(dualwatch, 0) == []
    seen = 0
    for state in (2, 3, 4, 5):
        with dualwatch.store() as store:
            known_documents = {row["id"] for row in store.db.query("SELECT id FROM documents")}
        dualwatch.replica.set_state(state)
        dualwatch.run("crawl")
        found = changes_since(dualwatch, seen)
        check_state(dualwatch, state, found, known_documents)
        seen = max([seen, *(c["id"] for c in found)])


def crawl_through_state_5(directory: Path) -> None:
    """Every source crawled at states 1, 2 and 5 into ``directory/home``."""
    with Replica(port=0, state=1) as replica:
        dw = Dualwatch(home=directory / "home", replica=replica)
        for state in (1, 2, 5):
            replica.set_state(state)
            dw.run("crawl")


@pytest.fixture(scope="module")
def crawled_through_state_5(tmp_path_factory: pytest.TempPathFactory) -> Dualwatch:
    """One data directory crawled at states 1, 2 and 5, built once per session and shared
    by the research tests (they only read it)."""
    directory = built_once(tmp_path_factory, "all-sources-state-5", crawl_through_state_5)
    return Dualwatch(home=directory / "home", replica=Offline())


@pytest.mark.parametrize("identity", sorted(RESEARCH_ANNOUNCEMENTS))
def test_research_announcement_found_once(
    crawled_through_state_5: Dualwatch, identity: str
) -> None:
    published, effective = RESEARCH_ANNOUNCEMENTS[identity]
    with crawled_through_state_5.store() as store:
        documents = list(store.db.query("SELECT * FROM documents WHERE doc_key = ?", [identity]))
        assert len(documents) == 1, f"{identity}: {len(documents)} documents"
        copies = store.copies_of(documents[0]["id"])
        chinese = [c for c in copies if language(store, c.current_version_id) == "zh"]
        assert chinese, f"{identity}: no Chinese copy among {[c.url for c in copies]}"
        for copy in chinese:
            assert copy.published == published.isoformat(), copy.url
            assert copy.doc_number and copy.doc_number.startswith(identity.split("/")[0])
            if effective:
                metadata = store.get_version(copy.current_version_id).metadata
                assert metadata["effective"] == effective.isoformat(), copy.url
        news = [c for c in store.list_changes() if c.document_id == documents[0]["id"]]
        assert [c.kind for c in news if c.kind == "new"] in ([], ["new"])


def test_japan_announcement_alerts_once_with_every_copy_attached(
    crawled_through_state_5: Dualwatch,
) -> None:
    with crawled_through_state_5.store() as store:
        [document] = store.db.query("SELECT id FROM documents WHERE doc_key = '商务部/公告/2026/1'")
        copies = store.copies_of(document["id"])
        hosts = {c.url.split("/")[2] for c in copies}
        assert {"www.mofcom.gov.cn", "exportcontrol.mofcom.gov.cn"} <= hosts
        assert len(hosts) >= 3
        new = [
            c for c in store.list_changes() if c.document_id == document["id"] and c.kind == "new"
        ]
        assert len(new) == 1
    shown = crawled_through_state_5.run("show", copies[0].url, "--no-text").stdout
    assert shown.count("copy:") == len(copies) - 1


def changes_since(dw: Dualwatch, since_id: int) -> list[dict]:
    """Changes with an id above ``since_id`` (from `changes --json`)."""
    lines = dw.run("changes", "--json").stdout.splitlines()
    return [change for change in map(json.loads, lines) if change["id"] > since_id]


def check_state(dw: Dualwatch, state: int, found: list[dict], known: set[int]) -> None:
    """Modified and removed notices match per URL; new ones per document (copies alert once)."""
    expected = expected_changes(state, sites=CRAWLED_SITES)
    for kind in ("modified", "removed"):
        want = sorted(url for changes in expected.values() for url in changes[kind])
        assert sorted(c["url"] for c in found if c["kind"] == kind) == want, (state, kind)
    with dw.store() as store:
        new_urls = [url for changes in expected.values() for url in changes["new"]]
        expected_documents = {document_of(store, url) for url in new_urls} - known
    detected = [c["document_id"] for c in found if c["kind"] == "new"]
    assert sorted(detected) == sorted(expected_documents), (state, "new")


def document_of(store: Store, url: str) -> int:
    """The document a stored URL belongs to (the URL must have been stored)."""
    notice = store.find_notice(url)
    assert notice is not None, f"expected notice never stored: {url}"
    return notice.document_id


def language(store: Store, version_id: int | None) -> str | None:
    """The language recorded on a version."""
    version = store.get_version(version_id) if version_id else None
    return version.metadata.get("language") if version else None
