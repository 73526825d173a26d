"""Tests for monitors.text.normalize."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.items import ListedNotice
from crawler.sites import base as base_spider
from crawler.sites import mofa as mofa_site
from crawler.sites import mofcom as mofcom_site
from crawler.sites.base import is_file_url
from crawler.spiders import (
    generic,
    meti,
    mofa_en,
    mofa_ja,
    mofcom,
    mofcom_bis,
    mofcom_ecl,
    mofcom_en,
)
from monitors.core.config import load_config
from monitors.text import normalize
from monitors.text.normalize import (
    BLOCK_TAGS,
    DROP_TAGS,
    content_hash,
    html_to_text,
    is_cjk,
    normalize_text,
    table_row,
)
from tests.replica.app import ReplicaApp
from tests.replica.content import meti as meti_content
from tests.replica.protocol import Request as ReplicaRequest
from tests.replica.timeline import STATES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # full-width ASCII -> half-width
        ("ＡＢＣ１２３", "ABC123"),
        ("ＥＣＣＮ　１Ｃ９０２．ａ", "ECCN 1C902.a"),
        ("５０％", "50%"),
        # half-width katakana -> full-width, including voiced marks (multi-char NFKC)
        ("ｶﾞｲﾑｼｮｳ", "ガイムショウ"),
        ("ﾊﾟﾌﾞﾘｯｸ", "パブリック"),
        # compatibility ideograph -> unified (U+F900 -> U+8C48), Kangxi radical -> unified
        ("\uf900", "\u8c48"),
        ("\u2f08", "\u4eba"),
        # CJK punctuation, enclosed numbers and ※ are kept as-is
        ("①、※（注）：，。！？；", "①、※（注）：，。！？；"),
        (
            "「輸出」『貿易』【公告】〔2025〕《条例》〈案〉・～",
            "「輸出」『貿易』【公告】〔2025〕《条例》〈案〉・～",
        ),
        ("⑳⑴", "⑳⑴"),
        # half-width CJK punctuation becomes the full-width form
        ("｢ｱ｣､｡", "「ア」、。"),
        # spaces between CJK characters are removed
        ("关于 加强 两用物项", "关于加强两用物项"),
        ("商务部 海关总署公告", "商务部海关总署公告"),
        ("輸出　貿易　管理令", "輸出貿易管理令"),
        ("ひらがな カタカナ", "ひらがなカタカナ"),
        # non-CJK spaces stay (collapsed)
        ("Article 1", "Article 1"),
        ("Article   1", "Article 1"),
        ("第 1 条", "第 1 条"),
        ("ECCN 1C902 管制", "ECCN 1C902 管制"),
        # every kind of whitespace
        ("a\u00a0b", "a b"),
        ("a\u3000b", "a b"),
        ("a\u200bb", "a b"),
        ("a\ufeffb", "a b"),
        ("a\t\t b", "a b"),
        ("关于\u200b加强", "关于加强"),
        ("\ufeff关于", "关于"),
        # lines: stripped, blank ones dropped, newlines normalised
        ("  line1  \r\n\r\n\n  line2\rline3\n", "line1\nline2\nline3"),
        ("\u3000\u3000第一条\u3000内容\n\u3000\n第二条", "第一条内容\n第二条"),
        ("", ""),
        (" \n \u3000 \n", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_whitespace_only_changes_inside_cjk_normalise_identically() -> None:
    old = "商务部公告2025年第61号\n关于对稀土相关物项实施出口管制的决定"
    new = "商务部 公告2025年第61号\n\n  关于对稀土\u3000相关物项 实施出口管制的决定  "
    assert normalize_text(old) == normalize_text(new)


def test_normalize_is_idempotent() -> None:
    text = "ＡＢＣ　关于 加强\n\nｶﾞ ①（注）"
    once = normalize_text(text)
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    ("ch", "expected"),
    [
        ("汉", True),
        ("あ", True),
        ("カ", True),
        ("ー", True),
        ("。", True),
        ("，", True),
        ("Ａ", True),
        ("\u3000", True),
        ("\U00020000", True),
        ("A", False),
        ("1", False),
        (" ", False),
        (",", False),
        ("①", False),
        ("é", False),
    ],
)
def test_is_cjk(ch: str, expected: bool) -> None:
    assert is_cjk(ch) is expected


@pytest.mark.parametrize("bad", ["", "汉字"])
def test_is_cjk_rejects_non_single_characters(bad: str) -> None:
    with pytest.raises(ValueError):
        is_cjk(bad)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>第一条</p><p>第二条</p>", "第一条\n第二条"),
        ("<p>关于<b>加强</b><a href='#'>两用</a>物项</p>", "关于加强两用物项"),
        ("<div>a<br>b<br/>c</div>", "a\nb\nc"),
        ("<ul><li>one</li><li>two</li></ul>", "one\ntwo"),
        ("<ol><li>x<li>y</ol>", "x\ny"),
        ("<h1>Title</h1><section>Body</section>", "Title\nBody"),
        ("<dl><dt>term</dt><dd>def</dd></dl>", "term\ndef"),
        ("<blockquote>q</blockquote><article>art</article>", "q\nart"),
        ("<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>", "A | B\nC"),
        ("<p>Export\n   control\tnotice</p>", "Export control notice"),
        ("<p>关于\n加强</p>", "关于加强"),
        ("<pre>line1\nline2</pre>", "line1\nline2"),
        ("<p>a<script>var x = 1;</script>b</p>", "ab"),
        ("<style>p {color: red}</style><p>text</p>", "text"),
        ("<noscript>enable js</noscript><template><p>t</p></template><p>ok</p>", "ok"),
        ("<iframe src='x'>frame</iframe><p>ok</p>", "ok"),
        ("<p>a<!-- hidden comment -->b</p>", "ab"),
        ("<p>&nbsp;&#12288;ＡＢ&amp;Ｃ&nbsp;</p>", "AB&C"),
        # broken HTML
        ("<div><p>unclosed <b>bold<p>next", "unclosed bold\nnext"),
        ("<p>a</div></span>b", "ab"),
        ("</p>", ""),
        ("", ""),
        ("plain text", "plain text"),
    ],
)
def test_html_to_text_from_string(html: str, expected: str) -> None:
    assert html_to_text(html) == expected


def test_html_to_text_from_tag_does_not_modify_tree() -> None:
    soup = BeautifulSoup(
        "<div id='c'><p>第一条</p><script>x()</script><p>第二条</p></div><p>outside</p>", "lxml"
    )
    tag = soup.find(id="c")
    assert html_to_text(tag) == "第一条\n第二条"
    assert soup.find("script") is not None
    assert html_to_text(soup) == "第一条\n第二条\noutside"


def test_html_to_text_deeply_nested_does_not_recurse() -> None:
    html = "<div>" * 3000 + "deep" + "</div>" * 3000
    assert html_to_text(html) == "deep"


def test_html_to_text_reads_a_parsed_node_without_parsing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = Selector(
        text="<div id='c'><p>第一条</p><script>x()</script><table><tr><td>A</td><td>B</td></tr>"
        "</table><pre>a\n  b</pre></div>tail<p>outside</p>"
    )
    content = page.css("div#c")[0]
    before = page.get()
    monkeypatch.setattr(normalize.etree, "HTMLParser", None)  # a parse would fail
    assert html_to_text(content) == "第一条\nA | B\na\nb"  # the element, never its tail
    assert html_to_text(content.root) == "第一条\nA | B\na\nb"  # an lxml element
    assert html_to_text(page) == "第一条\nA | B\na\nb\ntail\noutside"
    assert html_to_text(page.css("td::text")[1]) == "B"  # a text result is text
    assert page.get() == before  # not modified


def test_html_to_text_rejects_other_objects() -> None:
    with pytest.raises(TypeError):
        html_to_text(b"<p>bytes</p>")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (("title", "body", "att"), "title\x1ebody\x1eatt"),
        (("only",), "only"),
        (("标题", "正文"), "标题\x1e正文"),
        ((), ""),
    ],
)
def test_content_hash(parts: tuple[str, ...], joined: str) -> None:
    assert content_hash(*parts) == hashlib.sha256(joined.encode("utf-8")).hexdigest()


def test_content_hash_separates_parts() -> None:
    assert content_hash("ab", "c") != content_hash("a", "bc")
    assert (
        content_hash("a", "b") == "d30a11ae896cfd9828c66c826156c80a42e6c401f767ced8dcde831b7a729bdc"
    )
    assert len(content_hash("x")) == 64


# -- differential test: the lxml reader against the BeautifulSoup reader it replaced -----------
#
# html_to_text used to parse markup with BeautifulSoup (lxml parser) and walk the soup; the
# spiders handed it ``node.get()``, so every page was parsed again. It now walks the lxml tree
# the page was already parsed into (and reads strings in one streaming lxml parse). The
# reference below is the former implementation, kept only here (its table rule, added later,
# written recursively over the soup rather than with the builder's frames): both must give
# the same text for every page the project reads.

_REFERENCE_DROP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


@dataclass(frozen=True)
class _Cell:
    """The raw text of a table cell on its way up to the row that holds it."""

    text: str


def _reference_pieces(node: object, pre: int) -> list[str | _Cell]:
    """Raw text pieces of a bs4 node: strings, and cells not yet claimed by a row."""
    if isinstance(node, NavigableString):
        if isinstance(node, _REFERENCE_DROP_STRINGS):
            return []
        return [str(node) if pre else normalize._SPACE_RE.sub(" ", str(node))]
    if not isinstance(node, Tag) or node.name in DROP_TAGS:
        return []
    pre += node.name == "pre"
    pieces = [piece for child in node.contents for piece in _reference_pieces(child, pre)]
    if node.name in ("td", "th"):
        return [_Cell(_reference_join(pieces))]
    if node.name == "tr":
        cells, stray = [], ""
        for piece in pieces:  # text between the cells counts as a cell of its own
            if isinstance(piece, _Cell):
                cells += [stray, piece.text]
                stray = ""
            else:
                stray += piece
        return [f"\n{table_row([*cells, stray])}\n"]
    if node.name in BLOCK_TAGS:
        return ["\n", *pieces, "\n"]
    return pieces


def _reference_join(pieces: list[str | _Cell]) -> str:
    """Join pieces; a cell outside any row is a row of its own."""
    return "".join(
        f"\n{table_row([piece.text])}\n" if isinstance(piece, _Cell) else piece for piece in pieces
    )


def reference_html_to_text(markup: str) -> str:
    """The former html_to_text (BeautifulSoup, lxml parser) of an HTML string, with the
    table rule written independently (recursively, over the soup)."""
    soup = BeautifulSoup(markup, "lxml")
    return normalize_text(_reference_join(_reference_pieces(soup, 0)))


#: Elements compared one by one besides the whole page: every one with an id or a class
#: (the spiders' content containers, widgets, boxes) and every table part, list and pre.
COMPARED_NODES = "//*[@id or @class] | //table | //tr | //td | //th | //ul | //dl | //pre"


def check_agrees(markup: str, where: str) -> int:
    """The string, the parsed page and each compared element read alike; how many nodes."""
    assert html_to_text(markup) == reference_html_to_text(markup), f"{where}: as a string"
    page = Selector(text=markup)
    nodes = [page, *page.xpath(COMPARED_NODES)]
    for node in nodes:
        expected = reference_html_to_text(node.get())
        assert html_to_text(node) == expected, f"{where}: {node.get()[:120]!r}"
    return len(nodes)


ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tests" / "replica" / "templates"
REFERENCE_PAGES = ROOT.parent / "shared" / "reference-pages"
REPLICA_CONFIG = load_config(ROOT / "tests" / "replica" / "dualwatch.toml")
#: Replica site module -> the source whose spider reads its detail pages.
SITE_SOURCES = {
    "mofcom": "mofcom",
    "aqygzj": "mofcom-bis",
    "exportcontrol": "mofcom-ecl",
    "english_mofcom": "mofcom-en",
    "mofa": "mofa-ja",
    "mofa_press": "mofa-ja",
    "mofa_en": "mofa-en",
    "mofa_oshirase": "mofa-oshirase",
    "meti": "meti",
}


@dataclass(frozen=True)
class ReplicaPage:
    """A detail page the replica serves, the source that reads it and its listing entry."""

    source: str
    entry: ListedNotice
    body: bytes

    def response(self) -> HtmlResponse:
        """The page as the crawler sees it (with the source's forced encoding, if any)."""
        encoding = REPLICA_CONFIG.source(self.source).encoding or "utf-8"
        return HtmlResponse(url=self.entry.url, body=self.body, encoding=encoding)


def replica_pages(state: int) -> list[ReplicaPage]:
    """Every HTML detail page the spiders read at ``state``, rendered in-process: the
    notices of every replica site, METI's feed releases (on its agencies' hosts too) and its
    anpo pages."""
    app = ReplicaApp(state=state)
    wanted: dict[tuple[str, str], tuple[str, str, date | None]] = {}
    for site in app.sites:
        source = SITE_SOURCES[type(site).__module__.rsplit(".", 1)[-1]]
        for notice in site.monitored_notices():
            wanted[(site.host, notice.path)] = (source, notice.title, notice.published.date())
    for release in meti_content.releases():
        wanted[(release.host, release.path)] = ("meti", release.title, release.published.date())
    for anpo in meti_content.anpo_pages():
        wanted[(meti_content.METI_HOST, anpo.path)] = ("meti", anpo.title, None)
    pages = []
    for (host, path), (source, title, listed) in sorted(wanted.items()):
        url = f"https://{host}{path}"
        if is_file_url(url):
            continue
        answer = app.handle(ReplicaRequest("GET", host, path))
        if answer.status == 200:
            entry = ListedNotice(url=url, title=title, listed_date=listed)
            pages.append(ReplicaPage(source, entry, answer.body))
    return pages


@pytest.mark.parametrize("state", STATES)
def test_reference_agrees_on_replica_pages(state: int) -> None:
    pages = replica_pages(state)
    assert len(pages) > 150
    for page in pages:
        check_agrees(page.response().text, page.entry.url)


@pytest.mark.parametrize("name", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_reference_agrees_on_replica_templates(name: str) -> None:
    check_agrees((TEMPLATES / name).read_text(encoding="utf-8"), name)


REAL_PAGES = sorted(REFERENCE_PAGES.glob("*/*.html"))


@pytest.mark.skipif(not REAL_PAGES, reason="../shared/reference-pages absent")
@pytest.mark.parametrize("path", REAL_PAGES, ids=lambda p: p.name)
def test_reference_agrees_on_real_pages(path: Path) -> None:
    assert check_agrees(path.read_text(encoding="utf-8"), path.name) > 50


SPIDER_CLASSES = {
    "mofcom": mofcom.MofcomSpider,
    "mofcom-bis": mofcom_bis.MofcomBisSpider,
    "mofcom-ecl": mofcom_ecl.MofcomEclSpider,
    "mofcom-en": mofcom_en.MofcomEnSpider,
    "mofa-ja": mofa_ja.MofaJaSpider,
    "mofa-en": mofa_en.MofaEnSpider,
    "meti": meti.MetiSpider,
    "mofa-oshirase": generic.GenericSpider,
}
SPIDER_MODULES = (
    base_spider,
    mofa_site,
    mofcom_site,
    generic,
    meti,
    mofa_en,
    mofa_ja,
    mofcom_ecl,
    mofcom_en,
)


def markup_of(node: Any) -> str:
    """What the spiders used to hand html_to_text: the node's markup (without its tail)."""
    if isinstance(node, str):
        return node
    root = node.root if isinstance(node, Selector) else node
    return etree.tostring(root, method="html", encoding="unicode", with_tail=False)


@pytest.mark.parametrize("state", STATES)
def test_spiders_read_every_node_as_the_reference_does(
    state: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every html_to_text call the spiders make on every replica detail page (the content
    node, METI's table cells...) gives the former implementation's text for its markup."""
    calls: list[str] = []

    def checked(node: Any) -> str:
        text = html_to_text(node)
        assert text == reference_html_to_text(markup_of(node)), markup_of(node)[:200]
        calls.append(text)
        return text

    for module in SPIDER_MODULES:
        if hasattr(module, "html_to_text"):
            monkeypatch.setattr(module, "html_to_text", checked)
    pages = replica_pages(state)
    spiders = {}
    for name, spider_class in SPIDER_CLASSES.items():
        spider = spider_class(source=name)
        spider.config = REPLICA_CONFIG
        spider.source = REPLICA_CONFIG.source(name)
        # Every page counts as stored: METI keeps its releases without classifying them.
        spider.known = {page.entry.url: None for page in pages}
        if name == "mofa-oshirase":
            spider.options = generic.parse_options(spider.source)
        spiders[name] = spider
    for page in pages:
        notice = spiders[page.source].detail_item(page.response(), page.entry).notice
        assert notice.text in calls
    assert len(calls) >= len(pages) > 150


HTML_TOKENS = (
    "<p>", "</p>", "<div>", "</div>", "<br>", "<br/>", "<pre>", "</pre>", "<table>",
    "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<b>", "</b>", "<span>", "</span>",
    "<a href='#'>", "</a>", "<ul>", "<li>", "</ul>", "<h1>", "</h1>", "<title>", "</title>",
    "<textarea>", "</textarea>", "<script>x<b>y</b></script>", "<style>p{}</style>",
    "<noscript>n<p>q</p></noscript>", "<template><p>t</p></template>", "<iframe>f</iframe>",
    "<!-- c -->", "<?pi x?>", "<!DOCTYPE html>", "<html>", "<body>", "</body>", "&nbsp;",
    "&amp;", "&lt;", "&#12288;", "&bogus;", "\n", " ", "\t", "\r\n", "\u3000",
)  # fmt: skip
random_html = st.lists(
    st.one_of(
        st.sampled_from(HTML_TOKENS),
        st.text(alphabet="ab1 中文かな，。①Ａｶﾞ\n\t\u00a0\u200b<>&", max_size=6),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(random_html)
def test_reference_agrees_on_random_markup(markup: str) -> None:
    assert html_to_text(markup) == reference_html_to_text(markup)
    page = Selector(text=markup)
    for node in [page, *page.xpath("//*")]:
        assert html_to_text(node) == reference_html_to_text(node.get()), node.get()
