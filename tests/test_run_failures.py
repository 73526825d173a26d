"""Any exception anywhere in a crawl is a failure of the run, and the entry it cost is
fetched again later — as news when it is news, silently when it belonged to a baseline.

The crawls run the real spider in a subprocess, with one part made to fail: the detail
callback raises, the store raises "database or disk is full", or the listing callback raises.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, Dualwatch

BROKEN_CRAWL = """
import argparse, sqlite3, sys
from scrapy.crawler import CrawlerProcess
from crawler import pipelines
from crawler.run import build_settings
from crawler.spiders.mofa_ja import MofaJaSpider
from monitors.core.logsetup import configure_logging

mode, config, home, connect_to = sys.argv[1:5]
configure_logging(0)


class Broken(MofaJaSpider):
    def extract_notice(self, response, entry):
        if mode == "detail" and entry.url not in self.known:
            raise RuntimeError("unexpected page shape")
        return super().extract_notice(response, entry)

    def parse_listing(self, response, section):
        if mode == "listing":
            raise KeyError("listing")
        return super().parse_listing(response, section=section)


real_record = pipelines.detect.record_fetch


def failing_record(store, notice, **kwargs):
    if mode == "store" and store.notice_row(notice.source, notice.url) is None:
        raise sqlite3.OperationalError("database or disk is full")
    return real_record(store, notice, **kwargs)


pipelines.detect.record_fetch = failing_record
args = argparse.Namespace(config=config, home=home, batch="", full=False, connect_to=connect_to)
process = CrawlerProcess(build_settings(args))
process.crawl(Broken, source="mofa-ja")
process.start()
"""


def broken_crawl(cli: Dualwatch, mode: str) -> subprocess.CompletedProcess[str]:
    """Crawl mofa-ja once with the part ``mode`` names failing."""
    command = [sys.executable, "-c", BROKEN_CRAWL, mode, str(cli.config_path), str(cli.home),
               cli.replica.connect_to]  # fmt: skip
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)


def new_changes(cli: Dualwatch) -> set[str]:
    """URLs of the recorded ``new`` changes."""
    with cli.store() as store:
        return {r["url"] for r in store.rows("SELECT url FROM changes WHERE kind = 'new'")}


@pytest.mark.parametrize(
    ("mode", "kind", "outcome"),
    [("detail", "exception", "partial"), ("store", "store", "failed")],  # a full disk fails
)
def test_a_failing_entry_fails_the_run_and_is_news_on_the_next_run(
    dualwatch: Dualwatch, mode: str, kind: str, outcome: str
) -> None:
    dualwatch.run("crawl", "--no-send", "mofa-ja")
    dualwatch.replica.set_state(2)
    broken = broken_crawl(dualwatch, mode)
    assert broken.returncode == 0, broken.stderr[-2000:]
    with dualwatch.store() as store:
        run = store.last_run("mofa-ja")
    assert run.outcome == outcome, run
    assert {e["kind"] for e in run.error_log} == {kind}
    assert all(e["role"] == "entry" for e in run.error_log)
    assert new_changes(dualwatch) == set(), "nothing failed was stored"
    failed = {e["url"] for e in run.error_log}

    dualwatch.run("crawl", "--no-send", "mofa-ja")
    with dualwatch.store() as store:
        assert store.last_run("mofa-ja").outcome == "ok"
    assert failed and failed <= new_changes(dualwatch), "a notice lost to the failure"


def test_an_exception_in_the_listing_fails_the_run_and_is_no_baseline(
    dualwatch: Dualwatch,
) -> None:
    broken = broken_crawl(dualwatch, "listing")
    assert broken.returncode == 0, broken.stderr[-2000:]
    with dualwatch.store() as store:
        run = store.last_run("mofa-ja")
        assert store.count_notices("mofa-ja") == 0
    assert run.outcome == "failed" and run.error_log[0]["kind"] == "exception", run
    assert "KeyError" in run.message

    dualwatch.run("crawl", "--no-send", "mofa-ja")
    with dualwatch.store() as store:
        run = store.last_run("mofa-ja")
    assert run.outcome == "ok" and run.baseline, "the first complete read is the baseline"
    assert new_changes(dualwatch) == set()


def test_a_failing_entry_during_the_baseline_is_stored_silently_later(
    dualwatch: Dualwatch,
) -> None:
    broken_crawl(dualwatch, "detail")
    with dualwatch.store() as store:
        assert store.last_run("mofa-ja").outcome == "partial"
        assert store.count_notices("mofa-ja") == 0
    dualwatch.run("crawl", "--no-send", "mofa-ja")
    with dualwatch.store() as store:
        assert store.count_notices("mofa-ja") >= 15
        assert not store.last_run("mofa-ja").baseline
    assert new_changes(dualwatch) == set(), "baseline entries must not become news"
