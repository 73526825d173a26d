"""How crawls fail: loudly, recorded, and without losing or inventing anything."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.items import ListedNotice, NoticeItem
from crawler.middlewares import ENCODING_ERROR_META, ForcedEncodingMiddleware
from crawler.sites.base import DualwatchSpider
from crawler.spiders.mofcom import MofcomSpider
from monitors.core.config import load_config
from monitors.core.errors import ParseError
from tests.conftest import REPLICA_CONFIG, Dualwatch
from tests.replica import MOFCOM_HOST


def test_stale_api_ids_are_rediscovered_from_the_column_page(dualwatch: Dualwatch) -> None:
    dualwatch.override(**{"sources.mofcom": {"page_id": "00000000000000000000000000000000"}})
    result = dualwatch.run("crawl", "mofcom")
    assert "ok (baseline)" in result.stdout
    assert "stale" in result.stderr
    paths = [path for _m, _h, path, _s in dualwatch.replica.requests()]
    assert any(p.startswith("/zwgk/zcfb/index.html") for p in paths)
    with dualwatch.store() as store:
        assert store.count_notices("mofcom") >= 15


def test_crawl_exceeding_its_timeout_is_stopped_and_recorded(dualwatch: Dualwatch) -> None:
    # The slow fault holds every answer 5 s (robots.txt, the column page, the listing API,
    # the detail pages: 20 s at least); a 12 s timeout leaves Scrapy time to start on a
    # busy machine and still stops the crawl.
    dualwatch.override(crawl={"crawl_timeout": 12, "download_timeout": 30})
    dualwatch.replica.set_fault("slow", host=MOFCOM_HOST)
    result = dualwatch.run("crawl", "mofcom", check=1)
    assert "mofcom  aborted" in result.stdout
    with dualwatch.store() as store:
        run = store.last_run("mofcom")
    assert run.outcome == "aborted" and "shutdown" in run.message
    assert run.finished_at is not None


def test_oversized_responses_are_abandoned_and_recorded(dualwatch: Dualwatch) -> None:
    dualwatch.override(crawl={"max_download_bytes": 2000})
    result = dualwatch.run("crawl", "mofcom", check=1)
    assert "mofcom: failed" in result.stderr
    with dualwatch.store() as store:
        assert store.count_notices("mofcom") == 0


def test_undecodable_body_is_flagged_not_stored_as_mojibake() -> None:
    crawler = get_crawler(MofcomSpider)
    crawler.spider = type("S", (), {"forced_encoding": "utf-8"})()
    middleware = ForcedEncodingMiddleware(crawler)
    request = Request("https://www.mofcom.gov.cn/a.html")
    gbk = HtmlResponse(request.url, body="商务部公告".encode("gbk"), request=request)
    assert middleware.process_response(request, gbk) is gbk
    assert "not valid utf-8" in request.meta[ENCODING_ERROR_META]
    ok_request = Request("https://www.mofcom.gov.cn/b.html")
    utf8 = HtmlResponse(ok_request.url, body="商务部公告".encode(), request=ok_request)
    decoded = middleware.process_response(ok_request, utf8)
    assert decoded.text == "商务部公告" and ENCODING_ERROR_META not in ok_request.meta


def spider_for(source: str, home: Path) -> DualwatchSpider:
    """A spider bound to its configuration and a real (empty) store in ``home``."""
    config = load_config(REPLICA_CONFIG, home=home)
    spider = MofcomSpider(source=source)
    spider.crawler = get_crawler(MofcomSpider)
    spider.bind(config, spider.crawler.settings)
    return spider


def test_links_off_the_configured_hosts_are_never_followed(tmp_path: Path) -> None:
    spider = spider_for("mofcom", tmp_path)
    entries = [
        ListedNotice(
            "https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_1.html", "a", date(2026, 1, 6)
        ),
        ListedNotice("https://evil.example.com/steal.html", "b", date(2026, 1, 6)),
        ListedNotice("http://127.0.0.1:22/x.html", "c", date(2026, 1, 6)),
    ]
    followed = list(spider.follow_listing(entries, page_no=1))
    requests = [r.url for r in followed if isinstance(r, Request)]
    assert requests == ["https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_1.html"]
    # The others are recorded from what the listing says, without a request.
    recorded = [i.notice for i in followed if isinstance(i, NoticeItem)]
    assert [(n.url, n.title, n.raw_html) for n in recorded] == [
        ("https://evil.example.com/steal.html", "b", b""),
        ("http://127.0.0.1:22/x.html", "c", b""),
    ]
    assert all(n.metadata["from_listing"] for n in recorded)


def test_empty_first_listing_page_is_a_layout_error(tmp_path: Path) -> None:
    spider = spider_for("mofcom", tmp_path)
    with pytest.raises(ParseError, match="layout may have changed"):
        list(spider.follow_listing([], page_no=1))


def test_crawler_opens_no_control_ports() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings")
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("ROBOTSTXT_OBEY") is True
