"""Table text: cells kept apart by `` | `` through extraction, normalisation, diffs and the
change detector's upgrade from text extracted without separators.

The METI 改正情報 table diff is compared with ``tests/golden/meti_law09_table_diff.txt``;
``UPDATE_GOLDEN=1 pytest tests/test_table_text.py`` (re)writes it — read its diff first.
"""

from __future__ import annotations

import difflib
import logging
import os
from dataclasses import replace
from datetime import date
from html import escape
from pathlib import Path

import pytest
from parsel import Selector

from crawler.spiders.meti import content_text
from monitors.changes import detect
from monitors.storage.models import Attachment, FetchedNotice
from monitors.storage.store import Store
from monitors.text.diff import diff_texts, render_unified
from monitors.text.normalize import (
    html_to_text,
    legacy_text,
    normalize_text,
    only_separators_differ,
    separator_blind,
    table_row,
)
from tests.replica.content import meti as meti_content
from tests.replica.content.meti import Amendment, reiwa

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# -- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # a header row and data rows: one line each, cells joined by " | "
        (
            "<table><tr><th>公布日</th><th>施行日</th><th>改正内容</th></tr>"
            "<tr><td>令和8年1月8日</td><td>令和8年2月1日</td><td>輸出貿易管理令</td></tr></table>",
            "公布日 | 施行日 | 改正内容\n令和8年1月8日 | 令和8年2月1日 | 輸出貿易管理令",
        ),
        # thead/tbody/caption; lines inside a cell joined by " / "
        (
            "<table><caption>改正情報一覧</caption><thead><tr><th>公布日</th><th>内容</th></tr>"
            "</thead><tbody><tr><td>令和8年1月8日</td><td>政令<br><a href='a.pdf'>新旧対照表</a>"
            "</td></tr></tbody></table>",
            "改正情報一覧\n公布日 | 内容\n令和8年1月8日 | 政令 / 新旧対照表",
        ),
        # empty cells are dropped: no "| |", no leading or trailing separator
        (
            "<table><tr><td></td><td>A</td><td> &nbsp; </td><td>B</td><td>\u3000</td></tr>"
            "<tr><td></td><td></td></tr></table>",
            "A | B",
        ),
        # a layout table (one cell per row) stays plain paragraphs
        (
            "<table><tr><td><p>第一条 禁止出口。</p><p>第二条 施行。</p></td></tr>"
            "<tr><td></td><td>附则</td></tr></table>",
            "第一条禁止出口。\n第二条施行。\n附则",
        ),
        # a nested table: its rows become lines of the outer cell
        (
            "<table><tr><td>令和8年2月1日<table><tr><td>内</td><td>表</td></tr></table></td>"
            "<td>政令</td></tr></table>",
            "令和8年2月1日 / 内 | 表 | 政令",
        ),
        # cells with paragraphs (MOFCOM lists) still make one line per row
        (
            "<table><tr><td><p>序号</p></td><td><p>名称</p></td></tr>"
            "<tr><td><p>1</p></td><td><p>某某公司</p></td></tr></table>",
            "序号 | 名称\n1 | 某某公司",
        ),
        # unclosed cells and rows (repaired), text around the table
        (
            "<p>前文</p><table><tr><td>A<td>B<tr><td>C<td>D</table>後文",
            "前文\nA | B\nC | D\n後文",
        ),
        # full-width vertical bars in the text are folded by NFKC, the cells still apart
        ("<table><tr><td>甲｜乙</td><td>丙</td></tr></table>", "甲|乙 | 丙"),
    ],
)
def test_table_rows_and_cells(html: str, expected: str) -> None:
    assert html_to_text(html) == expected
    assert html_to_text(Selector(text=html)) == expected  # the parsed tree reads the same


def test_meti_content_text_is_html_to_text() -> None:
    html = "<div><table><tr><td>令和8年1月8日</td><td>政令</td></tr></table></div>"
    assert content_text(Selector(text=html)) == "令和8年1月8日 | 政令"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["A", "B"], "A | B"),
        (["", "A", " ", "B", ""], "A | B"),
        (["only"], "only"),
        (["line 1\nline 2"], "line 1\nline 2"),
        (["a\n\nb", "c"], "a / b | c"),
        (["  x\t y  ", "z"], "x y | z"),
        ([], ""),
        (["", " \n "], ""),
    ],
)
def test_table_row(cells: list[str], expected: str) -> None:
    assert table_row(cells) == expected


@pytest.mark.parametrize(
    "text",
    [
        "令和8年1月8日 | 令和8年2月1日 | 輸出貿易管理令",
        "公布日 ｜ 施行日",  # full-width bar with spaces
        "甲 | 乙 / 丙 |",
        "A | B\n中 文 | 日本\n\u3000| x |\u3000",
        "ＡＢ | ｶﾞ | ①",
    ],
)
def test_separators_survive_normalisation_and_are_stable(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert " | " in once or once.endswith(" |")


def test_cjk_gap_rule_still_applies_outside_tables() -> None:
    html = "<p>关于 加强 两用物项</p><table><tr><td>中 文</td><td>日 本</td></tr></table>"
    assert html_to_text(html) == "关于加强两用物项\n中文 | 日本"
    assert normalize_text("商务部 海关总署 | 公告") == "商务部海关总署 | 公告"


# -- legacy text: what the extraction before the separators produced -------------------------


def old_html_to_text(html: str) -> str:
    """The extraction before this rule: a space before each cell, rows as block lines."""
    spaced = html.replace("<td>", "<span> </span><span>").replace("</td>", "</span>")
    spaced = spaced.replace("<th>", "<span> </span><span>").replace("</th>", "</span>")
    spaced = spaced.replace("<tr>", "<p>").replace("</tr>", "</p>")
    return html_to_text(spaced.replace("<table>", "<div>").replace("</table>", "</div>"))


OLD_AND_NEW = (
    "<p>改正情報一覧</p><table><tr><th>公布日</th><th>施行日</th><th>改正内容</th></tr>"
    "<tr><td>令和8年1月8日</td><td>令和8年2月1日</td><td>輸出貿易管理令の一部を改正する政令</td>"
    "</tr><tr><td>令和7年9月29日</td><td></td><td>End User List</td></tr></table>"
)


def test_legacy_text_is_the_old_extraction() -> None:
    old, new = old_html_to_text(OLD_AND_NEW), html_to_text(OLD_AND_NEW)
    assert "令和8年1月8日令和8年2月1日輸出貿易管理令" in old  # the bug
    assert "令和8年1月8日 | 令和8年2月1日 | 輸出貿易管理令" in new
    assert legacy_text(new) == old
    assert only_separators_differ(old, new)


def test_separator_blind_covers_cells_that_held_several_lines() -> None:
    html = "<table><tr><td><p>序号</p></td><td><p>名称</p><p>地址</p></td></tr></table>"
    old = old_html_to_text(html)
    new = html_to_text(html)
    assert (old, new) == ("序号\n名称\n地址", "序号 | 名称 / 地址")
    assert separator_blind(old) == separator_blind(new)
    assert only_separators_differ(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("令和8年1月8日令和8年2月1日", "令和8年1月8日 | 令和8年2月2日"),  # a date changed
        ("公布日 施行日", "公布日 | 施行日 | 備考"),  # a column added
        ("a b", "a  b\n"),  # same text (after normalisation there is nothing to tell)
        ("ab c", "a bc"),  # whitespace alone is not a separator change
        ("A | B", "A | B"),
    ],
)
def test_not_only_separators(old: str, new: str) -> None:
    assert not only_separators_differ(normalize_text(old), normalize_text(new))


# -- the upgrade: stored text without separators is not a change -----------------------------

URL = "https://www.meti.go.jp/policy/anpo/law09.html"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "dualwatch.db")
    opened.ensure_source("meti", "METI", "meti")
    yield opened
    opened.close()


def page(text: str, **changes: object) -> FetchedNotice:
    base = FetchedNotice(
        source="meti",
        url=URL,
        title="改正情報",
        text=text,
        raw_html=b"<html>raw</html>",
        attachments=(Attachment("新旧対照表", f"{URL[:-11]}/kaisei/r8.pdf"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_upgrade_stores_separated_text_without_a_change(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = old_html_to_text(OLD_AND_NEW), html_to_text(OLD_AND_NEW)
    first = detect.record_fetch(store, page(old), run_id=None, baseline=True)
    with caplog.at_level(logging.INFO, logger="monitors.changes.detect"):
        upgraded = detect.record_fetch(store, page(new), run_id=None, baseline=False)
        again = detect.record_fetch(store, page(new), run_id=None, baseline=False)
    assert (upgraded.kind, again.kind) == ("unchanged", "unchanged")
    assert store.list_changes() == []
    versions = store.versions_of(first.notice_id)
    assert [v.text for v in versions] == [old, new]  # the old version kept as stored
    assert store.notice_row("meti", URL)["current_version_id"] == versions[-1].id
    messages = [r.getMessage() for r in caplog.records if "re-extracted" in r.getMessage()]
    assert messages == [f"{URL}: re-extracted with table separators, content unchanged"]

    changed_html = OLD_AND_NEW.replace("令和8年2月1日", "令和8年2月2日")
    modified = detect.record_fetch(
        store, page(html_to_text(changed_html)), run_id=None, baseline=False
    )
    assert modified.kind == "modified"
    [change] = store.list_changes()
    assert change.kind == "modified"
    diff = render_unified(store.get_change(modified.change_id).diff.body)
    assert "~ 令和8年1月8日 | 令和8年2月[-1-]{+2+}日 | 輸出貿易管理令の一部を改正する政令" in diff


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "改正情報（更新）"},
        {"attachments": ()},
    ],
)
def test_upgrade_with_another_title_or_attachments_is_a_change(
    store: Store, changes: dict[str, object]
) -> None:
    old, new = old_html_to_text(OLD_AND_NEW), html_to_text(OLD_AND_NEW)
    detect.record_fetch(store, page(old), run_id=None, baseline=True)
    outcome = detect.record_fetch(store, page(new, **changes), run_id=None, baseline=False)
    assert outcome.kind == "modified"
    assert [c.kind for c in store.list_changes()] == ["modified"]


def test_upgrade_with_a_real_text_change_is_a_change(store: Store) -> None:
    old = old_html_to_text(OLD_AND_NEW)
    new = html_to_text(OLD_AND_NEW.replace("令和7年9月29日", "令和7年9月30日"))
    detect.record_fetch(store, page(old), run_id=None, baseline=True)
    outcome = detect.record_fetch(store, page(new), run_id=None, baseline=False)
    assert outcome.kind == "modified"


# -- golden: a METI 改正情報 table diff ---------------------------------------------------------


def law09_table(rows: list[Amendment]) -> str:
    """The 改正情報 table as the replica's ``meti_anpo.html`` renders it for law09."""
    body = "".join(
        f"<tr><td>{reiwa(row.promulgated)}</td><td>{reiwa(row.effective)}</td>"
        f"<td>{escape(row.title)}"
        + (f'<br><a href="{row.pdf.path}">{escape(row.pdf.label)}</a>' if row.pdf else "")
        + "</td></tr>\n"
        for row in rows
    )
    return (
        "<div id='__main_contents'><p>安全保障貿易管理に関係する法令等の改正情報を掲載しています。"
        "</p>\n<table class='tbl_kaisei'>\n<caption>改正情報一覧</caption>\n<thead><tr>"
        "<th scope='col'>公布日</th><th scope='col'>施行日</th><th scope='col'>改正内容</th>"
        f"</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>"
    )


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>, or (re)write it when UPDATE_GOLDEN=1."""
    path = GOLDEN / name
    if UPDATE:
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
            tofile="rendered now",
        )
        pytest.fail(f"{name} differs (UPDATE_GOLDEN=1 rewrites it):\n" + "".join(diff))


def test_meti_amendment_table_diff_golden() -> None:
    """Version 2 adds the 令和8年1月8日 row and moves one 施行日 (令和7年10月9日 → 10月1日)."""
    rows = sorted(meti_content.amendments(), key=lambda a: a.promulgated, reverse=True)
    before_rows = [row for row in rows if row.since == 1]
    after_rows = [
        replace(row, effective=date(2025, 10, 1)) if row.promulgated == date(2025, 5, 28) else row
        for row in rows
    ]
    before = content_text(Selector(text=law09_table(before_rows)))
    after = content_text(Selector(text=law09_table(after_rows)))
    rendered = render_unified(diff_texts(before, after))
    check_golden("meti_law09_table_diff.txt", rendered + "\n")
    lines = rendered.splitlines()
    assert "  公布日 | 施行日 | 改正内容" in lines
    assert any(
        line.startswith("+ 令和8年1月8日 | 令和8年2月1日 | 輸出貿易管理令") for line in lines
    )
    assert any(line.startswith("~ 令和7年5月28日 | 令和7年10月[-9-]{+1+}日 | ") for line in lines)
