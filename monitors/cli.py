"""The `dualwatch` command line: a thin layer over monitors.tasks and monitors.store.

Exit codes: 0 success, 1 a source failed (or the data asked for does not exist), 2 usage or
configuration error.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from monitors import tasks
from monitors.config import Config, load_config
from monitors.detect import format_change_diff
from monitors.errors import ConfigError, DualwatchError
from monitors.logsetup import configure_logging
from monitors.store import Store
from monitors.views import notice_report, run_table, shorten, table

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

    def store(self) -> Store:
        """Open the store of the configured data directory."""
        return Store.open(self.config.db_path)


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", metavar="PATH", help="Configuration file.")
@click.option("--home", metavar="DIR", help="Data directory (default from config, ./var).")
@click.option("--connect-to", metavar="HOST=ADDR:PORT,...", help="Reroute hosts (replica).")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.version_option("0.1.0", prog_name="dualwatch")
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
@click.argument("sources", nargs=-1)
@click.option("--full", is_flag=True, help="Re-check every listed notice, not only recent ones.")
@click.option("--no-send", is_flag=True, help="Detect and store, but write no alert messages.")
@pass_context
def crawl(obj: Context, sources: tuple[str, ...], full: bool, no_send: bool) -> None:
    """Crawl SOURCES now (all enabled sources when none is named)."""
    report = tasks.crawl(obj.config, sources, full=full, send=not no_send, verbosity=obj.verbose)
    click.echo(run_table(report.runs))
    for run in report.runs:
        if not run.succeeded:
            click.echo(f"{run.source}: {run.outcome}: {run.message}", err=True)
    if report.deliveries:
        click.echo(
            f"\n{len(report.deliveries)} alert message(s) written to "
            f"{obj.config.outbox_path / 'new'}"
        )
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.option("--since", metavar="WHEN", help="ISO date/time, or relative: 24h, 7d, 2w.")
@click.option("--source", metavar="NAME", help="Only this source.")
@click.option("--limit", type=int, metavar="N", help="Only the N most recent changes.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_context
def changes(
    obj: Context, since: str | None, source: str | None, limit: int | None, as_json: bool
) -> None:
    """List detected changes, oldest first."""
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
@click.argument("notice")
@click.option("--text/--no-text", default=True, help="Print the current text.")
@pass_context
def show(obj: Context, notice: str, text: bool) -> None:
    """Show a notice (by id or URL): number, issuer, dates, type, language, attachments,
    its copies on other sites, versions, changes and current text."""
    with obj.store() as store:
        found = store.find_notice(notice)
        if found is None:
            raise click.ClickException(f"no notice {notice!r}")
        click.echo(notice_report(store, found, with_text=text))


@cli.command()
@click.argument("change", type=int)
@pass_context
def diff(obj: Context, change: int) -> None:
    """Show what CHANGE changed: line diff with per-character marks ([-old-]{+new+})."""
    with obj.store() as store:
        found = store.get_change(change)
    if found is None:
        raise click.ClickException(f"no change {change}")
    click.echo(f"change {found.id}: {found.kind} {found.title}\n{found.url}\n")
    click.echo(format_change_diff(found.diff))


@cli.command()
@pass_context
def sources(obj: Context) -> None:
    """List configured sources with their last run and stored notice count."""
    rows = []
    with obj.store() as store:
        for source in obj.config.sources.values():
            run = store.last_run(source.name)
            rows.append(
                [
                    source.name,
                    "yes" if source.enabled else "no",
                    str(store.count_notices(source.name)),
                    run.started_at if run else "never",
                    run.outcome if run else "-",
                    shorten(run.message or "", 60) if run else "",
                ]
            )
    click.echo(table(["source", "enabled", "notices", "last run", "outcome", "message"], rows))


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
    except ConfigError as exc:
        click.echo(f"configuration error: {exc}", err=True)
        sys.exit(2)
    except DualwatchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
