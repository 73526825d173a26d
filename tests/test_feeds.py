"""Atom feeds (RFC 4287): written after every crawl and by `dualwatch feeds`; valid Atom,
entries newest first, ids stable across regenerations, one feed per topic and per source."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import Dualwatch, Offline, built_once

ATOM = "{http://www.w3.org/2005/Atom}"


def crawl_mofcom(directory: Path) -> None:
    """mofcom crawled at states 1 and 2 (new and revised notices), alerts sent to the outbox."""
    from tests.replica import Replica

    with Replica(port=0, state=1) as replica:
        dw = Dualwatch(home=directory / "home", replica=replica)
        dw.run("crawl", "mofcom")
        replica.set_state(2)
        dw.run("crawl", "mofcom")


@pytest.fixture(scope="module")
def fed(tmp_path_factory: pytest.TempPathFactory) -> Dualwatch:
    """The data directory of :func:`crawl_mofcom`, built once per session; each test writes
    feeds only into a folder of its own."""
    directory = built_once(tmp_path_factory, "feeds-crawled", crawl_mofcom)
    return Dualwatch(home=directory / "home", replica=Offline())


def entries(path: Path) -> list[ET.Element]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None, required
    return root.findall(f"{ATOM}entry")


def test_the_crawl_writes_valid_feeds_newest_first(fed: Dualwatch) -> None:
    found = entries(fed.home / "feeds" / "all.xml")
    assert found, "state 2 brings new and modified notices"
    times = [datetime.fromisoformat(e.findtext(f"{ATOM}updated") or "") for e in found]
    assert times == sorted(times, reverse=True)
    for entry in found:
        assert (entry.findtext(f"{ATOM}id") or "").startswith("tag:dualwatch,2026:")
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith("https://www.mofcom.gov.cn/")
        assert "kind: " in (entry.findtext(f"{ATOM}summary") or "")
    titles = [e.findtext(f"{ATOM}title") or "" for e in found]
    assert any(t.startswith("Modified: ") and "2025年第85号" in t for t in titles)
    [revised] = [e for e in found if "2025年第85号" in (e.findtext(f"{ATOM}title") or "")]
    summary = revised.findtext(f"{ATOM}summary") or ""
    assert "kind: modified" in summary and "changed: " in summary, summary


def test_ids_are_stable_and_topic_and_source_feeds_exist(fed: Dualwatch) -> None:
    before = [e.findtext(f"{ATOM}id") for e in entries(fed.home / "feeds" / "all.xml")]
    out = fed.home.parent / "out"
    assert "wrote" in fed.run("feeds", "--out", str(out)).stdout
    assert [e.findtext(f"{ATOM}id") for e in entries(out / "all.xml")] == before
    assert entries(out / "source-mofcom.xml")
    topic_feeds = sorted(out.glob("topic-*.xml"))
    assert topic_feeds, "some changes match a topic"
    for path in topic_feeds:
        topic = path.stem.removeprefix("topic-")
        for entry in entries(path):
            terms = {c.get("term") for c in entry.findall(f"{ATOM}category")}
            assert topic in terms


def test_entries_link_the_bulletin_page_when_it_is_published(fed: Dualwatch) -> None:
    from monitors.publish.feeds import write_feeds

    config = fed.config
    published = replace(
        config, publish=replace(config.publish, base_url="https://intranet.example.org/dw")
    )
    out = fed.home.parent / "linked"
    with fed.store() as store:
        write_feeds(store, published, out)
        write_feeds(store, config, out / "site-copy", pages_at="../")
    with fed.store() as store:
        for entry in entries(out / "all.xml"):
            change_id = int((entry.findtext(f"{ATOM}id") or "").rpartition("-")[2])
            change = store.get_change(change_id)
            assert change is not None
            links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
            page = f"documents/d{change.document_id}.html"
            assert links == {
                "alternate": change.url,
                "related": f"https://intranet.example.org/dw/{page}",
            }
    for entry in entries(out / "site-copy" / "all.xml"):
        hrefs = [link.get("href", "") for link in entry.findall(f"{ATOM}link")]
        assert any(h.startswith("../documents/") for h in hrefs), hrefs
    import feedparser

    for path in (out / "all.xml", out / "site-copy" / "all.xml"):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo and parsed.version == "atom10", path
        assert all(
            [link.rel for link in e.links] == ["alternate", "related"] for e in parsed.entries
        )
    bare = entries(fed.home / "feeds" / "all.xml")
    rels = {link.get("rel") for entry in bare for link in entry.findall(f"{ATOM}link")}
    assert rels == {"alternate"}, "no bulletin configured: no link to it"


def test_a_feed_reader_parses_every_feed_cleanly(fed: Dualwatch) -> None:
    """feedparser (what many feed readers are built on) reads each feed as Atom 1.0 without
    complaint, each entry with its id, title, time, official link and topics."""
    import feedparser

    for path in sorted((fed.home / "feeds").glob("*.xml")):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path.name, parsed.get("bozo_exception"))
        assert parsed.version == "atom10", path.name
        for entry in parsed.entries:
            assert entry.id.startswith("tag:dualwatch,2026:") and entry.title and entry.updated
            assert [link.rel for link in entry.links] == ["alternate"]
        if path.name.startswith("topic-"):
            topic = path.stem.removeprefix("topic-")
            assert all(topic in [t.term for t in e.tags] for e in parsed.entries), path.name


def test_a_topic_feed_keeps_its_changes_however_many_others_came_after(tmp_path: Path) -> None:
    """Each feed is its own newest 100: a topic's only change, followed by 2,001 others, is
    still in the topic's feed (and the all-changes feed holds the newest 100)."""
    from monitors.changes.detect import record_fetch
    from monitors.core.config import load_config
    from monitors.publish.feeds import write_feeds
    from monitors.storage.ledger import Ledger, StoredMatch
    from monitors.storage.models import FetchedNotice
    from monitors.storage.store import Store
    from tests.conftest import REPLICA_CONFIG

    config = load_config(REPLICA_CONFIG, home=tmp_path / "home")
    with Store.open(config.db_path) as store:
        store.ensure_source("mofcom", "MOFCOM", "mofcom")
        with store.atomic():
            for number in range(2002):
                url = f"https://www.mofcom.gov.cn/n{number}.html"
                record_fetch(store, FetchedNotice("mofcom", url, f"公告{number}", "正文", b""),
                             run_id=None, baseline=False)  # fmt: skip
        first, *_ = store.list_changes()
        match = StoredMatch("rare-earths", "Rare earths", 50, "稀土", "text", "稀土")
        Ledger(store).record_matches(first.id, [match])
        write_feeds(store, config, tmp_path / "feeds")
    [only] = entries(tmp_path / "feeds" / "topic-rare-earths.xml")
    assert (only.findtext(f"{ATOM}id") or "").endswith(f":change-{first.id}")
    newest = entries(tmp_path / "feeds" / "all.xml")
    assert len(newest) == 100 and "公告2001" in (newest[0].findtext(f"{ATOM}title") or "")
