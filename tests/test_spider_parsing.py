"""Spider parsing edge cases on small synthetic pages (the replica covers the common shapes)."""

from __future__ import annotations

from datetime import date

import pytest
from scrapy.http import HtmlResponse

from crawler.items import ListedNotice
from crawler.sites.mofcom import doc_type
from crawler.spiders.mofa_ja import MofaJaSpider
from crawler.spiders.mofcom import MofcomSpider
from monitors.core.config import load_config
from tests.conftest import REPLICA_CONFIG

CONFIG = load_config(REPLICA_CONFIG)


def spider(cls, source: str):
    instance = cls()
    instance.source = CONFIG.source(source)
    return instance


def mofcom_page(header: str, body: str = "<p>正文。</p>") -> HtmlResponse:
    html = (
        "<html><head><meta name='ArticleTitle' content='商务部公告2025年第61号'></head><body>"
        f"<div class='art-con-gonggao'>{header}</div>"
        f"<div class='art-con' ergodic='article'>{body}</div></body></html>"
    )
    url = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_x.html"
    return HtmlResponse(url, body=html.encode(), encoding="utf-8")


def test_mofcom_header_lines_with_markup_and_colons() -> None:
    header = (
        "<p><strong>【发布单位】</strong>：商务部 海关总署</p>"
        "<p><b>【发布文号】</b> 商务部 海关总署公告2025年第57号</p>"
        "<p>【发文日期】2025年10月09日</p>"
    )
    entry = ListedNotice("https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_x.html", "t", None)
    notice = spider(MofcomSpider, "mofcom").extract_notice(mofcom_page(header), entry)
    assert notice.issuer == "商务部 海关总署"
    assert notice.doc_number == "商务部 海关总署公告2025年第57号"
    assert notice.doc_key == "商务部+海关总署/公告/2025/57"
    assert notice.published == date(2025, 10, 9)


def test_mofcom_header_block_with_line_breaks_only() -> None:
    header = (
        "【发布单位】安全与管制局<br>【发布文号】商务部公告2025年第61号<br>"
        "【发文日期】2025年10月09日"
    )
    entry = ListedNotice("https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_x.html", "t", None)
    notice = spider(MofcomSpider, "mofcom").extract_notice(mofcom_page(header), entry)
    assert (notice.issuer, notice.doc_number) == ("安全与管制局", "商务部公告2025年第61号")


def test_mofcom_effective_date_is_the_earliest_stated() -> None:
    body = "<p>本公告第一条自2025年12月1日起实施，其余条款自公布之日起正式实施。</p>"
    entry = ListedNotice("https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_x.html", "t", None)
    page = mofcom_page("<p>【发文日期】2025年10月09日</p>", body)
    notice = spider(MofcomSpider, "mofcom").extract_notice(page, entry)
    assert notice.metadata["effective"] == "2025-10-09"


def test_mofa_signature_after_the_date_line_stays_in_the_text() -> None:
    html = (
        "<html><body><div id='contents-header'><h2 class='title2'><span>談話</span></h2></div>"
        "<div id='maincontents'><div class='rightalign'>令和8年1月6日</div>"
        "<div class='main-section section'><div class='any-area'><p>本文。</p></div></div>"
        "<div class='rightalign'>外務報道官 北村俊博</div></div></body></html>"
    )
    url = "https://www.mofa.go.jp/mofaj/press/danwa/page_1.html"
    response = HtmlResponse(url, body=html.encode(), encoding="utf-8")
    notice = spider(MofaJaSpider, "mofa-ja").extract_notice(response, ListedNotice(url, "", None))
    assert notice.published == date(2026, 1, 6)
    assert notice.metadata["date_text"] == "令和8年1月6日"
    assert notice.text == "本文。\n外務報道官北村俊博"  # normalised: no spaces inside CJK


@pytest.mark.parametrize(
    ("kind", "title", "expected"),
    [
        ("令", "商务部令2025年第6号", "order"),
        ("公告", "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告", "announcement"),
        (None, "不可靠实体清单工作机制关于将有关美国实体列入不可靠实体清单的公告", "announcement"),
        (None, "商务部新闻发言人就加强两用物项对日本出口管制答记者问", "qa"),
        (None, "两用物项出口许可证管理办法", "regulation"),
        (None, "商务部召开例行新闻发布会", "news"),
    ],
)
def test_mofcom_doc_type(kind: str | None, title: str, expected: str) -> None:
    assert doc_type(kind, title) == expected
