"""The variation suite: every real-world variation of the sites is handled or loud, and
nothing is lost or falsely reported after recovery.

Each case runs baseline → variation → recovery through the real CLI against the replica
(tests/replica/variations.py). *Handled*: the variation crawl is ``ok`` and reports exactly
the changes the variation really made. *Loud*: it exits 1, its run is not ``ok`` and the
operator is alerted. In both cases the recovery crawl is ``ok``, reports no false new,
modified or removed notice, and every notice of the baseline is still stored and active.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import Dualwatch, write_config
from tests.replica import Replica

SOURCES = ("mofcom", "mofa-ja")
OPERATOR = "ops@example.org"
#: Settings of the suite: the operator hears of every failed run at once; a small cap.
TABLES = {
    "mail": {"operator": OPERATOR},
    "sources.mofa-ja": {"alert_after_failures": 1, "max_new_per_run": 10},
    "sources.mofcom": {"alert_after_failures": 1},
}


@dataclass(frozen=True)
class Case:
    """What one variation must do."""

    name: str
    source: str
    expect: str  # "handled" or "loud"
    during: dict[str, int] = field(default_factory=dict)  # change kind -> count
    after: dict[str, int] = field(default_factory=dict)  # recovery crawl's changes
    outcome: str | None = None  # the variation run's outcome, when it must be this one
    recovered_phase: str = "off"  # "off" or "recovered" (the variation's recovered form)


CASES = [
    Case("redirect-loop-listing", "mofcom", "loud", outcome="failed"),
    Case("meta-refresh-loop", "mofa-ja", "loud", outcome="failed"),
    Case("offsite-redirect", "mofa-ja", "loud", outcome="failed"),
    Case("detail-redirect-self", "mofa-ja", "loud", outcome="partial"),
    Case("overflow-effective-date", "mofa-ja", "handled", during={"modified": 1}),
    # Recovery withdraws the entry again: the file answers 404 (removed); the page on the
    # other host cannot be checked, so its leaving the listing is all there is (delisted).
    Case("file-entry", "mofa-ja", "handled", during={"new": 1}, after={"removed": 1}),
    Case("offhost-entry", "mofa-ja", "handled", during={"new": 1}, after={"delisted": 1}),
    Case(
        "dead-attachment",
        "mofa-ja",
        "loud",
        during={"new": 1},
        after={"modified": 1},
        outcome="partial",
        recovered_phase="recovered",
    ),
    # Recovery: the 10 stored ones leave the listing and answer 404 (withdrawn).
    Case(
        "many-links",
        "mofa-ja",
        "loud",
        during={"new": 10},
        after={"removed": 10},
        outcome="partial",
    ),
    Case("mass-404", "mofa-ja", "loud", outcome="failed"),
    Case("wrong-charset", "mofa-ja", "handled"),
    Case("missing-title-attribute", "mofcom", "handled"),
    Case("empty-mofa-index", "mofa-ja", "loud", outcome="failed"),
    Case("challenge-page", "mofa-ja", "loud", outcome="blocked"),
    Case("one-404", "mofa-ja", "handled", during={"removed": 1}, after={"restored": 1}),
]


@pytest.fixture(scope="module")
def baseline_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One data directory holding the state-1 baseline of the suite's sources."""
    root = tmp_path_factory.mktemp("variations-baseline")
    server = Replica(port=0, state=1)
    server.start()
    try:
        cli = Dualwatch(home=root / "home", replica=server)
        cli.config_path = write_config(root / "suite.toml", TABLES)
        cli.run("crawl", "--no-send", *SOURCES)
        yield root / "home"
    finally:
        server.stop()


@pytest.fixture
def suite(tmp_path: Path, replica: Replica, baseline_home: Path) -> Dualwatch:
    """The CLI on a copy of the baseline, with the suite's configuration."""
    shutil.copytree(baseline_home, tmp_path / "home")
    cli = Dualwatch(home=tmp_path / "home", replica=replica)
    cli.config_path = write_config(tmp_path / "suite.toml", TABLES)
    return cli


def changes_since(cli: Dualwatch, change_id: int) -> dict[str, int]:
    """Count the changes recorded after ``change_id``, by kind."""
    with cli.store() as store:
        rows = store.rows("SELECT kind, count(*) AS n FROM changes WHERE id > ? GROUP BY kind",
                          [change_id])  # fmt: skip
    return {row["kind"]: row["n"] for row in rows}


def last_change_id(cli: Dualwatch) -> int:
    """The id of the newest change (0 when none)."""
    with cli.store() as store:
        row = store.row("SELECT max(id) AS id FROM changes")
    return int(row["id"] or 0) if row else 0


def active_urls(cli: Dualwatch, source: str) -> set[str]:
    """URLs of the source's stored notices that are not marked removed."""
    with cli.store() as store:
        rows = store.rows(
            "SELECT url FROM notices WHERE source = ? AND status = 'active'", [source]
        )
    return {row["url"] for row in rows}


def operator_alerts(cli: Dualwatch) -> list[str]:
    """Subjects of the operator's health messages in the outbox."""
    outbox = cli.home / "outbox" / "new"
    messages = [p.read_text(encoding="utf-8", errors="replace") for p in outbox.glob("*")]
    return [m for m in messages if OPERATOR in m and "FAILING" in m.upper()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_variation_is_handled_or_loud_and_nothing_is_lost(suite: Dualwatch, case: Case) -> None:
    before = active_urls(suite, case.source)
    assert before, "the baseline stored nothing"
    start = last_change_id(suite)

    suite.replica.set_variation(case.name)
    result = suite.run("crawl", case.source, check=None)
    with suite.store() as store:
        run = store.last_run(case.source)
    assert run is not None
    if case.expect == "loud":
        assert result.returncode == 1, result.stderr[-3000:]
        assert run.outcome != "ok", run
        assert operator_alerts(suite), "the operator was not alerted"
    else:
        assert result.returncode == 0, result.stderr[-3000:]
        assert run.outcome == "ok", run
    if case.outcome:
        assert run.outcome == case.outcome, run
    during = changes_since(suite, start)
    assert during == case.during, during

    middle = last_change_id(suite)
    if case.recovered_phase == "recovered":
        suite.replica.set_variation(case.name, "recovered")
    else:
        suite.replica.set_variation(None)
    suite.run("crawl", case.source)
    with suite.store() as store:
        assert store.last_run(case.source).outcome == "ok"
    assert changes_since(suite, middle) == case.after
    assert before <= active_urls(suite, case.source), "a baseline notice was lost"


def test_listing_page_failing_during_the_baseline_is_not_a_baseline(
    dualwatch: Dualwatch,
) -> None:
    """Page 2 fails during the first crawl: the run fails, and the entries of page 2 are
    still recorded silently (as baseline) when a later crawl reads them."""
    dualwatch.override(**TABLES)
    dualwatch.replica.set_variation("page-two-fails")
    result = dualwatch.run("crawl", "mofcom", check=1)
    assert "mofcom: failed" in result.stderr
    dualwatch.replica.set_variation(None)
    dualwatch.run("crawl", "mofcom")
    with dualwatch.store() as store:
        runs = store.recent_runs("mofcom")
        assert [r.outcome for r in runs] == ["ok", "failed"]
        assert runs[0].baseline, "the section was not yet read completely: still a baseline"
        assert store.count_notices("mofcom") > 15
    assert changes_since(dualwatch, 0) == {}
    dualwatch.run("crawl", "mofcom")
    with dualwatch.store() as store:
        assert not store.last_run("mofcom").baseline


def test_runs_command_shows_what_a_run_could_not_account_for(suite: Dualwatch) -> None:
    suite.replica.set_variation("detail-redirect-self")
    suite.run("crawl", "mofa-ja", check=1)
    shown = suite.run("runs", "mofa-ja").stdout
    assert "partial" in shown and "dropped" in shown
    assert "entries without a clean outcome" in shown


def test_a_missing_watched_page_does_not_hold_back_news_of_the_feed(
    dualwatch: Dualwatch,
) -> None:
    """law09-2.html answers 404 from the start: every METI run is partial, but the feed was
    read completely, so a release published later is news."""
    dualwatch.override(**TABLES)
    dualwatch.replica.set_variation("meti-page-missing")
    dualwatch.run("crawl", "meti", check=1)
    with dualwatch.store() as store:
        assert store.last_run("meti").outcome == "partial"
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", "meti", check=1)
    with dualwatch.store() as store:
        new = store.rows("SELECT url FROM changes WHERE kind = 'new'")
    assert any("/press/" in row["url"] for row in new), new
