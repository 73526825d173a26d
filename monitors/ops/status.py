"""`dualwatch status`: per configured source its health, last run, next run and notices.

A source is ``failing`` while its runs since the last ``ok`` one failed (the outcomes of
:data:`monitors.ops.health.FAILED_OUTCOMES`), ``ok`` once it has had a complete crawl, and
``unknown`` before its first finished run. When the operator was alerted about the current
failure episode (:mod:`monitors.ops.health`), the table says so. Below the sources, what the
crawls last did with the published outputs (the feeds, the bulletin): written, or failing
since when.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from monitors.cli.views import age, shorten, table
from monitors.core.config import Config, SourceConfig
from monitors.ops.health import FAILED_OUTCOMES, load, outcome_name
from monitors.storage.models import PublishState
from monitors.storage.store import Store


@dataclass(frozen=True)
class SourceStatus:
    """One line of `dualwatch status`. ``state`` is ok, failing or unknown (never finished a
    run); ``last_change_at`` is when a change of one of its notices was last detected."""

    source: str
    title: str
    enabled: bool
    last_run_at: str | None
    outcome: str | None
    next_run_at: str | None
    consecutive_failures: int
    notices: int
    last_change_at: str | None
    state: str
    message: str | None
    since: str | None = None
    alerted_at: str | None = None
    oldest_check_at: str | None = None  # the stored notice checked longest ago


def source_statuses(
    store: Store, config: Config, next_runs: Mapping[str, datetime | None] | None = None
) -> list[SourceStatus]:
    """Per configured source: last run, outcome, next run, failures, notices, last change."""
    return [
        _source_status(store, s, (next_runs or {}).get(s.name)) for s in config.sources.values()
    ]


def _source_status(store: Store, source: SourceConfig, next_run: datetime | None) -> SourceStatus:
    run = store.last_run(source.name)
    streak = store.failure_streak(source.name, FAILED_OUTCOMES)
    health = load(store, source.name)
    state, since, alerted, message = "unknown", None, None, run.message if run else None
    if streak["n"]:
        state, since, message = "failing", streak["since"], streak["message"]
        if health and health.state == "failing" and health.episode_run_id == streak["first_id"]:
            alerted = health.alerted_at
    elif store.has_successful_run(source.name):
        state = "ok"
        since = health.since if health and health.state == "ok" else None
    return SourceStatus(
        source=source.name,
        title=source.title,
        enabled=source.enabled,
        last_run_at=(run.finished_at or run.started_at) if run else None,
        outcome=outcome_name(run.outcome) if run else None,
        next_run_at=_iso(next_run) if next_run else None,
        consecutive_failures=int(streak["n"]),
        notices=store.count_notices(source.name),
        last_change_at=store.last_change_at(source.name),
        state=state,
        message=message,
        since=since,
        alerted_at=alerted,
        oldest_check_at=store.verification_summary(source.name)["oldest"],
    )


def status_json(statuses: Sequence[SourceStatus]) -> str:
    """One JSON object per source per line (`dualwatch status --json`)."""
    return "\n".join(json.dumps(asdict(s), ensure_ascii=False) for s in statuses)


def status_table(statuses: Sequence[SourceStatus]) -> str:
    """The `dualwatch status` table."""
    headers = ["source", "enabled", "state", "last run", "outcome", "next run", "failures",
               "notices", "oldest check", "last change", "message"]  # fmt: skip
    rows = [
        [s.source, "yes" if s.enabled else "no", s.state, s.last_run_at or "never",
         s.outcome or "-", s.next_run_at or "-", str(s.consecutive_failures), str(s.notices),
         age(s.oldest_check_at), s.last_change_at or "-", _status_note(s)]
        for s in statuses
    ]  # fmt: skip
    return table(headers, rows)


def configured_outputs(states: Sequence[PublishState], config: Config) -> list[PublishState]:
    """The published outputs the configuration still writes (a bulletin folder no longer
    configured, or moved, is not reported on)."""
    site = str(config.site_path) if config.site_path else None
    return [s for s in states if s.output == "feeds" or s.location == site]


def publish_table(states: Sequence[PublishState]) -> str:
    """What crawls last did with the feeds and the bulletin (`dualwatch status`): written,
    or failing since when and why (what readers see is then as old as "last written")."""
    headers = ["output", "state", "last written", "failing since", "location", "error"]
    rows = [
        [s.output, "ok" if s.ok else "FAILING", s.written_at or "never", s.failing_since or "-",
         s.location, shorten(" ".join((s.error or "").split()), 70)]
        for s in states
    ]  # fmt: skip
    return table(headers, rows)


def _status_note(status: SourceStatus) -> str:
    note = status.message or ""
    if status.alerted_at:
        note = f"{note} [operator alerted {status.alerted_at}]".strip()
    return shorten(" ".join(note.split()), 70)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()
