"""Full-text search over every version (`dualwatch search`): FTS5 trigram index kept in step
with the stored versions; Chinese and Japanese substrings, English words, and text present
only in an earlier version ("removed in version 2")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Dualwatch, Offline, built_once

SOURCES = ("mofcom", "mofcom-en", "mofa-ja")


def crawl_states_1_and_2(directory: Path) -> None:
    """States 1 and 2 crawled: 2025 No. 85 and a MOFA release are revised in state 2."""
    from tests.replica import Replica

    with Replica(port=0, state=1) as replica:
        dw = Dualwatch(home=directory / "home", replica=replica)
        dw.run("crawl", "--no-send", *SOURCES)
        replica.set_state(2)
        dw.run("crawl", "--no-send", *SOURCES)


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Dualwatch:
    """The data directory of :func:`crawl_states_1_and_2`, built once per session."""
    directory = built_once(tmp_path_factory, "search-crawled", crawl_states_1_and_2)
    return Dualwatch(home=directory / "home", replica=Offline())


def hits(dw: Dualwatch, *args: str, check: int = 0) -> list[dict]:
    out = dw.run("search", *args, "--json", check=check).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_chinese_substring_in_the_current_version(searched: Dualwatch) -> None:
    found = hits(searched, "出口许可证管理货物目录", "--source", "mofcom")
    assert found and all(h["in_current"] for h in found)
    assert any("2025年第85号" in h["title"] for h in found)
    assert "[出口许可证管理货物目录]" in found[0]["snippet"]


def test_text_only_in_an_earlier_version_says_when_it_went(searched: Dualwatch) -> None:
    found = hits(searched, "本公告自2026年1月1日起执行", "--source", "mofcom")
    [old] = [h for h in found if "2025年第85号" in h["title"]]
    assert not old["in_current"] and old["gone_in"] == 2 and old["matching"] == [1]
    table = searched.run("search", "本公告自2026年1月1日起执行", "--source", "mofcom").stdout
    assert "removed in version 2" in table


def test_japanese_and_two_character_queries(searched: Dualwatch) -> None:
    [old] = hits(searched, "供与限度額は18億円")
    assert old["source"] == "mofa-ja" and old["gone_in"] == 2
    [new] = hits(searched, "供与限度額は16億円")
    assert new["in_current"]
    assert hits(searched, "两用", "--source", "mofcom")  # shorter than a trigram: a scan


def test_english_words_and_no_match(searched: Dualwatch) -> None:
    found = hits(searched, "Export Licence Administration", "--source", "mofcom-en")
    assert found and all(h["source"] == "mofcom-en" for h in found)
    assert hits(searched, "不存在的词语组合", check=1) == []
