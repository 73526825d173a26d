"""monitors.mail.safetext: invisible control and format characters out of scraped text."""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass

import pytest
from markupsafe import Markup

from monitors.mail.messages import header_safe
from monitors.mail.safetext import (
    CONTROL_CLASS,
    FORMAT_CLASS,
    clean_line,
    clean_text,
    clean_view,
    is_invisible,
)
from monitors.text.diff import diff_texts

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\xad"
#: Text that must come out exactly as it went in.
LEGITIMATE = [
    "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告",
    "中国による日本向け両用品目の輸出管理措置について（外務報道官談話）",
    "輸出令別表第3の2\u3000外為令別表",  # ideographic space
    "①　※〔〕「」『』【】《》〈〉・～",
    "Protest by Director-General KANAI Masaaki — “dual-use” items…",
    "emoji 😀 👍🏽 ❤️ 🇯🇵",  # skin tone modifier, variation selector, regional indicators
    "한국어 العربية עברית Ελληνικά",
]


def test_classes_cover_exactly_the_invisible_categories() -> None:
    controls = re.compile(f"[{CONTROL_CLASS}]")
    formats = re.compile(f"[{FORMAT_CLASS}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        in_class = bool(controls.match(char) or formats.match(char))
        if is_invisible(char):
            assert in_class, f"U+{code:04X} ({category}) is not removed"
        elif in_class:  # assigned in a later Unicode version than this Python's
            assert category == "Cn", f"U+{code:04X} ({category}) is removed"
    assert not controls.match("\t") and not controls.match("\n")


@pytest.mark.parametrize("text", LEGITIMATE)
def test_legitimate_text_is_kept(text: str) -> None:
    assert clean_text(text) == text
    assert clean_line(text) == text
    assert header_safe(text) == text


@pytest.mark.parametrize("char", list(BIDI + ZERO_WIDTH + "\U000e0041\ufff9\u2064"))
def test_format_characters_are_removed(char: str) -> None:
    assert clean_text(f"两用{char}物项") == "两用物项"
    assert clean_line(f"a{char}b") == "ab"
    assert header_safe(f"a{char}b") == "ab"


def test_a_right_to_left_override_no_longer_reorders() -> None:
    spoofed = "商务部公告 invoice\u202efdp.exe\u202c"
    assert clean_line(spoofed) == "商务部公告 invoicefdp.exe"


@pytest.mark.parametrize(
    ("text", "multiline", "one_line"),
    [
        ("a\r\nb", "a\nb", "a b"),
        ("a\rb\nc", "a\nb\nc", "a b c"),
        ("a\u2028b\u2029c", "a\nb\nc", "a b c"),
        ("a\x0bb\x0cc\x85d", "a\nb\nc\nd", "a b c d"),
        ("a\x00b", "a b", "a b"),
        ("a\x1b[31mb", "a [31mb", "a [31mb"),  # ESC: no terminal escape survives
        ("a\x9bb\x7fc", "a b c", "a b c"),  # C1 CSI, DEL
        ("a\tb", "a\tb", "a\tb"),
    ],
)
def test_line_breaks_and_control_characters(text: str, multiline: str, one_line: str) -> None:
    assert clean_text(text) == multiline
    assert clean_line(text) == one_line


def test_zwj_of_an_emoji_sequence_goes_the_emoji_stay() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_line(family) == "\U0001f468\U0001f469\U0001f467"


@dataclass(frozen=True)
class Inner:
    text: str
    label: str


@dataclass(frozen=True)
class Outer:
    title: str
    excerpt: str
    items: tuple[Inner, ...]
    markup: Markup
    count: int
    missing: str | None = None


def test_clean_view_cleans_every_string_of_nested_views() -> None:
    view = Outer(
        title="商务部\u202e公告\r\nBcc: x@example.org",
        excerpt="第一行\u200b\r\n第二行",
        items=(Inner("a\u2066\nb", "c\u2028d"), Inner("ok", "ok")),
        markup=Markup("<b>\u202e</b>"),
        count=3,
    )
    cleaned = clean_view(view)
    assert cleaned.title == "商务部公告 Bcc: x@example.org"
    assert cleaned.excerpt == "第一行\n第二行"  # a multi-line field keeps its lines
    assert cleaned.items[0] == Inner("a\nb", "c d")
    assert cleaned.items[1] is view.items[1]
    assert cleaned.markup is view.markup  # built HTML is not touched
    assert cleaned.count == 3 and cleaned.missing is None
    assert view.title.startswith("商务部\u202e")  # the original is left as it was


def test_clean_view_returns_a_clean_view_itself() -> None:
    view = Outer("标题", "正文\n第二行", (Inner("a", "b"),), Markup(""), 1)
    assert clean_view(view) is view


def test_clean_view_cleans_diffs_line_by_line() -> None:
    diff = diff_texts("两用物项\n第二行", "两用\u200b物项\u202e\n第二行")
    cleaned = clean_view(diff)
    texts = [s.text for line in cleaned.lines for s in line.segments]
    assert not any(is_invisible(c) for text in texts for c in text)
    assert [line.op for line in cleaned.lines] == [line.op for line in diff.lines]
