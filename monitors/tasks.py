"""The verbs shared by the CLI (and later the daemon): crawl, list, show, deliver."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from monitors.config import Config, SourceConfig
from monitors.errors import ConfigError
from monitors.models import Run, RunStats
from monitors.outbox import Delivery, deliver_pending
from monitors.runner import ProcessResult, run_crawl_process
from monitors.store import Store


@dataclass(frozen=True)
class CrawlReport:
    """What one `dualwatch crawl` did: a run per source and the messages written."""

    runs: tuple[Run, ...]
    deliveries: tuple[Delivery, ...]
    process: ProcessResult

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
) -> CrawlReport:
    """Crawl sources in a child process, then write alert messages for what was detected."""
    sources = [s.name for s in select_sources(config, names)]
    batch = uuid.uuid4().hex
    process = run_crawl_process(config, sources, batch=batch, full=full, verbosity=verbosity)
    with Store.open(config.db_path) as store:
        runs = _runs_of_batch(store, config, sources, batch, process)
        deliveries = deliver_pending(store, config) if send else []
    return CrawlReport(tuple(runs), tuple(deliveries), process)


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
        store.finish_run(run_id, "error", RunStats(), f"crawl process {why} before starting")
    return store.runs_for_batch(batch)
