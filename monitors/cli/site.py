"""`dualwatch site OUTDIR`: the static bulletin (registered on the command group by
:mod:`monitors.cli`)."""

from __future__ import annotations

from pathlib import Path

import click

from monitors.cli.commands import Context, cli, pass_context


@cli.command("site")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@pass_context
def site_command(obj: Context, outdir: Path) -> None:
    """Write the bulletin, a static HTML site of the changes, documents and control lists
    (with the Atom feeds), into OUTDIR, replacing an earlier one."""
    from monitors.ops.locks import publish_lock
    from monitors.publish.site import write_site

    with obj.store() as store, publish_lock(obj.config.home):
        report = write_site(store, obj.config, outdir)
    click.echo(f"wrote {report.pages} pages to {report.directory}; open {report.index.as_uri()}")
