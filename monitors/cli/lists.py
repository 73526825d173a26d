"""`dualwatch lists`, `entities` and `screen`: control lists as data (registered on the
command group by :mod:`monitors.cli`)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import click

from monitors.cli.commands import Context, cli, parse_since, pass_context


@cli.command("lists")
@click.option("--reread", is_flag=True, help="Read every stored announcement's rows again.")
@pass_context
def lists_command(obj: Context, reread: bool) -> None:
    """List the control lists with their members by status, and the list announcements whose
    rows could not all be read (exit 1 when there are such)."""
    from monitors.cli.views import table
    from monitors.lists.record import reread_all
    from monitors.storage.lists import ListStore

    with obj.store() as store:
        if reread:
            reread_all(store, obj.config.lists)
        lists = ListStore(store)
        members, problems = lists.members(), lists.current_problems()
    counts = Counter((m.list_name, m.status) for m in members)
    names = sorted({m.list_name for m in members})
    rows = [
        [name, *(str(counts[name, s]) for s in ("listed", "suspended", "removed"))]
        for name in names
    ]
    click.echo(table(["list", "listed", "suspended", "removed"], rows))
    for problem in problems:
        click.echo(f"problem: {problem['url']}: {problem['problem']}", err=True)
    sys.exit(1 if problems else 0)


@cli.command()
@click.option("--list", "list_name", metavar="NAME", help="Only this list.")
@click.option("--country", metavar="CC", help="Only this country (ISO code, e.g. JP).")
@click.option("--since", metavar="WHEN", help="Only entities whose status changed since then.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option("--history", is_flag=True, help="Each entity's events (date, action, notice).")
@pass_context
def entities(
    obj: Context,
    list_name: str | None,
    country: str | None,
    since: str | None,
    as_json: bool,
    as_csv: bool,
    history: bool,
) -> None:
    """Entities of the control lists, their status and since when; with --history, every
    list announcement that named each of them."""
    from monitors.cli.views import shorten, table
    from monitors.storage.lists import ListStore

    with obj.store() as store:
        lists = ListStore(store)
        members, events = lists.members(), lists.current_events() if history else []
    after = parse_since(since)
    found = [
        m
        for m in members
        if (list_name is None or m.list_name == list_name)
        and (country is None or (m.country or "").upper() == country.upper())
        and (after is None or (m.since or "") >= after[:10])
    ]
    histories: dict[str, list[dict[str, str | None]]] = {}
    for e in events:
        histories.setdefault(e.entity_key, []).append(
            {"date": e.effective or e.published, "action": e.action, "document": e.document,
             "url": e.url}
        )  # fmt: skip
    if as_json:
        for m in found:
            extra = {"history": histories.get(m.entity_key, [])} if history else {}
            click.echo(json.dumps({**asdict(m), **extra}, ensure_ascii=False))
        return
    if as_csv:
        click.echo(members_csv(found), nl=False)
        return
    rows = []
    for m in found:
        rows.append([m.list_name, m.status, m.since or "-", m.country or "-", shorten(m.name, 40),
                     shorten("; ".join(m.other_names), 40)])  # fmt: skip
        rows.extend(_history_rows(histories.get(m.entity_key, [])))
    click.echo(table(["list", "status", "since", "country", "name", "other names"], rows))


def _history_rows(history: list[dict[str, str | None]]) -> list[list[str]]:
    """An entity's events as indented table rows: action, date, announcement, URL."""
    from monitors.cli.views import shorten

    return [
        ["", f"  {h['action']}", h["date"] or "-", "", shorten(h["document"] or "", 40),
         h["url"] or ""]
        for h in history
    ]  # fmt: skip


def members_csv(members: list) -> str:
    """Members as CSV text (other names joined by "; ")."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["list", "status", "since", "country", "name", "other_names", "address"])
    for m in members:
        writer.writerow(
            [m.list_name, m.status, m.since or "", m.country or "", m.name,
             "; ".join(m.other_names), m.address or ""]
        )  # fmt: skip
    return out.getvalue()


@cli.command()
@click.argument("parties", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--threshold", type=click.FloatRange(0, 100), help="Minimum score ([screening] threshold)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per match.")
@pass_context
def screen(obj: Context, parties: Path, threshold: float | None, as_json: bool) -> None:
    """Screen a counterparty CSV (id, name, other_names, country) against every current and
    past list entity; exit 1 when something matches, 0 when nothing does."""
    from monitors.cli.views import table
    from monitors.lists.parties import read_parties
    from monitors.lists.screen import Entity
    from monitors.lists.screen import screen as run_screen
    from monitors.storage.lists import ListStore

    try:
        counterparties = read_parties(parties)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    with obj.store() as store:
        lists = ListStore(store)
        members = lists.members()
        last = {e.id: e for e in lists.current_events()}
    targets = [Entity(m.entity_key, (m.name, *m.other_names), m.country, m) for m in members]
    settings = obj.config.screening
    minimum = settings.threshold if threshold is None else threshold
    hits = run_screen(counterparties, targets, minimum, settings.country_penalty)
    found = []
    for hit in hits:
        member = hit.entity.payload
        event = last.get(member.last_event_id)
        found.append({"party_id": hit.party.id, "party": hit.party.name,
                      "score": round(hit.score, 1), "list": member.list_name,
                      "status": member.status, "since": member.since,
                      "action": member.last_action, "entity": member.name,
                      "announcement": event.document if event else None,
                      "url": event.url if event else None, "why": hit.reason})  # fmt: skip
    if as_json:
        for row in found:
            click.echo(json.dumps(row, ensure_ascii=False))
    else:
        columns = ["party_id", "party", "score", "list", "status", "action", "entity",
                   "announcement", "why"]  # fmt: skip
        rows = [[str(row[c] if row[c] is not None else "-") for c in columns] for row in found]
        click.echo(table(["id", *columns[1:]], rows))
        click.echo(f"{len(hits)} match(es) among {len(counterparties)} counterparties")
    sys.exit(1 if hits else 0)
