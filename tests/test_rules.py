"""Tests for monitors.rules.ruleset: term matching in zh/ja/en, groups, filters, config, explain."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from monitors.core.config import load_config
from monitors.core.errors import ConfigError
from monitors.rules.load import load_rules, parse_rules
from monitors.rules.ruleset import (
    DEFAULT_RULES_PATH,
    RuleMatch,
    RuleSet,
    explain,
    matchable_text,
    matched_topics,
)
from monitors.text.diff import diff_texts
from monitors.text.normalize import html_to_text

ROOT = Path(__file__).resolve().parent.parent


def one_term(term: str) -> RuleSet:
    """A rule set with a single topic ``t`` whose only term is ``term``."""
    return parse_rules({"topics": {"t": {"title": "T", "priority": 1, "any": [term]}}})


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    """The shipped config/rules.toml, validated against the shipped sources."""
    config = load_config(ROOT / "config" / "dualwatch.toml")
    return load_rules(DEFAULT_RULES_PATH, known_sources=config.sources)


# --- single terms: three languages, full-width, whitespace, case, boundaries ----------------

TERM_CASES = [
    # Chinese, simplified
    ("两用物项", "关于加强两用物项对日本出口管制的公告", True),
    ("两用物项", "关于加强两用 物项对日本出口管制", True),  # space inside CJK
    ("两用物项", "关于加强两用\u3000物项", True),  # ideographic space
    ("两用物项", "关于加强两用\n物项", True),  # line break (PDF text)
    ("两用 物项", "关于加强两用物项", True),  # the term itself written with a space
    ("稀土", "公布对境外相关稀土物项实施出口管制的决定", True),
    ("两用物项", "两用技术", False),
    # Chinese, traditional (no conversion: both forms are listed in the config)
    ("兩用物項", "關於加強兩用物項對日本出口管制的公告", True),
    ("两用物项", "關於加強兩用物項", False),
    ("不可靠實體清單", "不可靠實體 清單工作機制", True),
    # Japanese, including half-width katakana and ・ between katakana
    ("両用品目", "中国による日本向け両用品目の輸出管理措置について", True),
    ("輸出貿易管理令", "輸出　貿易　管理令の一部を改正する政令", True),
    ("デュアルユース", "デュアル・ユース品目", True),
    ("デュアルユース", "ﾃﾞｭｱﾙﾕｰｽ", True),
    ("外国ユーザーリスト", "外国ユーザー・リストの改正", True),
    ("レアアース", "レアメタル", False),
    # English: case, spaces, hyphens, plurals, word boundaries
    ("export control", "Export Control", True),
    ("export control", "export  controls", True),
    ("export control", "EXPORT-CONTROL LAW", True),
    ("export control", "export\ncontrol", True),
    ("export control", "exportcontrol", False),
    ("export control", "export controller", False),
    ("dual-use", "ＤＵＡＬ－ＵＳＥ ITEMS", True),  # full-width
    ("dual-use", "Dual Use items", True),
    ("dual-use", "Dual\u2010Use items", True),  # U+2010 hyphen
    ("chip", "advanced chips", True),
    ("chip", "Chip", True),
    ("chip", "chipset", False),
    ("chip", "microchip", False),
    ("chip", "半导体chip出口", True),  # CJK next to Latin is a boundary
    ("chip*", "chipmakers", True),
    ("entity", "Unreliable Entities", True),
    ("lithium battery", "Lithium Batteries", True),
    ("sanction", "sanctioned", False),
    # codes
    ("1C902", "１Ｃ９０２．ａ", True),  # full-width
    ("1C902", "ECCN 1C902.a", True),
    ("1C902", "21C902", False),
    # regexes
    ("re:(?<![0-9A-Z])[0-9][A-E][0-9]{3}", "物项编码１Ｃ９０２", True),
    ("re:(?<![0-9A-Z])[0-9][A-E][0-9]{3}", "2025年第18号", False),
    ("re:(?<!申请)移出", "决定将其移出关注名单", True),
    ("re:(?<!申请)移出", "可以向商务部申请移出关注名单", False),
]


@pytest.mark.parametrize(("term", "text", "expected"), TERM_CASES)
def test_term_matching(term: str, text: str, expected: bool) -> None:
    matches = one_term(term).match(title="", text=text)
    assert bool(matches) is expected
    for match in matches:
        assert match.field == "text"
        assert matchable_text(text)[match.start : match.end]
        assert match.snippet


@pytest.mark.parametrize(
    ("term", "html"),
    [
        ("两用物项", "<p>关于加强两用<span>物项</span>对日本出口管制</p>"),
        ("两用物项", "<p>关于加强<b>两</b><i>用</i><a href='#'>物项</a></p>"),
        ("両用品目", "<div>日本向け<strong>両用</strong>品目の輸出管理</div>"),
        ("export control", "<p>Export <em>Control</em> Law</p>"),
        ("dual-use", "<p>ＤＵＡＬ<span>－ＵＳＥ</span></p>"),
    ],
)
def test_term_split_across_html_tags(term: str, html: str) -> None:
    assert one_term(term).match(title="", text=html_to_text(html))


def test_regex_reports_each_distinct_string_once() -> None:
    rules = one_term("re:(?<![0-9A-Z])[0-9][A-E][0-9]{3}")
    matches = rules.match(title="", text="1C902与1E902；另见１Ｃ９０２")
    assert [(m.term, m.start) for m in matches] == [("1C902", 0), ("1E902", 6)]


# --- reporting: fields, order, distinct terms, snippets, priorities --------------------------

REPORT_RULES = """
[topics.low]
title = "Low"
priority = 1
any = ["日本"]

[topics.high]
title = "High"
priority = 9
any = ["出口管制", "两用物项", "两用"]
"""


def test_title_matches_first_and_each_term_once(tmp_path: Path) -> None:
    rules = load_rules(write_rules(tmp_path, REPORT_RULES))
    matches = rules.match(
        title="关于加强两用物项对日本出口管制的公告",
        text="根据出口管制法，两用物项……\n禁止两用物项对日本出口。",
    )
    assert [(m.topic, m.term, m.field) for m in matches] == [
        ("high", "两用物项", "title"),  # 两用物项 and 两用 both start at 4: the longer first
        ("high", "两用", "title"),
        ("high", "出口管制", "title"),
        ("low", "日本", "title"),
    ]
    first = matches[0]
    assert (first.topic_title, first.priority, first.start, first.end) == ("High", 9, 4, 8)
    assert matched_topics(matches) == ["high", "low"]
    assert matched_topics(list(reversed(matches))) == ["high", "low"]


def test_offsets_refer_to_matchable_text() -> None:
    text = "第一条　ＤＵＡＬ－ＵＳＥ　items\n关于加强两用 物项"
    matches = one_term("dual-use").match(title="", text=text)
    assert len(matches) == 1
    assert matchable_text(text)[matches[0].start : matches[0].end] == "DUAL-USE"


def test_snippet_is_cut_with_ellipsis_and_one_line() -> None:
    text = "甲" * 100 + "\n两用物项\n" + "乙" * 100
    (match,) = one_term("两用物项").match(title="", text=text)
    assert match.snippet == "…" + "甲" * 39 + " 两用物项 " + "乙" * 39 + "…"
    (short,) = one_term("两用物项").match(title="两用物项公告", text="")
    assert (short.field, short.snippet) == ("title", "两用物项公告")


def test_highlight_spans_cover_every_occurrence() -> None:
    rules = one_term("export control")
    matches = rules.match(title="", text="Export Controls")
    text = "New export controls; EXPORT-CONTROL law; exportcontrol."
    assert rules.highlight_spans(text, matches) == [(4, 19), (21, 35)]
    assert rules.highlight_spans(text, []) == []
    stale = RuleMatch("gone", "Gone", 1, "export control", "text", "", 0, 14)
    assert rules.highlight_spans(text, [stale]) == []


def test_rule_match_is_frozen_and_checks_its_field() -> None:
    match = RuleMatch("t", "T", 1, "x", "title", "x", 0, 1)
    with pytest.raises(AttributeError):
        match.term = "y"  # type: ignore[misc]
    with pytest.raises(ValueError, match="field"):
        RuleMatch("t", "T", 1, "x", "body", "x", 0, 1)


# --- groups and filters --------------------------------------------------------------------

GROUP_RULES = """
[topics.japan-dual-use]
title = "Dual-use toward Japan"
priority = 5
all = [["两用物项", "兩用物項", "両用品目", "dual-use"], ["日本", "Japan"]]

[topics.japan]
title = "Japan"
priority = 3
any = ["日本", "Japan"]
none = ["反倾销", "dumping"]

[topics.bis-lists]
title = "Control lists (BIS site, announcements)"
priority = 1
any = ["管控名单"]
sources = ["mofcom-bis", "mofcom-ecl"]
doc_types = ["announcement", "list"]
"""

GROUP_CASES = [
    # all: every entry needs one of its alternatives
    ("两用物项对日本出口管制", None, None, {"japan-dual-use", "japan"}),
    ("兩用物項對日本出口管制", None, None, {"japan-dual-use", "japan"}),
    ("日本向け両用品目の輸出管理", None, None, {"japan-dual-use", "japan"}),
    ("Dual-Use Items toward JAPAN", None, None, {"japan-dual-use", "japan"}),
    ("两用物项出口管制", None, None, set()),
    ("对日本出口", None, None, {"japan"}),
    # none: one excluded term turns the topic off
    ("原产于日本的进口卤化丁基橡胶反倾销措施", None, None, set()),
    ("Anti-Dumping Measures on Imports Originating in Japan", None, None, set()),
    ("两用物项对日本出口；另见反倾销", None, None, {"japan-dual-use"}),
    # source and doc_type filters; None (unknown) passes
    ("将3家美国实体列入出口管制管控名单", "mofcom-bis", "announcement", {"bis-lists"}),
    ("将3家美国实体列入出口管制管控名单", "mofcom-ecl", "list", {"bis-lists"}),
    ("将3家美国实体列入出口管制管控名单", "mofcom", "announcement", set()),
    ("将3家美国实体列入出口管制管控名单", "mofcom-bis", "qa", set()),
    ("将3家美国实体列入出口管制管控名单", None, None, {"bis-lists"}),
]


@pytest.mark.parametrize(("text", "source", "doc_type", "expected"), GROUP_CASES)
def test_groups_and_filters(
    tmp_path: Path, text: str, source: str | None, doc_type: str | None, expected: set[str]
) -> None:
    rules = load_rules(write_rules(tmp_path, GROUP_RULES))
    matches = rules.match(title="", text=text, source=source, doc_type=doc_type)
    assert set(matched_topics(matches)) == expected


def test_all_group_reports_every_matching_alternative(tmp_path: Path) -> None:
    rules = load_rules(write_rules(tmp_path, GROUP_RULES))
    matches = rules.match(title="两用物项对日本", text="Japan dual-use")
    terms = [m.term for m in matches if m.topic == "japan-dual-use"]
    assert terms == ["两用物项", "日本", "Japan", "dual-use"]


def test_term_only_in_unchanged_text_of_a_modification_does_not_match(
    shipped: RuleSet,
) -> None:
    """2025 No. 85 (replica state 2): only the effective date changed."""
    head = (
        "根据《中华人民共和国对外贸易法》，现公布《2026年出口许可证管理货物目录》：\n"
        "二、对列入《目录》的两用物项，出口经营者应当同时遵守两用物项出口管制的有关规定。\n"
    )
    old = head + "三、本公告自2026年1月1日起执行。"
    new = head + "三、本公告自2026年1月15日起执行。2026年1月15日前已签发的出口许可证继续有效。"
    added = diff_texts(old, new).added_text()
    assert added and "两用物项" not in added
    assert shipped.match(title="", text=added, source="mofcom") == []
    assert "dual-use" in matched_topics(shipped.match(title="", text=new, source="mofcom"))
    revised = new.replace("货物目录》：", "货物目录》，涉及两用物项：")
    assert "dual-use" in matched_topics(
        shipped.match(title="", text=diff_texts(new, revised).added_text())
    )


# --- the shipped rules on realistic notices --------------------------------------------------

NO1_TEXT = (
    "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》等法律法规有关规定，"
    "为维护国家安全和利益、履行防扩散等国际义务，决定加强两用物项对日本出口管制。\n"
    "禁止所有两用物项对日本军事用户、军事用途，以及一切有助于提升日本军事实力的其他最终用户用途出口。"
)

SHIPPED_CASES = [
    ("商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告", NO1_TEXT, "mofcom",
     "announcement", {"dual-use", "japan"}),
    ("關於加強兩用物項對日本出口管制的公告", "依據《中華人民共和國出口管制法》", None, None,
     {"dual-use", "japan"}),
    ("商务部公告2025年第61号 公布对境外相关稀土物项实施出口管制的决定", "", "mofcom",
     "announcement", {"rare-earths", "dual-use"}),
    ("商务部 海关总署公告2025年第18号 公布对部分中重稀土相关物项实施出口管制的决定",
     "决定对钐、钆、铽、镝、镥、钪、钇等7类中重稀土相关物项实施出口管制。", "mofcom", None,
     {"rare-earths", "dual-use"}),
    ("商务部公告2026年第2号 关于发布《对外贸易经营者备案登记工作指引（2026年版）》的公告",
     "为进一步便利对外贸易经营者办理备案登记，商务部修订了《对外贸易经营者备案登记工作指引》，"
     "现予发布。\n本公告自2026年2月1日起施行。", "mofcom", "announcement", set()),
    ("商务部公告2025年第78号 关于对原产于日本和美国的进口相关卤化丁基橡胶所适用反倾销措施的"
     "期终复审裁定",
     "根据《中华人民共和国反倾销条例》的规定，商务部对原产于日本和美国的进口相关卤化丁基橡胶"
     "所适用的反倾销措施进行了期终复审调查。", "mofcom", "announcement", set()),
    ("商务部公告2025年第34号 关于将部分实体移出关注名单的公告",
     "经核查，相关实体已履行承诺，商务部决定将其移出关注名单。", "mofcom-bis", "announcement",
     {"entity-lists", "suspensions"}),
    ("商务部公告2026年第12号 公布将20家日本实体列入关注名单",
     "根据《中华人民共和国出口管制法》，商务部决定将20家日本实体列入关注名单。\n"
     "二、上述实体按规定履行核查配合义务的，可以向商务部申请移出关注名单。", "mofcom-bis",
     "announcement", {"dual-use", "entity-lists", "japan"}),
    ("中国による日本向け両用品目の輸出管理措置について", "", "mofa-ja", "statement",
     {"dual-use", "japan"}),
    ("外国ユーザーリストの改正",
     "経済産業省は、大量破壊兵器等の開発等の懸念が払拭されない外国所在団体の情報を提供する"
     "外国ユーザーリストを改正しました。安全保障貿易管理の観点から、キャッチオール規制の運用に"
     "当たっては本リストを御参照ください。", "meti", "press_release",
     {"entity-lists", "dual-use"}),
    ("「輸出貿易管理令の一部を改正する政令」が閣議決定されました",
     "先端半導体製造装置に係る規制対象品目を追加します。", "meti", "press_release",
     {"dual-use", "semiconductors"}),
    ("日・ベトナム外相電話会談", "1月6日、外務大臣は電話会談を行いました。我が国は協力を表明。",
     "mofa-ja", "press_release", set()),
    ("フィリピン共和国に対する無償資金協力", "在フィリピン日本国大使との間で書簡の署名・交換",
     "mofa-ja", "press_release", set()),
    ("MOFCOM Announcement No. 1 of 2026 on Strengthening Export Control of Dual-use Items to "
     "Japan", "", "mofcom-en", "announcement", {"dual-use", "japan"}),
    ("Protest by Director-General KANAI Masaaki against China's Export Control Measures on "
     "Dual-Use Items toward Japan", "", "mofa-en", "press_release",
     {"dual-use", "japan", "sanctions-countermeasures"}),
    ("Announcement No. 70 of 2025 of MOFCOM and GAC on Suspending the Implementation of "
     "Announcements No. 55, 56, 57, 58, 61 and 62 of 2025",
     "In accordance with the Export Control Law of the People's Republic of China",
     "mofcom-en", "announcement", {"dual-use", "suspensions"}),
    ("MOFCOM and GAC Announcement No. 58, 2025 on Implementing Export Control on Items Related "
     "to Lithium Batteries and Artificial Graphite Anode Materials", "", "mofcom-en",
     "announcement", {"dual-use", "rare-earths"}),
    ("ＤＵＡＬ－ＵＳＥ ＥＸＰＯＲＴ ＣＯＮＴＲＯＬＳ", "", None, None, {"dual-use"}),
]  # fmt: skip


@pytest.mark.parametrize(("title", "text", "source", "doc_type", "expected"), SHIPPED_CASES)
def test_shipped_rules_classify_realistic_notices(
    shipped: RuleSet,
    title: str,
    text: str,
    source: str | None,
    doc_type: str | None,
    expected: set[str],
) -> None:
    matches = shipped.match(title=title, text=text, source=source, doc_type=doc_type)
    assert set(matched_topics(matches)) == expected


def test_shipped_rules_cover_the_required_topics(shipped: RuleSet) -> None:
    names = {topic.name for topic in shipped.topics}
    assert {
        "dual-use",
        "rare-earths",
        "entity-lists",
        "japan",
        "semiconductors",
        "sanctions-countermeasures",
    } <= names
    ranked = [topic.priority for topic in shipped.ranked()]
    assert ranked == sorted(ranked, reverse=True)
    assert shipped.topic("dual-use").priority == max(ranked)


# --- configuration errors ------------------------------------------------------------------

GOOD_TOPIC = 'title = "T"\npriority = 1\nany = ["两用物项"]\n'

BAD_CONFIGS = [
    ("[general]\nx = 1\n", "unknown key(s) general"),
    ("", "no [topics.NAME] tables"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nanyy = ["x"]\n', "[topics.t]: unknown key(s) anyy"),
    ('[topics.t]\npriority = 1\nany = ["x"]\n', "[topics.t] title: missing"),
    ('[topics.t]\ntitle = "T"\nany = ["x"]\n', "[topics.t] priority: must be an integer"),
    ('[topics.t]\ntitle = "T"\npriority = "high"\nany = ["x"]\n', "[topics.t] priority"),
    ('[topics.t]\ntitle = "T"\npriority = true\nany = ["x"]\n', "[topics.t] priority"),
    ('[topics.t]\ntitle = "T"\npriority = 1\n', "[topics.t]: no terms"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nnone = ["x"]\n', "[topics.t]: no terms"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = []\n', "[topics.t] any: must be a non-empty"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = [1]\n', "[topics.t] any[0]: a term must be"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["　"]\n', "[topics.t] any[0]: empty term"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["ok", "re:(两用"]\n',
     "[topics.t] any[1]: invalid regex '(两用'"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["re:a*"]\n', "matches the empty string"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["两用物项"]\nnone = ["两用 物项"]\n',
     "[topics.t] none[0]: duplicate term '两用物项' (also at any[0])"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["Chip"]\nall = ["chip"]\n',
     "[topics.t] all[0]: duplicate term"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["*chip"]\n', "'*' may only end a Latin"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nany = ["芯片*"]\n', "'*' may only end a Latin"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nall = [[]]\n', "[topics.t] all[0]: a list of"),
    ('[topics.t]\ntitle = "T"\npriority = 1\nall = [["x", 2]]\n', "[topics.t] all[0][1]"),
    (f'[topics.t]\n{GOOD_TOPIC}doc_types = ["memo"]\n', "[topics.t] doc_types: unknown memo"),
    (f'[topics.t]\n{GOOD_TOPIC}sources = ["mofcon"]\n', "[topics.t] sources: unknown mofcon"),
    (f"[topics.t]\n{GOOD_TOPIC}sources = []\n", "[topics.t] sources: must be a non-empty"),
    (f'[topics."Dual Use"]\n{GOOD_TOPIC}', "[topics.Dual Use]: a topic name is lower-case"),
    ("[topics]\nt = 1\n", "[topics.t]: must be a table"),
    ("[topics.t\n", "invalid TOML"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_bad_configs_raise_config_error(tmp_path: Path, text: str, message: str) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_rules(path, known_sources=("mofcom", "meti"))
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="rules file not found"):
        load_rules(tmp_path / "nope.toml")
    path = tmp_path / "gbk.toml"
    path.write_bytes('[topics.t]\ntitle = "两用"\n'.encode("gbk"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_rules(path)


def test_sources_are_only_checked_when_known(tmp_path: Path) -> None:
    path = write_rules(tmp_path, f'[topics.t]\n{GOOD_TOPIC}sources = ["anything"]\n')
    assert load_rules(path).topic("t").sources == frozenset({"anything"})


def test_unknown_topic_names_the_configured_ones(shipped: RuleSet) -> None:
    with pytest.raises(ConfigError, match=r"unknown topic 'dualuse'.*dual-use"):
        shipped.topic("dualuse")


def test_shipped_file_is_valid_toml_with_only_topics() -> None:
    data = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    assert set(data) == {"topics"}


# --- explain -------------------------------------------------------------------------------


def test_explain_a_match(shipped: RuleSet) -> None:
    report = explain(
        shipped,
        title="商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告",
        text=NO1_TEXT,
        source="mofcom",
        doc_type="announcement",
    )
    lines = report.splitlines()
    assert lines[0] == "title: 商务部公告2026年第1号关于加强两用物项对日本出口管制的公告"
    assert "matched 2 of 7 topics: dual-use, japan" in report
    assert "MATCH: dual-use — Dual-use items and export control (priority 100)" in lines
    snippet = "商务部公告2026年第1号关于加强两用物项对日本出口管制的公告"
    assert f"  + any '两用物项' at title[17:21]: {snippet}" in lines
    assert any(line.startswith("  + all '中华人民共和国' at text[") for line in lines)
    assert "no match: rare-earths — Rare earths and critical minerals (priority 90)" in lines
    assert any(line.startswith("  - no 'any' term found (稀土, 关键矿产,") for line in lines)


def test_explain_a_non_match(tmp_path: Path) -> None:
    rules = load_rules(write_rules(tmp_path, GROUP_RULES))
    report = explain(
        rules,
        title="商务部公告2025年第78号",
        text="原产于日本的进口卤化丁基橡胶所适用反倾销措施",
        source="mofcom",
        doc_type="announcement",
    )
    lines = report.splitlines()
    assert "matched 0 of 3 topics: none" in lines
    assert "no match: japan-dual-use — Dual-use toward Japan (priority 5)" in lines
    assert "  - 'all' group missing: none of 两用物项, 兩用物項, 両用品目, dual-use" in lines
    assert "no match: japan — Japan (priority 3)" in lines
    snippet = "原产于日本的进口卤化丁基橡胶所适用反倾销措施"
    assert f"  - excluded by 'none' term '反倾销' at text[17:20]: {snippet}" in lines
    assert f"  + any '日本' at text[3:5]: {snippet}" in lines
    assert "  - source filter: mofcom is not one of mofcom-bis, mofcom-ecl" in lines
    assert "  - no 'any' term found (管控名单)" in lines


def test_explain_notes_filters_not_applied(tmp_path: Path) -> None:
    rules = load_rules(write_rules(tmp_path, GROUP_RULES))
    report = explain(rules, title="", text="管控名单")
    assert "MATCH: bis-lists — Control lists (BIS site, announcements) (priority 1)" in report
    assert "note: source filter (mofcom-bis, mofcom-ecl) not applied: no source" in report
    assert "note: doc_type filter (announcement, list) not applied" in report
    assert "  - 'all' group missing: none of 日本, Japan" in report.splitlines()
