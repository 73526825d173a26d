"""The CLI answers consistently: not found → 1 and one line on stderr, usage and configuration
errors → 2 (bad names with a "did you mean"), `alerts` in local time, `digest --current`.

Most commands run in-process (``main([...])``) against one data directory crawled once for the
whole module; the tests that write copy it first.
"""

from __future__ import annotations

import logging
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
import pytest
from click.testing import CliRunner

from monitors.changes.digest import current_period, due_period
from monitors.cli import main
from monitors.cli.commands import cli
from monitors.cli.views import ledger_table, local_zone
from monitors.rules.subscriptions import Subscription
from monitors.storage.ledger import Delivery, Ledger
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, Dualwatch
from tests.replica import Replica

TOKYO = Subscription(name="analyst", email="analyst@localhost", timezone="Asia/Tokyo")


@dataclass(frozen=True)
class Answer:
    """What one in-process `dualwatch` call did."""

    code: int
    out: str
    err: str


def dualwatch(home: Path, *args: str) -> Answer:
    """Run `dualwatch --config <replica> --home HOME ARGS` in-process.

    The CLI replaces the root logger's handlers (configure_logging) and captures warnings;
    both are put back afterwards so the rest of the test session logs as before."""
    root = logging.getLogger()
    handlers, level, showwarning = root.handlers[:], root.level, warnings.showwarning
    with CliRunner().isolation() as (out, err, _mixed):
        try:
            main(["--config", str(REPLICA_CONFIG), "--home", str(home), *args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
            logging.captureWarnings(False)
            warnings.showwarning = showwarning
        return Answer(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding two crawls of mofcom, the second with changes (shared: do
    not write to it)."""
    server = Replica(port=0, state=1)
    server.start()
    try:
        home = tmp_path_factory.mktemp("cli-exit-codes") / "home"
        crawl = Dualwatch(home=home, replica=server)
        crawl.run("crawl", "mofcom")  # the baseline: no changes yet
        server.set_state(2)
        crawl.run("crawl", "mofcom")
    finally:
        server.stop()
    yield home


@pytest.fixture
def scratch(stored: Path, tmp_path: Path) -> Path:
    """A private copy of the crawled data directory, for tests that write."""
    return Path(shutil.copytree(stored, tmp_path / "home"))


# --- not found: exit 1, one line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["show", "999999"], "dualwatch: no notice 999999"),
        (["show", "https://example.org/nope"], "dualwatch: no notice https://example.org/nope"),
        (["show", "999999", "--no-text"], "dualwatch: no notice 999999"),
        (["diff", "999999"], "dualwatch: no change 999999"),
        (["runs", "--run", "999999"], "dualwatch: no run 999999"),
        (["runs", "mofcom", "--run", "999999"], "dualwatch: no run 999999"),
        (
            ["rules", "test", "no-such-notice"],
            "dualwatch: 'no-such-notice' is neither a file nor a stored notice (id or URL)",
        ),
    ],
)
def test_not_found_exits_1_with_one_line(stored: Path, args: list[str], line: str) -> None:
    answer = dualwatch(stored, *args)
    assert (answer.code, answer.err.splitlines(), answer.out) == (1, [line], "")


def test_what_exists_is_found(stored: Path) -> None:
    with Store.open(stored / "dualwatch.db") as store:
        [change, *_] = store.list_changes(source="mofcom")
        [run, *_] = store.recent_runs("mofcom", 5)
    for args in (
        ["show", str(change.notice_id), "--no-text"],
        ["show", change.url, "--no-text"],
        ["diff", str(change.id)],
        ["runs", "--run", str(run.id)],
        ["runs", "mofcom"],
        ["rules", "test", str(change.notice_id)],
    ):
        answer = dualwatch(stored, *args)
        assert answer.code == 0, (args, answer)


# --- usage errors: exit 2 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["changes", "--source", "mofcm"], "unknown source 'mofcm' (did you mean 'mofcom'?)"),
        (["changes", "--source", "mofa_ja"], "unknown source 'mofa_ja' (did you mean 'mofa-ja'?)"),
        (["runs", "mofcm"], "unknown source 'mofcm' (did you mean 'mofcom'?)"),
        (["crawl", "mofcom", "meit"], "unknown source 'meit' (did you mean 'meti'?)"),
        (["changes", "--source", "zzz"], "unknown source 'zzz' (configured: mofcom, "),
        (
            ["digest", "--subscription", "analist"],
            "unknown subscription 'analist' (did you mean 'analyst'?)",
        ),
    ],
)
def test_unknown_names_exit_2_with_a_suggestion(stored: Path, args: list[str], hint: str) -> None:
    answer = dualwatch(stored, *args)
    assert answer.code == 2 and hint in answer.err and answer.out == ""


@pytest.mark.parametrize("command", ["changes", "runs"])
@pytest.mark.parametrize("limit", ["0", "-1"])
def test_limit_must_be_at_least_1(stored: Path, command: str, limit: str) -> None:
    answer = dualwatch(stored, command, "--limit", limit)
    assert answer.code == 2 and "--limit" in answer.err and "x>=1" in answer.err


def test_limit_1_gives_one_row(stored: Path) -> None:
    answer = dualwatch(stored, "changes", "--json", "--limit", "1")
    assert answer.code == 0 and len(answer.out.splitlines()) == 1


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(cli)), ids=" ".join)
def test_unknown_option_exits_2(stored: Path, command: tuple[str, ...]) -> None:
    answer = dualwatch(stored, *command, "--no-such-option")
    assert answer.code == 2 and "No such option" in answer.err


@pytest.mark.parametrize(
    "args",
    [["diff", "abc"], ["runs", "--run", "x"], ["changes", "--since", "soon"], ["digest", "-p"]],
)
def test_bad_values_exit_2(stored: Path, args: list[str]) -> None:
    assert dualwatch(stored, *args).code == 2


def test_configuration_error_exits_2(stored: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[crawl]\nno_such_key = 1\n", encoding="utf-8")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    with CliRunner().isolation() as (_out, err, _mixed):
        try:
            with pytest.raises(SystemExit) as exited:
                main(["--config", str(bad), "--home", str(stored), "show", "1"])
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
        assert exited.value.code == 2 and "configuration error" in err.getvalue().decode()


# --- alerts in local time -------------------------------------------------------------------


def test_alerts_label_a_tokyo_digest_by_its_tokyo_date(scratch: Path) -> None:
    with Store.open(scratch / "dualwatch.db") as store:
        ledger = Ledger(store)
        # The Tokyo day 2026-01-07 starts at 15:00 UTC on the 6th.
        ledger.open_digest(
            "analyst",
            "analyst@localhost",
            "daily",
            "2026-01-06T15:00:00+00:00",
            "2026-01-07T15:00:00+00:00",
            0,
            "localhost",
        )
        ledger.open_digest(
            "analyst",
            "analyst@localhost",
            "weekly",
            "2026-01-04T15:00:00+00:00",
            "2026-01-11T15:00:00+00:00",
            0,
            "localhost",
        )
    listed = dualwatch(scratch, "alerts").out
    assert "daily digest 2026-01-07 (Asia/Tokyo)" in listed
    assert "weekly digest 2026-01-05 – 2026-01-11 (Asia/Tokyo)" in listed
    assert "2026-01-06" not in listed


def _delivery(table: str, **fields: object) -> Delivery:
    base: dict[str, object] = {
        "id": 7,
        "table": table,
        "subscription": None,
        "recipient": "ops@example.org",
        "message_id": "<x@localhost>",
        "status": "retry",
        "attempts": 1,
        "next_attempt_at": "2026-01-06T23:30:00+00:00",
        "last_error": None,
        "created_at": "2026-01-06T23:00:00+00:00",
        "sent_at": None,
    }
    return Delivery(**{**base, **fields})  # type: ignore[arg-type]


def test_ledger_times_use_the_subscription_zone_else_the_local_one() -> None:
    alert = _delivery("alerts", subscription="analyst", change_id=3)
    health = _delivery("health", id=8, source="mofcom", kind="failing", run_id=2)
    gone = _delivery(
        "digests",
        id=9,
        subscription="removed-since",
        period="daily",
        period_start="2026-01-06T15:00:00+00:00",
        period_end="2026-01-07T15:00:00+00:00",
    )
    new_york = (ZoneInfo("America/New_York"), "America/New_York")
    lines = ledger_table([alert, health, gone], [TOKYO], new_york).splitlines()
    assert "2026-01-07 08:30 (Asia/Tokyo)" in lines[2] and "change 3" in lines[2]
    assert "2026-01-06 18:30 (America/New_York)" in lines[3]
    assert "health failing mofcom run 2" in lines[3]
    assert "daily digest 2026-01-06 (America/New_York)" in lines[4]


def test_local_zone_follows_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    zone, name = local_zone()
    assert name == "Asia/Tokyo" and datetime(2026, 1, 7, tzinfo=zone).utcoffset() is not None


# --- digest --current -----------------------------------------------------------------------


def test_current_period_contains_now() -> None:
    now = datetime(2026, 1, 7, 20, 0, tzinfo=UTC)  # Thursday 8 January, 05:00 in Tokyo
    daily = current_period(TOKYO, "daily", now)
    assert daily.label == "2026-01-08"
    assert (daily.start_iso, daily.end_iso) == (
        "2026-01-07T15:00:00+00:00",
        "2026-01-08T15:00:00+00:00",
    )
    weekly = current_period(TOKYO, "weekly", now)
    assert weekly.label == "2026-01-05 – 2026-01-11" and weekly.start <= now < weekly.end
    assert due_period(TOKYO, "daily", now).label == "2026-01-06"  # before digest_hour (8)
    assert due_period(TOKYO, "weekly", now).label == "2025-12-29 – 2026-01-04"


def test_digest_current_previews_the_running_period(scratch: Path, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    today = current_period(TOKYO, "daily", now).label
    answer = dualwatch(scratch, "digest", "--current")
    assert answer.code == 0, answer
    assert answer.out.startswith(f"Subject: [dualwatch] Daily digest {today}")
    assert "No changes in this period" not in answer.out  # the crawl just now is in it
    due = dualwatch(scratch, "digest").out
    assert f"Daily digest {due_period(TOKYO, 'daily', now).label}" in due
    assert "No changes in this period" in due

    preview = tmp_path / "current.html"
    written = dualwatch(scratch, "digest", "--current", "--preview", str(preview))
    assert written.code == 0 and "HTML digest written to" in written.out
    assert today in preview.read_text(encoding="utf-8")

    weekly = dualwatch(
        scratch, "digest", "--current", "--period", "weekly", "--subscription", "analyst"
    )
    assert weekly.out.startswith(
        f"Subject: [dualwatch] Weekly digest {current_period(TOKYO, 'weekly', now).label}"
    )


def test_digest_current_cannot_be_sent(stored: Path) -> None:
    answer = dualwatch(stored, "digest", "--current", "--send")
    assert answer.code == 2 and "--current" in answer.err
