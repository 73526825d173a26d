"""Control lists end to end: the replica's list announcements crawled (real HTTP, Scrapy,
SQLite), their rows read into each list's state, listed and screened through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Dualwatch

PARTIES = """id,name,other_names,country
1001,三菱造船股份有限公司,,JP
1002,Acme Trading,Mitsubishi Shipbuilding Ltd,
1003,三菱商事株式会社,,JP
"""


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Dualwatch:
    """exportcontrol crawled at state 5 (2026 No. 11 and No. 12), the rows read again."""
    from tests.replica import Replica

    directory = tmp_path_factory.mktemp("lists")
    replica = Replica(port=0, state=5).start()
    dw = Dualwatch(home=directory / "home", replica=replica)
    dw.run("crawl", "--no-send", "mofcom-ecl", check=None)
    dw.run("lists", "--reread", check=None)
    yield dw
    replica.stop()


def test_lists_count_the_members(listed: Dualwatch) -> None:
    out = listed.run("lists", check=None).stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:]}
    assert rows["control-list"][0] == "20" and rows["watch-list"][0] == "20"


def test_entities_as_json_and_csv(listed: Dualwatch) -> None:
    lines = listed.run("entities", "--list", "control-list", "--json").stdout.splitlines()
    found = [json.loads(line) for line in lines]
    assert len(found) == 20 and {m["status"] for m in found} == {"listed"}
    [mitsubishi] = [m for m in found if m["name"].startswith("三菱造船")]
    assert "Mitsubishi Shipbuilding Co., Ltd." in mitsubishi["other_names"]
    assert mitsubishi["country"] == "JP" and mitsubishi["since"] == "2026-02-24"
    csv_text = listed.run("entities", "--csv", "--country", "jp").stdout
    assert csv_text.splitlines()[0].startswith("list,status,since,country,name")
    assert len(csv_text.splitlines()) == 41


def test_screen_matches_across_scripts_and_exits_1(listed: Dualwatch, tmp_path: Path) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text(PARTIES, encoding="utf-8")
    result = listed.run("screen", str(parties), "--json", check=1)
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert {h["party_id"] for h in hits} == {"1001", "1002"}
    assert all(h["list"] == "control-list" and h["why"] for h in hits)
    clean = tmp_path / "clean.csv"
    clean.write_text("id,name\n1,三菱商事株式会社\n", encoding="utf-8")
    assert "0 match(es)" in listed.run("screen", str(clean), check=0).stdout
