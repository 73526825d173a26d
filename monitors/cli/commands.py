"""The `dualwatch` command line: a thin layer over monitors.tasks and monitors.storage.store.

Exit codes (the same for every command; README "The CLI" has the table):

- 0: success.
- 1: a source failed (crawl), a delivery is still retrying or failed (send), or the thing
  asked for does not exist (a notice id/URL, change id, run id or `rules test` target); not
  found prints one line on stderr, ``dualwatch: no change 999``.
- 2: usage error (unknown option, bad option value, unknown source or subscription name,
  with a suggestion) or configuration error.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from monitors.core.config import load_config
from monitors.core.errors import ConfigError, DualwatchError, NotFoundError
from monitors.core.logsetup import configure_logging
from monitors.core.version import VERSION

# Everything else is imported by the commands that use it, so `dualwatch --help` and
# `dualwatch crawl` do not load the scheduler, the mail and template stack or the diff code
# (measured with bench/startup_bench.py).
if TYPE_CHECKING:
    from monitors.changes.alerts import SendReport
    from monitors.core.config import Config, ConfigReport
    from monitors.storage.store import Store

RELATIVE = re.compile(r"^(\d+)([hdw])$")


class Context:
    """Options shared by every command; the configuration is loaded on first use."""

    def __init__(self, config: str | None, home: str | None, connect_to: str | None, verbose: int):
        self._args = (config, home, connect_to)
        self.verbose = verbose
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        """The loaded configuration."""
        if self._config is None:
            config, home, connect_to = self._args
            self._config = load_config(config, home=home, connect_to=connect_to)
        return self._config

    def inspect(self) -> ConfigReport:
        """Read and check the configuration, collecting every problem (`config check`)."""
        from monitors.core.config import inspect_config

        config, home, connect_to = self._args
        return inspect_config(config, home=home, connect_to=connect_to)

    def store(self) -> Store:
        """Open the store of the configured data directory."""
        from monitors.storage.store import Store

        return Store.open(self.config.db_path)


pass_context = click.make_pass_decorator(Context)


def did_you_mean(name: str, known: Iterable[str], what: str) -> str:
    """``unknown source 'mofcm' (did you mean 'mofcom'?)``, or the known names."""
    names = list(known)
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"configured: {', '.join(names) or 'none'}"
    return f"unknown {what} {name!r} ({hint})"


class ConfiguredName(click.ParamType):
    """A source or subscription name, checked against the configuration (a usage error,
    exit 2, with a "did you mean" when it is not configured)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.name = what

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """The name itself, when it is configured."""
        obj = ctx.find_object(Context) if ctx else None
        if obj is None:
            return str(value)
        config = obj.config
        known = (
            list(config.sources)
            if self.what == "source"
            else [s.name for s in config.subscriptions]
        )
        if value not in known:
            self.fail(did_you_mean(str(value), known, self.what), param, ctx)
        return str(value)


SOURCE = ConfiguredName("source")
SUBSCRIPTION = ConfiguredName("subscription")
POSITIVE = click.IntRange(min=1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", help="Configuration file.")
@click.option("--home", metavar="DIR", help="Data directory (default from config, ./var).")
@click.option("--connect-to", metavar="HOST=ADDR:PORT,...", help="Reroute hosts (replica).")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.version_option(VERSION, prog_name="dualwatch")
@click.pass_context
def cli(
    ctx: click.Context,
    config_path: str | None,
    home: str | None,
    connect_to: str | None,
    verbose: int,
) -> None:
    """dualwatch: watch MOFCOM, MOFA and METI for new and revised export-control notices."""
    configure_logging(verbose)
    ctx.obj = Context(config_path, home, connect_to, verbose)


@cli.command()
@click.argument("sources", nargs=-1, type=SOURCE)
@click.option("--full", is_flag=True, help="Re-check every listed notice, not only recent ones.")
@click.option("--no-send", is_flag=True, help="Detect and store, but send no alerts.")
@click.option(
    "--wait",
    metavar="DURATION",
    default="0s",
    help="Wait this long (e.g. 10m) when another process crawls a source.",
)
@pass_context
def crawl(obj: Context, sources: tuple[str, ...], full: bool, no_send: bool, wait: str) -> None:
    """Crawl SOURCES now (all enabled sources when none is named)."""
    from monitors import tasks
    from monitors.cli.views import run_table
    from monitors.core.durations import parse_duration

    report = tasks.crawl(
        obj.config,
        sources,
        full=full,
        send=not no_send,
        verbosity=obj.verbose,
        wait=parse_duration(wait, "--wait"),
    )
    click.echo(run_table(report.runs))
    for run in report.runs:
        if not run.succeeded:
            click.echo(f"{run.source}: {run.outcome}: {run.message}", err=True)
    if report.delivery is not None:
        click.echo(delivery_summary(report.delivery, obj.config))
    for state in report.published:
        if not state.ok:
            click.echo(f"the {state.output} could not be rewritten: {state.error}", err=True)
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.option("--since", metavar="WHEN", help="ISO date/time, or relative: 24h, 7d, 2w.")
@click.option("--source", type=SOURCE, metavar="NAME", help="Only this source.")
@click.option("--limit", type=POSITIVE, metavar="N", help="Only the N most recent changes.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_context
def changes(
    obj: Context, since: str | None, source: str | None, limit: int | None, as_json: bool
) -> None:
    """List detected changes, oldest first."""
    from monitors.cli.views import shorten, table

    with obj.store() as store:
        found = store.list_changes(since=parse_since(since), source=source, limit=limit)
    if as_json:
        for change in found:
            click.echo(json.dumps(change.as_json_dict(), ensure_ascii=False))
        return
    rows = [
        [str(c.id), c.detected_at, c.source, c.kind, shorten(c.title, 50), c.url] for c in found
    ]
    click.echo(table(["id", "detected", "source", "kind", "title", "url"], rows))


@cli.command()
@click.argument("query")
@click.option("--source", type=SOURCE, metavar="NAME", help="Only this source.")
@click.option("--since", metavar="WHEN", help="Only versions fetched since (ISO or 7d, 2w).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_context
def search(obj: Context, query: str, source: str | None, since: str | None, as_json: bool) -> None:
    """Full-text search over every version of every notice (Chinese and Japanese substrings,
    English words): each notice with a snippet, and whether the match is in its current
    version or only in an earlier one ("removed in version 3"). Exit 1 when nothing matches."""
    from dataclasses import asdict

    from monitors.cli.views import shorten, table

    if not query.strip():
        raise click.UsageError("QUERY is empty")
    with obj.store() as store:
        hits = store.search(query.strip(), source=source, since=parse_since(since))
    if as_json:
        for hit in hits:
            click.echo(json.dumps(asdict(hit), ensure_ascii=False))
    else:
        rows = [
            [str(h.notice_id), h.source, shorten(h.title, 40),
             "current" if h.in_current else f"removed in version {h.gone_in}",
             shorten(h.snippet, 60)]
            for h in hits
        ]  # fmt: skip
        click.echo(table(["id", "source", "title", "match", "snippet"], rows))
    sys.exit(0 if hits else 1)


@cli.command()
@click.option("--out", metavar="DIR", help="Write here (default: <home>/feeds).")
@pass_context
def feeds(obj: Context, out: str | None) -> None:
    """Write the Atom feeds of the latest changes: all.xml, topic-<topic>.xml and
    source-<source>.xml (also written after every crawl)."""
    from monitors.ops.locks import publish_lock
    from monitors.publish.feeds import write_feeds

    with obj.store() as store, publish_lock(obj.config.home):
        written = write_feeds(store, obj.config, Path(out) if out else None)
    click.echo(f"wrote {len(written)} feed(s) to {written[0].parent}")


@cli.command()
@click.argument("notice")
@click.option("--text/--no-text", default=True, help="Print the current text.")
@pass_context
def show(obj: Context, notice: str, text: bool) -> None:
    """Show a notice (by id or URL): number, issuer, dates, type, language, attachments,
    its copies on other sites, versions, changes and current text."""
    from monitors.cli.views import notice_report

    with obj.store() as store:
        found = store.find_notice(notice)
        if found is None:
            raise NotFoundError(f"no notice {notice}")
        click.echo(notice_report(store, found, with_text=text))


@cli.command()
@click.argument("change", type=int)
@pass_context
def diff(obj: Context, change: int) -> None:
    """Show what CHANGE changed: line diff with per-character marks ([-old-]{+new+})."""
    from monitors.changes.detect import format_change_diff

    with obj.store() as store:
        found = store.get_change(change)
    if found is None:
        raise NotFoundError(f"no change {change}")
    click.echo(f"change {found.id}: {found.kind} {found.title}\n{found.url}\n")
    click.echo(format_change_diff(found.diff))


@cli.command()
@pass_context
def sources(obj: Context) -> None:
    """List configured sources with their last run and stored notice count."""
    from monitors.cli.views import age, shorten, table

    rows = []
    with obj.store() as store:
        for source in obj.config.sources.values():
            run = store.last_run(source.name)
            checked = store.verification_summary(source.name)["oldest"]
            rows.append(
                [
                    source.name,
                    "yes" if source.enabled else "no",
                    str(store.count_notices(source.name)),
                    age(checked),
                    run.started_at if run else "never",
                    run.outcome if run else "-",
                    shorten(run.message or "", 60) if run else "",
                ]
            )
    headers = ["source", "enabled", "notices", "oldest check", "last run", "outcome", "message"]
    click.echo(table(headers, rows))


@cli.command()
@click.argument("source", required=False, type=SOURCE)
@click.option("--run", "run_id", type=int, metavar="ID", help="Show one run in full.")
@click.option("--limit", type=POSITIVE, default=20, show_default=True, help="How many runs.")
@pass_context
def runs(obj: Context, source: str | None, run_id: int | None, limit: int) -> None:
    """Recent crawl runs (of SOURCE), or one run in full with its errors and the entries
    it could not account for."""
    from monitors.cli.views import run_report, runs_table

    with obj.store() as store:
        if run_id is not None:
            found = store.get_run(run_id)
            if found is None:
                raise NotFoundError(f"no run {run_id}")
            click.echo(run_report(found))
            return
        recent = store.recent_runs(source, limit)
        click.echo(runs_table(recent))
        if source is not None and recent and recent[0].outcome not in ("ok", "running"):
            click.echo("\n" + run_report(recent[0]))


@cli.command()
@pass_context
def daemon(obj: Context) -> None:
    """Run the schedule (crawls, digests, delivery, retention) until SIGTERM or Ctrl-C."""
    from monitors.ops.daemon import run_daemon

    sys.exit(run_daemon(obj.config, verbosity=obj.verbose))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per source per line.")
@pass_context
def status(obj: Context, as_json: bool) -> None:
    """Per source: health, last run, outcome, next run, consecutive failures, notices, last
    change."""
    from monitors.ops.scheduler import next_run_times
    from monitors.ops.status import (
        configured_outputs,
        publish_table,
        source_statuses,
        status_json,
        status_table,
    )

    with obj.store() as store:
        statuses = source_statuses(store, obj.config, next_run_times(obj.config, datetime.now(UTC)))
        published = configured_outputs(store.publish_states(), obj.config)
    click.echo(status_json(statuses) if as_json else status_table(statuses))
    if published and not as_json:
        click.echo("\n" + publish_table(published))


@cli.command()
@click.option("--pending", is_flag=True, help="Only the messages still to deliver.")
@pass_context
def alerts(obj: Context, pending: bool) -> None:
    """List immediate alerts, digests and health notices with their delivery status; times
    and digest periods in the subscription's time zone (the local one for health notices)."""
    from monitors.cli.views import ledger_table, local_zone
    from monitors.storage.ledger import TABLES, Ledger

    with obj.store() as store:
        ledger = Ledger(store)
        rows = [d for t in TABLES for d in ledger.listing(t, pending_only=pending)]
    click.echo(ledger_table(rows, obj.config.subscriptions, local_zone()))


@cli.command()
@pass_context
def send(obj: Context) -> None:
    """Classify new changes, queue alerts, open due digests and deliver what is due."""
    from monitors import tasks

    with obj.store() as store:
        report = tasks.send_pending(store, obj.config)
    click.echo(delivery_summary(report, obj.config))
    sys.exit(1 if report.failed or report.retrying else 0)


@cli.command()
@click.option("--period", type=click.Choice(["daily", "weekly"]), help="Default: per subscription.")
@click.option(
    "--subscription", "name", type=SUBSCRIPTION, metavar="NAME", help="Only this subscription."
)
@click.option("--preview", type=click.Path(dir_okay=False), help="Write the HTML digest here.")
@click.option("--send", "do_send", is_flag=True, help="Record and send the due digest(s).")
@click.option("--current", is_flag=True, help="The period still running (not yet due).")
@pass_context
def digest(
    obj: Context,
    period: str | None,
    name: str | None,
    preview: str | None,
    do_send: bool,
    current: bool,
) -> None:
    """Show (or --preview, or --send) the digest of the latest complete period; --current
    shows the period still running."""
    from monitors import tasks

    if current and do_send:
        raise click.UsageError("--current previews the running period; it cannot be sent")
    with obj.store() as store:
        tasks.prepare_digests(store, obj.config)
        rendered_digests = tasks.render_digests(store, obj.config, name, period, current=current)
        for subscription, rendered in rendered_digests:
            if preview:
                Path(preview).write_text(rendered.html, encoding="utf-8")
                click.echo(f"{subscription.name}: HTML digest written to {preview}")
            else:
                click.echo(f"Subject: {rendered.subject}\n\n{rendered.text}")
        if do_send:
            report = tasks.send_digests(store, obj.config, name, period)
            click.echo(delivery_summary(report, obj.config))


@cli.group()
def rules() -> None:
    """Relevance rules (config/rules.toml)."""


@rules.command("test")
@click.argument("target")
@pass_context
def rules_test(obj: Context, target: str) -> None:
    """Show which topics TARGET (a stored notice id/URL, or an HTML or text file) matches."""
    from monitors import tasks
    from monitors.rules.load import load_rules
    from monitors.rules.ruleset import explain

    ruleset = load_rules(obj.config.rules_path, known_sources=obj.config.sources)
    with obj.store() as store:
        title, text, source, doc_type = tasks.rule_input(store, target)
    click.echo(explain(ruleset, title=title, text=text, source=source, doc_type=doc_type))


@rules.command("backtest")
@click.option("--since", metavar="WHEN", help="ISO date/time, or relative: 24h, 7d, 2w.")
@pass_context
def rules_backtest(obj: Context, since: str | None) -> None:
    """Run the current rules and counterparty files over the stored changes and print what
    would have been alerted and to whom (writes nothing)."""
    from monitors.changes.backtest import backtest
    from monitors.cli.views import shorten, table
    from monitors.rules.load import load_rules

    ruleset = load_rules(obj.config.rules_path, known_sources=obj.config.sources)
    with obj.store() as store:
        found = backtest(store, obj.config, ruleset, parse_since(since))
    rows = [
        [str(r.change.id), r.change.detected_at[:10], r.change.kind, shorten(r.change.title, 40),
         ", ".join(r.topics) or "-", ", ".join(r.recipients) or "-"]
        for r in found
    ]  # fmt: skip
    click.echo(table(["id", "detected", "kind", "title", "topics", "would alert"], rows))
    alerted = sum(1 for r in found if r.recipients)
    click.echo(f"{len(found)} changes; {alerted} would be alerted")


@cli.group("config")
def config_group() -> None:
    """The configuration file (config/dualwatch.toml)."""


@config_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the configuration as JSON.")
@pass_context
def config_check(obj: Context, as_json: bool) -> None:
    """Print the effective configuration (after `extends` and defaults, secrets redacted) and
    every problem found; exit 2 when there is any."""
    from monitors.core.config_show import format_effective

    report = obj.inspect()
    click.echo(f"# {report.path}")
    click.echo(format_effective(report.effective, as_json=as_json))
    for line in report.problems:
        click.echo(f"configuration error: {line}", err=True)
    count = len(report.problems)
    click.echo(f"{count} problem(s) found" if count else "configuration OK", err=True)
    sys.exit(2 if count else 0)


def delivery_summary(report: SendReport, config: Config) -> str:
    """One line about a delivery pass, naming where messages went."""
    where = (
        f"SMTP {config.mail.smtp.get('host')}"
        if config.mail.smtp.get("host")
        else f"the outbox {config.outbox_path / 'new'}"
    )
    line = f"\ndelivered {report.sent - report.pushed} message(s) to {where}"
    if report.pushed:
        line += f" and {report.pushed} chat message(s)"
    if report.retrying:
        line += f"; {report.retrying} will be retried"
    if report.failed:
        line += f"; {report.failed} FAILED permanently (see `dualwatch alerts`)"
    return line


def parse_since(value: str | None) -> str | None:
    """Turn --since (ISO date/time or 24h/7d/2w) into an ISO UTC timestamp for the store."""
    if not value:
        return None
    if match := RELATIVE.match(value.strip()):
        amount, unit = int(match.group(1)), match.group(2)
        delta = {
            "h": timedelta(hours=amount),
            "d": timedelta(days=amount),
            "w": timedelta(weeks=amount),
        }[unit]
        return (datetime.now(UTC) - delta).replace(microsecond=0).isoformat()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO date/time or 24h/7d/2w", param_hint="--since"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: run the CLI and map dualwatch errors to exit codes."""
    try:
        return cli.main(args=argv, prog_name="dualwatch", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except NotFoundError as exc:
        click.echo(f"dualwatch: {exc}", err=True)
        sys.exit(1)
    except ConfigError as exc:
        for line in str(exc).splitlines() or [""]:
            click.echo(f"configuration error: {line}", err=True)
        sys.exit(2)
    except DualwatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
