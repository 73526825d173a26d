"""Source ``mofcom-ecl``: exportcontrol.mofcom.gov.cn through its ``getColumnList`` POST API.

Golden items for an API page and each detail kind (fetched from the replica over real HTTP with
the spider's own request, parsed by the spider's functions); the mojibake answer the server
gives to requests without the XHR headers; the replica's API contract; and end-to-end crawls of
the timeline through the real CLI with exact expected changes. ``UPDATE_GOLDEN=1`` rewrites the
``tests/golden/mofcom_ecl_*.json`` files, as in ``tests/test_golden.py``.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import ListedNotice
from crawler.spiders.mofcom_ecl import MofcomEclSpider, parse_column_page
from monitors.core.config import load_config
from monitors.core.errors import ParseError
from monitors.storage.models import FetchedNotice, KnownNotice
from monitors.text.normalize import normalize_text
from tests.conftest import Dualwatch
from tests.replica import Replica, expected_changes
from tests.replica.content import exportcontrol as ecl_content
from tests.replica.content import mofcom as www_content
from tests.test_golden import check_golden, listed, notice_form

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "tests" / "replica" / "configs" / "mofcom-ecl.toml"
CONFIG = load_config(CONFIG_PATH)
SOURCE = "mofcom-ecl"
HOST = "exportcontrol.mofcom.gov.cn"
BASE = f"https://{HOST}"
API_URL = f"{BASE}/edi_ecms_web_front/front/column/getColumnList"
ZCFGGZQD = f"{BASE}/article/zcfg/gnzcfg/zcfggzqd"
JAPAN_NO_1 = f"{ZCFGGZQD}/202601/1206.html"
JAPAN_QA = f"{BASE}/article/gndt/202601/1204.html"
REGULATION = f"{BASE}/article/zcfg/gnzcfg/gzjgfxwj/202410/1057.html"
DUAL_USE_LIST = f"{ZCFGGZQD}/202411/1067.html"
ANTIMONY = f"{ZCFGGZQD}/202408/1024.html"
POSTED_LATER = f"{BASE}/article/gndt/202601/1202.html"
REVISED = f"{BASE}/article/gndt/202512/1200.html"
GONE = f"{BASE}/article/gndt/202512/1196.html"
STATE_5_NEW = [
    f"{BASE}/article/gndt/202602/1207.html",
    f"{ZCFGGZQD}/202602/1208.html",
    f"{ZCFGGZQD}/202602/1209.html",
]
#: Widgets, counters, stamps and boxes around the article body on the replica's pages.
PAGE_NOISE = ("免责声明", "打印本页", "关闭窗口", "分享到", "相关文章", "_pvToken", "浏览次数",
              "页面生成时间", "当前位置", "微信", "var title")  # fmt: skip


# -- talking to the replica ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def site() -> Iterator[Replica]:
    """One replica for the module's parsing tests (the state is set per call)."""
    replica = Replica(port=0, state=1).start()
    try:
        yield replica
    finally:
        replica.stop()


def send(replica: Replica, request: Request, *, drop: tuple[str, ...] = ()) -> TextResponse:
    """Send a Scrapy request to the replica (method, headers, body; ``drop`` omits headers)
    and wrap the answer as the crawler sees it: real URL, forced UTF-8."""
    parts = urlsplit(request.url)
    headers = {k: v for k, v in request.headers.to_unicode_dict().items() if k not in drop}
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    try:
        connection.request(
            request.method, parts.path + (f"?{parts.query}" if parts.query else ""),
            body=request.body or None, headers={**headers, "Host": HOST},
        )  # fmt: skip
        answer = connection.getresponse()
        status, answer_headers, body = answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()
    kind = HtmlResponse if answer_headers.get("Content-Type", "").startswith("text/html") else None
    return (kind or TextResponse)(
        url=request.url,
        status=status,
        headers=answer_headers,
        body=body,
        encoding="utf-8",
        request=request,
    )


def spider() -> MofcomEclSpider:
    """The spider bound to the source config and an empty store: a first (baseline) crawl."""
    instance = MofcomEclSpider()
    instance.crawler = get_crawler(MofcomEclSpider)
    home = Path(tempfile.mkdtemp(prefix="dualwatch-ecl-"))
    instance.bind(dataclasses.replace(CONFIG, home=home), instance.crawler.settings)
    return instance


def api_page(replica: Replica, column: int, page_no: int, state: int, **kw) -> TextResponse:
    replica.set_state(state)
    return send(replica, spider().listing_request(column, page_no), **kw)


def column_entries(replica: Replica, column: int, state: int) -> list[ListedNotice]:
    """Every entry of a column at ``state``, all pages."""
    entries, page_no, max_page = [], 1, 1
    while page_no <= max_page:
        page = parse_column_page(api_page(replica, column, page_no, state).text, API_URL)
        entries += page.entries
        max_page, page_no = page.max_page, page_no + 1
    return entries


def detail(replica: Replica, url: str, state: int) -> HtmlResponse:
    replica.set_state(state)
    response = send(replica, Request(url))
    assert response.status == 200, f"{url} at state {state}: HTTP {response.status}"
    return response


def entry_for(replica: Replica, url: str, state: int = 2) -> ListedNotice:
    entries = {e.url: e for column in (1, 9, 10) for e in column_entries(replica, column, state)}
    return entries[url]


def extract(replica: Replica, url: str, state: int = 2) -> FetchedNotice:
    return spider().extract_notice(detail(replica, url, state), entry_for(replica, url, state))


# -- listing API: golden pages and the request the spider sends ------------------------------------


def test_listing_request_is_the_sites_own_xhr_post() -> None:
    request = spider().listing_request(9, 2)
    assert (request.method, request.url) == ("POST", API_URL)
    assert request.body == b"pageNumber=2&columnID=9&title="
    headers = request.headers.to_unicode_dict()
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["X-Requested-With"] == "XMLHttpRequest"
    assert headers["Referer"] == f"{ZCFGGZQD}/"
    assert headers["Accept"].startswith("application/json")
    assert spider().column_ids() == (9, 10, 1)


@pytest.mark.parametrize(("column", "page_no"), [(9, 1), (1, 1), (1, 2), (10, 1)])
def test_api_page_golden(site: Replica, column: int, page_no: int) -> None:
    response = api_page(site, column, page_no, state=2)
    assert response.headers.get("Content-Type") == b"application/json;charset=UTF-8"
    page = parse_column_page(response.text, response.url)
    check_golden(
        f"mofcom_ecl_listing_column{column}_page{page_no}",
        {"max_page": page.max_page, "entries": listed(page.entries)},
    )
    assert all(e.url.startswith(f"{BASE}/article/") for e in page.entries)
    assert all(e.listed_date is not None for e in page.entries)
    assert parse_column_page(api_page(site, column, page_no, state=3).text, API_URL) == page


def test_columns_cover_every_monitored_notice_once(site: Replica) -> None:
    urls = [e.url for column in (1, 9, 10) for e in column_entries(site, column, state=5)]
    assert len(urls) == len(set(urls))
    assert sorted(urls) == sorted(f"{BASE}{n.path}" for n in ecl_content.notices())
    first = parse_column_page(api_page(site, 1, 1, state=5).text, API_URL)
    assert (len(first.entries), first.max_page) == (20, 2)
    dates = [e.listed_date for e in column_entries(site, 1, state=5)]
    assert dates == sorted(dates, reverse=True)


# -- mojibake: the answer to a request without the XHR header ------------------------------------


def test_mojibake_answer_is_recorded_as_an_encoding_error(site: Replica) -> None:
    response = api_page(site, 9, 1, state=2, drop=("X-Requested-With",))
    assert response.status == 200
    assert '"title": "??? ??????2025??58?' in response.text
    crawler = spider()
    crawler.failures = []
    assert list(crawler.parse_listing(response, column=9, page_no=1)) == []
    assert [f["kind"] for f in crawler.failures] == ["encoding"]
    assert "???" in crawler.failures[0]["message"]


def test_xhr_answer_is_followed(site: Replica) -> None:
    crawler = spider()
    crawler.failures = []
    requests = list(crawler.parse_listing(api_page(site, 1, 1, state=2), column=1, page_no=1))
    assert crawler.failures == []
    details = [r.url for r in requests if r.method == "GET"]
    assert len(details) == 20 and JAPAN_QA in details
    [next_page] = [r for r in requests if r.method == "POST"]
    assert next_page.body == b"pageNumber=2&columnID=1&title="


def test_each_column_is_rechecked_against_its_own_newest_date(site: Replica) -> None:
    pages = {(c, n): parse_column_page(api_page(site, c, n, 2).text, API_URL)
             for c, n in ((1, 1), (1, 2), (10, 1))}  # fmt: skip
    crawler = spider()
    crawler.baseline = False
    crawler.known = {
        e.url: KnownNotice(i, e.url, "active", e.listed_date, '"etag"', None)
        for i, e in enumerate(e for page in pages.values() for e in page.entries)
    }
    crawler.follow_column(pages[1, 1], 1, 1)
    quiet = crawler.follow_column(pages[10, 1], 10, 1)  # newest item: 2024-10-19
    assert [r.url for r in quiet] == [REGULATION]  # the law of 2020 is outside the window
    assert quiet[0].headers["If-None-Match"] == b'"etag"'
    older_news = crawler.follow_column(pages[1, 2], 1, 2)  # judged by column 1's 2026-01-06
    assert older_news == []


def test_unknown_column_and_layout_changes_fail_loudly(site: Replica) -> None:
    crawler = spider()
    crawler.failures = []
    empty = api_page(site, 99, 1, state=2)
    assert json.loads(empty.text)["pageInfo"]["rows"] == []
    assert list(crawler.parse_listing(empty, column=99, page_no=1)) == []
    site.set_fault("broken-listing", host=HOST)
    try:
        broken = api_page(site, 9, 1, state=2)
    finally:
        site.set_fault(None, host=HOST)
    assert list(crawler.parse_listing(broken, column=9, page_no=1)) == []
    assert [f["kind"] for f in crawler.failures] == ["layout", "layout"]
    assert "expected at least 1" in crawler.failures[0]["message"]
    assert "pageInfo.rows" in crawler.failures[1]["message"]


def test_api_paging_method_and_parameters(site: Replica) -> None:
    assert parse_column_page(api_page(site, 1, 3, state=5).text, API_URL).entries == []
    site.set_state(1)
    assert send(site, Request(API_URL)).status == 405
    bad = send(site, Request(API_URL, method="POST", body=b"pageNumber=x&columnID=9",
                             headers={"X-Requested-With": "XMLHttpRequest"}))  # fmt: skip
    assert json.loads(bad.text)["pageInfo"] is None
    robots = send(site, Request(f"{BASE}/robots.txt"))
    assert robots.status == 404


SYNTHETIC = (
    "<!-- synthetic page generated by the dualwatch replica; not a copy of the real site -->"
)


@pytest.mark.parametrize(
    "path",
    ["/article/gndt/", "/article/zcfg/gnzcfg/zcfggzqd/", "/article/zcfg/gnzcfg/gzjgfxwj/",
     urlsplit(JAPAN_NO_1).path, "/article/gndt/202601/9999.html"],
)  # fmt: skip
def test_html_pages_are_synthetic_and_sent_without_charset(site: Replica, path: str) -> None:
    site.set_state(2)
    response = send(site, Request(f"{BASE}{path}"))
    assert response.headers.get("Content-Type") == b"text/html"
    assert SYNTHETIC in response.text and "charset" not in response.text.lower()
    if path.endswith("/"):  # a JS shell: the rows come from the API
        assert "getColumnList" in response.text and 'id="articleList"></ul>' in response.text
    elif path.endswith("9999.html"):
        assert response.status == 404
    else:
        assert response.headers.get("ETag") and response.headers.get("Last-Modified")


# -- detail pages ------------------------------------------------------------------------------

DETAILS = {
    "mofcom_ecl_detail_announcement": JAPAN_NO_1,
    "mofcom_ecl_detail_qa": JAPAN_QA,
    "mofcom_ecl_detail_regulation": REGULATION,
    "mofcom_ecl_detail_joint_list": DUAL_USE_LIST,
}


@pytest.mark.parametrize(("golden", "url"), DETAILS.items(), ids=list(DETAILS))
def test_detail_golden(site: Replica, golden: str, url: str) -> None:
    notice = extract(site, url)
    assert notice.raw_html == detail(site, url, 2).body
    check_golden(golden, notice_form(notice))


@pytest.mark.parametrize("url", DETAILS.values(), ids=list(DETAILS))
def test_detail_ignores_page_noise(site: Replica, url: str) -> None:
    assert detail(site, url, 2).body != detail(site, url, 3).body
    parsed = [notice_form(extract(site, url, state)) for state in (2, 3)]
    assert parsed[0] == parsed[1]
    text = parsed[0]["text"]
    assert [m for m in PAGE_NOISE if m in text or m in parsed[0]["title"]] == []
    assert text.splitlines() == served_lines(url, state=2), "only the article body is kept"


def served_lines(url: str, state: int) -> list[str]:
    """The body the replica serves for ``url``: its paragraphs and the attachment line."""
    [notice] = [n for n in ecl_content.notices() if f"{BASE}{n.path}" == url]
    lines = [
        normalize_text(line)
        for section in notice.sections_at(state)
        for line in ((section.heading,) if section.heading else ()) + section.paragraphs
    ]
    if notice.attachments:
        lines.append(normalize_text("附件：" + "".join(a.label for a in notice.attachments)))
    return lines


def test_japan_no_1_is_the_same_document_as_on_www(site: Replica) -> None:
    notice = extract(site, JAPAN_NO_1)
    assert (notice.doc_number, notice.issuer, notice.published) == (
        "商务部公告2026年第1号", "商务部", date(2026, 1, 6),
    )  # fmt: skip
    assert notice.metadata["doc_type"] == "announcement"
    assert notice.metadata["effective"] == "2026-01-06"
    [www] = [n for n in www_content.real_notices() if "2026年第1号" in n.title]
    www_lines = [normalize_text(p) for s in www.sections_at(2) for p in s.paragraphs]
    assert notice.text.splitlines() == www_lines


def test_numbers_issuers_and_dates_from_every_place_they_hide(site: Replica) -> None:
    joint = extract(site, DUAL_USE_LIST)  # number only in subTitle; four issuers
    assert joint.doc_number == "商务部 工业和信息化部 海关总署 国家密码局公告2024年第51号"
    assert joint.issuer == "商务部 工业和信息化部 海关总署 国家密码局"
    assert [a.url for a in joint.attachments] == [
        f"{BASE}/edi_ecms_web_front/document/download?fileId=8a8081c9934a4b4b01934c2f6e2a0051"
    ]
    antimony = extract(site, ANTIMONY)  # number only in the body's first line
    assert (antimony.doc_number, antimony.metadata["effective"]) == (
        "商务部 海关总署公告2024年第33号", "2024-09-15",
    )  # fmt: skip
    regulation = extract(site, REGULATION)  # empty JS variables: title and date from the listing
    assert (regulation.title, regulation.published, regulation.issuer) == (
        "中华人民共和国两用物项出口管制条例", date(2024, 10, 19), "国务院",
    )  # fmt: skip
    assert (regulation.doc_number, regulation.doc_key) == ("国务院令第792号", "国务院/令/-/792")
    assert (regulation.metadata["doc_type"], regulation.metadata["effective"]) == (
        "regulation", "2024-12-01",
    )  # fmt: skip
    qa = extract(site, JAPAN_QA)
    assert (qa.doc_number, qa.issuer, qa.metadata["doc_type"]) == (None, "商务部新闻办公室", "qa")
    later = extract(site, POSTED_LATER)  # URL month 202601, item dated 2025-12-31
    assert (later.published, later.metadata["doc_type"]) == (date(2025, 12, 31), "news")


def page(
    title: str, *, head_script: str = "", body: str = "<p>正文。</p>", url: str
) -> HtmlResponse:
    """A minimal detail page in the site's layout (for rules the replica has no page for)."""
    html = (
        f"<html><head><script>{head_script}</script></head><body><div class='hd'><h1></h1></div>"
        f"<div class=\"bd\"><script>var title = '{title}'; var subTitle = '';"
        f" var source = '安全与管制局'; var publishTime = '2026-01-09 10:00:00';</script>"
        f'{body}<div class="u-disclaimer-box">免责声明</div></div></body></html>'
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8", request=Request(url))


NEWS_URL = f"{BASE}/article/gndt/202601/1210.html"
LIST_URL = f"{ZCFGGZQD}/202601/1211.html"


@pytest.mark.parametrize(
    ("url", "title", "number", "issuer", "kind"),
    [
        (NEWS_URL, "商务部解读商务部公告2026年第1号", None, "安全与管制局", "news"),
        (NEWS_URL, "商务部新闻发言人就商务部公告2026年第1号答记者问", None, "安全与管制局", "qa"),
        (
            NEWS_URL,
            "商务部公告2026年第3号 关于某事项的公告",
            "商务部公告2026年第3号",
            "商务部",
            "news",
        ),
        (LIST_URL, "关于某事项的公告", None, "安全与管制局", "announcement"),
        (LIST_URL, "商务部令2026年第2号 某规定", "商务部令2026年第2号", "商务部", "order"),
    ],
)
def test_numbers_belong_to_the_item_not_to_what_it_quotes(
    url: str, title: str, number: str | None, issuer: str, kind: str
) -> None:
    entry = ListedNotice(url, title, date(2026, 1, 9))
    notice = spider().extract_notice(page(title, url=url), entry)
    assert (notice.doc_number, notice.issuer, notice.metadata["doc_type"]) == (number, issuer, kind)


def test_detail_page_surprises_fail_loudly() -> None:
    entry = ListedNotice(NEWS_URL, "标题", date(2026, 1, 9))
    header = page("标题", head_script="var title = '中国出口管制信息网';", url=NEWS_URL)
    assert spider().extract_notice(header, entry).title == "标题"  # div.bd's variables win
    quoted = HtmlResponse(
        url=NEWS_URL,
        body='<div class="bd"><script>var title = "双引号\\"标题"; var publishTime = "2026-01-09";'
        "</script><p>正文</p></div>".encode(),
        encoding="utf-8",
    )
    assert spider().extract_notice(quoted, entry).title == '双引号"标题'
    no_vars = HtmlResponse(
        url=NEWS_URL, body='<div class="bd"><p>正文</p></div>'.encode(), encoding="utf-8"
    )
    with pytest.raises(ParseError, match="lacks the JS variable"):
        spider().extract_notice(no_vars, entry)
    with pytest.raises(ParseError, match="mojibake"):
        spider().extract_notice(page("???????", url=NEWS_URL), entry)
    with pytest.raises(ParseError, match=r"div\.bd"):
        spider().extract_notice(HtmlResponse(url=NEWS_URL, body=b"<p>x</p>"), entry)


# -- end to end through the CLI ----------------------------------------------------------------


@pytest.fixture
def ecl(dualwatch: Dualwatch) -> Dualwatch:
    """The CLI with this source's configuration."""
    dualwatch.config_path = CONFIG_PATH
    return dualwatch


def detected(dw: Dualwatch, since_id: int = 0) -> dict[str, list[str]]:
    """This host's changes with id > since_id as {kind: sorted urls}."""
    found: dict[str, list[str]] = {"new": [], "modified": [], "removed": []}
    for change in map(json.loads, dw.run("changes", "--json").stdout.splitlines()):
        if change["id"] > since_id and urlsplit(change["url"]).hostname == HOST:
            found[change["kind"]].append(change["url"])
    return {kind: sorted(urls) for kind, urls in found.items()}


def last_change_id(dw: Dualwatch) -> int:
    lines = dw.run("changes", "--json").stdout.splitlines()
    return max((json.loads(line)["id"] for line in lines), default=0)


def test_timeline_1_2_3_5_detects_exactly_the_expected_changes(ecl: Dualwatch) -> None:
    assert ecl.config.source(SOURCE).spider == SOURCE
    assert "ok (baseline)" in ecl.run("crawl", SOURCE).stdout
    assert last_change_id(ecl) == 0
    with ecl.store() as store:
        assert store.count_notices(SOURCE) == len(expected_changes(1)[HOST]["new"])
    posts = [r for r in ecl.replica.requests() if r[0] == "POST"]
    assert len(posts) == 4 and all(status == 200 for *_, status in posts)

    ecl.replica.set_state(2)
    ecl.run("crawl", SOURCE)
    assert detected(ecl) == expected_changes(2)[HOST]
    assert detected(ecl)["modified"] == [REVISED]
    with ecl.store() as store:
        notice = store.find_notice(JAPAN_NO_1)
    assert (notice.doc_number, notice.issuer, notice.published) == (
        "商务部公告2026年第1号", "商务部", "2026-01-06",
    )  # fmt: skip

    seen = last_change_id(ecl)
    ecl.replica.set_state(3)
    assert "ok " in ecl.run("crawl", SOURCE).stdout
    assert last_change_id(ecl) == seen, "page noise must never count as a change"

    ecl.replica.set_state(5)
    ecl.run("crawl", SOURCE)
    assert detected(ecl, since_id=seen) == expected_changes(5)[HOST]
    assert detected(ecl, since_id=seen)["new"] == sorted(STATE_5_NEW)
    shown = ecl.run("show", f"{ZCFGGZQD}/202602/1208.html").stdout
    assert "商务部公告2026年第12号" in shown and "SUBARU" in shown and "2026-02-24" in shown


def test_state_4_page_gone_is_removed(ecl: Dualwatch) -> None:
    ecl.replica.set_state(2)
    ecl.run("crawl", SOURCE)
    ecl.replica.set_state(4)
    ecl.run("crawl", SOURCE)
    assert detected(ecl) == expected_changes(4)[HOST] == {
        "new": [], "modified": [], "removed": [GONE],
    }  # fmt: skip


def test_broken_listing_fails_loudly_and_changes_nothing(ecl: Dualwatch) -> None:
    ecl.run("crawl", SOURCE)
    ecl.replica.set_fault("broken-listing", host=HOST)
    result = ecl.run("crawl", SOURCE, check=1)
    assert f"{SOURCE}: layout error" in result.stderr and "pageInfo.rows" in result.stderr
    assert "failed" in ecl.run("sources").stdout
    with ecl.store() as store:
        statuses = {row["status"] for row in store.db.query("SELECT status FROM notices")}
    assert statuses == {"active"}
    assert last_change_id(ecl) == 0
