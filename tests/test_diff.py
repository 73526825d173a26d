"""Tests for monitors.text.diff."""

from __future__ import annotations

import pytest

from monitors.text.diff import (
    REWRITE_RATIO,
    DiffLine,
    Segment,
    TextDiff,
    diff_texts,
    display_lines,
    is_rewrite,
    render_unified,
    similarity,
    tokenize,
)
from monitors.text.normalize import normalize_text


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("两用物项", ["两", "用", "物", "项"]),
        ("ECCN 1C902.a", ["ECCN", " ", "1C902.a"]),
        ("5A002.a.1和1C902", ["5A002.a.1", "和", "1C902"]),
        ("foo_bar-baz.", ["foo_bar-baz", "."]),
        ("第61号", ["第", "61", "号"]),
        ("（注）：a,b", ["（", "注", "）", "：", "a", ",", "b"]),
        ("カタカナ", ["カ", "タ", "カ", "ナ"]),
        ("2026-01-06", ["2026-01-06"]),
        ("a  b", ["a", " ", " ", "b"]),
        ("a\nb", ["a", "\n", "b"]),
        ("", []),
    ],
)
def test_tokenize(text: str, tokens: list[str]) -> None:
    assert tokenize(text) == tokens
    assert "".join(tokenize(text)) == text


def test_one_character_cjk_change() -> None:
    diff = diff_texts("关于加强两用物项出口管制的公告", "关于加强两用物品出口管制的公告")
    assert len(diff.lines) == 1
    line = diff.lines[0]
    assert line.op == "replace"
    assert line.old == "关于加强两用物项出口管制的公告"
    assert line.new == "关于加强两用物品出口管制的公告"
    assert line.segments == (
        Segment("equal", "关于加强两用物"),
        Segment("delete", "项"),
        Segment("insert", "品"),
        Segment("equal", "出口管制的公告"),
    )
    deletes = [s for s in line.segments if s.op == "delete"]
    inserts = [s for s in line.segments if s.op == "insert"]
    assert [len(s.text) for s in deletes] == [1]
    assert [len(s.text) for s in inserts] == [1]


def test_code_token_changes_as_a_whole() -> None:
    diff = diff_texts("物项编码 1C902.a 管制", "物项编码 1C902.b 管制")
    assert diff.lines[0].segments == (
        Segment("equal", "物项编码 "),
        Segment("delete", "1C902.a"),
        Segment("insert", "1C902.b"),
        Segment("equal", " 管制"),
    )


def test_whitespace_only_changes_inside_cjk_give_empty_diff() -> None:
    old = normalize_text("关于加强两用物项出口管制\n第一条 内容")
    new = normalize_text("关于 加强\u3000两用物项出口管制  \n\n第一条　内容")
    assert old == new
    diff = diff_texts(old, new)
    assert diff.is_empty
    assert diff.lines == ()
    assert diff.added_lines == 0
    assert diff.removed_lines == 0
    assert diff.added_text() == ""
    assert render_unified(diff) == ""


@pytest.mark.parametrize(
    ("old", "new", "ops"),
    [
        ("a\nb", "a\nb\nc", ["equal", "equal", "insert"]),
        ("a\nb\nc", "a\nc", ["equal", "delete", "equal"]),
        ("x", "y", ["replace"]),
        ("a\nx\ny\nb", "a\nX\nb", ["equal", "replace", "delete", "equal"]),
        ("a\nx\nb", "a\nX\nY\nZ\nb", ["equal", "replace", "insert", "insert", "equal"]),
        ("", "new", ["insert"]),
        ("old", "", ["delete"]),
        ("", "", []),
    ],
)
def test_line_ops(old: str, new: str, ops: list[str]) -> None:
    assert [line.op for line in diff_texts(old, new).lines] == ops


def test_replace_block_pairs_lines_in_order() -> None:
    diff = diff_texts("a\nx1\nx2\nb", "a\ny1\nb")
    assert diff.lines[1] == DiffLine(
        "replace", "x1", "y1", (Segment("delete", "x1"), Segment("insert", "y1"))
    )
    assert diff.lines[2] == DiffLine("delete", "x2", None, (Segment("delete", "x2"),))


def test_context_and_gap_markers() -> None:
    old = "\n".join(f"line{i}" for i in range(10))
    new = old.replace("line5", "LINE5")
    diff = diff_texts(old, new, context=2)
    rendered = [(line.op, line.old, line.is_gap) for line in diff.lines]
    assert rendered == [
        ("equal", "…", True),
        ("equal", "line3", False),
        ("equal", "line4", False),
        ("replace", "line5", False),
        ("equal", "line6", False),
        ("equal", "line7", False),
        ("equal", "…", True),
    ]
    assert diff.lines[0] == DiffLine("equal", "…", "…", ())


def test_gap_between_two_hunks_and_no_gap_when_close() -> None:
    old = "\n".join(f"l{i}" for i in range(12))
    far = old.replace("l1\n", "L1\n").replace("l10", "L10")
    lines = diff_texts(old, far, context=1).lines
    assert [line.op for line in lines] == [
        "equal", "replace", "equal", "equal", "equal", "replace", "equal",
    ]  # fmt: skip
    assert [line.is_gap for line in lines].count(True) == 1
    assert lines[3].is_gap
    close = old.replace("l1\n", "L1\n").replace("l3\n", "L3\n")
    assert not any(line.is_gap for line in diff_texts(old, close, context=1).lines[:5])


@pytest.mark.parametrize(("context", "count"), [(0, 1), (1, 3), (2, 5), (100, 10)])
def test_context_sizes(context: int, count: int) -> None:
    old = "\n".join(f"line{i}" for i in range(10))
    diff = diff_texts(old, old.replace("line5", "LINE5"), context=context)
    assert len([line for line in diff.lines if not line.is_gap]) == count


def test_negative_context_rejected() -> None:
    with pytest.raises(ValueError):
        diff_texts("a", "b", context=-1)


def test_counts_and_added_text_exclude_unchanged_text() -> None:
    old = "第一条 不变的内容\n对稀土物项实施管制\n删除的一行\n尾部"
    new = "第一条 不变的内容\n对稀土及锂电池物项实施管制\n尾部\n新增条款：石墨负极"
    diff = diff_texts(old, new)
    assert diff.added_lines == 2
    assert diff.removed_lines == 2
    assert not diff.is_empty
    assert diff.added_text() == "及锂电池\n新增条款：石墨负极"
    assert "不变" not in diff.added_text()
    assert "稀土" not in diff.added_text()


def test_render_unified() -> None:
    old = "标题\n对稀土物项实施管制\n删除的一行\n尾部"
    new = "标题\n对稀土及锂电池物项实施管制\n尾部\n新增"
    assert render_unified(diff_texts(old, new)) == "\n".join(
        [
            "  标题",
            "~ 对稀土{+及锂电池+}物项实施管制",
            "- 删除的一行",
            "  尾部",
            "+ 新增",
        ]
    )


def test_render_unified_replace_and_gap() -> None:
    old = "\n".join(["a", "b", "c", "d", "关于加强两用物项"])
    new = "\n".join(["a", "b", "c", "d", "关于加强两用物品"])
    assert render_unified(diff_texts(old, new, context=1)) == "\n".join(
        ["  …", "  d", "~ 关于加强两用物[-项-]{+品+}"]
    )


def test_json_round_trip() -> None:
    old = "\n".join(["a", "b", "c", "d", "关于加强两用物项", "x"])
    new = "\n".join(["a", "b", "c", "d", "关于加强两用物品", "y", "z"])
    diff = diff_texts(old, new, context=1)
    payload = diff.to_json()
    assert "两用物品" in payload  # not ASCII-escaped
    restored = TextDiff.from_json(payload)
    assert restored == diff
    assert restored.lines[0].is_gap
    assert TextDiff.from_json(TextDiff(()).to_json()) == TextDiff(())


@pytest.mark.parametrize(
    "payload",
    [
        "{}",
        '{"lines": [{"op": "bogus", "old": "a", "new": "b", "segments": []}]}',
        '{"lines": [{"op": "equal", "old": "a", "new": "a", "segments": [["x", "a"]]}]}',
        '{"lines": [{"op": "equal"}]}',
        "not json",
    ],
)
def test_from_json_rejects_malformed(payload: str) -> None:
    with pytest.raises(ValueError):
        TextDiff.from_json(payload)


def test_invalid_ops_rejected() -> None:
    with pytest.raises(ValueError):
        Segment("replace", "x")
    with pytest.raises(ValueError):
        DiffLine("move", "a", "b", ())


# ---- mostly rewritten lines: removed + added, small edits inline ---------------------------

REWRITTEN_OLD = "输出管理令的一部分修改已于本月公布，详见附件。"
REWRITTEN_NEW = "根据外汇法第16条，许可申请应于三月底前提交。"


def test_mostly_rewritten_line_is_shown_as_removed_then_added() -> None:
    diff = diff_texts(f"标题\n{REWRITTEN_OLD}", f"标题\n{REWRITTEN_NEW}")
    line = diff.lines[1]
    assert line.op == "replace"  # stored as a replaced line: only its display changes
    assert similarity(line.segments) < REWRITE_RATIO and is_rewrite(line)
    assert display_lines(diff)[1:] == (
        DiffLine("delete", REWRITTEN_OLD, None, (Segment("delete", REWRITTEN_OLD),)),
        DiffLine("insert", None, REWRITTEN_NEW, (Segment("insert", REWRITTEN_NEW),)),
    )
    assert render_unified(diff) == f"  标题\n- {REWRITTEN_OLD}\n+ {REWRITTEN_NEW}"
    assert diff.added_lines == 1 and diff.removed_lines == 1  # counts unchanged


def test_rewritten_english_line_ignores_shared_spaces_and_punctuation() -> None:
    old = "The quick brown fox jumps over the lazy dog."
    new = "A completely different sentence about the export of goods."
    assert render_unified(diff_texts(old, new)) == f"- {old}\n+ {new}"


@pytest.mark.parametrize(
    ("old", "new", "inline"),
    [
        (
            "会议将于2026年3月在丹佛举行。",
            "会议将于2026年3月在奥罗拉举行。",
            "~ 会议将于2026年3月在[-丹佛-]{+奥罗拉+}举行。",
        ),
        ("第5条", "第6条", "~ 第[-5-]{+6+}条"),
        (
            "Export of item 1C902.a",
            "Export of item 1C902.b",
            "~ Export of item [-1C902.a-]{+1C902.b+}",
        ),
        # a pure insertion reads well inline, however long
        (
            "一、稀土",
            "一、稀土（含稀土永磁体及其制造技术）",
            "~ 一、稀土{+（含稀土永磁体及其制造技术）+}",
        ),
    ],
)
def test_small_edits_stay_inline(old: str, new: str, inline: str) -> None:
    diff = diff_texts(old, new)
    assert not is_rewrite(diff.lines[0])
    assert display_lines(diff) == diff.lines
    assert render_unified(diff) == inline


def test_similarity_counts_content_tokens_only() -> None:
    line = diff_texts("甲，乙。", "丙，丁。").lines[0]
    assert similarity(line.segments) == 0.0  # only the punctuation survived
    assert similarity((Segment("equal", "，"),)) == 1.0  # no content at all
    assert not is_rewrite(DiffLine("equal", "a", "a", (Segment("equal", "a"),)))


def test_first_added_line() -> None:
    diff = diff_texts("a\nb\nc", "a\nB b\nc\nd")
    assert diff.first_added_line() == "d"  # a new line before an edited one
    assert diff_texts("a\n第5条 x", "a\n第6条 x").first_added_line() == "第6条 x"
    rewritten = diff_texts(f"日付1\n{REWRITTEN_OLD}", f"日付2\n{REWRITTEN_NEW}")
    assert rewritten.first_added_line() == REWRITTEN_NEW
    assert diff_texts("a\nb", "a").first_added_line() is None
    assert TextDiff(()).first_added_line() is None
