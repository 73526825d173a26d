"""The daemon's schedule: jobs, triggers, next run times and misfires, with a frozen clock.

Schedulers are built but not started (jobs keep the first run computed from the frozen
``NOW``), except in the misfire test, which runs a real BackgroundScheduler for a second.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitors.core.config import Config, load_config
from monitors.core.errors import ConfigError
from monitors.ops.scheduler import (
    JobFunctions,
    build_scheduler,
    crontab_weekdays,
    next_run_times,
    overdue_sources,
)
from tests.conftest import REPLICA_CONFIG

NOW = datetime(2026, 3, 7, 12, 0, 0, tzinfo=UTC)  # a Saturday; 21:00 in Tokyo
TOKYO = ZoneInfo("Asia/Tokyo")
SUBSCRIPTIONS = """
[[subscriptions]]
name = "tokyo-daily"
email = "daily@example.org"
digest = "daily"
timezone = "Asia/Tokyo"
digest_hour = 8

[[subscriptions]]
name = "tokyo-weekly"
email = "weekly@example.org"
digest = "weekly"
timezone = "Asia/Tokyo"
digest_hour = 8
weekly_day = "monday"

[[subscriptions]]
name = "immediate-only"
email = "now@example.org"
digest = "none"
"""


def make_config(tmp_path: Path, sources: dict[str, dict], daemon: dict | None = None) -> Config:
    """The replica config with these source keys, [daemon] keys and the subscriptions above."""
    lines = [f"extends = {json.dumps(str(REPLICA_CONFIG))}", "[daemon]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in (daemon or {}).items()]
    for name, values in sources.items():
        lines.append(f"[sources.{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    path = tmp_path / "dualwatch.toml"
    path.write_text("\n".join(lines) + "\n" + SUBSCRIPTIONS, encoding="utf-8")
    return load_config(path, home=tmp_path / "home", connect_to="")


def recorder(calls: list[tuple[str, ...]], fail: str | None = None) -> JobFunctions:
    """Job functions that record their calls (and raise for the source named ``fail``)."""

    def crawl(source: str) -> None:
        calls.append(("crawl", source))
        if source == fail:
            raise RuntimeError("spider exploded")

    return JobFunctions(
        crawl=crawl,
        digest=lambda name: calls.append(("digest", name)),
        deliver=lambda: calls.append(("deliver",)),
        retention=lambda: calls.append(("retention",)),
    )


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return make_config(
        tmp_path,
        {
            "mofcom": {"every": "2h", "jitter": "10m"},
            "meti": {"cron": "30 6 * * 1-5", "jitter": "0s"},
            "mofa-en": {"cron": "0 6 * * 0", "jitter": "2m"},
        },
        {"misfire_grace": "45m", "deliver_every": "5m"},
    )


def test_one_job_per_enabled_source_and_digest_plus_delivery_and_retention(
    config: Config,
) -> None:
    scheduler = build_scheduler(config, recorder([]), now=NOW)
    ids = {job.id for job in scheduler.get_jobs()}
    enabled = {name for name, source in config.sources.items() if source.enabled}
    assert "mofa-oshirase" not in enabled  # disabled in the shipped config: no job
    assert ids == {f"crawl:{name}" for name in enabled} | {
        "digest:tokyo-daily",
        "digest:tokyo-weekly",
        "deliver",
        "retention",
    }
    assert not scheduler.running
    assert scheduler.get_job("crawl:mofcom").args == ("mofcom",)
    assert scheduler.get_job("digest:tokyo-weekly").args == ("tokyo-weekly",)


def test_job_defaults_coalesce_one_instance_and_the_configured_grace(config: Config) -> None:
    scheduler = build_scheduler(config, recorder([]), now=NOW)
    scheduler.start(paused=True)  # defaults are applied when jobs enter the (memory) store
    try:
        jobs = scheduler.get_jobs()
    finally:
        scheduler.shutdown()
    assert len(jobs) == 11
    for job in jobs:
        assert job.coalesce is True, job.id
        assert job.max_instances == 1, job.id
        assert job.misfire_grace_time == 45 * 60, job.id
    crawls = [job for job in jobs if job.id.startswith("crawl:")]
    assert {job.executor for job in crawls} == {"crawls"}
    assert {type(store).__name__ for store in scheduler._jobstores.values()} == {"MemoryJobStore"}


def test_interval_source_runs_on_stable_slots_with_jitter(config: Config) -> None:
    trigger = build_scheduler(config, recorder([]), now=NOW).get_job("crawl:mofcom").trigger
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval == timedelta(hours=2)
    assert trigger.jitter == 600
    slot = next_run_times(config, NOW)["mofcom"]
    assert NOW <= slot < NOW + timedelta(hours=2)
    firsts = {trigger.get_next_fire_time(None, NOW) for _ in range(30)}
    assert len(firsts) > 1, "jitter varies the start"
    assert all(slot <= t < slot + timedelta(minutes=10) for t in firsts)
    previous = min(firsts)
    for k in range(1, 25):  # runs stay on their slots: jitter does not accumulate
        previous = trigger.get_next_fire_time(previous, previous)
        expected = slot + k * timedelta(hours=2)
        assert expected <= previous < expected + timedelta(minutes=10)


def test_slots_survive_a_restart_and_differ_between_sources(config: Config) -> None:
    later = next_run_times(config, NOW + timedelta(minutes=37))
    assert later["mofcom"] == next_run_times(config, NOW)["mofcom"]
    twin = make_config(
        config.path.parent,
        {name: {"every": "2h", "jitter": "0s"} for name in ("mofcom", "mofa-ja")},
    )
    slots = next_run_times(twin, NOW)
    assert slots["mofcom"] != slots["mofa-ja"], "same interval, different phase"


def test_cron_sources_use_standard_crontab_weekdays_in_utc(config: Config) -> None:
    scheduler = build_scheduler(config, recorder([]), now=NOW)
    meti = scheduler.get_job("crawl:meti")
    assert isinstance(meti.trigger, CronTrigger)
    assert meti.next_run_time == datetime(2026, 3, 9, 6, 30, tzinfo=UTC)  # Monday, not Sunday
    assert meti.trigger.get_next_fire_time(meti.next_run_time, meti.next_run_time) == datetime(
        2026, 3, 10, 6, 30, tzinfo=UTC
    )
    sunday = scheduler.get_job("crawl:mofa-en")
    assert sunday.trigger.jitter == 120
    start = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)  # "0" is Sunday, as in crontab
    assert start <= sunday.next_run_time < start + timedelta(minutes=2)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", "*"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("5-7", "fri,sat,sun"),
        ("*/2", "sun,tue,thu,sat"),
        ("1-5/2", "mon,wed,fri"),
        ("0,6", "sun,sat"),
        ("mon-fri", "mon-fri"),
        ("sat,0", "sat,sun"),
    ],
)
def test_crontab_weekdays(field: str, expected: str) -> None:
    assert crontab_weekdays(field) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"cron": "0 6 * *", "jitter": "0s"}, "5 fields"),
        ({"cron": "0 25 * * *", "jitter": "0s"}, "'0 25 * * *'"),
        ({"cron": "0 6 * * 8", "jitter": "0s"}, "outside 0-7"),
        ({"every": "2m", "jitter": "5m"}, "jitter (5m) must be shorter than every (2m)"),
    ],
)
def test_bad_schedules_are_configuration_errors(tmp_path: Path, values: dict, message: str) -> None:
    config = make_config(tmp_path, {"mofcom": values})
    with pytest.raises(ConfigError, match=r"\[sources\.mofcom\]") as error:
        build_scheduler(config, recorder([]), now=NOW)
    assert message in str(error.value)


def test_digests_at_eight_in_tokyo_daily_and_weekly(config: Config) -> None:
    scheduler = build_scheduler(config, recorder([]), now=NOW)
    daily = scheduler.get_job("digest:tokyo-daily")
    assert daily.next_run_time == datetime(2026, 3, 8, 8, 0, tzinfo=TOKYO)
    assert daily.next_run_time == datetime(2026, 3, 7, 23, 0, tzinfo=UTC)
    after = daily.trigger.get_next_fire_time(daily.next_run_time, daily.next_run_time)
    assert after == datetime(2026, 3, 9, 8, 0, tzinfo=TOKYO)
    weekly = scheduler.get_job("digest:tokyo-weekly")
    assert weekly.next_run_time == datetime(2026, 3, 9, 8, 0, tzinfo=TOKYO)  # Monday
    after = weekly.trigger.get_next_fire_time(weekly.next_run_time, weekly.next_run_time)
    assert after == datetime(2026, 3, 16, 8, 0, tzinfo=TOKYO)
    assert scheduler.get_job("digest:immediate-only") is None


def test_delivery_every_five_minutes_and_retention_daily(config: Config) -> None:
    scheduler = build_scheduler(config, recorder([]), now=NOW + timedelta(seconds=1))
    assert scheduler.get_job("deliver").next_run_time == NOW + timedelta(minutes=5)
    retention = scheduler.get_job("retention")
    assert retention.next_run_time == datetime(2026, 3, 8, 3, 17, tzinfo=UTC)
    assert retention.trigger.get_next_fire_time(
        retention.next_run_time, retention.next_run_time
    ) == datetime(2026, 3, 9, 3, 17, tzinfo=UTC)


def test_next_run_times_match_the_jobs_without_jitter(config: Config) -> None:
    times = next_run_times(config, NOW)
    assert set(times) == set(config.sources)
    assert times["mofa-oshirase"] is None  # disabled
    assert times["meti"] == datetime(2026, 3, 9, 6, 30, tzinfo=UTC)
    assert times["mofa-en"] == datetime(2026, 3, 8, 6, 0, tzinfo=UTC)
    scheduler = build_scheduler(config, recorder([]), now=NOW)
    job = scheduler.get_job("crawl:mofcom")
    assert timedelta(0) <= job.next_run_time - times["mofcom"] < timedelta(minutes=10)


def test_overdue_sources_run_at_start(config: Config) -> None:
    slot = next_run_times(config, NOW)["mofcom"]
    last = {
        "mofcom": slot - timedelta(hours=2, seconds=-3),  # the previous slot's run: on time
        "meti": datetime(2026, 3, 5, 6, 30, 4, tzinfo=UTC),  # Thursday's run; Friday's missed
    }
    overdue = overdue_sources(config, last, NOW)
    assert "mofcom" not in overdue and "meti" in overdue
    assert "mofa-ja" in overdue  # never crawled
    scheduler = build_scheduler(config, recorder([]), now=NOW, overdue=overdue)
    assert scheduler.get_job("crawl:meti").next_run_time == NOW
    assert scheduler.get_job("crawl:mofcom").next_run_time >= slot


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll until ``condition`` holds; the bound only catches a hang, never a slow machine."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_misfires_within_grace_run_once_beyond_grace_are_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    yearly = {"cron": "0 0 1 1 *", "jitter": "0s"}  # its next slot is months away
    sources: dict[str, dict] = {name: {"enabled": False} for name in load_config(
        REPLICA_CONFIG, home=tmp_path, connect_to="").sources}  # fmt: skip
    sources |= {"mofcom": {"every": "20s", "jitter": "0s"}, "mofa-ja": yearly, "meti": yearly}
    config = make_config(tmp_path, sources, {"misfire_grace": "60s"})
    calls: list[tuple[str, ...]] = []
    scheduler = build_scheduler(
        config, recorder(calls, fail="meti"), scheduler_cls=BackgroundScheduler
    )
    now = datetime.now(UTC)
    # mofcom's runs of 40 s ago and of its 20 s slots since then, all within the grace of
    # 60 s (with 20 s to spare for a busy machine), are due at once: coalesced into one run
    scheduler.modify_job("crawl:mofcom", next_run_time=now - timedelta(seconds=40))
    scheduler.modify_job("crawl:mofa-ja", next_run_time=now - timedelta(seconds=90))
    scheduler.modify_job("crawl:meti", next_run_time=now - timedelta(seconds=1))
    caplog.set_level(logging.INFO)
    scheduler.start()
    try:
        wait_for(
            lambda: (
                ("crawl", "meti") in calls
                and ("crawl", "mofcom") in calls
                and "job crawl:mofa-ja missed" in caplog.text
                and "job crawl:meti failed" in caplog.text
            )
        )
        time.sleep(0.2)  # room for a (wrong) second run of mofcom
    finally:
        scheduler.shutdown(wait=True)
    assert calls.count(("crawl", "mofcom")) == 1
    assert ("crawl", "mofa-ja") not in calls
    missed = [r for r in caplog.records if "job crawl:mofa-ja missed" in r.getMessage()]
    assert len(missed) == 1 and missed[0].levelno == logging.WARNING
    late = re.search(r"(\d+) s late", missed[0].getMessage())
    assert late and 89 <= int(late.group(1)) < 90 + 60  # 90 s, plus however slow the start
    assert "misfire grace of 60 s" in missed[0].getMessage()
    failed = [r for r in caplog.records if "job crawl:meti failed" in r.getMessage()]
    assert "RuntimeError: spider exploded" in failed[0].getMessage()
