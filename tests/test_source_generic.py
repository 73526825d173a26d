"""The config-driven ``generic`` spider: option validation, its parsing helpers, golden items
from the MOFA その他のお知らせ replica, and crawls of sources that have no code of their own.

Golden files: ``tests/golden/generic_*.json``; ``UPDATE_GOLDEN=1`` rewrites them (read the diff
before committing it). Sources crawled: ``mofa-oshirase`` (tests/replica/configs/generic.toml,
the production table), plus two test-only tables written below: the replica's JSON listing API
(POST form, extra headers, a ``%Y%m%d`` date hint) and MOFCOM's jpaas unit API expressed as
configuration (an HTML fragment inside JSON, ``paramJson`` paging).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import json
import os
import re
import tomllib
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse

from crawler.generic_options import GenericOptions, ListingSpec, parse_options
from crawler.items import ListedNotice
from crawler.spiders.generic import (
    GenericSpider,
    ListingPage,
    page_target,
    parse_hinted_date,
    read_html_listing,
    read_listing,
)
from monitors.core.config import SourceConfig, load_config
from monitors.core.errors import ConfigError, DateParseError, ParseError
from monitors.storage.models import FetchedNotice
from tests.conftest import Dualwatch
from tests.replica import MOFA_HOST, MOFCOM_HOST, Replica, expected_changes

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "tests" / "replica" / "configs" / "generic.toml"
CONFIG = load_config(CONFIG_PATH)
SOURCE = CONFIG.source("mofa-oshirase")
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

OSHIRASE = f"https://{MOFA_HOST}/mofaj/press/oshirase"
INDEX = f"{OSHIRASE}/index.html"
BACKNUMBER = f"{OSHIRASE}/bn.html"
NEW_IN_2 = f"{OSHIRASE}/page22_004120.html"
REVISED_IN_2 = f"{OSHIRASE}/page22_004108.html"
WITH_PDF = f"{OSHIRASE}/page22_004101.html"
JAPAN_NO1 = (
    "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
)
AS_OF_STATE_2 = date(2026, 1, 8)

JSON_TABLE = """
[sources.oshirase-json]
spider = "generic"
title = "MOFA その他のお知らせ through the replica's JSON listing (test only)"
hosts = ["www.mofa.go.jp"]
listing_url = "https://www.mofa.go.jp/mofaj/press/oshirase/index.html"
baseline_listing_pages = 5
language = "ja"
doc_type = "news"
issuer = "外務省"

[sources.oshirase-json.listing]
type = "json"
url = "https://www.mofa.go.jp/mofaj/press/oshirase/list.json"
method = "POST"
form = { page = "{page}", size = "4" }
headers = { X-Requested-With = "XMLHttpRequest", Accept = "application/json" }
items = "result.rows"
link = "url"
title = "title"
date = "date"

[sources.oshirase-json.detail]
body = "div#maincontents"
date = "div#maincontents > div.rightalign"
noise = ["div.social-btn-top", "div#maincontents > div.rightalign", "div.pv-counter",
         "script", "div.relatedlink-section"]

[sources.oshirase-json.dates]
formats = ["%Y%m%d"]
timezone = "+09:00"
"""

MOFCOM_TABLE = """
[sources.mofcom-generic]
spider = "generic"
title = "MOFCOM 政策发布 through the jpaas unit API, as configuration (test only)"
hosts = ["www.mofcom.gov.cn"]
listing_url = "https://www.mofcom.gov.cn/zwgk/zcfb/index.html"
encoding = "utf-8"
language = "zh"
doc_type = "announcement"

[sources.mofcom-generic.listing]
url = "https://www.mofcom.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
params = { parseType = "bulidstatic", webId = "8f43c7ad3afc411fb56f281724b73708", \
tplSetId = "52551ea0e2c14bca8c84792f7aa37ead", pageType = "column", tagId = "分页列表", \
editType = "null", pageId = "fc8bdff48fa345a48b651c1285b70b8f" }
page_params = { paramJson = '{"pageNo":{page},"pageSize":15}' }
headers = { X-Requested-With = "XMLHttpRequest" }
fragment = "data.html"
items = "div.page-content ul.txtList_01 > li"
link = "a::attr(href)"
title = "a::attr(title)"
date = "span"

[sources.mofcom-generic.detail]
title = "meta[name=ArticleTitle]::attr(content)"
date = "meta[name=PubDate]::attr(content)"
body = "div.art-con"
noise = ["script", "style", "noscript", "iframe", ".art-fx", ".share", ".bdsharebuttonbox",
         ".print"]
doc_number = "div.art-con-gonggao"
"""


# -- option validation ---------------------------------------------------------------------

DELETE = object()


def source_with(changes: dict[str, Any]) -> SourceConfig:
    """The shipped mofa-oshirase source with dotted-key changes (DELETE removes a key)."""
    options = copy.deepcopy(dict(SOURCE.options))
    for dotted, value in changes.items():
        *tables, key = dotted.split(".")
        target = options
        for table in tables:
            target = target.setdefault(table, {})
        if value is DELETE:
            target.pop(key, None)
        else:
            target[key] = value
    return dataclasses.replace(SOURCE, options=MappingProxyType(options))


def test_the_shipped_table_is_valid() -> None:
    options = parse_options(SOURCE)
    assert (options.language, options.doc_type, options.issuer) == ("ja", "news", "外務省")
    assert options.listing.kind == "html" and options.listing.url == SOURCE.listing_url
    assert options.listing.date == "xpath:ancestor::dd[1]/preceding-sibling::dt[1]"
    assert options.listing.next_page and not options.listing.templated
    assert "div.relatedlink-section" in options.detail.noise
    assert options.dates.formats == ("%m月%d日付",)
    assert options.dates.tz.utcoffset(None) == timedelta(hours=9)
    assert SOURCE.spider == GenericSpider.name == "generic"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lang": "ja"}, "] lang: unknown option"),
        ({"language": DELETE}, "] language: missing"),
        ({"language": "fr"}, "] language: 'fr' is not one of zh, ja, en"),
        ({"doc_type": "blog"}, "] doc_type: 'blog' is not one of"),
        ({"listing": DELETE}, "] listing: missing (required table)"),
        ({"listing": "div li"}, "] listing: must be a table"),
        ({"listing.item": "li"}, "] listing.item: unknown option"),
        ({"listing.items": DELETE}, "] listing.items: missing"),
        ({"listing.items": ""}, "] listing.items: must be a non-empty string"),
        ({"listing.items": "div["}, "] listing.items: invalid selector 'div['"),
        ({"listing.date": "xpath:ancestor::dd[1"}, "] listing.date: invalid selector"),
        ({"listing.link": "a::href"}, "] listing.link: invalid selector"),
        ({"listing.type": "xml"}, "] listing.type: 'xml' is not one of html, json"),
        ({"listing.method": "PUT"}, "] listing.method: 'PUT' is not one of GET, POST"),
        ({"listing.form": {"page": "{page}"}}, '] listing.form: needs method = "POST"'),
        ({"listing.headers": ["X-A: b"]}, "] listing.headers: must be a table"),
        ({"listing.page_params": {"p": "{page}"}}, "] listing.next_page: use next_page or"),
        ({"listing.url": "https://evil.example/list"}, "] listing.url: host 'evil.example'"),
        ({"listing.url": "/relative/list.html"}, "] listing.url: '/relative/list.html' is not"),
        ({"listing.fragment": "data.html", "listing.type": "json"}, "] listing.fragment: only"),
        ({"listing.items": "data..rows", "listing.type": "json"}, "] listing.items: invalid"),
        ({"detail.body": DELETE}, "] detail.body: missing"),
        ({"detail.noise": ["script", "div[x"]}, "] detail.noise: invalid selector 'div[x'"),
        ({"detail.attachments": "yes"}, "] detail.attachments: must be true or false"),
        ({"detail.title": DELETE, "listing.title": DELETE}, "] detail.title: set listing.title"),
        ({"dates.formats": ["%Y"]}, "] dates.formats: '%Y' needs a month"),
        ({"dates.timezone": "JST"}, "] dates.timezone: 'JST' is not UTC or an offset"),
        ({"dates.zone": "+09:00"}, "] dates.zone: unknown option"),
    ],
)
def test_invalid_options_raise_config_error_naming_the_key(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_options(source_with(changes))
    assert str(raised.value).startswith("[sources.mofa-oshirase] ")
    assert message in str(raised.value)


def test_optional_keys_may_be_left_out() -> None:
    options = parse_options(
        source_with({"listing.date": DELETE, "listing.next_page": DELETE, "dates": DELETE})
    )
    assert options.listing.date is None and options.listing.next_page is None
    assert options.dates.formats == () and options.dates.tz.utcoffset(None) == timedelta(0)


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "formats", "reference", "expected"),
    [
        ("1月6日付", ("%m月%d日付",), date(2026, 1, 8), date(2026, 1, 6)),
        ("12月26日付", ("%m月%d日付",), date(2026, 1, 8), date(2025, 12, 26)),
        ("２月２９日付", ("%m月%d日付",), date(2024, 3, 1), date(2024, 2, 29)),
        ("20260107", ("%Y%m%d",), None, date(2026, 1, 7)),
        ("07/01/2026", ("%d/%m/%Y",), None, date(2026, 1, 7)),
        ("07/01/2026", ("%m/%d/%Y", "%d/%m/%Y"), None, date(2026, 7, 1)),
        (" 令和8年1月6日 ", ("%m月%d日付",), None, date(2026, 1, 6)),
        ("[2026-01-06]", (), None, date(2026, 1, 6)),
        ("2026-01-06 17:30", ("%Y%m%d",), None, date(2026, 1, 6)),
        ("1月6日付", (), date(2026, 1, 8), date(2026, 1, 6)),
    ],
)
def test_dates_use_the_format_hints_then_parse_date(
    text: str, formats: tuple[str, ...], reference: date | None, expected: date
) -> None:
    assert parse_hinted_date(text, formats, reference) == expected


@pytest.mark.parametrize("text", ["1月6日付", "no date here", "2026-02-30"])
def test_unreadable_dates_raise(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_hinted_date(text, ("%Y%m%d",), None)


# -- listing parsing (no network) ----------------------------------------------------------

LISTING = """<div id="maincontents"><dl class="title-list">
<dt class="list-title">1月6日付</dt><dd><ul><li><a href="a.html">A</a></li>
<li><span>no link here</span></li></ul></dd>
<dt class="list-title">12月26日付</dt><dd><ul><li><a href="/x/b.html"> B  b </a></li></ul></dd>
</dl><div class="index-link"><a href="bn.html">more</a></div></div>"""


def html_spec(**changes: Any) -> ListingSpec:
    return dataclasses.replace(parse_options(SOURCE).listing, **changes)


def test_html_listing_item_without_a_link_is_an_error_for_that_item() -> None:
    dates = parse_options(SOURCE).dates
    page = read_html_listing(
        Selector(text=LISTING), INDEX, html_spec(), dates, reference=date(2026, 1, 8)
    )
    assert page.entries == [
        ListedNotice(f"{OSHIRASE}/a.html", "A", date(2026, 1, 6)),
        ListedNotice("https://www.mofa.go.jp/x/b.html", "B b", date(2025, 12, 26)),
    ]
    [problem] = page.problems
    assert problem.startswith("listing item 2: no link (listing.link 'a::attr(href)') in <li>")
    assert page.next_url == f"{OSHIRASE}/bn.html"
    assert page.oldest == date(2025, 12, 26)


def test_html_listing_whose_items_match_nothing_is_a_layout_error() -> None:
    dates = parse_options(SOURCE).dates
    spec = html_spec(items="div#maincontents dl.news-list > dd li")
    with pytest.raises(ParseError, match=r"listing\.items .* matched nothing"):
        read_html_listing(Selector(text=LISTING), INDEX, spec, dates, date(2026, 1, 8))
    later = read_html_listing(Selector(text=LISTING), INDEX, spec, dates, None, required=False)
    assert later.entries == [] and later.problems == []


def test_html_listing_with_xpath_items_and_a_missing_date() -> None:
    dates = parse_options(SOURCE).dates
    spec = html_spec(items="xpath://dd//li[a]", date="span.date")
    page = read_html_listing(Selector(text=LISTING), INDEX, spec, dates, date(2026, 1, 8))
    assert page.entries == []
    assert [p.split(" in ")[0] for p in page.problems] == [
        "listing item 1: no date (listing.date 'span.date')",
        "listing item 2: no date (listing.date 'span.date')",
    ]


def json_response(payload: Any, url: str = f"{OSHIRASE}/list.json") -> TextResponse:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return TextResponse(url, body=body, encoding="utf-8")


def json_options() -> GenericOptions:
    """The validated options of the JSON_TABLE source (parsed from its TOML text)."""
    table = tomllib.loads(JSON_TABLE)["sources"]["oshirase-json"]
    common = {"spider", "title", "hosts", "listing_url", "baseline_listing_pages"}
    options = {k: v for k, v in table.items() if k not in common}
    source = SourceConfig(
        name="oshirase-json",
        spider="generic",
        title=table["title"],
        hosts=tuple(table["hosts"]),
        listing_url=table["listing_url"],
        options=MappingProxyType(options),
    )
    return parse_options(source)


def test_json_listing_items_and_item_errors() -> None:
    options = json_options()
    rows = [
        {"url": "/mofaj/press/oshirase/page22_000001.html", "title": " T1 ", "date": "20260107"},
        {"title": "no url", "date": "20260106"},
        {"url": "/x.html", "title": "bad date", "date": "2026-13-40"},
    ]
    page = read_listing(
        json_response({"result": {"rows": rows}}), options.listing, options.dates, None
    )
    assert page.entries == [ListedNotice(f"{OSHIRASE}/page22_000001.html", "T1", date(2026, 1, 7))]
    assert [p.split(" in ")[0] for p in page.problems] == [
        "listing item 2: no link (listing.link 'url')",
        "listing item 3: invalid date 2026-13-40",
    ]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"data": {"list": []}}, "listing JSON has no 'result.rows'"),
        ({"result": {"rows": {"a": 1}}}, "'result.rows' is not a list"),
        ({"result": {"rows": []}}, "'result.rows' is empty"),
    ],
)
def test_json_listing_structure_errors(payload: Any, message: str) -> None:
    options = json_options()
    with pytest.raises(ParseError, match=re.escape(message)):
        read_listing(json_response(payload), options.listing, options.dates, None)


def test_json_listing_that_is_not_json() -> None:
    options = json_options()
    response = TextResponse(f"{OSHIRASE}/list.json", body=b"<html>oops</html>", encoding="utf-8")
    with pytest.raises(ParseError, match="listing did not return JSON"):
        read_listing(response, options.listing, options.dates, None)


def test_page_targets_fill_in_the_page_number() -> None:
    post = json_options().listing
    assert page_target(post, 3) == (post.url, {"page": "3", "size": "4"}, None)
    get = ListingSpec(
        kind="html",
        url="https://www.mofcom.gov.cn/api?x=1",
        items="li",
        link="a::attr(href)",
        params={"pageId": "abc"},
        page_params={"paramJson": '{"pageNo":{page},"pageSize":15}'},
    )
    assert page_target(get, 1) == ("https://www.mofcom.gov.cn/api?x=1&pageId=abc", None, None)
    url, form, body = page_target(get, 2)
    assert url == "https://www.mofcom.gov.cn/api?x=1&" + urlencode(
        {"pageId": "abc", "paramJson": '{"pageNo":2,"pageSize":15}'}
    )
    assert (form, body) == (None, None)
    paged = dataclasses.replace(get, params={}, page_params={}, page_url="https://h/list_{page}")
    assert [page_target(paged, n)[0] for n in (1, 2)] == [get.url, "https://h/list_2"]
    raw = dataclasses.replace(get, method="POST", params={}, page_params={}, body='{"p":{page}}')
    assert page_target(raw, 4) == (get.url, None, '{"p":4}')


# -- golden items from the replica ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


class Site:
    """The replica over real HTTP (Host header = the real host), cached per state and request."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self._cache: dict[tuple[Any, ...], Fetched] = {}

    def get(
        self, url: str, state: int, form: dict[str, str] | None = None, **headers: str
    ) -> Fetched:
        key = (state, url, tuple(sorted((form or {}).items())), tuple(sorted(headers.items())))
        if key not in self._cache:
            self.replica.set_state(state)
            self._cache[key] = self._fetch(url, form, headers)
        fetched = self._cache[key]
        assert fetched.status == 200, f"{url} in state {state}: HTTP {fetched.status}"
        return fetched

    def _fetch(self, url: str, form: dict[str, str] | None, headers: dict[str, str]) -> Fetched:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.replica.port}{target}",
            data=data,
            headers={"Host": parts.netloc, **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return Fetched(answer.status, dict(answer.headers.items()), answer.read())
        except HTTPError as error:
            return Fetched(error.code, dict(error.headers.items()), error.read())

    def html(self, url: str, state: int) -> HtmlResponse:
        fetched = self.get(url, state)
        return HtmlResponse(url, status=200, headers=fetched.headers, body=fetched.body)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    replica = Replica(port=0, state=1).start()
    try:
        yield Site(replica)
    finally:
        replica.stop()


@pytest.fixture(scope="module")
def spider() -> GenericSpider:
    spider = GenericSpider(source="mofa-oshirase")
    spider.source = SOURCE
    spider.options = parse_options(SOURCE)
    return spider


def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def entries_form(entries: list[ListedNotice]) -> list[dict[str, Any]]:
    return [jsonable(dataclasses.asdict(entry)) for entry in entries]


NOTICE_FIELDS = (
    "source", "url", "title", "text", "published", "doc_number", "doc_key", "issuer",
    "listed_date", "metadata", "http_status",
)  # fmt: skip


def notice_form(notice: FetchedNotice) -> dict[str, Any]:
    """A FetchedNotice without raw HTML, validators and downloaded files."""
    form = {name: getattr(notice, name) for name in NOTICE_FIELDS}
    form["attachments"] = [{"name": a.name, "url": a.url} for a in notice.attachments]
    return jsonable(form)


def check_golden(name: str, value: Any) -> None:
    """Compare with tests/golden/<name>.json, or (re)write it when UPDATE_GOLDEN=1."""
    path = GOLDEN / f"{name}.json"
    actual = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path.name} is missing; run with UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True), path.name, "now"
        )
        pytest.fail(f"parsed output differs from {path.name}:\n" + "".join(diff), pytrace=False)


def html_listing(site: Site, spider: GenericSpider, url: str, state: int) -> list[ListedNotice]:
    options = spider.options
    page = read_listing(site.html(url, state), options.listing, options.dates, AS_OF_STATE_2)
    assert page.problems == []
    assert page.next_url == (BACKNUMBER if url == INDEX else None)
    return page.entries


@pytest.mark.parametrize(("name", "url"), [("index", INDEX), ("backnumber", BACKNUMBER)])
def test_html_listing_golden(site: Site, spider: GenericSpider, name: str, url: str) -> None:
    entries = html_listing(site, spider, url, 2)
    check_golden(f"generic_listing_{name}_state2", entries_form(entries))
    assert all(e.url.startswith(f"{OSHIRASE}/page22_") for e in entries)
    dates = [e.listed_date for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert html_listing(site, spider, url, 3) == entries


def test_html_listing_crosses_the_new_year(site: Site, spider: GenericSpider) -> None:
    entries = html_listing(site, spider, INDEX, 2) + html_listing(site, spider, BACKNUMBER, 2)
    assert len(entries) == 9
    by_url = {e.url: e.listed_date for e in entries}
    assert by_url[NEW_IN_2] == date(2026, 1, 7)
    assert by_url[REVISED_IN_2] == date(2025, 12, 24)
    assert by_url[WITH_PDF] == date(2025, 12, 17)


def json_page(site: Site, page_no: int, state: int) -> list[ListedNotice]:
    options = json_options()
    url, form, _body = page_target(options.listing, page_no)
    fetched = site.get(url, state, form, **options.listing.headers)
    assert fetched.headers["Content-Type"].startswith("application/json")
    response = TextResponse(url, body=fetched.body, headers=fetched.headers)
    page = read_listing(response, options.listing, options.dates, None, required=page_no == 1)
    assert page.problems == []
    return page.entries


def test_json_listing_golden(site: Site, spider: GenericSpider) -> None:
    entries = json_page(site, 1, 2)
    check_golden("generic_listing_json_page1_state2", entries_form(entries))
    pages = entries + json_page(site, 2, 2) + json_page(site, 3, 2)
    assert json_page(site, 4, 2) == []
    html = html_listing(site, spider, INDEX, 2) + html_listing(site, spider, BACKNUMBER, 2)
    assert pages == html, "the JSON API and the HTML listing list the same notices"


DETAILS = [
    ("generic_detail_new", NEW_IN_2),
    ("generic_detail_revised", REVISED_IN_2),
    ("generic_detail_attachment", WITH_PDF),
]
PAGE_NOISE = ("ポスト", "印刷", "閲覧数", "関連リンク", "mofa_pv", "報道発表", "記者会見")


def entry_for(site: Site, spider: GenericSpider, url: str) -> ListedNotice:
    entries = html_listing(site, spider, INDEX, 2) + html_listing(site, spider, BACKNUMBER, 2)
    return next(e for e in entries if e.url == url)


@pytest.mark.parametrize(("name", "url"), DETAILS)
def test_detail_golden(site: Site, spider: GenericSpider, name: str, url: str) -> None:
    entry = entry_for(site, spider, url)
    notice = spider.extract_notice(site.html(url, 2), entry)
    check_golden(name, notice_form(notice))
    assert notice.title == entry.title and notice.published == entry.listed_date
    assert notice.etag and notice.last_modified
    third = spider.extract_notice(site.html(url, 3), entry)
    assert site.get(url, 2).body != site.get(url, 3).body, "state 3 changes the page's noise"
    assert notice_form(third) == notice_form(notice)
    assert [m for m in PAGE_NOISE if m in notice.text] == []
    assert notice.metadata["date_text"] and notice.metadata["date_text"] not in notice.text


def test_detail_revision_changes_the_text(site: Site, spider: GenericSpider) -> None:
    entry = entry_for(site, spider, REVISED_IN_2)
    before = spider.extract_notice(site.html(REVISED_IN_2, 1), entry)
    after = spider.extract_notice(site.html(REVISED_IN_2, 2), entry)
    assert after.text.startswith(before.text + "\n")
    assert after.text.endswith("受付時間を午後6時まで延長します。")


def test_detail_without_its_body_is_a_parse_error(site: Site, spider: GenericSpider) -> None:
    entry = entry_for(site, spider, WITH_PDF)
    response = site.html(WITH_PDF, 2)
    broken = response.replace(body=response.body.replace(b'id="maincontents"', b'id="main2"'))
    with pytest.raises(
        ParseError, match=re.escape("detail.body 'div#maincontents' matched nothing")
    ):
        spider.extract_notice(broken, entry)


def test_next_page_off_the_configured_hosts_is_not_followed(spider: GenericSpider) -> None:
    spider.failures = []
    assert spider._next_page(ListingPage(next_url="https://evil.example/bn.html")) is None
    assert [{k: v for k, v in f.items() if k != "role"} for f in spider.failures] == [
        {
            "kind": "layout",
            "url": "https://evil.example/bn.html",
            "message": "next listing page is off the source's hosts",
        }
    ]
    follow = spider._next_page(ListingPage(next_url=BACKNUMBER))
    assert follow is not None and follow(2).url == BACKNUMBER
    assert spider._next_page(ListingPage()) is None, "no link, no templates: the last page"


def test_a_templated_page_past_the_end_may_answer_404() -> None:
    json_spider = GenericSpider(source="oshirase-json")
    json_spider.options = json_options()
    request = json_spider.listing_request(2, None)
    assert request.method == "POST" and request.meta["handle_httpstatus_list"] == [404]
    assert request.body == b"page=2&size=4"
    assert request.headers["X-Requested-With"] == b"XMLHttpRequest"
    gone = TextResponse(request.url, status=404, body=b"{}", request=request)
    assert list(json_spider.parse_listing(gone, page_no=2, reference=None, via_link=False)) == []
    assert json_spider.failures == []


# -- crawls through the replica ------------------------------------------------------------


def generic_dualwatch(tmp_path: Path, replica: Replica, extra: str = "") -> Dualwatch:
    """The CLI with tests/replica/configs/generic.toml, plus ``extra`` TOML tables."""
    config = CONFIG_PATH
    if extra:
        config = tmp_path / "generic-extra.toml"
        config.write_text(f"extends = {json.dumps(str(CONFIG_PATH))}\n{extra}", encoding="utf-8")
    return Dualwatch(home=tmp_path / "home", replica=replica, config_path=config)


def detected(dw: Dualwatch, source: str, since_id: int = 0) -> dict[str, list[str]]:
    """The source's changes with id > since_id, as {kind: sorted urls}."""
    found: dict[str, list[str]] = {"new": [], "modified": [], "removed": []}
    for line in dw.run("changes", "--source", source, "--json").stdout.splitlines():
        change = json.loads(line)
        if change["id"] > since_id:
            found[change["kind"]].append(change["url"])
    return {kind: sorted(urls) for kind, urls in found.items()}


def last_change_id(dw: Dualwatch) -> int:
    lines = dw.run("changes", "--json").stdout.splitlines()
    return max((json.loads(line)["id"] for line in lines), default=0)


def oshirase_expected(state: int) -> dict[str, list[str]]:
    return expected_changes(state, sites=("mofa_oshirase",))[MOFA_HOST]


def test_expected_changes_of_the_oshirase_site() -> None:
    assert oshirase_expected(2) == {"new": [NEW_IN_2], "modified": [REVISED_IN_2], "removed": []}
    for state in (3, 4, 5):
        assert oshirase_expected(state) == {"new": [], "modified": [], "removed": []}
    assert len(oshirase_expected(1)["new"]) == 8


def test_config_only_source_detects_the_timeline(tmp_path: Path, replica: Replica) -> None:
    dw = generic_dualwatch(tmp_path, replica)
    baseline = dw.run("crawl", "mofa-oshirase")
    assert "mofa-oshirase  ok (baseline)" in baseline.stdout
    with dw.store() as store:
        assert store.count_notices("mofa-oshirase") == 8
    assert last_change_id(dw) == 0

    replica.set_state(2)
    dw.run("crawl", "mofa-oshirase")
    assert detected(dw, "mofa-oshirase") == oshirase_expected(2)
    with dw.store() as store:
        notice = store.find_notice(NEW_IN_2)
        version = store.get_version(notice.current_version_id)
    assert (notice.published, notice.listed_date, notice.issuer) == (
        "2026-01-07",
        "2026-01-07",
        "外務省",
    )
    assert version.metadata == {
        "language": "ja",
        "doc_type": "news",
        "effective": None,
        "date_text": "令和8年1月7日",
    }
    assert "商務部公告2026年第1号" in version.text

    seen = last_change_id(dw)
    replica.set_state(3)
    dw.run("crawl", "mofa-oshirase")
    assert detected(dw, "mofa-oshirase", since_id=seen) == oshirase_expected(3)

    with dw.store() as store:
        versions = store.db["versions"].count
    replica.reset_log()
    dw.run("crawl", "mofa-oshirase")
    statuses = [status for _m, _h, path, status in replica.requests() if "page22_" in path]
    assert statuses and set(statuses) == {304}, "a repeated crawl re-checks conditionally"
    with dw.store() as store:
        assert store.db["versions"].count == versions
    assert last_change_id(dw) == seen


def test_json_listing_source_detects_the_timeline(tmp_path: Path, replica: Replica) -> None:
    dw = generic_dualwatch(tmp_path, replica, JSON_TABLE)
    assert "oshirase-json  ok (baseline)" in dw.run("crawl", "oshirase-json").stdout
    posts = [r for r in replica.requests() if r[0] == "POST"]
    assert [(path, status) for _m, _h, path, status in posts] == [
        ("/mofaj/press/oshirase/list.json", 200)
    ] * 3
    replica.set_state(2)
    dw.run("crawl", "oshirase-json")
    assert detected(dw, "oshirase-json") == oshirase_expected(2)


def test_mofcom_unit_api_as_configuration(tmp_path: Path, replica: Replica) -> None:
    dw = generic_dualwatch(tmp_path, replica, MOFCOM_TABLE)
    assert "mofcom-generic  ok (baseline)" in dw.run("crawl", "mofcom-generic").stdout
    paths = [path for _m, host, path, _s in replica.requests() if host == MOFCOM_HOST]
    assert sum("paramJson" in p for p in paths) == 2, "pages 2 and 3 of the baseline"
    replica.set_state(2)
    dw.run("crawl", "mofcom-generic")
    expected = expected_changes(2, sites=("mofcom",))[MOFCOM_HOST]
    assert detected(dw, "mofcom-generic") == expected
    assert JAPAN_NO1 in expected["new"]
    with dw.store() as store:
        notice = store.find_notice(JAPAN_NO1)
    assert (notice.doc_number, notice.published) == ("商务部公告2026年第1号", "2026-01-06")


def test_broken_listing_fails_loudly(tmp_path: Path, replica: Replica) -> None:
    dw = generic_dualwatch(tmp_path, replica)
    dw.run("crawl", "mofa-oshirase")
    replica.set_fault("broken-listing", host=MOFA_HOST)
    result = dw.run("crawl", "mofa-oshirase", check=1)
    assert "mofa-oshirase  failed" in result.stdout
    assert "listing.items 'div#maincontents dl.title-list > dd li' matched nothing" in result.stderr
    with dw.store() as store:
        statuses = {row["status"] for row in store.db.query("SELECT status FROM notices")}
    assert statuses == {"active"}
    assert last_change_id(dw) == 0


def test_broken_json_listing_fails_loudly(tmp_path: Path, replica: Replica) -> None:
    dw = generic_dualwatch(tmp_path, replica, JSON_TABLE)
    replica.set_fault("broken-listing", host=MOFA_HOST)
    result = dw.run("crawl", "oshirase-json", check=1)
    assert "listing JSON has no 'result.rows'" in result.stderr


def test_bad_option_stops_the_crawl_and_names_the_key(tmp_path: Path, replica: Replica) -> None:
    extra = '[sources.mofa-oshirase.listing]\nitem = "li"\n'
    dw = generic_dualwatch(tmp_path, replica, extra)
    result = dw.run("crawl", "mofa-oshirase", check=2)
    assert "sources.mofa-oshirase.listing.item: unknown option" in result.stderr
    assert "configuration error" in result.stderr
    assert all("oshirase" not in path for _m, _h, path, _s in replica.requests())
