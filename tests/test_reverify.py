"""Every stored notice stays watched: bounded re-verification and withdrawal checks.

MOFCOM's replica lists 20 notices. With ``revisit_days = 0`` the listing walk re-checks only
the newest, so everything else is re-verification's: with ``reverify_days = 1`` and
``every = "6h"`` a period holds 4 crawls, each re-checking the 5 notices checked longest ago.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitors.changes import reverify
from monitors.changes.digest import Period, digest_view
from monitors.core.config import load_config
from monitors.mail.emailrender import render_digest
from tests.conftest import REPLICA_CONFIG, Dualwatch

TABLES = {"sources.mofcom": {"revisit_days": 0, "reverify_days": 1, "every": "6h"}}
DETAIL = "/art/"


@pytest.fixture
def watched(dualwatch: Dualwatch) -> Dualwatch:
    """The CLI with the re-verification settings, after the baseline crawl of mofcom."""
    dualwatch.override(**TABLES)
    dualwatch.run("crawl", "--no-send", "mofcom")
    return dualwatch


def detail_requests(cli: Dualwatch) -> list[str]:
    """Detail pages the replica served since the last reset (304s included)."""
    return [p for _m, h, p, _s in cli.replica.requests() if DETAIL in p and "unit" not in p]


def changes(cli: Dualwatch, kind: str) -> list[str]:
    """URLs of the recorded changes of ``kind``."""
    with cli.store() as store:
        return [r["url"] for r in store.rows("SELECT url FROM changes WHERE kind = ?", [kind])]


def test_budget_spreads_the_period_over_its_crawls(tmp_path: Path) -> None:
    config = load_config(REPLICA_CONFIG, home=tmp_path)
    source = config.source("mofcom")
    hourly_week = type(source)(**{**source.__dict__, "every": "1h", "reverify_days": 7})
    assert reverify.crawls_per_period(hourly_week) == 168
    assert reverify.budget(1000, hourly_week) == 6  # ceil(1000 / 168): 0.6 % per crawl
    assert reverify.budget(0, hourly_week) == 0
    cron = type(source)(**{**source.__dict__, "cron": "0 */2 * * *", "reverify_days": 1})
    assert reverify.crawls_per_period(cron) == 12


def test_every_notice_is_rechecked_once_per_period(watched: Dualwatch) -> None:
    with watched.store() as store:
        stored = {r["url"] for r in store.rows("SELECT url FROM notices")}
    assert len(stored) == 20
    checked: set[str] = set()
    for _crawl in range(4):  # one period
        watched.replica.reset_log()
        watched.run("crawl", "--no-send", "mofcom")
        paths = detail_requests(watched)
        assert len(paths) <= 5 + 3, paths  # the budget, plus the newest notices of the listing
        checked |= {p for p in paths}
    assert {u.split("gov.cn", 1)[1] for u in stored} <= checked
    with watched.store() as store:
        summary = store.verification_summary("mofcom")
        assert summary["watched"] == 20
        assert store.last_run("mofcom").outcome == "ok"
    assert changes(watched, "modified") == []


def test_revision_of_the_oldest_notice_is_found_within_the_period(watched: Dualwatch) -> None:
    watched.replica.set_variation("revise-oldest")
    for _crawl in range(4):  # one period
        watched.run("crawl", "--no-send", "mofcom")
        if changes(watched, "modified"):
            break
    assert len(changes(watched, "modified")) == 1, "not found within the period"


def test_unlisted_notice_is_delisted_at_once_and_restored_when_listed_again(
    watched: Dualwatch,
) -> None:
    watched.replica.set_variation("unlist-fifth")
    watched.run("crawl", "--no-send", "mofcom")
    [delisted] = changes(watched, "delisted")
    with watched.store() as store:
        assert store.notice_row("mofcom", delisted)["status"] == "delisted"
    watched.run("crawl", "--no-send", "mofcom")
    assert len(changes(watched, "delisted")) == 1, "delisted once, not on every crawl"

    watched.replica.set_variation(None)
    watched.run("crawl", "--no-send", "mofcom")
    assert changes(watched, "restored") == [delisted]
    with watched.store() as store:
        assert store.notice_row("mofcom", delisted)["status"] == "active"
    shown = watched.run("changes").stdout
    assert "delisted" in shown and "restored" in shown
    config = watched.config
    now = datetime.now(UTC)
    period = Period("daily", now - timedelta(days=1), now + timedelta(minutes=1), "today")
    with watched.store() as store:
        view = digest_view(store, config, config.subscriptions[0], period)
    rendered = render_digest(view)
    assert "Delisted" in rendered.text and "Restored" in rendered.text


def test_attachments_answered_304_are_not_downloaded_again(watched: Dualwatch) -> None:
    with watched.store() as store:
        known = {r["url"].split("gov.cn", 1)[1] for r in store.rows("SELECT url FROM file_urls")}
    assert known, "the baseline downloaded no attachment"
    watched.replica.set_state(2)  # every page changes (noise, revisions): fetched in full
    watched.replica.reset_log()
    watched.run("crawl", "--no-send", "--full", "mofcom")
    again = [(p, s) for _m, _h, p, s in watched.replica.requests() if p in known]
    assert again, "the full re-check asked for no known attachment"
    assert {s for _p, s in again} == {304}, again


def test_notice_unlisted_deep_in_its_listing_is_delisted_within_the_period(
    watched: Dualwatch,
) -> None:
    """Page 2 is not read by the listing walk (nothing there is due), but re-verification
    visits the deep listing pages in turn, so a notice unlisted there is found too."""
    watched.replica.set_variation("unlist-deep")
    for _crawl in range(4):  # one period
        watched.run("crawl", "--no-send", "mofcom")
        if changes(watched, "delisted"):
            break
    assert len(changes(watched, "delisted")) == 1
    assert changes(watched, "removed") == [] and changes(watched, "modified") == []
