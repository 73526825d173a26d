"""Source ``mofa-ja`` with its three sections: 報道発表, 談話 (/mofaj/press/danwa/) and 記者会見
(/mofaj/press/kaiken/), configured with ``sections = [{url, kind}, …]``.

Golden items for the 談話 and 記者会見 indexes and detail pages (the 記者会見 date comes from
``h3.title3``), the state-5 release, parsing edge cases, the configuration option, and the
real CLI crawling the replica through every state of the timeline.
Golden files: ``tests/golden/mofa_ja_*.json`` (``UPDATE_GOLDEN=1`` rewrites them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import MappingProxyType

import pytest
from scrapy.http import HtmlResponse

from crawler.items import ListedNotice
from crawler.sites.mofa import (
    Section,
    heading_dates,
    listing_sections,
    parse_press_list,
    speaker_of,
)
from crawler.spiders.mofa_ja import MofaJaSpider
from monitors.core.config import load_config
from monitors.core.errors import ConfigError, ParseError
from tests.conftest import Dualwatch
from tests.replica import MOFA_HOST, Replica, expected_changes
from tests.replica.sites.mofa import MofaSite
from tests.replica.sites.mofa_press import MofaPressSite
from tests.test_golden import DetailCase, Site, check_golden, listed, notice_form

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "tests" / "replica" / "configs" / "mofa-en.toml"
CONFIG = load_config(CONFIG_PATH)
BASE = f"https://{MOFA_HOST}"
RELEASES = f"{BASE}/mofaj/press/release/index.html"
DANWA = f"{BASE}/mofaj/press/danwa/index.html"
KAIKEN = f"{BASE}/mofaj/press/kaiken/index.html"
KAIKEN_0107 = f"{BASE}/mofaj/press/kaiken/kaiken4_000154.html"
DANWA_0107 = f"{BASE}/mofaj/press/danwa/pageit_000001_01212.html"
PROTEST_0224 = f"{BASE}/mofaj/press/release/pressit_000001_03758.html"
REFERENCE = date(2026, 1, 8)
PRESS_SITE = MofaPressSite()
PAGE_NOISE = ("ポスト", "印刷", "関連リンク", "このページのトップへ戻る", "mofa_pv", "mofa_title")

DETAILS = [
    (
        2,
        "press_conference",
        DetailCase(
            "mofa_ja_kaiken_detail",
            KAIKEN_0107,
            "茂木外務大臣会見（令和8年1月7日（水曜日）10時30分）",
            date(2026, 1, 7),
        ),
    ),
    (
        2,
        "statement",
        DetailCase(
            "mofa_ja_danwa_detail",
            DANWA_0107,
            "中国による日本向け両用品目の輸出管理措置について（外務報道官談話）",
            date(2026, 1, 7),
        ),
    ),
    (
        5,
        "press_release",
        DetailCase(
            "mofa_ja_release_protest_0224",
            PROTEST_0224,
            "中国による日本の団体に対する輸出管理措置の発表について（金井アジア大洋州局長による抗議）",
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


@pytest.fixture
def spider() -> MofaJaSpider:
    instance = MofaJaSpider()
    instance.source = CONFIG.source("mofa-ja")
    return instance


def press_list(site: Site, url: str, kind: str, state: int) -> list[ListedNotice]:
    return parse_press_list(site.html(url, state), kind, REFERENCE)


# -- indexes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [("danwa", DANWA, "statement"), ("kaiken", KAIKEN, "press_conference")],
)
@pytest.mark.parametrize("state", [2, 5])
def test_index_golden(site: Site, name: str, url: str, kind: str, state: int) -> None:
    entries = press_list(site, url, kind, state)
    check_golden(f"mofa_ja_{name}_index_state{state}", listed(entries))
    notices = PRESS_SITE.statements if kind == "statement" else PRESS_SITE.conferences
    assert [e.url for e in entries] == [f"{BASE}{n.path}" for n in notices if n.listed_at(state)]
    assert [e.listed_date for e in entries] == [n.day for n in notices if n.listed_at(state)]
    assert press_list(site, url, kind, 3 if state == 2 else state) == entries


def test_kaiken_index_keeps_only_the_text_records(site: Site) -> None:
    entries = press_list(site, KAIKEN, "press_conference", 2)
    assert entries[0] == ListedNotice(
        KAIKEN_0107, "茂木外務大臣会見（令和8年1月7日（水曜日）10時30分）", date(2026, 1, 7)
    )
    assert all("#" not in e.url and "youtube" not in e.url for e in entries)
    assert len(entries) == len({e.url for e in entries}) == 4


@pytest.mark.parametrize(("url", "kind"), [(DANWA, "statement"), (KAIKEN, "press_conference")])
def test_broken_listing_is_a_parse_error(site: Site, url: str, kind: str) -> None:
    site.replica.set_state(2)
    site.replica.set_fault("broken-listing", host=MOFA_HOST)
    try:
        body = site._fetch(url).body
    finally:
        site.replica.set_fault(None, host=MOFA_HOST)
    with pytest.raises(ParseError, match="title-list"):
        parse_press_list(HtmlResponse(url, body=body), kind, REFERENCE)


# -- detail pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "kind", "case"), DETAILS, ids=[case.golden for *_, case in DETAILS]
)
def test_detail_golden(
    site: Site, spider: MofaJaSpider, state: int, kind: str, case: DetailCase
) -> None:
    spider.listed_kind[case.url] = kind
    notice = spider.extract_notice(site.html(case.url, state), case.entry)
    assert notice.raw_html == site.ok(case.url, state).body
    check_golden(case.golden, notice_form(notice))
    assert (notice.metadata["doc_type"], notice.published) == (kind, case.listed_date)
    assert [m for m in PAGE_NOISE if m in notice.text] == []


def test_kaiken_date_time_and_title_come_from_h3_title3(site: Site, spider: MofaJaSpider) -> None:
    notice = spider.extract_notice(site.html(KAIKEN_0107, 2), DETAILS[0][2].entry)
    assert notice.published == date(2026, 1, 7)
    assert notice.metadata["date_text"] == "（令和8年1月7日（水曜日）10時30分於：本省会見室）"
    assert notice.metadata["time"] == "10:30"
    assert notice.title == "茂木外務大臣会見記録（令和8年1月7日（水曜日）10時30分 於：本省会見室）"
    assert notice.issuer == "外務大臣"
    assert "中国による輸出管理措置" in notice.text and "極めて遺憾" in notice.text
    assert "本省会見室" not in notice.text
    undated = ListedNotice(KAIKEN_0107, "", None)
    assert spider.extract_notice(site.html(KAIKEN_0107, 2), undated).published == date(2026, 1, 7)


def test_danwa_speaker_and_kind_from_the_folder(site: Site, spider: MofaJaSpider) -> None:
    notice = spider.extract_notice(site.html(DANWA_0107, 2), DETAILS[1][2].entry)
    assert notice.issuer == "外務報道官"
    assert notice.metadata["doc_type"] == "statement"
    assert notice.metadata["date_text"] == "令和8年1月7日"


@pytest.mark.parametrize(
    ("url", "kind"), [(KAIKEN_0107, "press_conference"), (DANWA_0107, "statement")]
)
def test_detail_ignores_noise(site: Site, spider: MofaJaSpider, url: str, kind: str) -> None:
    entry = ListedNotice(url, "", None)
    assert site.ok(url, 2).body != site.ok(url, 3).body
    first, second = (notice_form(spider.extract_notice(site.html(url, s), entry)) for s in (2, 3))
    assert first == second


# -- helpers and configuration -----------------------------------------------------------------


def test_heading_dates_full_yearless_and_undated() -> None:
    headings = ["令和8年1月7日", "1月5日付", "12月26日", "会見", "12月19日（金曜日）"]
    assert heading_dates(headings, date(2026, 1, 31)) == [
        date(2026, 1, 7),
        date(2026, 1, 5),
        date(2025, 12, 26),
        None,
        date(2025, 12, 19),
    ]


def test_press_list_links_in_dt_or_dd_and_year_less_headings() -> None:
    html = (
        "<html><body><div id='maincontents'><dl class='title-list'>"
        "<dt class='list-title'>1月7日付</dt><dd><a href='a.html'>談話A</a></dd>"
        "<dt class='list-title'>12月29日付 <a href='b.html#x'>談話B</a></dt>"
        "<dt class='list-title'>日付なし</dt>"
        "<dd><a href='c.html'>談話C</a><a href='#top'>↑</a></dd>"
        "</dl></div></body></html>"
    )
    response = HtmlResponse(DANWA, body=html.encode(), encoding="utf-8")
    entries = parse_press_list(response, "statement", date(2026, 1, 31))
    folder = f"{BASE}/mofaj/press/danwa"
    assert entries == [
        ListedNotice(f"{folder}/a.html", "談話A", date(2026, 1, 7)),
        ListedNotice(f"{folder}/b.html", "談話B", date(2025, 12, 29)),
        ListedNotice(f"{folder}/c.html", "談話C", None),
    ]


def test_press_list_without_title_list_is_a_parse_error() -> None:
    response = HtmlResponse(DANWA, body=b"<div id='maincontents'><ul><li>x</li></ul></div>")
    with pytest.raises(ParseError):
        parse_press_list(response, "statement", REFERENCE)


def test_speaker_of() -> None:
    assert speaker_of("中央アフリカ共和国における大統領選挙等の実施について（外務報道官談話）") == (
        "外務報道官"
    )
    assert speaker_of("人権デーに当たって（外務大臣談話）") == "外務大臣"
    assert speaker_of("外務大臣政務官会見記録") == "外務大臣政務官"
    assert speaker_of("談話") == "外務省"


def test_sections_option_and_its_default() -> None:
    configured = CONFIG.source("mofa-ja")
    assert [s.kind for s in listing_sections(configured)] == [
        "press_release",
        "statement",
        "press_conference",
    ]
    plain = replace(configured, options=MappingProxyType({}))
    assert listing_sections(plain) == (Section(configured.listing_url, "press_release"),)


@pytest.mark.parametrize(
    "sections",
    [
        [],
        "https://www.mofa.go.jp/mofaj/press/danwa/index.html",
        [{"url": DANWA}],
        [{"url": DANWA, "kind": "speech"}],
        [{"url": DANWA, "kind": "statement", "extra": 1}],
    ],
)
def test_bad_sections_are_config_errors(sections: object) -> None:
    source = replace(CONFIG.source("mofa-ja"), options=MappingProxyType({"sections": sections}))
    with pytest.raises(ConfigError, match="section"):
        listing_sections(source)


# -- the crawl through the timeline --------------------------------------------------------------


def japanese_expected(state: int) -> dict[str, list[str]]:
    """Expected changes of the Japanese release index, 談話 and 記者会見 entering ``state``."""
    return expected_changes(state, sites=("mofa", "mofa_press"))[MOFA_HOST]


def changes(dw: Dualwatch, source: str) -> list[dict]:
    lines = dw.run("changes", "--json", "--source", source).stdout.splitlines()
    return [json.loads(line) for line in lines]


def by_kind(found: list[dict]) -> dict[str, list[str]]:
    kinds = ("new", "modified", "removed")
    return {k: sorted(c["url"] for c in found if c["kind"] == k) for k in kinds}


def stored(dw: Dualwatch) -> dict[str, str]:
    """URL → doc_type of the stored mofa-ja notices."""
    with dw.store() as store:
        rows = list(store.db.query("SELECT url FROM notices WHERE source = 'mofa-ja'"))
        return {
            row["url"]: store.get_version(
                store.find_notice(row["url"]).current_version_id
            ).metadata["doc_type"]
            for row in rows
        }


def test_crawl_through_the_timeline(dualwatch: Dualwatch) -> None:
    dualwatch.config_path = CONFIG_PATH
    baseline = dualwatch.run("crawl", "mofa-ja")
    assert "mofa-ja  ok (baseline)" in baseline.stdout
    assert changes(dualwatch, "mofa-ja") == []
    listed_1 = [*MofaSite().index_releases(1), *PRESS_SITE.monitored_notices()]
    kinds = stored(dualwatch)
    assert set(kinds) == {f"{BASE}{n.path}" for n in listed_1 if n.listed_at(1)}
    assert kinds[f"{BASE}/mofaj/press/kaiken/kaiken4_000153.html"] == "press_conference"
    assert kinds[f"{BASE}/mofaj/press/danwa/pageit_000001_01208.html"] == "statement"

    seen = 0
    for state in (2, 3, 4, 5):
        dualwatch.replica.set_state(state)
        dualwatch.run("crawl", "mofa-ja")
        found = changes(dualwatch, "mofa-ja")
        assert by_kind(found[seen:]) == japanese_expected(state), f"state {state}"
        seen = len(found)
    assert {KAIKEN_0107, DANWA_0107} <= set(japanese_expected(2)["new"])
    assert PROTEST_0224 in japanese_expected(5)["new"]
    assert (
        japanese_expected(3) == japanese_expected(4) == {"new": [], "modified": [], "removed": []}
    )
    shown = dualwatch.run("show", KAIKEN_0107).stdout
    assert "2026-01-07" in shown and "press_conference" in shown


def test_without_sections_only_the_release_index_is_read(dualwatch: Dualwatch) -> None:
    config = dualwatch.home.parent / "no-sections.toml"  # no `extends`: no inherited sections
    config.write_text(
        "[crawl]\ndownload_delay = 0\nretry_times = 0\n"
        f'[sources.mofa-ja]\nhosts = ["{MOFA_HOST}"]\nlisting_url = "{RELEASES}"\n',
        encoding="utf-8",
    )
    dualwatch.config_path = config
    dualwatch.run("crawl", "mofa-ja")
    paths = {path for _method, _host, path, _status in dualwatch.replica.requests()}
    assert "/mofaj/press/release/index.html" in paths
    assert not any(p.startswith(("/mofaj/press/danwa/", "/mofaj/press/kaiken/")) for p in paths)


def test_broken_listing_fails_every_section_loudly(dualwatch: Dualwatch) -> None:
    dualwatch.config_path = CONFIG_PATH
    dualwatch.run("crawl", "mofa-ja")
    dualwatch.replica.set_state(2)
    dualwatch.replica.set_fault("broken-listing", host=MOFA_HOST)
    result = dualwatch.run("crawl", "mofa-ja", check=1)
    assert "mofa-ja  failed" in result.stdout
    for url in (RELEASES, DANWA, KAIKEN):
        assert f"layout error at {url}" in result.stderr
    assert changes(dualwatch, "mofa-ja") == []


def test_sections_off_the_configured_hosts_are_refused(dualwatch: Dualwatch) -> None:
    dualwatch.config_path = dualwatch.home.parent / "offhost.toml"
    dualwatch.config_path.write_text(
        f"extends = {json.dumps(str(CONFIG_PATH))}\n"
        "[sources.mofa-ja]\n"
        "sections = [\n"
        f'  {{ url = "{RELEASES}", kind = "press_release" }},\n'
        '  { url = "https://www.example.org/danwa/index.html", kind = "statement" },\n'
        "]\n",
        encoding="utf-8",
    )
    result = dualwatch.run("crawl", "mofa-ja", check=1)
    assert "section URL is not on the source's hosts" in result.stderr
    assert {host for _m, host, _p, _s in dualwatch.replica.requests()} == {MOFA_HOST}
