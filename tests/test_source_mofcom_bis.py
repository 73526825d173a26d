"""Source ``mofcom-bis``: aqygzj.mofcom.gov.cn (产业安全与进出口管制局) through the replica.

Golden items (both API columns, the home page, detail pages with the header block, a Q&A) are
parsed from pages fetched over real HTTP, as in ``tests/test_golden.py``
(``UPDATE_GOLDEN=1`` rewrites ``tests/golden/mofcom_bis_*.json``). The end-to-end tests run the
real CLI with ``tests/replica/configs/mofcom-bis.toml`` and crawl only this source.

API outages are switched on with :func:`tests.replica.sites.aqygzj.set_api_outage` (the
shared faults replace every page of a host, so they cannot leave the home page up).
"""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import ListedNotice
from crawler.sites.jpaas import Refusal, Unit, query_data_ids, unit_payload
from crawler.sites.mofcom import parse_listing_fragment
from crawler.spiders.mofcom_bis import Column, MofcomBisSpider, doc_type, parse_home_page
from monitors.core.config import load_config
from monitors.core.errors import ParseError
from tests.conftest import Dualwatch
from tests.replica import Replica
from tests.replica import expected_changes as all_expected_changes
from tests.replica.sites.aqygzj import (
    AQYGZJ_HOST,
    GZJ_PAGE_ID,
    QDML_PAGE_ID,
    set_api_outage,
)
from tests.test_golden import check_golden, listed, notice_form

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "tests" / "replica" / "configs" / "mofcom-bis.toml"
CONFIG = load_config(CONFIG_PATH)
SOURCE = "mofcom-bis"
BASE = f"https://{AQYGZJ_HOST}"
HOME = f"{BASE}/"
GZJ_SHELL = f"{BASE}/flzc/gzjgfxwj/index.html"
QDML_SHELL = f"{BASE}/qdml/index.html"
GALLIUM = f"{BASE}/qdml/art/2023/art_c2ae3d2061e14e97ba608de1ed565f78.html"
ANTIMONY = f"{BASE}/qdml/art/2024/art_b907a108e35945db9f8b04e1ed77b659.html"
WATCH_LIST_12 = f"{BASE}/flzc/gzjgfxwj/art/2026/art_9482ff2a127541ee9989bfd2a3d47dd8.html"
JAPAN_NO1 = f"{BASE}/flzc/gzjgfxwj/art/2026/art_be8f4c8f398f38903cdb802a49a89e6e.html"
JAPAN_QA = f"{BASE}/zhxx/art/2026/art_a5b546f45a53711add762493801c7647.html"
WORK_NEWS = f"{BASE}/gzdt/art/2026/art_71fc9a48b1625243ff2d74f277e493c3.html"
UNRELIABLE = f"{BASE}/flzc/gzjgfxwj/art/2025/art_4fec99419202cdb3132394acdb8832ab.html"
REVISED_88 = f"{BASE}/flzc/gzjgfxwj/art/2025/art_21935d1a222849f9133a3dc0936e9448.html"
NO_CHANGES: dict[str, list[str]] = {"new": [], "modified": [], "removed": []}


def expected(state: int) -> dict[str, list[str]]:
    """What this source should report entering ``state``."""
    return all_expected_changes(state, sites=("aqygzj",))[AQYGZJ_HOST]


# -- fetching from the replica -------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


class Site:
    """The replica's aqygzj pages over real HTTP (Host header set), cached per state."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self._cache: dict[tuple[int, str], Fetched] = {}

    def get(self, url: str, state: int) -> Fetched:
        key = (state, url)
        if key not in self._cache:
            self.replica.set_state(state)
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.replica.port}{target}", headers={"Host": parts.netloc}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    fetched = Fetched(answer.status, dict(answer.headers.items()), answer.read())
            except HTTPError as error:
                fetched = Fetched(error.code, dict(error.headers.items()), error.read())
            self._cache[key] = fetched
        return self._cache[key]

    def html(self, url: str, state: int) -> HtmlResponse:
        """The page as the crawler sees it: real URL, decoded as the configured UTF-8."""
        fetched = self.get(url, state)
        assert fetched.status == 200, f"{url} in state {state}: HTTP {fetched.status}"
        return HtmlResponse(
            url=url,
            status=200,
            headers=fetched.headers,
            body=fetched.body,
            encoding=CONFIG.source(SOURCE).encoding,
            request=Request(url),
        )


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    replica = Replica(port=0, state=1).start()
    try:
        yield Site(replica)
    finally:
        replica.stop()


def make_spider() -> MofcomBisSpider:
    spider = MofcomBisSpider()
    spider.source = CONFIG.source(SOURCE)
    spider.known, spider.full, spider.baseline = {}, False, False
    spider.crawler = get_crawler(MofcomBisSpider)
    return spider


@pytest.fixture
def spider() -> MofcomBisSpider:
    return make_spider()


def column(spider: MofcomBisSpider, name: str) -> Column:
    return next(c for c in spider.columns() if c.name == name)


def api_entries(
    site: Site, spider: MofcomBisSpider, unit: Unit, page_no: int, state: int
) -> list[ListedNotice]:
    url = spider.unit_request(unit, page_no).url
    response = site.get(url, state)
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    payload = unit_payload(response.body.decode("utf-8"))
    assert isinstance(payload, str), payload
    return parse_listing_fragment(payload, url)


def gzj_unit(spider: MofcomBisSpider) -> Unit:
    """规章及规范性文件 with its configured IDs (the spider has no store here)."""
    return spider.column_unit(column(spider, "规章及规范性文件"))


def qdml_unit(site: Site, spider: MofcomBisSpider, state: int) -> Unit:
    """The 清单目录 column with the IDs read from its column page, as the spider does."""
    unit = spider.column_unit(column(spider, "清单目录"))
    found = query_data_ids(site.html(QDML_SHELL, state).text)
    return dataclasses.replace(unit, ids={**unit.ids, **found}, discovered=True)


def home_entries(site: Site, state: int) -> list[ListedNotice]:
    entries = parse_home_page(site.html(HOME, state), CONFIG.source(SOURCE).hosts)
    return sorted(entries, key=lambda e: (e.listed_date or date.min, e.url), reverse=True)


# -- the replica site ----------------------------------------------------------------------------

SYNTHETIC_MARK = (
    "<!-- synthetic page generated by the dualwatch replica; not a copy of the real site -->"
)


def test_replica_pages_headers_and_validators(site: Site) -> None:
    for url in (HOME, GZJ_SHELL, QDML_SHELL, GALLIUM, JAPAN_QA, f"{BASE}/missing"):
        fetched = site.get(url, 2)
        assert SYNTHETIC_MARK in fetched.body.decode("utf-8"), url
        assert fetched.headers["Content-Type"] == "text/html", "no charset, as on the site"
    assert site.get(f"{BASE}/robots.txt", 2).status == 404
    assert "ETag" not in site.get(HOME, 2).headers, "listings carry no validators"
    detail = site.get(GALLIUM, 2)
    etag = detail.headers["ETag"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.replica.port}{urlsplit(GALLIUM).path}",
        headers={"Host": AQYGZJ_HOST, "If-None-Match": etag},
    )
    with pytest.raises(HTTPError) as answer:  # urllib raises for 304
        urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 304
    assert site.get(GALLIUM, 3).headers["ETag"] != etag, "noise changes the page per state"
    pdf_path = site.html(WATCH_LIST_12, 5).css("div.art-con a::attr(href)").get()
    attachment = site.get(f"{BASE}{pdf_path}", 5)
    assert (attachment.status, attachment.headers["Content-Type"]) == (200, "application/pdf")
    assert site.get(f"{BASE}{pdf_path}", 2).status == 404, "not published before state 5"


# -- golden: listings ------------------------------------------------------------------------


@pytest.mark.parametrize("page_no", [1, 2])
def test_gzjgfxwj_api_page(site: Site, spider: MofcomBisSpider, page_no: int) -> None:
    entries = api_entries(site, spider, gzj_unit(spider), page_no, state=2)
    check_golden(f"mofcom_bis_listing_gzjgfxwj_page{page_no}", listed(entries))
    assert len(entries) == (15 if page_no == 1 else 3)
    assert all(e.url.startswith(f"{BASE}/flzc/gzjgfxwj/art/") for e in entries)
    assert not any(e.title.endswith("…") for e in entries), "titles come from title="
    assert api_entries(site, spider, gzj_unit(spider), page_no, state=3) == entries


def test_qdml_api_page_with_discovered_page_id(site: Site, spider: MofcomBisSpider) -> None:
    unit = qdml_unit(site, spider, state=2)
    assert unit.ids["pageId"] == QDML_PAGE_ID
    entries = api_entries(site, spider, unit, 1, state=2)
    check_golden("mofcom_bis_listing_qdml", listed(entries))
    assert [e.url for e in entries if e.url in (GALLIUM, ANTIMONY)] == [ANTIMONY, GALLIUM]
    assert [e.listed_date for e in entries if e.url in (GALLIUM, ANTIMONY)] == [
        date(2024, 8, 15),
        date(2023, 7, 3),
    ]


def test_api_pages_carry_param_json_from_page_one(spider: MofcomBisSpider) -> None:
    query = parse_qs(urlsplit(spider.unit_request(gzj_unit(spider), 1).url).query)
    assert query["paramJson"] == ['{"pageNo":1,"pageSize":15}']
    assert query["tagId"] == ["信息列表"] and query["parseType"] == ["bulidstatic"]
    assert query["webId"] == ["b28941ad4e064442856787562c9a4961"]
    assert query["tplSetId"] == ["DDBav9QvwJVbs9iznQVmO"]


def test_home_page_links(site: Site) -> None:
    entries = home_entries(site, state=2)
    check_golden("mofcom_bis_home_state2", listed(entries))
    assert len(entries) == 21
    assert {JAPAN_NO1, JAPAN_QA, WORK_NEWS, REVISED_88} <= {e.url for e in entries}
    assert all(e.url.startswith(f"{BASE}/") and "/art/" in e.url for e in entries)
    assert all(e.title and e.listed_date for e in entries)
    assert home_entries(site, state=3) == entries, "box order is noise"


def test_home_page_ignores_off_host_and_section_links(site: Site) -> None:
    response = site.html(HOME, 2)
    assert "https://www.mofcom.gov.cn/zwgk/zcfb/art/" in response.text
    urls = {e.url for e in parse_home_page(response, CONFIG.source(SOURCE).hosts)}
    assert not any("www.mofcom.gov.cn" in u or "/zsyd/" in u or "/gywm/" in u for u in urls)


def test_home_page_without_article_links_is_a_layout_error() -> None:
    page = HtmlResponse(
        HOME,
        body='<ul><li><a href="/gywm/index.html">关于我们</a></li></ul>'.encode(),
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="art_"):
        parse_home_page(page, (AQYGZJ_HOST,))


# -- golden: detail pages ------------------------------------------------------------------------


@dataclass(frozen=True)
class DetailCase:
    golden: str
    url: str
    state: int
    listed_date: date
    quiet_state: int | None = None  # a later state with only new noise

    @property
    def entry(self) -> ListedNotice:
        return ListedNotice(url=self.url, title="", listed_date=self.listed_date)


DETAILS = [
    DetailCase("mofcom_bis_detail_gallium", GALLIUM, 2, date(2023, 7, 3), 3),
    DetailCase("mofcom_bis_detail_antimony", ANTIMONY, 2, date(2024, 8, 15), 3),
    DetailCase("mofcom_bis_detail_japan", JAPAN_NO1, 2, date(2026, 1, 6), 3),
    DetailCase("mofcom_bis_detail_watch_list", WATCH_LIST_12, 5, date(2026, 2, 24)),
    DetailCase("mofcom_bis_detail_unreliable", UNRELIABLE, 2, date(2025, 11, 10), 3),
    DetailCase("mofcom_bis_detail_qa", JAPAN_QA, 2, date(2026, 1, 6), 3),
    DetailCase("mofcom_bis_detail_news", WORK_NEWS, 2, date(2026, 1, 7), 3),
]
PAGE_NOISE = ("分享到", "微信", "浏览次数", "页面生成时间", "相关稿件", "当前位置", "来源：",
              "_artToken", "首页", "【发布单位】")  # fmt: skip


@pytest.mark.parametrize("case", DETAILS, ids=lambda c: c.golden)
def test_detail(site: Site, spider: MofcomBisSpider, case: DetailCase) -> None:
    notice = spider.extract_notice(site.html(case.url, case.state), case.entry)
    check_golden(case.golden, notice_form(notice))
    assert notice.raw_html == site.get(case.url, case.state).body
    assert [m for m in PAGE_NOISE if m in notice.text] == []
    if case.quiet_state is not None:
        quiet = spider.extract_notice(site.html(case.url, case.quiet_state), case.entry)
        assert site.get(case.url, case.state).body != site.get(case.url, case.quiet_state).body
        assert notice_form(quiet) == notice_form(notice), "noise must not reach the content"


RESEARCH_ITEMS = {
    GALLIUM: ("商务部 海关总署公告2023年第23号", "2023-07-03", "2023-08-01"),
    ANTIMONY: ("商务部 海关总署公告2024年第33号", "2024-08-15", "2024-09-15"),
    WATCH_LIST_12: ("商务部公告2026年第12号", "2026-02-24", "2026-02-24"),
    JAPAN_NO1: ("商务部公告2026年第1号", "2026-01-06", "2026-01-06"),
}


@pytest.mark.parametrize("url", RESEARCH_ITEMS)
def test_research_items_fields(site: Site, spider: MofcomBisSpider, url: str) -> None:
    number, published, effective = RESEARCH_ITEMS[url]
    state = 5 if url == WATCH_LIST_12 else 2
    notice = spider.extract_notice(site.html(url, state), ListedNotice(url, "", None))
    assert (notice.doc_number, notice.issuer) == (number, "安全与管制局")
    assert notice.published.isoformat() == published
    assert notice.metadata["effective"] == effective
    assert notice.metadata["doc_type"] == "announcement"
    assert notice.metadata["language"] == "zh"


def test_qa_and_news_have_no_number_and_no_effective_date(
    site: Site, spider: MofcomBisSpider
) -> None:
    qa = spider.extract_notice(site.html(JAPAN_QA, 2), ListedNotice(JAPAN_QA, "", None))
    assert "商务部公告2026年第1号" in qa.text, "the Q&A cites the announcement..."
    assert qa.doc_number is None, "...but is not a copy of it: it is keyed as a page"
    assert qa.doc_key == f"mofcom-page/2026-01-06/{qa.title}"
    assert (qa.metadata["doc_type"], qa.metadata["effective"]) == ("qa", None)
    news = spider.extract_notice(site.html(WORK_NEWS, 2), ListedNotice(WORK_NEWS, "", None))
    assert (news.metadata["doc_type"], news.metadata["effective"]) == ("news", None)


# -- unit: API answers, queryData, doc types, URLs ---------------------------------------------


def test_unit_payload_refusals_and_layout_errors() -> None:
    assert unit_payload('{"success":true,"data":{"html":"<ul></ul>"}}') == "<ul></ul>"
    assert unit_payload('{"success":false,"message":"栏目不存在"}') == Refusal(
        "success:false, '栏目不存在'"
    )
    assert unit_payload("<html>服务暂不可用</html>") == Refusal("the answer is not JSON")
    assert unit_payload("[]") == Refusal("the answer is not a JSON object")
    with pytest.raises(ParseError, match=r"data\.html"):
        unit_payload('{"success":true,"data":{}}')


def test_query_data_of_both_column_pages(site: Site) -> None:
    assert query_data_ids(site.html(GZJ_SHELL, 1).text)["pageId"] == GZJ_PAGE_ID
    found = query_data_ids(site.html(QDML_SHELL, 1).text)
    assert found == {
        "webId": "b28941ad4e064442856787562c9a4961",
        "pageId": QDML_PAGE_ID,
        "tplSetId": "DDBav9QvwJVbs9iznQVmO",
        "tagId": "信息列表",
    }


def test_discovery_starts_the_qdml_walk(site: Site, spider: MofcomBisSpider) -> None:
    qdml = spider.column_unit(column(spider, "清单目录"))
    assert qdml.ids["pageId"] == "" and not qdml.complete, "the config does not know it"
    assert spider.start_unit(qdml).url == QDML_SHELL, "so the column page is read first"
    (request,) = spider.read_column_page(site.html(QDML_SHELL, 1), unit=qdml, reason=None)
    assert spider.failures == []
    assert parse_qs(urlsplit(request.url).query)["pageId"] == [QDML_PAGE_ID]
    assert request.cb_kwargs["unit"].discovered
    assert request.cb_kwargs["unit"].section == "/qdml/index.html"


def test_column_page_without_query_data_fails_loudly(spider: MofcomBisSpider) -> None:
    page = HtmlResponse(
        QDML_SHELL, body="<div id='信息列表'></div>".encode(), request=Request(QDML_SHELL)
    )
    qdml = spider.column_unit(column(spider, "清单目录"))
    assert list(spider.read_column_page(page, unit=qdml, reason=None)) == []
    assert [(f["kind"], f["url"]) for f in spider.failures] == [("layout", QDML_SHELL)]
    assert "queryData" in spider.failures[0]["message"]


def test_refused_ids_repeated_by_the_column_page_fail_the_column(
    site: Site, spider: MofcomBisSpider
) -> None:
    unit = dataclasses.replace(qdml_unit(site, spider, state=1), discovered=False)
    page = site.html(QDML_SHELL, 1)
    requests = list(spider.read_column_page(page, unit=unit, reason="success:false, '栏目不存在'"))
    assert requests == []
    assert [(f["kind"], f["message"]) for f in spider.failures] == [
        (
            "listing",
            "清单目录: the listing API is unusable (success:false, '栏目不存在'; the column page "
            "names the same IDs); fell back to the home page's latest links",
        )
    ]
    spider.baseline = True
    list(spider.read_column_page(page, unit=unit, reason="HTTP 500"))
    assert spider.failures[-1]["message"].endswith("a baseline needs the whole column")


def test_api_http_errors_after_retries_read_the_column_page(spider: MofcomBisSpider) -> None:
    request = spider.unit_request(gzj_unit(spider), 1)
    assert 500 in request.meta["handle_httpstatus_list"]
    answer = HtmlResponse(request.url, status=503, body=b"<h1>503</h1>", request=request)
    (column_page,) = spider.parse_unit(answer, **request.cb_kwargs)
    assert column_page.url == GZJ_SHELL
    assert column_page.cb_kwargs["reason"] == "HTTP 503"
    assert spider.failures == []


GAGE_NO = "商务部 海关总署公告2023年第23号"
ORDER_NO = "商务部令2025年第5号"


def unit_failure(spider: MofcomBisSpider, error: Exception | int) -> Failure:
    """A failed API request: an exception, or an HTTP status as Scrapy's HttpError."""
    request = spider.unit_request(gzj_unit(spider), 1)
    if isinstance(error, int):
        error = HttpError(HtmlResponse(request.url, status=error, request=request), "status")
    failure = Failure(error)
    failure.request = request  # type: ignore[attr-defined]
    return failure


@pytest.mark.parametrize(
    ("error", "kind"),
    [(405, "listing"), (TimeoutError("timed out"), "listing"), (403, "blocked"),
     (429, "blocked"), (IgnoreRequest("robots.txt"), "ignored")],
)  # fmt: skip
def test_api_request_errors(spider: MofcomBisSpider, error: Exception | int, kind: str):
    spider.on_api_error(unit_failure(spider, error))
    assert [f["kind"] for f in spider.failures] == [kind]
    if kind == "listing":
        assert spider.failures[0]["message"].startswith(
            "规章及规范性文件: the listing API failed ("
        )
        assert spider.failures[0]["message"].endswith("fell back to the home page's latest links")


@pytest.mark.parametrize(
    ("url", "title", "number", "kind"),
    [
        (GALLIUM, f"{GAGE_NO} 关于对镓、锗相关物项实施出口管制的公告", GAGE_NO, "announcement"),
        (JAPAN_QA, "商务部新闻发言人就…答记者问", None, "qa"),
        (UNRELIABLE, "不可靠实体清单工作机制关于…的公告", None, "announcement"),
        (f"{BASE}/flzc/gzjgfxwj/art/2025/art_1.html", "商务部办公厅关于…的通知", None,
         "regulation"),
        (f"{BASE}/qdml/art/2025/art_2.html", "两用物项出口管制管控名单", None, "list"),
        (WORK_NEWS, "安全与管制局召开…部署会", None, "news"),
        (f"{BASE}/flzc/fg/art/2025/art_3.html", ORDER_NO, ORDER_NO, "order"),
    ],
)  # fmt: skip
def test_doc_type(url: str, title: str, number: str | None, kind: str) -> None:
    assert doc_type(url, title, number) == kind


def test_http_transport_keeps_canonical_https_urls() -> None:
    spider = make_spider()
    spider.source = dataclasses.replace(spider.source, listing_url="http://aqygzj.mofcom.gov.cn/")
    assert spider.base_url() == "http://aqygzj.mofcom.gov.cn"
    assert spider.transport(GALLIUM) == GALLIUM.replace("https://", "http://")
    assert spider.canonical(GALLIUM.replace("https://", "http://")) == GALLIUM
    off_host = "http://www.mofcom.gov.cn/a/art/2025/art_1.html"
    assert spider.canonical(off_host) == off_host
    request = spider.detail_request(ListedNotice(GALLIUM, "", None), None)
    assert request.url.startswith("http://aqygzj.mofcom.gov.cn/qdml/")
    assert request.cb_kwargs["entry"].url == GALLIUM


# -- end to end: the real CLI against the replica -------------------------------------------------


@pytest.fixture
def bis(tmp_path: Path, replica: Replica) -> Iterator[Dualwatch]:
    yield Dualwatch(home=tmp_path / "home", replica=replica, config_path=CONFIG_PATH)
    set_api_outage(replica, None)


def override(dw: Dualwatch, **values: Any) -> None:
    """Crawl with this source's table changed by ``values``."""
    lines = [f"extends = {json.dumps(str(CONFIG_PATH))}", f"[sources.{SOURCE}]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
    path = dw.home.parent / "override.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dw.config_path = path


def toml_value(value: Any) -> str:
    """A TOML literal for strings, numbers, lists and (inline) tables."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def detected(dw: Dualwatch, since_id: int = 0) -> dict[str, list[str]]:
    """This source's changes with id > since_id as {kind: sorted urls} (read from the store)."""
    found: dict[str, list[str]] = {"new": [], "modified": [], "removed": []}
    with dw.store() as store:
        for change in store.list_changes(source=SOURCE):
            if change.id > since_id:
                found[change.kind].append(change.url)
    return {kind: sorted(urls) for kind, urls in found.items()}


def last_change_id(dw: Dualwatch) -> int:
    with dw.store() as store:
        return max((c.id for c in store.list_changes(source=SOURCE)), default=0)


def stored(dw: Dualwatch) -> dict[str, dict[str, Any]]:
    with dw.store() as store:
        rows = store.db.query("SELECT * FROM notices WHERE source = ?", [SOURCE])
        return {row["url"]: row for row in rows}


def test_timeline_1_2_3_5(bis: Dualwatch) -> None:
    baseline = bis.run("crawl", SOURCE)
    assert "ok (baseline)" in baseline.stdout
    assert set(stored(bis)) == set(expected(1)["new"])
    assert detected(bis) == NO_CHANGES

    bis.replica.set_state(2)
    bis.run("crawl", SOURCE)
    assert detected(bis) == expected(2)
    listed_by_cli = bis.run("changes", "--json", "--source", SOURCE).stdout.splitlines()
    assert sorted(json.loads(line)["url"] for line in listed_by_cli) == sorted(
        expected(2)["new"] + expected(2)["modified"]
    )
    assert {JAPAN_NO1, JAPAN_QA, WORK_NEWS} == set(expected(2)["new"])
    assert expected(2)["modified"] == [REVISED_88]

    seen = last_change_id(bis)
    bis.replica.set_state(3)
    bis.run("crawl", SOURCE)
    assert detected(bis, seen) == NO_CHANGES, "page noise must never count as a change"

    bis.replica.set_state(5)
    bis.run("crawl", SOURCE)
    assert detected(bis, seen) == expected(5)
    assert WATCH_LIST_12 in expected(5)["new"]
    check_research_items(bis)


def check_research_items(dw: Dualwatch) -> None:
    with dw.store() as store:
        for url, (number, published, effective) in RESEARCH_ITEMS.items():
            notice = store.find_notice(url)
            version = store.get_version(notice.current_version_id)
            assert (notice.doc_number, notice.issuer, notice.published) == (
                number,
                "安全与管制局",
                published,
            ), url
            assert version.metadata["effective"] == effective, url
            assert version.metadata["doc_type"] == "announcement", url
        listing = store.find_notice(WATCH_LIST_12)
        attachments = store.get_version(listing.current_version_id).attachments
    assert [a.url.startswith(f"{BASE}/cms_files/") for a in attachments] == [True]


@pytest.mark.parametrize("outage", ["refuse", "error500", "not-json"])
def test_api_outage_falls_back_to_the_home_page_but_fails(bis: Dualwatch, outage: str) -> None:
    bis.run("crawl", SOURCE)
    bis.replica.set_state(2)
    set_api_outage(bis.replica, outage)
    bis.replica.reset_log()
    result = bis.run("crawl", SOURCE, check=1)
    assert "fell back to the home page" in result.stderr
    with bis.store() as store:
        run = store.last_run(SOURCE)
    assert run.outcome not in ("ok", "blocked"), "a column not listed is not an ok run"
    assert [e["kind"] for e in run.error_log] == ["listing", "listing"]  # both columns
    messages = " ".join(e["message"] for e in run.error_log)
    assert messages.count("fell back to the home page") == 2
    assert "规章及规范性文件" in messages and "清单目录" in messages
    # Every state-2 change is among the home page's latest links.
    assert detected(bis) == expected(2)
    paths = [path for _m, host, path, _s in bis.replica.requests() if host == AQYGZJ_HOST]
    assert "/" in paths
    # Every failure has the IDs checked against the column page first (5xx after retries).
    assert GZJ_SHELL.removeprefix(BASE) in paths
    assert "the column page names the same IDs" in messages

    set_api_outage(bis.replica, None)
    seen = last_change_id(bis)
    bis.replica.set_state(3)
    bis.run("crawl", SOURCE)
    assert detected(bis, seen) == NO_CHANGES
    with bis.store() as store:
        assert store.last_run(SOURCE).message is None


def test_baseline_does_not_fall_back(bis: Dualwatch) -> None:
    set_api_outage(bis.replica, "refuse")
    result = bis.run("crawl", SOURCE, check=1)
    assert f"{SOURCE}: failed" in result.stderr
    assert "a baseline needs the whole column" in result.stderr
    set_api_outage(bis.replica, None)
    assert " ok" in bis.run("crawl", SOURCE).stdout, "the columns' baseline is read now"
    assert detected(bis) == NO_CHANGES


def test_broken_listing_fails_and_removes_nothing(bis: Dualwatch) -> None:
    bis.run("crawl", SOURCE)
    before = stored(bis)
    bis.replica.set_fault("broken-listing", host=AQYGZJ_HOST)
    result = bis.run("crawl", SOURCE, check=1)
    assert f"{SOURCE}: failed" in result.stderr
    assert "txtList_01" in result.stderr and "home page has no" in result.stderr
    assert "fell back" not in result.stderr, "a layout change is not an outage"
    after = stored(bis)
    assert set(after) == set(before)
    assert {row["status"] for row in after.values()} == {"active"}
    assert detected(bis) == NO_CHANGES
    with bis.store() as store:
        assert store.last_run(SOURCE).outcome == "failed"


def test_stale_page_id_is_read_again_from_the_column_page(bis: Dualwatch) -> None:
    stale = "00000000000000000000000000000000"
    override(
        bis,
        columns=[
            {"name": "规章及规范性文件", "path": "/flzc/gzjgfxwj/index.html", "page_id": stale},
            {"name": "清单目录", "path": "/qdml/index.html", "page_id": ""},
        ],
    )
    result = bis.run("crawl", SOURCE)
    assert "ok (baseline)" in result.stdout
    assert "规章及规范性文件: the config listing API IDs are stale" in result.stderr
    assert set(stored(bis)) == set(expected(1)["new"])


def test_plain_http_transport_stores_https_urls(bis: Dualwatch) -> None:
    override(bis, listing_url="http://aqygzj.mofcom.gov.cn/")
    assert "ok (baseline)" in bis.run("crawl", SOURCE).stdout
    assert set(stored(bis)) == set(expected(1)["new"])
    bis.replica.set_state(2)
    bis.run("crawl", SOURCE)
    assert detected(bis) == expected(2)
    with bis.store() as store:
        urls = [row["url"] for row in store.db.query("SELECT url FROM file_urls")]
    assert urls and all(u.startswith("http://aqygzj.mofcom.gov.cn/") for u in urls)


def test_expected_changes_of_the_site() -> None:
    assert len(expected(1)["new"]) == 34
    assert GALLIUM in expected(1)["new"] and ANTIMONY in expected(1)["new"]
    assert expected(3) == NO_CHANGES
    # state 4: 2026 No. 1 gets a contact-address correction (a followed, irrelevant revision)
    assert expected(4) == {**NO_CHANGES, "modified": [JAPAN_NO1]}
