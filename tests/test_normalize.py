"""Tests for monitors.normalize."""

from __future__ import annotations

import hashlib

import pytest
from bs4 import BeautifulSoup

from monitors.normalize import content_hash, html_to_text, is_cjk, normalize_text


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
        ("<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>", "A B\nC"),
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
