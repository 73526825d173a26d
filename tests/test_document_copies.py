"""Copies of one unnumbered document are one document.

* The same MOFCOM page (a spokesperson Q&A) on aqygzj and exportcontrol is keyed by issuer
  family, publication date and normalised title (``mofcom-page/…``,
  :func:`monitors.text.identity.page_copy_key`).
* MOFA's Japanese page and the English translation that links it share
  ``mofa-release/<the Japanese page's URL>`` (:func:`crawler.sites.mofa.linked_translation`).

One crawl of the four sources at state 2 is shared by the end-to-end tests.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.sites.mofa import linked_translation, release_key
from crawler.sites.mofcom import copy_key
from monitors.storage.models import Notice
from monitors.storage.store import Store
from monitors.text.identity import is_generic_title, page_copy_key, title_key
from tests.conftest import Dualwatch, Offline, built_once
from tests.replica import MOFA_HOST, Replica

SOURCES = ("mofcom-bis", "mofcom-ecl", "mofa-ja", "mofa-en")
JAPAN_QA = "商务部新闻发言人就加强两用物项对日本出口管制答记者问"
OTHER_QA = "商务部新闻发言人就将3家美国实体列入出口管制管控名单答记者问"
BASE = f"https://{MOFA_HOST}"
JA_PROTEST = f"{BASE}/mofaj/press/release/pressit_000001_03622.html"
EN_PROTEST = f"{BASE}/press/release/pressite_000001_02040.html"
EN_UKRAINE = f"{BASE}/press/release/pressite_000001_02041.html"


def crawl_state_2(directory: Path) -> None:
    """The MOFCOM and MOFA sources crawled at state 2 into ``directory/home``."""
    with Replica(port=0, state=2) as replica:
        Dualwatch(home=directory / "home", replica=replica).run("crawl", *SOURCES)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Dualwatch:
    """One data directory with the MOFCOM and MOFA sources crawled at state 2 (built once
    per session, read by the tests)."""
    directory = built_once(tmp_path_factory, "copies-crawled", crawl_state_2)
    return Dualwatch(home=directory / "home", replica=Offline())


def notices_titled(store: Store, title: str) -> list[Notice]:
    """Stored notices (any source) with exactly this title."""
    rows = store.db.query("SELECT url FROM notices WHERE title = ? ORDER BY id", [title])
    return [notice for row in rows if (notice := store.find_notice(row["url"])) is not None]


def notice_at(store: Store, url: str) -> Notice:
    """The stored notice at ``url`` (it must have been crawled)."""
    notice = store.find_notice(url)
    assert notice is not None, f"never stored: {url}"
    return notice


# -- end to end ------------------------------------------------------------------------------


def test_mofcom_qa_on_two_sites_is_one_document(crawled: Dualwatch) -> None:
    with crawled.store() as store:
        copies = notices_titled(store, JAPAN_QA)
        hosts = {c.url.split("/")[2] for c in copies}
        assert {"aqygzj.mofcom.gov.cn", "exportcontrol.mofcom.gov.cn"} <= hosts, hosts
        assert len({c.document_id for c in copies}) == 1
        together = {c.url for c in store.copies_of(copies[0].document_id)}
        assert {c.url for c in copies} == together


def test_different_mofcom_qas_stay_separate(crawled: Dualwatch) -> None:
    with crawled.store() as store:
        [japan] = {c.document_id for c in notices_titled(store, JAPAN_QA)}
        others = notices_titled(store, OTHER_QA)
        assert others, f"{OTHER_QA} was not crawled"
        assert japan not in {c.document_id for c in others}
        assert all(c.title == JAPAN_QA for c in store.copies_of(japan))


def test_mofa_ja_and_en_pages_of_the_protest_are_one_document(crawled: Dualwatch) -> None:
    with crawled.store() as store:
        japanese, english = notice_at(store, JA_PROTEST), notice_at(store, EN_PROTEST)
        assert japanese.document_id == english.document_id
        assert {c.url for c in store.copies_of(japanese.document_id)} == {JA_PROTEST, EN_PROTEST}


def test_mofa_en_page_without_a_link_stays_alone(crawled: Dualwatch) -> None:
    with crawled.store() as store:
        ukraine = notice_at(store, EN_UKRAINE)
        assert [c.url for c in store.copies_of(ukraine.document_id)] == [EN_UKRAINE]


# -- the MOFCOM page key ---------------------------------------------------------------------


def test_page_key_of_a_titled_dated_page() -> None:
    key = page_copy_key("mofcom-page", date(2026, 1, 6), JAPAN_QA)
    assert key == f"mofcom-page/2026-01-06/{JAPAN_QA}"


@pytest.mark.parametrize("title", ["通知", "【公告】", " Announcements ", "更新情報", "商务部新闻"])
def test_generic_or_short_titles_get_no_key(title: str) -> None:
    assert page_copy_key("mofcom-page", date(2026, 1, 6), title) is None


def test_generic_titles() -> None:
    assert is_generic_title("【 通知 】") and is_generic_title("ＮＥＷＳ")
    assert not is_generic_title(JAPAN_QA)


def test_no_date_no_key() -> None:
    assert page_copy_key("mofcom-page", None, JAPAN_QA) is None


def test_whitespace_and_full_width_variants_share_a_key() -> None:
    variants = [
        "商务部新闻发言人就加强两用物项对日本出口管制答记者问(2026)",
        " 商务部新闻发言人就 加强两用物项对日本出口管制 答记者问（２０２６） ",
        "商务部新闻发言人就加强两用物项\u3000对日本出口管制答记者问\n(2026)",
    ]
    keys = {page_copy_key("mofcom-page", date(2026, 1, 6), v) for v in variants}
    assert len(keys) == 1 and None not in keys
    assert title_key("ＡＢＣ Def") == "abcdef"


def test_another_day_or_title_is_another_key() -> None:
    day = date(2026, 1, 6)
    assert page_copy_key("mofcom-page", day, JAPAN_QA) != page_copy_key(
        "mofcom-page", date(2026, 1, 7), JAPAN_QA
    )
    assert page_copy_key("mofcom-page", day, JAPAN_QA) != page_copy_key(
        "mofcom-page", day, OTHER_QA
    )


def test_numbered_mofcom_pages_keep_their_number_key() -> None:
    from monitors.text.docnumber import parse_doc_number

    number = parse_doc_number("商务部公告2026年第1号")
    assert number is not None
    assert copy_key(number, date(2026, 1, 6), "商务部公告2026年第1号 关于…") == number.key
    assert copy_key(None, date(2026, 1, 6), JAPAN_QA) == f"mofcom-page/2026-01-06/{JAPAN_QA}"


# -- the MOFA translation link ---------------------------------------------------------------

HEADER = (
    '<header id="header"><div class="menu-language">'
    '<a href="/mofaj/index.html" lang="ja">日本語</a></div></header>'
)


def english_page(head: str = "", body: str = "", url: str = EN_PROTEST) -> HtmlResponse:
    """An English page-single page with ``head`` links and ``body`` in ``#maincontents``."""
    html = (
        f"<html><head><title>t</title>{head}</head><body>{HEADER}"
        f'<div id="maincontents"><p>Text.</p>{body}</div></body></html>'
    )
    return HtmlResponse(url, body=html.encode(), encoding="utf-8")


def japanese_of(response: HtmlResponse) -> str | None:
    """The Japanese page ``response`` links, read as the mofa-en spider does."""
    content = response.css("div#maincontents")[0]
    return linked_translation(response, content, "ja")


def test_hreflang_alternate_links_the_japanese_page() -> None:
    head = f'<link rel="alternate" hreflang="ja-JP" href="{JA_PROTEST}?x=1#top">'
    assert japanese_of(english_page(head=head)) == JA_PROTEST


def test_hreflang_link_over_http_or_bare_host_is_canonical() -> None:
    head = (
        '<link rel="Alternate" hreflang="JA" href="http://mofa.go.jp/mofaj/press/release/a.html">'
    )
    assert japanese_of(english_page(head=head)) == f"{BASE}/mofaj/press/release/a.html"


def test_content_link_to_a_japanese_release() -> None:
    body = '<p><a href="/mofaj/press/release/pressit_000001_03622.html">Japanese</a></p>'
    assert japanese_of(english_page(body=body)) == JA_PROTEST


def test_header_language_switch_and_index_pages_are_ignored() -> None:
    assert japanese_of(english_page()) is None
    body = '<a href="/mofaj/area/china/index.html">中国</a><a href="/mofaj/files/1.pdf">PDF</a>'
    assert japanese_of(english_page(body=body)) is None


def test_off_host_links_are_ignored() -> None:
    off = "https://www.example.org/mofaj/press/release/pressit_000001_03622.html"
    head = f'<link rel="alternate" hreflang="ja" href="{off}">'
    body = f'<a href="{off}">Japanese</a>'
    assert japanese_of(english_page(head=head, body=body)) is None


def test_two_different_japanese_links_are_ambiguous() -> None:
    body = '<a href="/mofaj/press/release/a.html">A</a><a href="/mofaj/press/release/b.html">B</a>'
    assert japanese_of(english_page(body=body)) is None


def test_non_alternate_or_other_language_head_links_are_ignored() -> None:
    head = (
        f'<link rel="canonical" hreflang="ja" href="{JA_PROTEST}">'
        f'<link rel="alternate" hreflang="zh" href="{JA_PROTEST}">'
    )
    assert japanese_of(english_page(head=head)) is None


def test_japanese_page_links_its_english_translation() -> None:
    html = (
        f'<html><head><link rel="alternate" hreflang="en" href="{EN_PROTEST}"></head>'
        '<body><div id="maincontents"><a href="/index.html">English</a></div></body></html>'
    )
    page = Selector(text=html)
    assert linked_translation(page, page.css("#maincontents")[0], "en") == EN_PROTEST
    body = Selector(text='<div><a href="/press/release/pressite_000001_02040.html">EN</a></div>')
    assert linked_translation(body, body, "en") is None  # relative: no base URL to resolve
    response = HtmlResponse(JA_PROTEST, body=body.get().encode(), encoding="utf-8")
    assert linked_translation(response, response.css("div")[0], "en") == EN_PROTEST


def test_release_key_is_the_japanese_url() -> None:
    assert release_key(JA_PROTEST.replace("https:", "http:")) == f"mofa-release/{JA_PROTEST}"
    assert release_key("https://www.example.org/mofaj/a.html") is None
    assert release_key(None) is None
