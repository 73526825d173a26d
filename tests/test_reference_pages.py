"""The MOFA spider on the real saved pages in ../shared/reference-pages (read in place).

These pages are third-party and are never copied into the repository; the tests skip only
when the shared folder is absent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.items import ListedNotice
from crawler.sites.mofa import archive_reference, parse_release_index
from crawler.spiders.mofa_ja import MofaJaSpider

PAGES = Path(__file__).resolve().parents[2] / "shared" / "reference-pages" / "mofa"
INDEX = PAGES / "mofaj-press-release-index_2026-09.html"
SINGLE = PAGES / "mofaj-gaiko-terro-kyoryoku_05_page-single_2026-09-10.html"

pytestmark = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/reference-pages absent")


def page(path: Path, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8")


def test_real_index_parses_every_group_with_years() -> None:
    response = page(INDEX, "https://www.mofa.go.jp/mofaj/press/release/index.html")
    reference = archive_reference(response)
    assert reference == date(2026, 10, 31)
    entries = parse_release_index(response, reference)
    assert len(entries) >= 117
    assert entries[0].listed_date == date(2026, 9, 30)
    assert entries[0].url == "https://www.mofa.go.jp/mofaj/press/release/pressit_000001_04231.html"
    assert entries[-1].listed_date == date(2026, 8, 30)
    assert all(e.url.startswith("https://www.mofa.go.jp/mofaj/") for e in entries)
    assert any("/pageit_000001_" in e.url for e in entries)
    dates = [e.listed_date for e in entries]
    assert dates == sorted(dates, reverse=True)


def test_real_index_read_in_january_puts_september_in_previous_year() -> None:
    response = page(INDEX, "https://www.mofa.go.jp/mofaj/press/release/index.html")
    entries = parse_release_index(response, date(2027, 1, 10))
    assert entries[0].listed_date == date(2026, 9, 30)


def test_real_page_single_template() -> None:
    url = "https://www.mofa.go.jp/mofaj/gaiko/terro/kyoryoku_05.html"
    spider = MofaJaSpider()
    spider.source = type("S", (), {"name": "mofa-ja"})()
    entry = ListedNotice(url=url, title="", listed_date=None)
    notice = spider.extract_notice(page(SINGLE, url), entry)
    assert notice.title == "テロ資金対策"
    assert notice.published == date(2026, 9, 10)
    assert notice.text.startswith("1 テロ資金対策\n（1）テロリスト・テロ組織への資金の流れ")
    assert notice.metadata["section"] == "日本の国際テロ対策協力"
    for widget in ("ポスト", "印刷", "令和8年9月10日\n1"):
        assert widget not in notice.text
    urls = [a.url for a in notice.attachments]
    assert len(urls) == len(set(urls))
    assert "https://www.mofa.go.jp/mofaj/files/000015952.pdf" in urls
    assert "https://www.mofa.go.jp/mofaj/gaiko/terro/pdfs/anpo_e1373.pdf" in urls
