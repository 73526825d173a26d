"""The bulletin (`dualwatch site OUTDIR`): a static HTML site of the store, built from a
store crawled from the replica over real HTTP with the real CLI, and from a scratch store
holding hostile scraped text.

The replica's MOFCOM sites at states 1, 2 and 4: 2026 No. 1 appears in state 2 on
www.mofcom.gov.cn and aqygzj (Chinese) and on the English site, and its aqygzj copy is
revised in state 4 (one document, two languages, three copies, four versions); 2025 No. 85
is revised in Chinese and English in state 2; 2025 No. 88 (aqygzj) puts entities on the
control list.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from monitors.changes.detect import record_fetch
from monitors.core.config import load_config
from monitors.core.errors import DualwatchError
from monitors.mail.htmldiff import diff_table
from monitors.publish.pages import document_page, list_page
from monitors.publish.site import MARKER, write_site
from monitors.storage.ledger import Ledger
from monitors.storage.lists import ListStore
from monitors.storage.models import Attachment, FetchedNotice
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, Dualwatch, Offline, built_once

SOURCES = ("mofcom", "mofcom-bis", "mofcom-en")
#: A scraped title trying everything: markup, quotes, an ampersand, a bidi override.
HOSTILE_SHOWN = (
    "<script>alert(1)</script>\"'&"
    "<img src=x onerror=document.body.setAttribute('data-pwned',1)>txt.exe"
)
HOSTILE = HOSTILE_SHOWN.replace("txt.exe", "\u202etxt.exe")


def crawl_and_write_site(directory: Path) -> None:
    """States 1, 2 and 4 crawled (alerts to the outbox: the rules record the topics), the
    site written by the CLI into ``public/bulletin`` (its stdout in ``site.out``)."""
    from tests.replica import Replica

    with Replica(port=0, state=1) as replica:
        dw = Dualwatch(home=directory / "home", replica=replica)
        for state in (1, 2, 4):
            replica.set_state(state)
            dw.run("crawl", *SOURCES)
        result = dw.run("site", str(directory / "public" / "bulletin"))
    (directory / "site.out").write_text(result.stdout, encoding="utf-8")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Dualwatch, Path, str]:
    """The store and site of :func:`crawl_and_write_site`, built once per session:
    (dw, site dir, the CLI's stdout)."""
    directory = built_once(tmp_path_factory, "site-crawled", crawl_and_write_site)
    dw = Dualwatch(home=directory / "home", replica=Offline())
    stdout = (directory / "site.out").read_text(encoding="utf-8")
    return dw, directory / "public" / "bulletin", stdout


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def document_of(store: Store, number: str) -> int:
    notices = [store.find_notice(str(i)) for i in store.notice_ids()]
    found = {n.document_id for n in notices if n and n.doc_number == number}
    assert len(found) == 1 and None not in found, found
    return found.pop()  # type: ignore[return-value]


def test_the_cli_writes_the_site_and_says_where_to_open_it(crawled) -> None:
    _, site, stdout = crawled
    pages = html_pages(site)
    assert stdout.strip() == (
        f"wrote {len(pages)} pages to {site}; open {(site / 'index.html').as_uri()}"
    )
    assert (site / "style.css").is_file() and (site / "feeds" / "all.xml").is_file()
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".")], "no temp dir left"
    assert not [p for p in pages if "<script" in p.read_text(encoding="utf-8")]


def test_a_document_shows_every_copy_language_and_version(crawled) -> None:
    dw, site, _ = crawled
    with dw.store() as store:
        document = document_of(store, "商务部公告2026年第1号")
        copies = store.copies_of(document)
        versions = {c.id: len(store.versions_of(c.id)) for c in copies}
    assert sorted(versions.values()) == [1, 1, 2], "the aqygzj copy was revised in state 4"
    page = soup(site / document_page(document, copies[0].id))
    assert page.h1.get("lang") == "zh" and "关于加强两用物项对日本出口管制" in page.h1.text
    sections = page.select("section.copy")
    assert [s["id"] for s in sections] == [f"copy-{c.id}" for c in copies]
    for section, copy in zip(sections, copies, strict=True):
        assert section.select_one("a.official")["href"] == copy.url
        rows = section.select("table.versions tr")[1:]
        assert len(rows) == versions[copy.id]
        assert "(current)" in rows[-1].text
    assert {s.select_one("p.copy-title")["lang"] for s in sections} == {"zh", "en"}
    [revised] = [s for s in sections if len(s.select("table.versions tr")) == 3]
    link = revised.select("table.versions tr")[2].a["href"]
    change = page.select_one(f"section.change{link}")
    assert change is not None and "Modified" in change.text
    assert any("联系地址已更正" in ins.text for ins in change.select("div.diff ins"))


def test_a_revision_in_two_languages_shows_both_diffs(crawled) -> None:
    dw, site, _ = crawled
    with dw.store() as store:
        document = document_of(store, "商务部 海关总署公告2025年第85号")
        first = store.copies_of(document)[0]
        ledger = Ledger(store)
        emailed = [
            diff_table(
                change.diff.body,
                lang=store.get_version(change.version_id).metadata["language"],
                terms=dict.fromkeys(m.term for m in ledger.matches_of(change.id)),
            )
            for change in store.changes_of_document(document)
        ]
    raw = (site / document_page(document, first.id)).read_text(encoding="utf-8")
    assert len(emailed) == 2 and all(str(table) in raw for table in emailed), "as in the email"
    page = BeautifulSoup(raw, "html.parser")
    changes = page.select("section.change")
    assert len(changes) == 2 and all("Modified" in c.text for c in changes)
    assert sorted(change.h3["lang"] for change in changes) == ["en", "zh"]
    for change in changes:
        assert change.select("div.diff del") and change.select("div.diff ins")
    inserted = " ".join(ins.text for ins in page.select("div.diff ins"))
    assert "2026年1月15日前已签发的出口许可证" in inserted and "Export licences issued" in inserted


def test_every_internal_link_resolves(crawled) -> None:
    _, site, _ = crawled
    checked = 0
    for path in html_pages(site):
        page = soup(path)
        for element in page.find_all(href=True) + page.find_all(src=True):
            target = element.get("href") or element.get("src")
            parts = urlsplit(target)
            if parts.scheme in ("http", "https"):
                assert element.name == "a" and "official" in element["class"], target
                continue
            assert not parts.scheme and not parts.netloc and not target.startswith("/"), target
            resolved = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert resolved.is_file(), f"{path.relative_to(site)}: {target}"
            assert site.resolve() in resolved.parents, target
            if parts.fragment and resolved.suffix == ".html":
                assert soup(resolved).find(id=parts.fragment), f"{path}: {target}"
            checked += 1
    assert checked > 500


def test_filter_pages_hold_only_their_topic_or_source(crawled) -> None:
    dw, site, _ = crawled
    with dw.store() as store:
        ledger = Ledger(store)
        changes = {c.id: c for c in store.list_changes()}
        topics = {i: {m.topic for m in ledger.matches_of(i)} for i in changes}

    def listed(path: Path) -> set[int]:
        items = soup(path).select("ol.timeline > li.item")
        return {int(item["id"].removeprefix("change-")) for item in items}

    assert listed(site / "index.html") == set(changes)
    topic_pages = sorted((site / "topics").glob("*.html"))
    matched = set().union(*topics.values())
    assert {p.stem for p in topic_pages} == matched == {"dual-use", "japan", "rare-earths"}
    for path in topic_pages:
        assert listed(path) == {i for i, found in topics.items() if path.stem in found}
        head = soup(path).find("link", rel="alternate", href=f"../feeds/topic-{path.stem}.xml")
        assert head is not None and head["type"] == "application/atom+xml"
    for source in SOURCES:
        expected = {i for i, c in changes.items() if c.source == source}
        assert expected and listed(site / "sources" / f"{source}.html") == expected
    assert listed(site / "sources" / "mofa-ja.html") == set()
    index_head = soup(site / "index.html").find("link", rel="alternate")
    assert index_head["href"] == "feeds/all.xml"


def test_the_list_page_shows_the_members(crawled) -> None:
    dw, site, _ = crawled
    with dw.store() as store:
        members = [m for m in ListStore(store).members() if m.list_name == "control-list"]
    assert {"北岬航空动力公司", "灰隼防务系统公司", "蓝脊光电科技公司"} <= {m.name for m in members}
    page = soup(site / list_page("control-list"))
    assert page.h1.text == "出口管制管控名单" and page.h1["lang"] == "zh"
    rows = page.select("table.members tr")[1:]
    assert sorted(r.td.text for r in rows) == sorted(m.name for m in members)
    assert all(r.td["lang"] == "zh" for r in rows)
    announcements = {r.select_one("td:last-child a")["href"] for r in rows}
    assert announcements and all(h.startswith("../documents/d") for h in announcements)
    index = soup(site / "lists" / "index.html")
    assert index.find("a", href="../lists/control-list.html") is not None


def build_hostile_site(directory: Path) -> tuple[Path, dict[str, str]]:
    """A scratch store holding a notice with a hostile title, text, URL, attachment and
    language, new then modified, and a notice without a document; its site written.
    Returns the site directory and {"document": page, "orphan": page} (relative paths)."""
    home = directory / "home"
    config = load_config(REPLICA_CONFIG, home=home)
    store = Store.open(config.db_path)
    store.ensure_source("mofcom", "MOFCOM", "mofcom")
    first = FetchedNotice(
        source="mofcom",
        url="javascript:alert(3)",
        title=HOSTILE,
        text="第一行\n<b onmouseover=alert(4)>粗体</b>",
        raw_html=b"",
        issuer="<i>商务部</i>",
        attachments=(Attachment(name="附件<script>", url=" JavaScript:alert(5)"),),
        metadata={"language": 'zh" onmouseover="alert(6)'},
    )
    record_fetch(store, first, run_id=None, baseline=False)
    revised = replace(first, text=first.text + "\n新增<script>alert(7)</script>一行")
    notice_id = record_fetch(store, revised, run_id=None, baseline=False).notice_id
    # a control character (XML cannot hold it) must not stop the feeds or the site
    orphan = replace(first, url="https://www.mofcom.gov.cn/orphan.html", title="无文档\x08的通知")
    orphan_id = store.insert_notice(orphan, "2026-01-08T00:00:00+00:00", document_id=None)
    version = store.insert_version(orphan_id, None, orphan, "hash", "2026-01-08T00:00:00+00:00")
    store.set_current_version(orphan_id, version)
    notice = store.find_notice(str(notice_id))
    assert notice is not None
    site = directory / "site"
    write_site(store, config, site)
    store.close()
    return site, {
        "document": document_page(notice.document_id, notice.id),
        "orphan": document_page(None, orphan_id),
    }


def test_hostile_scraped_text_is_escaped_and_never_linked(tmp_path: Path) -> None:
    site, pages = build_hostile_site(tmp_path)
    assert pages["orphan"].startswith("documents/n") and (site / pages["orphan"]).is_file()
    assert soup(site / pages["orphan"]).h1.text == "无文档 的通知"
    for path in html_pages(site):
        raw = path.read_text(encoding="utf-8")
        assert "\u202e" not in raw and "<script" not in raw and "<img" not in raw, path
        page = soup(path)
        assert page.find("script") is None and page.find("img") is None
        for element in page.find_all(True):
            assert not [a for a in element.attrs if a.startswith("on")], (path, element)
        for element in page.find_all(href=True):
            assert urlsplit(element["href"].strip()).scheme in ("", "http", "https"), element
    document = soup(site / pages["document"])
    assert document.h1.text == HOSTILE_SHOWN
    assert document.h1.get("lang") is None, "a malformed language is not an attribute"
    official = document.select_one("p.copy-title span.unlinked")
    assert official is not None and official.text == HOSTILE_SHOWN
    inserted = " ".join(ins.text for ins in document.select("div.diff ins"))
    assert "新增<script>alert(7)</script>一行" in inserted
    index = soup(site / "index.html")
    assert index.select_one("li.item h2 a").text == HOSTILE_SHOWN


def test_a_rewrite_replaces_the_site_and_a_foreign_directory_is_left_alone(
    tmp_path: Path,
) -> None:
    site, _ = build_hostile_site(tmp_path)
    stale = site / "documents" / "d999999.html"
    stale.write_text("gone from the store", encoding="utf-8")
    config = load_config(REPLICA_CONFIG, home=tmp_path / "home")
    with Store.open(config.db_path) as store:
        report = write_site(store, config, site)
        assert not stale.exists() and (site / MARKER).is_file()
        assert report.index == site / "index.html" and report.pages == len(html_pages(site))
        assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "site"]
        foreign = tmp_path / "mine"
        foreign.mkdir()
        (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
        with pytest.raises(DualwatchError, match="refusing to replace"):
            write_site(store, config, foreign)
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "mine", "site"]


def test_leftovers_of_an_interrupted_write_go_and_the_folder_keeps_its_mode(
    tmp_path: Path,
) -> None:
    site, _ = build_hostile_site(tmp_path)
    for name in (".site.k3j2.new", ".site.123.456.old", ".site-notes"):
        (tmp_path / name).mkdir()
    site.chmod(0o750)  # a web root the operator prepared
    config = load_config(REPLICA_CONFIG, home=tmp_path / "home")
    with Store.open(config.db_path) as store:
        write_site(store, config, site)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-notes", "home", "site"]
    assert site.stat().st_mode & 0o7777 == 0o750
