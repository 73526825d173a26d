"""The `dualwatch` command line and its plain-text views."""

from monitors.cli.commands import main

__all__ = ["main"]
