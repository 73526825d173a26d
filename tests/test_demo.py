"""`make demo` (tests/replica/demo.py) prints its narrative only: logs go to a file, cuts are
marked. The whole demo is not run here (it crawls the replica four times); `make demo` is.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.replica import demo

LOG_LINE = re.compile(r"^\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|\b(INFO|WARNING)\b")


def test_clipped_marks_the_cut_and_says_how_much_is_left() -> None:
    text = "第一行\n" + "两用物项出口管制。\n" * 300
    shown = demo.clipped(text, 100, "var/demo/outbox/new/x.vm")
    kept, marker = shown.rsplit("\n", 1)
    assert len(kept) <= 100 and text.startswith(kept + "\n")  # cut at a line end
    assert (
        marker
        == f"… ({len(text) - len(kept):,} more characters; full text: var/demo/outbox/new/x.vm)"
    )
    assert demo.clipped("short", 100, "x") == "short"
    one_line = "x" * 1500
    assert (
        demo.clipped(one_line, 1000, "f") == "x" * 1000 + "\n… (500 more characters; full text: f)"
    )


def test_outbox_files_are_listed_in_delivery_order() -> None:
    names = ["1796441136.M103356P7Q13.vm", "1796441136.M48754P7Q1.vm", "1796441137.M12P7Q14.vm"]
    ordered = sorted((Path(name) for name in names), key=demo.delivery_order)
    assert [p.name for p in ordered] == [names[1], names[0], names[2]]


def test_commands_log_to_the_file_and_print_only_their_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "HOME", tmp_path / "home")
    monkeypatch.setattr(demo, "LOG", tmp_path / "home" / "demo.log")
    replica = SimpleNamespace(connect_to="www.mofcom.gov.cn=127.0.0.1:9")
    assert demo.dualwatch(replica, "-vv", "sources") == 0  # type: ignore[arg-type]
    assert demo.dualwatch(replica, "show", "424242") == 1  # type: ignore[arg-type]
    out = capfd.readouterr().out
    assert not [line for line in out.splitlines() if LOG_LINE.search(line)]
    assert "$ dualwatch --config tests/replica/dualwatch.toml" in out
    assert "mofcom" in out  # the sources table
    failure = out.strip().splitlines()[-1]
    assert failure.startswith("(exit status 1: ") and failure.endswith(f"full log in {demo.LOG})")
    log = demo.LOG.read_text(encoding="utf-8")
    assert log.count("\n$ dualwatch ") == 2 and "424242" in log
    assert failure.removeprefix("(exit status 1: ").split("; full log in")[0] in log


ALERT_TEXT = """New notice on MOFCOM 中国出口管制信息网
---- Why this alert ----------------------------------------------------
Entity, control and watch lists: 出口管制管控名单

---- +3 on 出口管制管控名单, effective 2026-02-24 ------------------------------
+ 1. 三菱造船株式会社 (Mitsubishi Shipbuilding Co., Ltd.) [JP]
+ 2. 川重岐阜工程株式会社 (KAWAJU Gifu Engineering Co., Ltd.) [JP]
+ 3. 防卫大学 (National Defense Academy of Japan) [JP]

---- -1 on 关注名单 ---------------------------------------------------------
- 4. 东金株式会社 (Tokin Corporation) [JP]

---- Text --------------------------------------------------------------
+ 5. not a row: the notice's own text
"""


def test_list_rows_are_the_alerts_row_blocks_cut_and_counted() -> None:
    assert demo.list_rows(ALERT_TEXT, 2) == (
        "---- +3 on 出口管制管控名单, effective 2026-02-24 ------------------------------\n"
        "+ 1. 三菱造船株式会社 (Mitsubishi Shipbuilding Co., Ltd.) [JP]\n"
        "+ 2. 川重岐阜工程株式会社 (KAWAJU Gifu Engineering Co., Ltd.) [JP]\n"
        "… (1 more row)\n"
        "\n"
        "---- -1 on 关注名单 ---------------------------------------------------------\n"
        "- 4. 东金株式会社 (Tokin Corporation) [JP]"
    )
    uncut = demo.list_rows(ALERT_TEXT, 3)
    assert "防卫大学" in uncut and "more row" not in uncut
    assert demo.list_rows("no list rows here\n+ 1. x", 5) == ""


def test_an_expected_nonzero_exit_is_not_reported_as_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """`dualwatch screen` exits 1 when something matches: the demo expects it."""
    monkeypatch.setattr(demo, "HOME", tmp_path / "home")
    monkeypatch.setattr(demo, "LOG", tmp_path / "home" / "demo.log")
    replica = SimpleNamespace(connect_to="www.mofcom.gov.cn=127.0.0.1:9")
    assert demo.dualwatch(replica, "show", "424242", expected=(1,)) == 1  # type: ignore[arg-type]
    assert "(exit status" not in capfd.readouterr().out


def test_the_example_counterparty_file_reads() -> None:
    from monitors.lists.parties import read_parties

    parties = read_parties(demo.ROOT / demo.PARTIES)
    assert [p.id for p in parties][:2] == ["C-1001", "C-1002"] and 3 <= len(parties) <= 5
    assert {p.country for p in parties} >= {"JP", "CN"}
