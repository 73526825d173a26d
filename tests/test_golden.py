"""Golden tests: every page kind the spiders parse, fetched from the replica over real HTTP.

Each page is requested from the running replica with ``urllib`` (``Host:`` set to the real
host), wrapped in a Scrapy response carrying the real ``https://`` URL (and, for MOFCOM, the
UTF-8 decoding the crawler forces because the site sends no charset), parsed by the spider's
own functions and compared with a JSON file under ``tests/golden/``.

``UPDATE_GOLDEN=1 pytest tests/test_golden.py`` (re)writes the golden files; read the diff
before committing it. Validators (ETag, Last-Modified) and the raw HTML are left out of the
golden form because they carry page noise; the tests also check that the parsed content is
identical between replica states 2 and 3, which differ only in noise.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.items import ListedNotice
from crawler.sites.jpaas import API_KEYS, QUERY_DATA
from crawler.sites.mofa import archive_reference, parse_release_index
from crawler.sites.mofcom import parse_listing_fragment
from crawler.spiders.mofa_ja import MofaJaSpider
from crawler.spiders.mofcom import MofcomSpider
from monitors.core.config import load_config
from monitors.storage.models import FetchedNotice
from tests.replica import MOFA_HOST, MOFCOM_HOST, Replica

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CONFIG = load_config(ROOT / "tests" / "replica" / "dualwatch.toml")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

MOFCOM = f"https://{MOFCOM_HOST}"
MOFA = f"https://{MOFA_HOST}"
MOFA_INDEX = f"{MOFA}/mofaj/press/release/index.html"
MOFCOM_COLUMN = f"{MOFCOM}/zwgk/zcfb/index.html"


@dataclasses.dataclass(frozen=True)
class DetailCase:
    """One detail page kind: its golden file, URL and what the listing said about it."""

    golden: str
    url: str
    listed_title: str
    listed_date: date

    @property
    def entry(self) -> ListedNotice:
        return ListedNotice(url=self.url, title=self.listed_title, listed_date=self.listed_date)


# Parser bugs found while writing these tests. The golden files hold the correct value (so a
# regenerated golden file never blesses a bug), CORRECTIONS maps golden name -> {field: correct
# value} and KNOWN_BUGS golden name -> description; such cases are expected to fail with
# KnownBug until the spider is fixed, then pytest reports XPASS(strict): drop the entries.
# (The first one, a joint issuer "商务部 海关总署" read as "商务部海关总署", is fixed.)
CORRECTIONS: dict[str, dict[str, Any]] = {}
KNOWN_BUGS: dict[str, str] = {}

MOFCOM_DETAILS = [
    DetailCase(
        "mofcom_detail_announcement",
        f"{MOFCOM}/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html",
        "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告",
        date(2026, 1, 6),
    ),
    DetailCase(
        "mofcom_detail_joint_gac",
        f"{MOFCOM}/zwgk/zcfb/art/2025/art_949f47563b834dad95b0010f375a892c.html",
        "商务部 海关总署公告2025年第55号 公布对部分超硬材料相关物项实施出口管制的决定",
        date(2025, 10, 9),
    ),
    DetailCase(
        "mofcom_detail_order",
        f"{MOFCOM}/zwgk/zcfb/art/2025/art_7b54f82591e2ac0eeb6e6acf759eccee.html",
        "中华人民共和国商务部令二〇二五年第6号 商务部关于修改《对外贸易经营者备案登记办法》的决定",
        date(2025, 12, 19),
    ),
    DetailCase(
        "mofcom_detail_attachments",
        f"{MOFCOM}/zwgk/zcfb/art/2025/art_d7507c40739d6b87c152102ce5c2a158.html",
        "商务部 海关总署公告2025年第85号 公布《2026年出口许可证管理货物目录》",
        date(2025, 12, 30),
    ),
    DetailCase(
        "mofcom_detail_news",
        f"{MOFCOM}/xwfb/rcxwfb/art/2025/art_a7eb6005d66a264d1e49e69e9e29f6d6.html",
        "商务部召开第四季度外贸形势座谈会",
        date(2025, 12, 15),
    ),
]

MOFA_DETAILS = [
    DetailCase(
        "mofa_detail_press_pdf",
        f"{MOFA}/mofaj/press/release/pressit_000001_03617.html",
        "フィリピン共和国に対する無償資金協力「経済社会開発計画」に関する書簡の署名・交換",
        date(2026, 1, 5),
    ),
    DetailCase(
        "mofa_detail_protest",
        f"{MOFA}/mofaj/press/release/pressit_000001_03622.html",
        "中国による日本向け両用品目の輸出管理措置の発表について（金井アジア大洋州局長による抗議）",
        date(2026, 1, 6),
    ),
    DetailCase(
        "mofa_detail_pageit",
        f"{MOFA}/mofaj/a_o/c_m1/cn/pageit_000001_01215.html",
        "船越外務事務次官による呉江浩駐日中国大使への抗議",
        date(2026, 1, 8),
    ),
]


# -- fetching from the replica ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes


class Site:
    """The module's replica, fetched over real HTTP with the real Host header; cached."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica
        self._cache: dict[tuple[int, str], Fetched] = {}

    def get(self, url: str, state: int) -> Fetched:
        key = (state, url)
        if key not in self._cache:
            self.replica.set_state(state)
            self._cache[key] = self._fetch(url)
        return self._cache[key]

    def _fetch(self, url: str) -> Fetched:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.replica.port}{target}", headers={"Host": parts.netloc}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return Fetched(answer.status, dict(answer.headers.items()), answer.read())
        except HTTPError as error:
            return Fetched(error.code, dict(error.headers.items()), error.read())

    def html(self, url: str, state: int, *, request: bool = False) -> HtmlResponse:
        """The page as the crawler sees it: real URL, MOFCOM forced to its configured encoding."""
        fetched = self.ok(url, state)
        return HtmlResponse(
            url=url,
            status=fetched.status,
            headers=fetched.headers,
            body=fetched.body,
            encoding=forced_encoding(url),
            request=Request(url) if request else None,
        )

    def text(self, url: str, state: int) -> TextResponse:
        fetched = self.ok(url, state)
        return TextResponse(
            url=url,
            status=fetched.status,
            headers=fetched.headers,
            body=fetched.body,
            encoding=forced_encoding(url),
        )

    def ok(self, url: str, state: int) -> Fetched:
        fetched = self.get(url, state)
        assert fetched.status == 200, f"{url} in state {state}: HTTP {fetched.status}"
        return fetched


def forced_encoding(url: str) -> str | None:
    """What ForcedEncodingMiddleware applies: the source's ``encoding`` option, if any."""
    host = urlsplit(url).hostname
    for name in ("mofcom", "mofa-ja"):
        source = CONFIG.source(name)
        if host in source.hosts:
            return source.encoding
    raise AssertionError(f"no source for {url}")


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    replica = Replica(port=0, state=1).start()
    try:
        yield Site(replica)
    finally:
        replica.stop()


@pytest.fixture(scope="module")
def mofcom() -> MofcomSpider:
    spider = MofcomSpider()
    spider.source = CONFIG.source("mofcom")
    return spider


@pytest.fixture(scope="module")
def mofa() -> MofaJaSpider:
    spider = MofaJaSpider()
    spider.source = CONFIG.source("mofa-ja")
    return spider


# -- golden form -----------------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def listed(entries: list[ListedNotice]) -> list[dict[str, Any]]:
    return [jsonable(dataclasses.asdict(entry)) for entry in entries]


NOISY_FIELDS = ("raw_html", "etag", "last_modified")


def notice_form(notice: FetchedNotice) -> dict[str, Any]:
    """A FetchedNotice without raw HTML and HTTP validators, dates as ISO strings."""
    fields = {
        f.name: getattr(notice, f.name)
        for f in dataclasses.fields(notice)
        if f.name not in NOISY_FIELDS
    }
    fields["attachments"] = [dataclasses.asdict(a) for a in notice.attachments]
    return jsonable(fields)


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def check_golden(name: str, value: Any) -> None:
    """Compare with tests/golden/<name>.json, or (re)write it when UPDATE_GOLDEN=1."""
    path = GOLDEN / f"{name}.json"
    actual = dump(value)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing; run with UPDATE_GOLDEN=1 to create it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=f"{path.relative_to(ROOT)} (golden)",
            tofile="parsed now",
        )
        pytest.fail(
            f"parsed output differs from {path.name} (UPDATE_GOLDEN=1 rewrites it):\n"
            + "".join(diff),
            pytrace=False,
        )


# -- MOFCOM listing API ------------------------------------------------------------------------


def api_page(site: Site, spider: MofcomSpider, page_no: int, state: int) -> list[ListedNotice]:
    url = spider.listing_request(page_no, spider.api_params()).url
    response = site.text(url, state)
    assert response.headers.get("Content-Type", b"").startswith(b"application/json")
    payload = json.loads(response.text)
    assert payload["success"] is True
    return parse_listing_fragment(payload["data"]["html"], response.url)


@pytest.mark.parametrize("page_no", [1, 2])
def test_mofcom_listing_api_page(site: Site, mofcom: MofcomSpider, page_no: int) -> None:
    entries = api_page(site, mofcom, page_no, state=2)
    check_golden(f"mofcom_listing_page{page_no}", listed(entries))
    assert entries, "a listing page is never empty here"
    assert all(e.url.startswith(f"{MOFCOM}/") for e in entries)
    assert all(e.listed_date is not None for e in entries)
    assert not any(e.title.endswith("…") for e in entries), "titles come from title=, not text"
    assert api_page(site, mofcom, page_no, state=3) == entries


def test_mofcom_listing_pages_cover_every_notice_once(site: Site, mofcom: MofcomSpider) -> None:
    first, second = (api_page(site, mofcom, n, state=2) for n in (1, 2))
    assert len(first) == int(mofcom.source.options["page_size"])
    urls = [e.url for e in first + second]
    assert len(urls) == len(set(urls))
    dates = [e.listed_date for e in first + second]
    assert dates == sorted(dates, reverse=True)
    detail_urls = {case.url for case in MOFCOM_DETAILS}
    assert detail_urls <= set(urls), detail_urls - set(urls)


# -- MOFCOM detail pages -----------------------------------------------------------------------


class KnownBug(AssertionError):
    """A parsed field still has the value of a reported bug (see CORRECTIONS)."""


def known_bug(case: DetailCase) -> Any:
    """The case as a pytest param, expected to fail with KnownBug while its bug stands."""
    reason = KNOWN_BUGS.get(case.golden)
    xfail = pytest.mark.xfail(not UPDATE, reason=reason, raises=KnownBug, strict=True)
    return pytest.param(case, id=case.golden, marks=[xfail] if reason else [])


def check_detail(case: DetailCase, notice: FetchedNotice) -> None:
    """Golden check of a detail page; fields with a reported bug are checked last.

    Everything but the corrected fields must match the golden file (a failure there is a real
    failure); then KnownBug is raised while a corrected field still has the buggy value.
    """
    form = notice_form(notice)
    corrections = CORRECTIONS.get(case.golden, {})
    check_golden(case.golden, {**form, **corrections})
    wrong = {k: form[k] for k, right in corrections.items() if form[k] != right}
    if wrong and not UPDATE:
        raise KnownBug(f"{KNOWN_BUGS[case.golden]}: parsed {wrong}, expected {corrections}")


@pytest.mark.parametrize("case", [known_bug(c) for c in MOFCOM_DETAILS])
def test_mofcom_detail(site: Site, mofcom: MofcomSpider, case: DetailCase) -> None:
    notice = mofcom.extract_notice(site.html(case.url, state=2), case.entry)
    assert notice.raw_html == site.ok(case.url, 2).body
    check_detail(case, notice)


@pytest.mark.parametrize("case", MOFCOM_DETAILS, ids=lambda c: c.golden)
def test_mofcom_detail_ignores_noise(site: Site, mofcom: MofcomSpider, case: DetailCase) -> None:
    noisy = (site.ok(case.url, 2).body, site.ok(case.url, 3).body)
    assert noisy[0] != noisy[1], "state 3 must change the page's noise"
    first, second = (
        notice_form(mofcom.extract_notice(site.html(case.url, state), case.entry))
        for state in (2, 3)
    )
    assert first == second


def test_mofcom_listing_titles_match_detail_titles(site: Site, mofcom: MofcomSpider) -> None:
    entries = {e.url: e for n in (1, 2) for e in api_page(site, mofcom, n, state=2)}
    for case in MOFCOM_DETAILS:
        entry = entries[case.url]
        assert (entry.title, entry.listed_date) == (case.listed_title, case.listed_date)
        notice = mofcom.extract_notice(site.html(case.url, 2), entry)
        assert notice.title == entry.title
        assert notice.published == entry.listed_date


# -- MOFCOM column page (queryData) ------------------------------------------------------------


def test_mofcom_column_query_data(site: Site, mofcom: MofcomSpider) -> None:
    response = site.html(MOFCOM_COLUMN, state=2, request=True)
    match = QUERY_DATA.search(response.text)
    assert match, "the column page carries queryData"
    found = json.loads(match.group(1).replace("'", '"'))
    options = mofcom.source.options
    assert {k: found[k] for k in API_KEYS} == {
        "webId": options["web_id"],
        "pageId": options["page_id"],
        "tplSetId": options["tpl_set_id"],
        "tagId": options["tag_id"],
    }
    mofcom.failures = []
    (retry,) = mofcom.discover_ids(response)
    assert mofcom.failures == []
    assert retry.url == mofcom.listing_request(1, mofcom.api_params()).url


# -- MOFA index --------------------------------------------------------------------------------


def mofa_index(site: Site, state: int) -> tuple[date | None, list[ListedNotice]]:
    response = site.html(MOFA_INDEX, state)
    reference = archive_reference(response)
    assert reference is not None
    return reference, parse_release_index(response, reference)


@pytest.mark.parametrize("state", [1, 2])
def test_mofa_index(site: Site, state: int) -> None:
    reference, entries = mofa_index(site, state)
    check_golden(
        f"mofa_index_state{state}",
        {"reference": jsonable(reference), "entries": listed(entries)},
    )
    dates = [e.listed_date for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert all(e.url.startswith(f"{MOFA}/mofaj/") for e in entries)


def test_mofa_index_crosses_the_new_year(site: Site) -> None:
    reference, entries = mofa_index(site, 1)
    assert reference == date(2026, 1, 31)
    by_title = {e.title: e.listed_date for e in entries}
    assert by_title["年末年始に海外へ渡航される方への注意喚起"] == date(2025, 12, 29)
    assert by_title["外務大臣年頭所感"] == date(2026, 1, 5)
    december = [e for e in entries if e.listed_date and e.listed_date.month == 12]
    january = [e for e in entries if e.listed_date and e.listed_date.month == 1]
    assert december and january
    assert {e.listed_date.year for e in december} == {2025}
    assert {e.listed_date.year for e in january} == {2026}


def test_mofa_index_state3_is_state2(site: Site) -> None:
    assert mofa_index(site, 3) == mofa_index(site, 2)


# -- MOFA detail pages -------------------------------------------------------------------------


@pytest.mark.parametrize("case", [known_bug(c) for c in MOFA_DETAILS])
def test_mofa_detail(site: Site, mofa: MofaJaSpider, case: DetailCase) -> None:
    notice = mofa.extract_notice(site.html(case.url, state=2), case.entry)
    assert notice.raw_html == site.ok(case.url, 2).body
    check_detail(case, notice)


@pytest.mark.parametrize("case", MOFA_DETAILS, ids=lambda c: c.golden)
def test_mofa_detail_ignores_noise(site: Site, mofa: MofaJaSpider, case: DetailCase) -> None:
    noisy = (site.ok(case.url, 2).body, site.ok(case.url, 3).body)
    assert noisy[0] != noisy[1], "state 3 must change the page's noise"
    first, second = (
        notice_form(mofa.extract_notice(site.html(case.url, state), case.entry)) for state in (2, 3)
    )
    assert first == second


# Widgets, counters, stamps and navigation the replica puts around the main content.
PAGE_NOISE = {
    "mofcom": ("分享到", "微信", "QQ空间", "浏览次数", "页面生成时间", "相关稿件", "当前位置",
               "来源：", "_artToken", "首页"),
    "mofa-ja": ("ポスト", "メール", "印刷", "関連リンク", "このページのトップへ戻る", "mofa_pv",
                "mofa_title", "日中関係", "記者会見", "へ戻る", "トップページ"),
}  # fmt: skip


@pytest.mark.parametrize("case", MOFCOM_DETAILS + MOFA_DETAILS, ids=lambda c: c.golden)
@pytest.mark.parametrize("state", [2, 3])
def test_detail_text_has_no_page_noise(
    site: Site, mofcom: MofcomSpider, mofa: MofaJaSpider, case: DetailCase, state: int
) -> None:
    spider = mofcom if case.url.startswith(MOFCOM) else mofa
    notice = spider.extract_notice(site.html(case.url, state), case.entry)
    found = [m for m in PAGE_NOISE[notice.source] if m in notice.text or m in notice.title]
    assert found == [], f"page noise in the stored text: {found}"
    others = {e.title for n in (1, 2) for e in api_page(site, mofcom, n, state)}
    others |= {e.title for e in mofa_index(site, state)[1]}
    others.discard(notice.title)
    assert [t for t in others if t in notice.text] == [], "a related-links box leaked in"
    date_line = notice.metadata.get("date_text")
    assert not date_line or not notice.text.startswith(date_line), "the date line leaked in"


def test_mofa_index_lists_the_detail_cases(site: Site) -> None:
    _, entries = mofa_index(site, 2)
    by_url = {e.url: e for e in entries}
    for case in MOFA_DETAILS:
        assert (by_url[case.url].title, by_url[case.url].listed_date) == (
            case.listed_title,
            case.listed_date,
        )
