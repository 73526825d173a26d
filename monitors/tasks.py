"""The verbs shared by the CLI (and later the daemon): crawl, list, show, deliver.

Alerting, digests and mail are imported by the verbs that use them, so a
`dualwatch crawl --no-send` loads none of it (measured by bench/startup_bench.py).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from monitors.core.config import Config, SourceConfig
from monitors.core.errors import (
    ConfigError,
    DualwatchError,
    NotFoundError,
    StoreError,
)
from monitors.ops.locks import delivery_lock, publish_lock, source_locks
from monitors.ops.runner import ProcessResult, run_crawl_process
from monitors.storage.ledger import Ledger
from monitors.storage.models import PublishState, Run, RunStats
from monitors.storage.store import Store

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from monitors.changes.alerts import SendReport
    from monitors.mail.emailrender import RenderedMessage
    from monitors.rules.subscriptions import Subscription

CONFIG_EXIT = 2  # crawler.run's exit status for configuration errors


@dataclass(frozen=True)
class CrawlReport:
    """What one `dualwatch crawl` did: a run per source and the messages written."""

    runs: tuple[Run, ...]
    delivery: SendReport | None
    process: ProcessResult
    #: The feeds and the bulletin rewritten after the crawl (or why they could not be).
    published: tuple[PublishState, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every source's run succeeded."""
        return bool(self.runs) and all(run.succeeded for run in self.runs)


def select_sources(config: Config, names: Sequence[str]) -> list[SourceConfig]:
    """The sources to crawl: the named ones, or every enabled one when none is named."""
    if names:
        return [config.source(name) for name in dict.fromkeys(names)]
    enabled = [s for s in config.sources.values() if s.enabled]
    if not enabled:
        raise ConfigError("no enabled sources in the configuration")
    return enabled


def crawl(
    config: Config,
    names: Sequence[str] = (),
    *,
    full: bool = False,
    send: bool = True,
    verbosity: int = 0,
    wait: float = 0.0,
) -> CrawlReport:
    """Crawl sources in a child process, then deliver immediate alerts for what was detected.

    Holds each source's lock throughout (waiting up to ``wait`` seconds for another process
    crawling the same source; SourceBusyError after that).
    """
    sources = [s.name for s in select_sources(config, names)]
    with source_locks(config.home, sources, wait):
        return _crawl_locked(config, sources, full=full, send=send, verbosity=verbosity)


def _crawl_locked(
    config: Config, sources: list[str], *, full: bool, send: bool, verbosity: int
) -> CrawlReport:
    batch = uuid.uuid4().hex
    register_subscribers(config)  # a subscription added now gets this crawl's changes too
    process = run_crawl_process(config, sources, batch=batch, full=full, verbosity=verbosity)
    if process.returncode == CONFIG_EXIT and not process.timed_out:
        raise ConfigError("the crawl process rejected the configuration (error above)")
    with Store.open(config.db_path) as store:
        runs = _runs_of_batch(store, config, sources, batch, process)
        if send:
            classify(store, config)  # the feeds and the bulletin show the topics too
        # published before the alerts are sent, so the bulletin pages they link exist
        published = publish(store, config)
        delivery = send_pending(store, config, digests=False) if send else None
    return CrawlReport(tuple(runs), delivery, process, tuple(published))


def publish(store: Store, config: Config) -> list[PublishState]:
    """Rewrite the feeds and (when configured) the bulletin after a crawl, one process or
    thread at a time, and record each attempt (`dualwatch status` shows it); a failure is
    logged as an error and returned (the crawl's summary says so), never raised: the crawl
    itself and its alerts are not affected, and the next crawl tries again."""
    from monitors.publish.feeds import write_feeds

    outputs: list[tuple[str, Path, Callable[[Path], object]]] = [
        ("feeds", config.home / "feeds", lambda path: write_feeds(store, config, path))
    ]
    if config.site_path is not None:
        from monitors.publish.site import write_site

        outputs.append(("bulletin", config.site_path, lambda p: write_site(store, config, p)))
    before = {state.output: state for state in store.publish_states()}
    states = []
    for output, path, write in outputs:
        error = None
        try:
            with publish_lock(config.home):
                write(path)
        except (DualwatchError, OSError, ValueError) as exc:
            error = str(exc) or type(exc).__name__
            log.error("writing the %s to %s failed: %s", output, path, error)
        except Exception as exc:  # a bug must not cost the crawl its alerts: logged, shown
            error = f"{type(exc).__name__}: {exc}"
            log.exception("writing the %s to %s failed", output, path)
        try:
            states.append(_record_publish(store, config, before.get(output), output, path, error))
        except StoreError as exc:
            log.error("could not record writing the %s: %s", output, exc)
    return states


def _record_publish(
    store: Store,
    config: Config,
    before: PublishState | None,
    output: str,
    path: Path,
    error: str | None,
) -> PublishState:
    """Record one attempt to write ``output`` and, in the same transaction, queue the
    operator's notice it calls for (:mod:`monitors.ops.publish_health`)."""
    from monitors.ops.publish_health import notice_publishing

    with store.atomic():
        state = store.record_publish(output, str(path), error)
        notice_publishing(Ledger(store), config, before, state)
    return state


def classify(store: Store, config: Config) -> int:
    """Match the changes not classified yet against the rules (one process at a time, as
    :func:`send_pending` does); how many."""
    from monitors.changes.alerts import classify_pending
    from monitors.rules.load import load_rules

    with delivery_lock(config.home):
        return classify_pending(store, load_rules(config.rules_path, known_sources=config.sources))


def send_pending(store: Store, config: Config, *, digests: bool = True) -> SendReport:
    """Classify new changes, queue immediate alerts and health notices, open due digests,
    deliver what is due."""
    from monitors.changes.alerts import classify_pending, queue_immediate
    from monitors.mail.dispatch import deliver_due, make_transport, open_due_digests
    from monitors.ops import health
    from monitors.rules.load import load_rules

    with delivery_lock(config.home):
        classify_pending(store, load_rules(config.rules_path, known_sources=config.sources))
        queue_immediate(store, config)
        health.update(store, config)
        if digests:
            open_due_digests(store, config)
        transport = make_transport(config)
        try:
            return deliver_due(store, config, transport)  # alerts, digests, health notices
        finally:
            transport.close()


def _runs_of_batch(
    store: Store, config: Config, sources: list[str], batch: str, process: ProcessResult
) -> list[Run]:
    """The batch's runs; a source whose process died without recording one gets a failed run."""
    for name in sources:
        store.abort_stale_runs(name)
    recorded = {run.source: run for run in store.runs_for_batch(batch)}
    why = "timed out" if process.timed_out else f"exited with status {process.returncode}"
    for name in sources:
        if name in recorded:
            continue
        source = config.source(name)
        store.ensure_source(name, source.title, source.spider)
        run_id = store.start_run(name, batch, baseline=False)
        store.finish_run(run_id, "failed", RunStats(), f"crawl process {why} before starting")
    return store.runs_for_batch(batch)


def prepare_digests(store: Store, config: Config) -> int:
    """Classify changes not yet matched against the rules (digests group by topic)."""
    from monitors.changes.alerts import classify_pending
    from monitors.rules.load import load_rules

    return classify_pending(store, load_rules(config.rules_path, known_sources=config.sources))


def _digest_targets(
    config: Config, name: str | None, period: str | None
) -> list[tuple[Subscription, str]]:
    chosen = [s for s in config.subscriptions if name is None or s.name == name]
    if name is not None and not chosen:
        raise ConfigError(f"no subscription named {name!r}")
    targets = [(s, period or s.digest) for s in chosen]
    return [(s, kind) for s, kind in targets if kind != "none"]


def render_digests(
    store: Store,
    config: Config,
    name: str | None = None,
    period: str | None = None,
    *,
    current: bool = False,
    now: datetime | None = None,
) -> list[tuple[Subscription, RenderedMessage]]:
    """The due digest of each chosen subscription (or, with ``current``, the digest of the
    period still running), rendered but not recorded or sent."""
    from monitors.changes.digest import current_period, digest_view, due_period
    from monitors.mail.emailrender import render_digest

    now = now or datetime.now(UTC)
    pick = current_period if current else due_period
    return [
        (s, render_digest(digest_view(store, config, s, pick(s, kind, now))))
        for s, kind in _digest_targets(config, name, period)
    ]


def send_digests(
    store: Store,
    config: Config,
    name: str | None = None,
    period: str | None = None,
    *,
    now: datetime | None = None,
) -> SendReport:
    """Record the due digest of each chosen subscription (once per period) and deliver."""
    from monitors.changes.digest import digest_view, due_period
    from monitors.mail.dispatch import deliver_due, make_transport

    prepare_digests(store, config)
    ledger = Ledger(store)
    now = now or datetime.now(UTC)
    with delivery_lock(config.home):
        for subscription, kind in _digest_targets(config, name, period):
            due = due_period(subscription, kind, now)
            since = ledger.subscriber_since(subscription.name, subscription.email)
            if due.end_iso <= since:
                continue  # the subscription did not exist during that period
            count = digest_view(store, config, subscription, due).total
            ledger.open_digest(
                subscription.name,
                subscription.email,
                kind,
                due.start_iso,
                due.end_iso,
                count,
                config.mail.message_id_domain,
            )
        transport = make_transport(config)
        try:
            return deliver_due(store, config, transport, now)
        finally:
            transport.close()


def rule_input(store: Store, target: str) -> tuple[str, str, str | None, str | None]:
    """(title, text, source, doc_type) of a stored notice (id or URL) or of a file."""
    from monitors.text.normalize import collapse_whitespace, html_to_text

    path = Path(target)
    if path.is_file():
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() in (".html", ".htm"):
            title = collapse_whitespace(re.sub(r"(?s).*<title>(.*?)</title>.*|.*", r"\1", raw))
            return title, html_to_text(raw), None, None
        first, _, rest = raw.partition("\n")
        return first.strip(), rest, None, None
    notice = store.find_notice(target)
    if notice is None or notice.current_version_id is None:
        raise NotFoundError(f"{target!r} is neither a file nor a stored notice (id or URL)")
    version = store.get_version(notice.current_version_id)
    if version is None:
        raise StoreError(
            f"notice {notice.id} points to version {notice.current_version_id}, which is missing"
        )
    return version.title, version.text, notice.source, version.metadata.get("doc_type")


def register_subscribers(config: Config) -> None:
    """Record when each subscription (and each of its ``notify`` targets) was first seen:
    alerts start from that moment."""
    from monitors.changes.alerts import recipients

    with Store.open(config.db_path) as store:
        ledger = Ledger(store)
        for subscription in config.subscriptions:
            recipients(ledger, subscription)
