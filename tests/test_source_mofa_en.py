"""Source ``mofa-en``: MOFA's English press releases (www.mofa.go.jp/press/release/).

Golden items for the index (year-less ``January 7`` headings across the new year) and the
detail pages (the ``The text will be coming soon.`` page and its translation), parsing edge
cases, and the real CLI crawling the replica through every state of the timeline.
Golden files: ``tests/golden/mofa_en_*.json`` (``UPDATE_GOLDEN=1`` rewrites them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.items import ListedNotice
from crawler.spiders.mofa_en import (
    MofaEnSpider,
    archive_reference,
    doc_type,
    parse_english_index,
)
from monitors.core.config import load_config
from monitors.core.errors import ParseError
from tests.conftest import Dualwatch
from tests.replica import MOFA_HOST, Replica, expected_changes
from tests.replica.content import mofa_en as content
from tests.replica.sites.mofa_en import MofaEnSite
from tests.test_golden import DetailCase, Site, check_golden, jsonable, listed, notice_form

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "tests" / "replica" / "configs" / "mofa-en.toml"
CONFIG = load_config(CONFIG_PATH)
BASE = f"https://{MOFA_HOST}"
INDEX = f"{BASE}/press/release/index.html"
PROTEST = f"{BASE}/press/release/pressite_000001_02040.html"
PROTEST_0224 = f"{BASE}/press/release/pressite_000001_02147.html"
MONGOLIA = f"{BASE}/press/release/pressite_000001_02001.html"
SITE = MofaEnSite()
PAGE_NOISE = ("Post", "Print", "Related Links", "Page Top", "Back to", "mofa_pv", "mofa_title")

DETAILS = [
    (
        2,
        DetailCase(
            "mofa_en_detail_coming_soon",
            PROTEST,
            content.PROTEST_TITLE,
            date(2026, 1, 7),
        ),
    ),
    (
        4,
        DetailCase(
            "mofa_en_detail_protest",
            PROTEST,
            content.PROTEST_TITLE,
            date(2026, 1, 7),
        ),
    ),
    (
        2,
        DetailCase(
            "mofa_en_detail_attachment",
            MONGOLIA,
            "Signing and Exchange of Notes concerning Grant Aid to Mongolia",
            date(2025, 12, 9),
        ),
    ),
    (
        5,
        DetailCase(
            "mofa_en_detail_protest_0224",
            PROTEST_0224,
            "Protest by Director-General of the Asian and Oceanian Affairs Bureau KANAI Masaaki "
            "against China's Listing of Japanese Entities under Its Export Control Measures",
            date(2026, 2, 24),
        ),
    ),
]


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    replica = Replica(port=0, state=1).start()
    try:
        yield Site(replica)
    finally:
        replica.stop()


@pytest.fixture(scope="module")
def spider() -> MofaEnSpider:
    instance = MofaEnSpider()
    instance.source = CONFIG.source("mofa-en")
    return instance


def english_index(site: Site, state: int) -> tuple[date, list[ListedNotice]]:
    response = site.html(INDEX, state)
    reference = archive_reference(response)
    assert reference is not None, "the index links its monthly archives"
    return reference, parse_english_index(response, reference)


# -- index -----------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [1, 2, 5])
def test_index_golden(site: Site, state: int) -> None:
    reference, entries = english_index(site, state)
    check_golden(
        f"mofa_en_index_state{state}",
        {"reference": jsonable(reference), "entries": listed(entries)},
    )
    expected = [f"{BASE}{r.path}" for r in SITE.index_releases(state)]
    assert [e.url for e in entries] == expected
    dates = [e.listed_date for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_index_crosses_the_new_year(site: Site) -> None:
    reference, entries = english_index(site, 1)
    assert reference == date(2026, 1, 31)
    by_url = {e.url: e.listed_date for e in entries}
    assert by_url[f"{BASE}/press/release/pressite_000001_02031.html"] == date(2025, 12, 29)
    assert by_url[f"{BASE}/press/release/pressite_000001_02034.html"] == date(2026, 1, 5)
    assert {d.year for d in by_url.values() if d.month == 12} == {2025}
    assert {d.year for d in by_url.values() if d.month == 1} == {2026}


def test_index_in_state_5_rolls_to_february(site: Site) -> None:
    reference, entries = english_index(site, 5)
    assert reference == date(2026, 2, 28)
    assert (entries[0].listed_date, entries[-1].listed_date) == (
        date(2026, 2, 25),
        date(2026, 1, 27),
    )
    assert PROTEST_0224 in [e.url for e in entries]


def test_index_state3_is_state2(site: Site) -> None:
    assert english_index(site, 3) == english_index(site, 2)
    assert site.ok(INDEX, 2).body != site.ok(INDEX, 3).body, "the index's noise changes"


def test_monthly_archive(site: Site) -> None:
    response = site.html(f"{BASE}/press/release/202512_index.html", 2)
    entries = parse_english_index(response, date(2025, 12, 31))
    assert [e.listed_date for e in entries][-1] == date(2025, 12, 2)
    assert all(e.listed_date and e.listed_date.month == 12 for e in entries)
    assert site.get(f"{BASE}/press/release/202602_index.html", 2).status == 404


def test_broken_listing_is_a_parse_error(site: Site) -> None:
    site.replica.set_state(2)
    site.replica.set_fault("broken-listing", host=MOFA_HOST)
    try:
        body = site._fetch(INDEX).body
    finally:
        site.replica.set_fault(None, host=MOFA_HOST)
    with pytest.raises(ParseError, match="title-list"):
        parse_english_index(HtmlResponse(INDEX, body=body), date(2026, 1, 31))


# -- detail pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "case"), DETAILS, ids=[c.golden for _, c in DETAILS])
def test_detail_golden(site: Site, spider: MofaEnSpider, state: int, case: DetailCase) -> None:
    notice = spider.extract_notice(site.html(case.url, state), case.entry)
    assert notice.raw_html == site.ok(case.url, state).body
    check_golden(case.golden, notice_form(notice))
    assert notice.title == case.listed_title
    assert (notice.published, notice.metadata["date_text"]) == (
        case.listed_date,
        f"{case.listed_date:%B} {case.listed_date.day}, {case.listed_date.year}",
    )
    found = [m for m in PAGE_NOISE if m in notice.text]
    assert found == [], f"page noise in the stored text: {found}"


def test_coming_soon_then_translation(site: Site, spider: MofaEnSpider) -> None:
    entry = DETAILS[0][1].entry
    pending, translated = (spider.extract_notice(site.html(PROTEST, s), entry) for s in (3, 4))
    assert pending.text == "The text will be coming soon."
    assert pending.metadata["text_pending"] is True
    assert translated.metadata["text_pending"] is False
    assert "KANAI Masaaki" in translated.text and "SHI Yong" in translated.text
    assert translated.title == pending.title and translated.published == pending.published


NOISE_PAIRS = [(DETAILS[0][1], 2, 3), (DETAILS[1][1], 4, 5), (DETAILS[2][1], 2, 3)]


@pytest.mark.parametrize(
    ("case", "first", "second"), NOISE_PAIRS, ids=[f"{c.golden}-{a}-{b}" for c, a, b in NOISE_PAIRS]
)
def test_detail_ignores_noise(
    site: Site, spider: MofaEnSpider, case: DetailCase, first: int, second: int
) -> None:
    assert site.ok(case.url, first).body != site.ok(case.url, second).body
    forms = [
        notice_form(spider.extract_notice(site.html(case.url, s), case.entry))
        for s in (first, second)
    ]
    assert forms[0] == forms[1]


def test_doc_type_by_folder() -> None:
    assert doc_type(PROTEST) == "press_release"
    assert doc_type(f"{BASE}/press/kaiken/kaiken4e_000588.html") == "press_conference"
    assert doc_type(f"{BASE}/press/statement/fm.html") == "statement"


# -- parsing edge cases --------------------------------------------------------------------------


def index_page(headings_and_links: str, archives: str = "") -> HtmlResponse:
    html = (
        "<html><body><div id='maincontents'><div id='pressrelease'><dl class='title-list'>"
        f"{headings_and_links}</dl></div>{archives}</div></body></html>"
    )
    return HtmlResponse(INDEX, body=html.encode(), encoding="utf-8")


def test_headings_with_abbreviations_and_years() -> None:
    page = index_page(
        "<dt class='list-title'>Jan. 7</dt><dd><a href='a.html'>A</a></dd>"
        "<dt class='list-title'>December 30, 2025</dt><dd><a href='/press/b.html'>B</a></dd>"
        "<dt class='list-title'>Sept 2</dt><dd><a href='c.html'>C</a></dd>"
    )
    entries = parse_english_index(page, date(2026, 1, 31))
    assert [(e.url, e.listed_date) for e in entries] == [
        (f"{BASE}/press/release/a.html", date(2026, 1, 7)),
        (f"{BASE}/press/b.html", date(2025, 12, 30)),
        (f"{BASE}/press/release/c.html", date(2025, 9, 2)),
    ]


@pytest.mark.parametrize("heading", ["7 January", "Januar 7", "February 30", "New"])
def test_unexpected_heading_is_a_parse_error(heading: str) -> None:
    page = index_page(f"<dt class='list-title'>{heading}</dt><dd><a href='a.html'>A</a></dd>")
    with pytest.raises(ParseError, match="heading"):
        parse_english_index(page, date(2026, 1, 31))


def test_archive_reference_is_the_newest_linked_month() -> None:
    links = "".join(
        f"<a href='/press/release/{m}_index.html'>x</a>" for m in ("202512", "202601", "202513")
    )
    assert archive_reference(index_page("", links)) == date(2026, 1, 31)
    assert archive_reference(index_page("")) is None


# -- the crawl through the timeline --------------------------------------------------------------


def english_expected(state: int) -> dict[str, list[str]]:
    """Expected changes of the English site (replica module ``mofa_en``) entering ``state``."""
    return expected_changes(state, sites=("mofa_en",))[MOFA_HOST]


def changes(dw: Dualwatch, source: str) -> list[dict]:
    lines = dw.run("changes", "--json", "--source", source).stdout.splitlines()
    return [json.loads(line) for line in lines]


def by_kind(found: list[dict]) -> dict[str, list[str]]:
    return {
        k: sorted(c["url"] for c in found if c["kind"] == k) for k in ("new", "modified", "removed")
    }


def stored_urls(dw: Dualwatch, source: str) -> set[str]:
    with dw.store() as store:
        rows = store.db.query("SELECT url FROM notices WHERE source = ?", [source])
        return {row["url"] for row in rows}


def test_crawl_through_the_timeline(dualwatch: Dualwatch) -> None:
    dualwatch.config_path = CONFIG_PATH
    baseline = dualwatch.run("crawl", "mofa-en")
    assert "mofa-en  ok (baseline)" in baseline.stdout
    assert changes(dualwatch, "mofa-en") == []
    assert stored_urls(dualwatch, "mofa-en") == {f"{BASE}{r.path}" for r in SITE.index_releases(1)}

    seen = 0
    for state in (2, 3, 4, 5):
        dualwatch.replica.set_state(state)
        dualwatch.run("crawl", "mofa-en")
        found = changes(dualwatch, "mofa-en")
        assert by_kind(found[seen:]) == english_expected(state), f"state {state}"
        seen = len(found)
    assert english_expected(3) == {"new": [], "modified": [], "removed": []}
    assert english_expected(4)["modified"] == [PROTEST]

    [modified] = [c for c in changes(dualwatch, "mofa-en") if c["kind"] == "modified"]
    diff = dualwatch.run("diff", str(modified["id"])).stdout
    # the placeholder line is rewritten, not edited: shown as removed, then the text added
    assert "\n- The text will be coming soon." in diff and "KANAI Masaaki" in diff
    assert "[-coming-]" not in diff
    shown = dualwatch.run("show", PROTEST).stdout
    assert "2026-01-07" in shown and "SHI Yong" in shown


def test_broken_listing_fails_the_source_loudly(dualwatch: Dualwatch) -> None:
    dualwatch.config_path = CONFIG_PATH
    dualwatch.run("crawl", "mofa-en")
    dualwatch.replica.set_state(2)
    dualwatch.replica.set_fault("broken-listing", host=MOFA_HOST)
    result = dualwatch.run("crawl", "mofa-en", check=1)
    assert "mofa-en  failed" in result.stdout
    assert f"layout error at {INDEX}" in result.stderr
    assert changes(dualwatch, "mofa-en") == []
