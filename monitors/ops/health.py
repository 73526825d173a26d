"""Source health: notice when a source breaks or is blocked, tell the operator, and once more
when it works again.

Every finished run of an enabled source is evaluated once, in order (``source_health``
remembers the last run seen, so a run is never counted twice):

* a run whose outcome is not ``ok`` (``partial``, ``failed``, ``blocked``, ``aborted``; the
  legacy ``error`` counts as ``failed``) is a failure; the first one starts a *failure
  episode*. A ``partial`` run is a failure too: some listed entries were not handled;
* each failed run has one *primary failure* (:func:`primary_failure`): the alerting reason
  when there is one, else the most actionable error kind of its log (``_KIND_RANK``);
* the operator is alerted at once when the failure needs a person — outcome ``blocked``;
  an error of kind ``exception`` (a bug or an unhandled site variation), ``store`` (SQLite
  error, disk full), ``dropped`` (a request Scrapy dropped: redirect loop, off-site
  redirect), ``outage`` (many known notices answered 404 at once), ``cap`` (more new notices
  than the per-run cap), ``layout`` (the listing's structure changed or it yielded nothing)
  or ``config``; ``parse``/``encoding``/``unaccounted`` errors on a large share of the pages
  — and otherwise after ``alert_after_failures`` failed runs in a row (``listing``, ``http``,
  ``network``, ``attachment``, ``aborted`` …);
* the first alert of an episode counts failed runs of any kind. Later in the same episode a
  failure of a kind not alerted yet sends its own alert (threaded under the episode's first
  one): at once when it alerts immediately, else when it was the primary failure of
  ``alert_after_failures`` failed runs in a row (counted per kind, so an outage that flaps
  between ``network`` and ``http`` alerts once). A kind alerts at most once per episode;
  the kinds alerted so far are read from the ``health_messages`` ledger (the payload's
  ``failure_kind`` of the episode's ``failing`` notices), so they need no column of their own;
* the first ``ok`` run ends the episode and, when the operator was alerted, queues one
  recovery notice threaded under the episode's first alert.

A notice is written to the ``health_messages`` ledger in the same transaction as the state
change, so a crash can neither lose nor repeat it; every write transaction of this module
starts with ``BEGIN IMMEDIATE`` (it waits for another process's write instead of failing with
"database is locked" when a read turns into a write). :func:`queue_and_send` delivers due
notices with retries like change alerts. Without ``[mail] operator`` nothing is mailed (the
notices are marked ``skipped``, once, with one log line); the state is still tracked and
shown by :func:`status`. A source evaluated for the first time starts from its last ``ok``
run, so old history never produces notices.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Literal

from monitors.changes.alerts import SendReport, backoff
from monitors.cli.views import age, shorten, table
from monitors.core.config import Config, SourceConfig
from monitors.core.errors import StoreError
from monitors.mail.emailrender import RenderedMessage, email_environment
from monitors.mail.mailer import DeliveryResult, Transport
from monitors.mail.messages import build_email, header_safe
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
#: Which of a run's errors is reported as "what failed": the most actionable first.
_KIND_RANK = (
    "blocked",
    "exception",
    "store",
    "dropped",
    "outage",
    "cap",
    "layout",
    "config",
    "parse",
    "encoding",
    "unaccounted",
    "listing",
    "http",
    "network",
    "attachment",
    "ignored",
)
#: ``outcome IN (...)`` for SQL over ``runs`` (constants only).
_FAILED_SQL = "outcome IN ({})".format(", ".join(f"'{o}'" for o in FAILED_OUTCOMES))
_PENDING = ("pending", "retry")


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


@dataclass(frozen=True)
class HealthMessage:
    """One ``health_messages`` row: an operator notice and its delivery state."""

    id: int
    source: str
    kind: EventKind
    run_id: int
    message_id: str
    thread: str | None
    payload: dict[str, Any]
    recipient: str | None
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    transport: str | None
    location: str | None
    created_at: str
    sent_at: str | None


@dataclass(frozen=True)
class HealthView:
    """What the health email templates show (times already formatted for people)."""

    kind: EventKind
    source: str
    title: str
    spider: str
    listing_url: str
    run_id: int
    run_at: str | None
    outcome: str
    notices: int
    failure_kind: str
    failure_url: str
    failure_message: str
    since: str | None
    consecutive: int
    alert_after: int
    immediate: bool
    last_ok_at: str | None
    health_id: int = 0
    #: Kinds the operator was already alerted about in this episode (a later alert for a
    #: new kind of failure); empty for an episode's first alert and for a recovery.
    earlier_kinds: tuple[str, ...] = ()

    @property
    def spider_module(self) -> str:
        """The spider's file in the checkout."""
        return f"crawler/spiders/{self.spider.replace('-', '_')}.py"


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
        return replace(failing, alerted_at=failing.alerted_at or now, alerted_kinds=alerted), (
            "failing"
        )
    return failing, None


# -- evaluation -----------------------------------------------------------------------------


def update(store: Store, config: Config, *, now: datetime | None = None) -> list[HealthEvent]:
    """Evaluate each enabled source's runs since the last evaluation; queue its notices."""
    moment = _iso(now)
    events: list[HealthEvent] = []
    for source in config.sources.values():
        if source.enabled and _has_new_runs(store, source.name):
            events += _evaluate(store, config, source, moment)
    for event in events:
        level = logging.WARNING if event.kind == "failing" else logging.INFO
        log.log(level, "health: %s", event.message)
    return events


def _has_new_runs(store: Store, name: str) -> bool:
    """Cheap check outside any write lock: finished runs the evaluation has not seen?"""
    row = store.row(
        "SELECT coalesce(max(r.id), 0) AS newest, "
        "coalesce((SELECT last_run_id FROM source_health WHERE source = ?), 0) AS seen "
        "FROM runs r WHERE r.source = ? AND r.outcome != 'running'",
        [name, name],
    )
    return bool(row) and row["newest"] > row["seen"]


def _evaluate(store: Store, config: Config, source: SourceConfig, now: str) -> list[HealthEvent]:
    events: list[HealthEvent] = []
    with store.atomic():  # BEGIN IMMEDIATE: waits for another writer
        health = _load(store, source.name) or _initial(store, source.name)
        health = _with_episode(store, health, source)
        runs = _finished_runs_after(store, source.name, health.last_run_id)
        if not runs and health.updated_at:
            return events
        for run in runs:
            before = health
            health, notice = step(health, run, source, now)
            if notice:
                health, event = _queue(store, config, source, notice, before, health, run, now)
                events.append(event)
        _save(store, replace(health, updated_at=now))
    return events


def _initial(store: Store, name: str) -> Health:
    """A first evaluation starts after the last ok run (history alerts nobody)."""
    ok = store.row(
        "SELECT id, started_at, finished_at FROM runs WHERE source = ? AND outcome = 'ok' "
        "ORDER BY id DESC LIMIT 1",
        [name],
    )
    if ok is None:
        return Health(source=name)
    return Health(
        source=name,
        since=ok["started_at"],
        last_run_id=ok["id"],
        last_ok_run_id=ok["id"],
        last_ok_at=ok["finished_at"] or ok["started_at"],
    )


def _with_episode(store: Store, health: Health, source: SourceConfig) -> Health:
    """``health`` with the derived part of its failure episode: the kinds already alerted
    (from the ledger) and how many failed runs in a row, up to ``alert_after_failures``, had
    the last failure kind as their primary failure (from the runs)."""
    if health.state != "failing" or health.episode_run_id is None:
        return replace(health, alerted_kinds=(), kind_streak=0)
    alerted: list[str] = []
    for row in store.rows(
        "SELECT payload FROM health_messages WHERE source = ? AND kind = 'failing' "
        "AND run_id >= ? ORDER BY id",
        [health.source, health.episode_run_id],
    ):
        kind = outcome_name(json.loads(row["payload"] or "{}").get("failure_kind"))
        if kind and kind not in alerted:
            alerted.append(kind)
    rows = store.rows(
        "SELECT * FROM runs WHERE source = ? AND id >= ? AND id <= ? ORDER BY id DESC LIMIT ?",
        [
            health.source,
            health.episode_run_id,
            health.last_run_id,
            max(source.alert_after_failures, 1),
        ],
    )
    streak = 0
    for row in rows:
        run = _run(row)
        if run.outcome == "ok" or primary_failure(run, source).kind != health.last_failure_kind:
            break
        streak += 1
    return replace(health, alerted_kinds=tuple(alerted), kind_streak=streak)


def _queue(
    store: Store,
    config: Config,
    source: SourceConfig,
    kind: EventKind,
    before: Health,
    after: Health,
    run: Run,
    now: str,
) -> tuple[Health, HealthEvent]:
    """Record the notice ``kind`` for ``run``; the state now points at it.

    An episode's first alert becomes its thread: a later alert (a new kind of failure) and
    the recovery notice answer it."""
    episode = before if kind == "recovered" else after
    followup = kind == "failing" and before.state == "failing" and before.alerted_at is not None
    earlier = before.alerted_kinds if followup else ()
    payload = _payload(kind, source, episode, run, earlier)
    thread = _message_id(store, before.alert_id) if kind == "recovered" or followup else None
    row_id = _insert_message(store, config, source.name, kind, run.id, thread, payload, now)
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


# -- delivery -------------------------------------------------------------------------------


def queue_and_send(
    store: Store, config: Config, transport: Transport, *, now: datetime | None = None
) -> SendReport:
    """Send every due health notice to ``[mail] operator``; record each outcome.

    Notices are queued by :func:`update`. Without an operator they are marked ``skipped``
    (never sent later). A recovery notice waits while an alert of its episode is still being
    retried and is skipped when none of them was delivered.
    """
    moment = _iso(now)
    due = _due(store, moment)
    operator = (config.mail.operator or "").strip()
    if due and not operator:
        log.warning(
            "no [mail] operator configured: %d health notice(s) not mailed "
            "(`dualwatch status` shows failing sources)",
            len(due),
        )
        for message in due:
            _mark(store, message.id, "skipped", last_error="no [mail] operator configured")
        return SendReport()
    report = SendReport()
    for message in due:
        parent = _thread_status(store, message)
        if parent in _PENDING:
            continue
        if parent in ("skipped", "failed"):
            _mark(store, message.id, "skipped", last_error="its failure alert was not delivered")
            continue
        email = build_email(
            render_health(view_of(message)),
            sender=config.mail.sender,
            recipient=operator,
            message_id=message.message_id,
            thread=message.thread,
        )
        result = transport.send(email)
        report += _record_attempt(store, config, message, result, transport.name, operator, now)
    return report


def render_health(view: HealthView) -> RenderedMessage:
    """The health email (templates/email/health.*) for one notice."""
    env = email_environment()
    subject = header_safe(env.get_template("email/health.subject.txt").render(view=view))
    text = env.get_template("email/health.txt").render(subject=subject, view=view)
    html = env.get_template("email/health.html").render(subject=subject, view=view)
    return RenderedMessage(subject=subject, text=text, html=html)


def view_of(message: HealthMessage) -> HealthView:
    """The template view of a recorded notice."""
    names = {f.name for f in fields(HealthView)}
    values = {k: v for k, v in message.payload.items() if k in names}
    for key in ("run_at", "since", "last_ok_at"):
        values[key] = _display(values.get(key))
    values["outcome"] = outcome_name(values.get("outcome")) or "failed"
    values["earlier_kinds"] = tuple(values.get("earlier_kinds") or ())
    return HealthView(**{**values, "health_id": message.id})


def messages(store: Store, *, pending_only: bool = False) -> list[HealthMessage]:
    """The health notices, oldest first (or only those still to send)."""
    where = "WHERE status IN ('pending', 'retry')" if pending_only else ""
    rows = store.rows(f"SELECT * FROM health_messages {where} ORDER BY id")
    return [_health_message(row) for row in rows]


def _record_attempt(
    store: Store,
    config: Config,
    message: HealthMessage,
    result: DeliveryResult,
    transport: str,
    recipient: str,
    now: datetime | None,
) -> SendReport:
    attempts = message.attempts + 1
    common = {"attempts": attempts, "transport": transport, "recipient": recipient}
    if result.status == "sent":
        _mark(
            store,
            message.id,
            "sent",
            sent_at=_iso(now),
            last_error=None,
            location=result.detail,
            **common,
        )
        return SendReport(sent=1)
    if result.status == "retry":
        wait = backoff(attempts, config.mail.retry_base_seconds, config.mail.retry_max_seconds)
        next_at = _iso((now or datetime.now(UTC)) + wait)
        _mark(
            store, message.id, "retry", next_attempt_at=next_at, last_error=result.detail, **common
        )
        log.warning("health notice %s: will retry at %s: %s", message.id, next_at, result.detail)
        return SendReport(retrying=1)
    _mark(store, message.id, "failed", last_error=result.detail, **common)
    log.error("health notice %s to %s failed permanently: %s", message.id, recipient, result.detail)
    return SendReport(failed=1)


# -- status ---------------------------------------------------------------------------------


def status(
    store: Store, config: Config, next_runs: Mapping[str, datetime | None] | None = None
) -> list[SourceStatus]:
    """Per configured source: last run, outcome, next run, failures, notices, last change."""
    return [
        _source_status(store, s, (next_runs or {}).get(s.name)) for s in config.sources.values()
    ]


def _source_status(store: Store, source: SourceConfig, next_run: datetime | None) -> SourceStatus:
    run = store.last_run(source.name)
    streak = _failure_streak(store, source.name)
    changed = store.row(
        "SELECT max(detected_at) AS at FROM changes WHERE source = ?", [source.name]
    )
    health = _load(store, source.name)
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
        last_change_at=changed["at"] if changed else None,
        state=state,
        message=message,
        since=since,
        alerted_at=alerted,
        oldest_check_at=store.verification_summary(source.name)["oldest"],
    )


def _failure_streak(store: Store, name: str) -> dict[str, Any]:
    """Failed runs since the last ok one: count (n), first id and start, last message."""
    failed = _FAILED_SQL
    row = store.row(
        f"SELECT count(*) AS n, min(id) AS first_id, min(started_at) AS since, "
        f"(SELECT message FROM runs WHERE source = ? AND {failed} ORDER BY id DESC LIMIT 1) "
        f"AS message FROM runs WHERE source = ? AND {failed} AND id > coalesce("
        "(SELECT max(id) FROM runs WHERE source = ? AND outcome = 'ok'), 0)",
        [name, name, name],
    )
    return row or {"n": 0, "first_id": None, "since": None, "message": None}


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


def _status_note(status: SourceStatus) -> str:
    note = status.message or ""
    if status.alerted_at:
        note = f"{note} [operator alerted {status.alerted_at}]".strip()
    return shorten(" ".join(note.split()), 70)


# -- storage (the only SQL about source health) ---------------------------------------------


def _execute(store: Store, sql: str, params: Sequence[Any]) -> sqlite3.Cursor:
    try:
        return store.db.execute(sql, list(params))
    except sqlite3.Error as exc:
        raise StoreError(f"source health: {exc}") from exc


def _load(store: Store, name: str) -> Health | None:
    """The stored row (the derived fields left empty: see :func:`_with_episode`)."""
    row = store.row("SELECT * FROM source_health WHERE source = ?", [name])
    if row is None:
        return None
    columns = {f.name for f in fields(Health)} - set(_DERIVED)
    return Health(**{key: value for key, value in row.items() if key in columns})


def _save(store: Store, health: Health) -> None:
    values = {k: v for k, v in asdict(health).items() if k not in _DERIVED}
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    _execute(
        store,
        f"INSERT OR REPLACE INTO source_health ({columns}) VALUES ({marks})",
        list(values.values()),
    )


def _finished_runs_after(store: Store, name: str, run_id: int) -> list[Run]:
    """Runs after ``run_id`` in order, up to the first one still running."""
    rows = store.rows("SELECT * FROM runs WHERE source = ? AND id > ? ORDER BY id", [name, run_id])
    runs: list[Run] = []
    for row in rows:
        if row["outcome"] == "running":
            break
        runs.append(_run(row))
    return runs


def _insert_message(
    store: Store,
    config: Config,
    source: str,
    kind: str,
    run_id: int,
    thread: str | None,
    payload: dict[str, Any],
    now: str,
) -> int:
    cursor = _execute(
        store,
        "INSERT OR IGNORE INTO health_messages (source, kind, run_id, thread, payload, status, "
        "attempts, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)",
        [source, kind, run_id, thread, json.dumps(payload, ensure_ascii=False), now],
    )
    if cursor.rowcount != 1:
        row = store.row(
            "SELECT id FROM health_messages WHERE source = ? AND kind = ? AND run_id = ?",
            [source, kind, run_id],
        )
        return int(row["id"]) if row else 0
    row_id = int(cursor.lastrowid)
    message_id = f"<dualwatch.health-{row_id}.{kind}@{config.mail.message_id_domain}>"
    _execute(store, "UPDATE health_messages SET message_id = ? WHERE id = ?", [message_id, row_id])
    return row_id


def _message_id(store: Store, row_id: int | None) -> str | None:
    if row_id is None:
        return None
    row = store.row("SELECT message_id FROM health_messages WHERE id = ?", [row_id])
    return row["message_id"] if row else None


def _thread_status(store: Store, message: HealthMessage) -> str | None:
    """How the alerts of the episode a recovery notice ends were delivered (None: not a
    recovery): ``pending``/``retry`` while one is still due, else ``sent`` when one was."""
    if message.kind != "recovered" or not message.thread:
        return None
    rows = store.rows(
        "SELECT status FROM health_messages WHERE source = ? AND kind = 'failing' "
        "AND (message_id = ? OR thread = ?)",
        [message.source, message.thread, message.thread],
    )
    statuses = {row["status"] for row in rows}
    return next((s for s in (*_PENDING, "sent", "failed", "skipped") if s in statuses), None)


def _due(store: Store, now: str) -> list[HealthMessage]:
    rows = store.rows(
        "SELECT * FROM health_messages WHERE status IN ('pending', 'retry') "
        "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id",
        [now],
    )
    return [_health_message(row) for row in rows]


def _mark(store: Store, row_id: int, status: str, **values: Any) -> None:
    assignments = ", ".join(f"{key} = ?" for key in ("status", *values))
    with store.atomic():  # BEGIN IMMEDIATE: waits for another writer
        _execute(
            store,
            f"UPDATE health_messages SET {assignments} WHERE id = ?",
            [status, *values.values(), row_id],
        )


def _health_message(row: dict[str, Any]) -> HealthMessage:
    return HealthMessage(
        **{**row, "payload": json.loads(row["payload"] or "{}"), "attempts": row["attempts"] or 0}
    )


def _run(row: dict[str, Any]) -> Run:
    """A :class:`Run` from a ``runs`` row (a column the row lacks keeps its default)."""
    values: dict[str, Any] = {}
    for field in fields(Run):
        if field.name not in row:
            continue
        value = row[field.name]
        if str(field.type).startswith("tuple"):  # error_log, unaccounted: JSON lists
            value = tuple(json.loads(value or "[]"))
        elif field.type == "int" and field.name != "id":
            value = value or 0
        elif field.name == "baseline":
            value = bool(value)
        values[field.name] = value
    return Run(**values)


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()


def _display(iso: str | None) -> str | None:
    """``2026-01-05 09:30 UTC`` for a stored ISO time."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
