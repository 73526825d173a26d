"""Tests for the rules cache (monitors.rules.load) and lazily compiled terms (rules.ruleset)."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from monitors.core.config import load_config
from monitors.core.errors import ConfigError
from monitors.rules import load as rules_load
from monitors.rules.load import cache_key, load_rules, read_cache
from monitors.rules.ruleset import DEFAULT_RULES_PATH, RuleSet, explain

ROOT = Path(__file__).resolve().parent.parent

RULES = """
[topics.dual-use]
title = "Dual-use items"
priority = 10
any = ["两用物项", "デュアルユース", "dual-use item", "re:第\\\\d+号"]
none = ["weather"]

[topics.chips]
title = "Semiconductors"
priority = 5
all = [["chip", "半导体"], "export control"]
sources = ["mofcom"]
"""

TEXTS = [
    ("关于两用物项出口管制的公告", "商务部公告2025年第57号", "mofcom"),
    ("経済産業省", "デュアル・ユース 品目の輸出管理について", "meti"),
    ("Dual-Use Items", "New export controls on chips and dual use items.", "mofcom"),
    ("Chips", "export controls; weather report", "mofcom"),
    ("nothing", "nothing relevant here", None),
]


@pytest.fixture(autouse=True)
def empty_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts like a new process: no rule set kept in memory."""
    monkeypatch.setattr(rules_load, "_memo", {})


def new_process() -> None:
    """Forget the rule sets this process loaded, so the next load reads the disk cache."""
    rules_load._memo.clear()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every call of parse_rules (the validate-and-build step the cache skips)."""
    calls: list[str] = []
    original = rules_load.parse_rules

    def counting(data, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs.get("where", ""))
        return original(data, **kwargs)

    monkeypatch.setattr(rules_load, "parse_rules", counting)
    return calls


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def matches(rules: RuleSet) -> list[list[tuple[str, str, str, int, int]]]:
    return [
        [(m.topic, m.term, m.field, m.start, m.end) for m in rules.match(title=t, text=x, source=s)]
        for t, x, s in TEXTS
    ]


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("rules-*.json"))


def test_second_load_comes_from_the_cache(tmp_path: Path, counted: list[str]) -> None:
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    first = load_rules(path, cache_dir=cache)
    assert len(counted) == 1
    key = cache_key(path.read_bytes(), None)
    assert cache_files(cache) == [cache / f"rules-{key}.json"]
    new_process()
    second = load_rules(path, cache_dir=cache)
    assert len(counted) == 1  # not validated and built again
    assert second == first and second is not first
    assert matches(second) == matches(first)
    assert not list(cache.glob(".rules-*"))  # no temporary file left behind


def test_an_edited_rules_file_is_compiled_again(tmp_path: Path, counted: list[str]) -> None:
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    before = load_rules(path, cache_dir=cache)
    assert before.match(title="", text="稀土物项") == []
    write(path, RULES.replace('"两用物项",', '"两用物项", "稀土",'))
    after = load_rules(path, cache_dir=cache)
    assert len(counted) == 2
    assert [m.term for m in after.match(title="", text="稀土物项")] == ["稀土"]
    assert len(cache_files(cache)) == 2  # one per version of the file
    new_process()
    assert load_rules(path, cache_dir=cache) == after
    assert len(counted) == 2


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x80\x81 not json",
        b'{"key": "',  # truncated
        b"[1, 2, 3]",
        b'{"key": "KEY"}',  # no topics
        b'{"key": "KEY", "topics": [{"name": "t"}]}',
        b'{"key": "KEY", "topics": []}',
        b'{"key": "KEY", "topics": [{"name": "t", "title": "T", "priority": 1, '
        b'"any": [[1, 2, 3, 4, 5]], "all": [], "none": [], "sources": null, "doc_types": null}]}',
    ],
)
def test_a_corrupt_cache_is_ignored_and_replaced(
    tmp_path: Path, counted: list[str], garbage: bytes
) -> None:
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    reference = load_rules(path, use_cache=False)
    key = cache_key(path.read_bytes(), None)
    cache.mkdir()
    file = cache / f"rules-{key}.json"
    file.write_bytes(garbage.replace(b"KEY", key.encode()))
    loaded = load_rules(path, cache_dir=cache)
    assert loaded == reference
    assert matches(loaded) == matches(reference)
    assert read_cache(file, key) == reference  # rewritten with the good rule set
    counted.clear()
    new_process()
    assert load_rules(path, cache_dir=cache) == reference
    assert counted == []


def test_a_cache_for_another_key_is_never_trusted(tmp_path: Path, counted: list[str]) -> None:
    """A valid cache file of other rules, under this file's name, is not used."""
    cache = tmp_path / "cache"
    other = write(tmp_path / "other.toml", RULES.replace('"两用物项",', ""))
    load_rules(other, cache_dir=cache)
    path = write(tmp_path / "rules.toml", RULES)
    key = cache_key(path.read_bytes(), None)
    (cache_files(cache)[0]).rename(cache / f"rules-{key}.json")
    assert [m.term for m in load_rules(path, cache_dir=cache).match(title="两用物项", text="")] == [
        "两用物项"
    ]
    assert len(counted) == 2
    payload = json.loads((cache / f"rules-{key}.json").read_bytes())
    assert payload["key"] == key


def test_a_code_change_invalidates_the_cache(
    tmp_path: Path, counted: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    load_rules(path, cache_dir=cache)
    new_process()
    monkeypatch.setattr(rules_load, "code_version", lambda: "a newer compiler")
    load_rules(path, cache_dir=cache)
    assert len(counted) == 2
    assert len(cache_files(cache)) == 2


def test_known_sources_are_part_of_the_key(tmp_path: Path, counted: list[str]) -> None:
    """A rule set cached without source validation does not skip it later."""
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    load_rules(path, cache_dir=cache)
    load_rules(path, cache_dir=cache, known_sources=("mofcom", "meti"))
    with pytest.raises(ConfigError, match=r"\[topics.chips\] sources: unknown mofcom"):
        load_rules(path, cache_dir=cache, known_sources=("meti",))
    with pytest.raises(ConfigError, match="unknown mofcom"):  # errors are never cached
        load_rules(path, cache_dir=cache, known_sources=("meti",))
    assert len(counted) == 4
    assert len(cache_files(cache)) == 2


def test_errors_are_reported_as_without_a_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    with pytest.raises(ConfigError, match="rules file not found"):
        load_rules(tmp_path / "missing.toml", cache_dir=cache)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b"\xff")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_rules(latin1, cache_dir=cache)
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_rules(write(tmp_path / "bad.toml", "[topics"), cache_dir=cache)
    assert cache_files(cache) == []


def test_crlf_rules_file_loads_like_read_text(tmp_path: Path) -> None:
    text = RULES.replace('title = "Semiconductors"', 'title = """Semi\nconductors"""')
    lf = write(tmp_path / "lf.toml", text)
    crlf = tmp_path / "crlf.toml"
    crlf.write_bytes(text.replace("\n", "\r\n").encode())
    assert load_rules(crlf, use_cache=False) == load_rules(lf, use_cache=False)
    assert load_rules(crlf, use_cache=False).topic("chips").title == "Semi\nconductors"


def test_an_unwritable_cache_is_skipped_silently(tmp_path: Path, counted: list[str]) -> None:
    path = write(tmp_path / "rules.toml", RULES)
    blocked = write(tmp_path / "a-file", "")  # a file where the directory should be
    assert load_rules(path, cache_dir=blocked) == load_rules(path, use_cache=False)
    new_process()
    assert load_rules(path, cache_dir=blocked / "sub") == load_rules(path, use_cache=False)
    assert len(counted) == 4  # nothing could be cached


def test_use_cache_false_neither_reads_nor_writes(tmp_path: Path, counted: list[str]) -> None:
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    load_rules(path, cache_dir=cache)
    new_process()
    load_rules(path, cache_dir=cache, use_cache=False)
    assert len(counted) == 2
    assert len(cache_files(cache)) == 1


def test_default_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """__pycache__ beside the rules file by default; set_cache_dir overrides it."""
    path = write(tmp_path / "rules.toml", RULES)
    load_rules(path)
    assert len(cache_files(tmp_path / "__pycache__")) == 1
    new_process()
    home_cache = tmp_path / "home" / "cache"
    monkeypatch.setattr(rules_load, "_cache_dir", None)
    rules_load.set_cache_dir(home_cache)
    load_rules(path)
    assert len(cache_files(home_cache)) == 1


def test_old_cache_files_are_pruned(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for i in range(rules_load.CACHE_KEEP + 3):
        path = write(tmp_path / "rules.toml", RULES.replace("priority = 5", f"priority = {i}"))
        load_rules(path, cache_dir=cache)
    assert len(cache_files(cache)) == rules_load.CACHE_KEEP


def test_shipped_rules_behave_identically_cached(tmp_path: Path, counted: list[str]) -> None:
    """The shipped rules, from the cache, match and explain exactly as when compiled."""
    config = load_config(ROOT / "config" / "dualwatch.toml")
    cache = tmp_path / "cache"
    fresh = load_rules(DEFAULT_RULES_PATH, known_sources=config.sources, use_cache=False)
    load_rules(DEFAULT_RULES_PATH, known_sources=config.sources, cache_dir=cache)
    new_process()
    cached = load_rules(DEFAULT_RULES_PATH, known_sources=config.sources, cache_dir=cache)
    assert len(counted) == 2  # the uncached load and the one that wrote the cache
    assert cached == fresh
    samples = [
        *TEXTS,
        (
            "商务部 海关总署公告2025年第61号",
            "关于对稀土相关技术实施出口管制的决定 不可靠实体清单",
            "mofcom",
        ),
        (
            "外国ユーザーリストの改正",
            "経済産業省は、輸出管理に関するエンドユーザーリストを改正",
            "meti",
        ),
        ("MOFCOM Announcement", "export control on lithium batteries and rare earths", "mofcom-en"),
    ]
    for title, text, source in samples:
        assert cached.match(title=title, text=text, source=source) == fresh.match(
            title=title, text=text, source=source
        )
        assert explain(cached, title=title, text=text, source=source) == explain(
            fresh, title=title, text=text, source=source
        )
    for topic in cached.topics:  # every generated pattern compiles, exactly as before
        for term in (*topic.positive_terms(), *topic.none_terms):
            assert term.pattern == re.compile(term.source, term.flags)


def test_terms_compile_on_first_use(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path / "rules.toml", RULES), use_cache=False)
    phrase = rules.topic("chips").all_terms[1][0]
    assert phrase.text == "export control"
    assert "pattern" not in phrase.__dict__
    assert rules.match(title="", text="nothing about it", source="mofcom") == []
    assert "pattern" not in phrase.__dict__  # the needle ruled the search out
    assert phrase.pattern.search("Export-Controls")
    assert "pattern" in phrase.__dict__
    copy = pickle.loads(pickle.dumps(phrase))
    assert copy == phrase and "pattern" not in copy.__dict__
    regex = rules.topic("dual-use").any_terms[3]
    assert regex.is_regex and regex.pattern.search("第57号")


def test_a_process_keeps_what_it_loaded(tmp_path: Path, counted: list[str]) -> None:
    """A daemon reloading unchanged rules gets the same rule set, its terms compiled once."""
    path = write(tmp_path / "rules.toml", RULES)
    cache = tmp_path / "cache"
    first = load_rules(path, cache_dir=cache)
    first.match(title="", text="Export controls on chips", source="mofcom")
    (cache / f"rules-{cache_key(path.read_bytes(), None)}.json").unlink()
    assert load_rules(path, cache_dir=cache) is first  # not even the disk cache is read
    assert "pattern" in first.topic("chips").all_terms[1][0].__dict__
    assert len(counted) == 1
    write(path, RULES.replace("priority = 5", "priority = 6"))
    edited = load_rules(path, cache_dir=cache)
    assert edited is not first and edited.topic("chips").priority == 6
    for i in range(rules_load.MEMO_SIZE + 2):
        write(path, RULES.replace("priority = 5", f"priority = {100 + i}"))
        load_rules(path, cache_dir=cache)
    assert len(rules_load._memo) == rules_load.MEMO_SIZE
