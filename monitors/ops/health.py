"""Source health: notice when a source breaks or is blocked, tell the operator, and once more
when it works again. This module decides; the ledger delivers, `dualwatch status` shows.

Every finished run of an enabled source is evaluated once, in order (``source_health``
remembers the last run seen, so a run is never counted twice):

* a run whose outcome is not ``ok`` (``partial``, ``failed``, ``blocked``, ``aborted``; the
  legacy ``error`` counts as ``failed``) is a failure; the first one starts a *failure
  episode*. A ``partial`` run is a failure too: some listed entries were not handled;
* each failed run has one *primary failure* (:func:`primary_failure`): the alerting reason
  when there is one, else the most actionable error kind of its log (``_KIND_RANK``);
* the operator is alerted at once when the failure needs a person (:func:`immediate_reason`)
  — outcome ``blocked``; an ``exception`` (a bug or an unhandled site variation), ``store``
  (SQLite error, disk full), ``dropped`` (redirect loop, off-site redirect), ``outage`` (many
  known notices answered 404 at once), ``cap`` (more new notices than the per-run cap),
  ``layout`` (the listing changed or yielded nothing) or ``config`` error; ``parse``,
  ``encoding`` or ``unaccounted`` errors on a large share of the pages — and otherwise after
  ``alert_after_failures`` failed runs in a row (``listing``, ``http``, ``network`` …);
* the first alert of an episode counts failed runs of any kind. Later in the same episode a
  failure of a kind not alerted yet sends its own alert (threaded under the episode's first
  one when that was sent): at once when it alerts immediately, else when it was the primary
  failure of ``alert_after_failures`` failed runs in a row (counted per kind, so an outage
  that flaps between ``network`` and ``http`` alerts once). A kind alerts at most once per episode;
  the kinds alerted so far are read from the ledger (the payload's ``failure_kind`` of the
  episode's ``failing`` notices), so they need no column of their own;
* the first ``ok`` run ends the episode and, when the operator was alerted, queues one
  recovery notice threaded under the episode's first alert (when that was sent: see
  :func:`monitors.mail.messages.reply_headers`).

A notice is a ledger row (:meth:`~monitors.storage.ledger.Ledger.queue_health`) written in
the same transaction (:meth:`Store.atomic`: ``BEGIN IMMEDIATE``) as the state change, so a
crash can neither lose nor repeat it; :func:`monitors.mail.dispatch.deliver_due` sends it to
``[mail] operator`` like any alert, with the same retries (without an operator it is marked
``skipped``). :mod:`monitors.ops.status` shows the state. A source evaluated for the first
time starts from its last ``ok`` run, so old history never produces notices.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal

from monitors.core.config import Config, SourceConfig
from monitors.storage.ledger import HEALTH, Ledger
from monitors.storage.models import Run
from monitors.storage.store import Store

log = logging.getLogger(__name__)

EventKind = Literal["failing", "recovered"]
#: Outcomes of a failed run (``error``: the outcome of failed runs before ``failed``).
FAILED_OUTCOMES = ("failed", "partial", "blocked", "aborted", "error")
#: Outcomes recorded under an older name.
_LEGACY_OUTCOMES = {"error": "failed"}
#: Error kinds that alert on the first failed run: the site or the configuration changed, the
#: crawler or the store broke, or notices were skipped or may be taken for removed.
IMMEDIATE_KINDS = ("exception", "store", "dropped", "outage", "cap", "layout", "config")
#: Per-page error kinds that alert at once when they hit a large share of the pages.
PAGE_KINDS = ("parse", "encoding", "unaccounted")
#: That share (failed pages / pages read), unless the source sets ``max_parse_failure_share``.
PARSE_FAILURE_SHARE = 0.5
#: ... and at least this many pages (one odd page in a quiet run is not a redesign), unless
#: no page could be read at all.
MIN_PAGE_FAILURES = 2
#: The other error kinds (they wait for ``alert_after_failures`` failed runs in a row).
_OTHER_KINDS = ("listing", "http", "network", "attachment", "ignored")
#: Which of a run's errors is reported as "what failed": the most actionable first.
_KIND_RANK = ("blocked", *IMMEDIATE_KINDS, *PAGE_KINDS, *_OTHER_KINDS)


@dataclass(frozen=True)
class HealthEvent:
    """A source started failing (and the operator is to be alerted) or recovered."""

    source: str
    kind: EventKind
    run_id: int
    message: str


@dataclass(frozen=True)
class Failure:
    """What failed in a run: error kind, URL and message."""

    kind: str
    url: str
    message: str


@dataclass(frozen=True)
class Health:
    """One ``source_health`` row: a source's state and its current failure episode.

    The last two fields are no columns: they are derived when the row is loaded for an
    evaluation (:func:`_with_episode`) and kept up to date by :func:`step`.
    """

    source: str
    state: str = "ok"
    since: str | None = None
    consecutive_failures: int = 0
    last_run_id: int = 0
    episode_run_id: int | None = None
    last_failure_run_id: int | None = None
    last_failure_kind: str | None = None
    last_failure_url: str | None = None
    last_failure_message: str | None = None
    alerted_at: str | None = None
    alert_id: int | None = None
    last_ok_run_id: int | None = None
    last_ok_at: str | None = None
    last_recovery_at: str | None = None
    last_recovery_id: int | None = None
    updated_at: str | None = None
    #: The primary failure kinds the operator was alerted about in this episode, in order.
    alerted_kinds: tuple[str, ...] = ()
    #: Failed runs in a row (up to ``alert_after_failures``) whose primary failure was
    #: ``last_failure_kind``.
    kind_streak: int = 0


#: The ``Health`` fields that are not ``source_health`` columns.
_DERIVED = ("alerted_kinds", "kind_streak")


# -- what a failed run means ----------------------------------------------------------------


def outcome_name(outcome: str | None) -> str | None:
    """The current name of a recorded outcome (``error`` was renamed ``failed``)."""
    return _LEGACY_OUTCOMES.get(outcome or "", outcome)


def primary_failure(run: Run, source: SourceConfig) -> Failure:
    """The most telling error of a failed run: the reason it alerts at once, if any, else the
    most actionable kind of its log (a block before an exception before a layout change …)."""
    reason = immediate_reason(run, source)
    rank = {kind: i for i, kind in enumerate(_KIND_RANK)}
    errors = sorted(
        run.error_log,
        key=lambda e: (e.get("kind") != reason, rank.get(e.get("kind", ""), len(rank))),
    )
    outcome = outcome_name(run.outcome) or "failed"
    if errors:
        first = errors[0]
        return Failure(
            reason or first.get("kind") or outcome,
            first.get("url") or source.listing_url,
            first.get("message") or run.message or "",
        )
    return Failure(reason or outcome, source.listing_url, run.message or f"run {outcome}")


def immediate_reason(run: Run, source: SourceConfig) -> str | None:
    """The failure kind that alerts on this run alone (a block, a structural failure, a
    crawler or store fault); None when only ``alert_after_failures`` failed runs in a row
    should alert."""
    if run.outcome == "blocked":
        return "blocked"
    kinds = {error.get("kind") for error in run.error_log}
    for kind in _KIND_RANK:
        if kind in IMMEDIATE_KINDS and kind in kinds:
            return kind
    failed = {e.get("url") for e in run.error_log if e.get("kind") in PAGE_KINDS}
    if not failed:
        return None
    limit = float(getattr(source, "max_parse_failure_share", PARSE_FAILURE_SHARE))
    share = len(failed) / (len(failed) + run.notices)
    if share >= limit and (len(failed) >= MIN_PAGE_FAILURES or run.notices == 0):
        return next(k for k in PAGE_KINDS if k in kinds)
    return None


def step(
    health: Health, run: Run, source: SourceConfig, now: str
) -> tuple[Health, EventKind | None]:
    """The state after one finished run, and the notice it calls for (failing / recovered).

    ``health`` carries the kinds already alerted in the episode and the streak of its last
    failure kind (:func:`_with_episode`)."""
    at = run.started_at
    if run.outcome == "ok":
        done = replace(
            health, last_run_id=run.id, last_ok_run_id=run.id, last_ok_at=run.finished_at or at
        )
        if health.state == "ok":
            return replace(done, since=health.since or at), None
        notice: EventKind | None = "recovered" if health.alerted_at else None
        return replace(
            done,
            state="ok",
            since=at,
            consecutive_failures=0,
            episode_run_id=None,
            alerted_at=None,
            alert_id=None,
            alerted_kinds=(),
            kind_streak=0,
        ), notice
    failure = primary_failure(run, source)
    ongoing = health.state == "failing"
    same = ongoing and health.last_failure_kind == failure.kind
    threshold = max(source.alert_after_failures, 1)
    failing = replace(
        health,
        last_run_id=run.id,
        consecutive_failures=health.consecutive_failures + 1,
        last_failure_run_id=run.id,
        last_failure_kind=failure.kind,
        last_failure_url=failure.url,
        last_failure_message=failure.message,
        kind_streak=min(health.kind_streak + 1 if same else 1, threshold),
    )
    if not ongoing:
        failing = replace(
            failing,
            state="failing",
            since=at,
            episode_run_id=run.id,
            alerted_at=None,
            alert_id=None,
            alerted_kinds=(),
        )
    immediate = immediate_reason(run, source) is not None
    if failing.alerted_at is None:
        due = failing.consecutive_failures >= threshold
    else:
        due = failure.kind not in failing.alerted_kinds and failing.kind_streak >= threshold
    if due or (immediate and failure.kind not in failing.alerted_kinds):
        alerted = (*failing.alerted_kinds, failure.kind)
        failing = replace(failing, alerted_at=failing.alerted_at or now, alerted_kinds=alerted)
        return failing, "failing"
    return failing, None


# -- evaluation -----------------------------------------------------------------------------


def update(store: Store, config: Config, *, now: datetime | None = None) -> list[HealthEvent]:
    """Evaluate each enabled source's runs since the last evaluation; queue its notices."""
    moment = _iso(now)
    events: list[HealthEvent] = []
    for source in config.sources.values():
        if source.enabled and store.has_unevaluated_runs(source.name):
            events += _evaluate(store, config, source, moment)
    for event in events:
        level = logging.WARNING if event.kind == "failing" else logging.INFO
        log.log(level, "health: %s", event.message)
    return events


def _evaluate(store: Store, config: Config, source: SourceConfig, now: str) -> list[HealthEvent]:
    events: list[HealthEvent] = []
    ledger = Ledger(store)
    with store.atomic():  # BEGIN IMMEDIATE: waits for another writer
        health = load(store, source.name) or _initial(store, source.name)
        health = _with_episode(store, ledger, health, source)
        runs = store.finished_runs_after(source.name, health.last_run_id)
        if not runs and health.updated_at:
            return events
        for run in runs:
            before = health
            health, notice = step(health, run, source, now)
            if notice:
                health, event = _queue(ledger, config, source, notice, before, health, run, now)
                events.append(event)
        _save(store, replace(health, updated_at=now))
    return events


def _initial(store: Store, name: str) -> Health:
    """A first evaluation starts after the last ok run (history alerts nobody)."""
    ok = store.last_ok_run(name)
    if ok is None:
        return Health(source=name)
    return Health(
        source=name,
        since=ok.started_at,
        last_run_id=ok.id,
        last_ok_run_id=ok.id,
        last_ok_at=ok.finished_at or ok.started_at,
    )


def _with_episode(store: Store, ledger: Ledger, health: Health, source: SourceConfig) -> Health:
    """``health`` with the derived part of its failure episode: the kinds already alerted
    (from the ledger) and how many failed runs in a row, up to ``alert_after_failures``, had
    the last failure kind as their primary failure (from the runs)."""
    if health.state != "failing" or health.episode_run_id is None:
        return replace(health, alerted_kinds=(), kind_streak=0)
    alerted: list[str] = []
    for notice in ledger.health_alerts(health.source, health.episode_run_id):
        kind = outcome_name(notice.payload.get("failure_kind"))
        if kind and kind not in alerted:
            alerted.append(kind)
    threshold = max(source.alert_after_failures, 1)
    streak = 0
    runs = store.runs_between(health.source, health.episode_run_id, health.last_run_id, threshold)
    for run in runs:  # newest first
        if run.outcome == "ok" or primary_failure(run, source).kind != health.last_failure_kind:
            break
        streak += 1
    return replace(health, alerted_kinds=tuple(alerted), kind_streak=streak)


def _queue(
    ledger: Ledger,
    config: Config,
    source: SourceConfig,
    kind: EventKind,
    before: Health,
    after: Health,
    run: Run,
    now: str,
) -> tuple[Health, HealthEvent]:
    """Record the notice ``kind`` for ``run`` in the ledger; the state now points at it.

    An episode's first alert becomes its thread: a later alert (a new kind of failure) and
    the recovery notice answer it."""
    episode = before if kind == "recovered" else after
    followup = kind == "failing" and before.state == "failing" and before.alerted_at is not None
    earlier = before.alerted_kinds if followup else ()
    first = ledger.get(HEALTH, before.alert_id) if before.alert_id is not None else None
    thread = first.message_id if first and (kind == "recovered" or followup) else None
    row_id = ledger.queue_health(
        source.name,
        kind,
        run.id,
        thread=thread,
        payload=_payload(kind, source, episode, run, earlier),
        recipient=(config.mail.operator or "").strip(),
        domain=config.mail.message_id_domain,
        now=now,
    )
    if kind == "failing":
        if not followup:
            after = replace(after, alert_id=row_id)
        new = f"new failure while already alerted about {', '.join(earlier)}: " if followup else ""
        text = (
            f"{source.name} failing since {episode.since} ({episode.consecutive_failures} failed "
            f"run(s)): {new}{episode.last_failure_kind}: {episode.last_failure_message} "
            f"({episode.last_failure_url})"
        )
    else:
        after = replace(after, last_recovery_at=now, last_recovery_id=row_id)
        failed = episode.consecutive_failures
        text = f"{source.name} recovered (run {run.id}) after {failed} failed run(s)"
    return after, HealthEvent(source.name, kind, run.id, text)


def _payload(
    kind: str, source: SourceConfig, episode: Health, run: Run, earlier: Sequence[str] = ()
) -> dict[str, Any]:
    """Everything the email needs, frozen at the moment of the event."""
    return {
        "kind": kind,
        "source": source.name,
        "title": source.title,
        "spider": source.spider,
        "listing_url": source.listing_url,
        "run_id": run.id,
        "run_at": run.finished_at or run.started_at,
        "outcome": outcome_name(run.outcome),
        "notices": run.notices,
        "failure_kind": episode.last_failure_kind or "failed",
        "failure_url": episode.last_failure_url or source.listing_url,
        "failure_message": episode.last_failure_message or "",
        "since": episode.since,
        "consecutive": episode.consecutive_failures,
        "alert_after": source.alert_after_failures,
        "immediate": kind == "failing" and immediate_reason(run, source) is not None,
        "last_ok_at": episode.last_ok_at if kind == "failing" else run.finished_at,
        "earlier_kinds": list(earlier),
    }


# -- the stored state -----------------------------------------------------------------------


def load(store: Store, name: str) -> Health | None:
    """A source's stored state (the derived fields left empty: see :func:`_with_episode`)."""
    row = store.source_health(name)
    if row is None:
        return None
    columns = {f.name for f in fields(Health)} - set(_DERIVED)
    return Health(**{key: value for key, value in row.items() if key in columns})


def _save(store: Store, health: Health) -> None:
    store.save_source_health({k: v for k, v in asdict(health).items() if k not in _DERIVED})


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
