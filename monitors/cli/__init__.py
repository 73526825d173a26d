"""The `dualwatch` command line and its plain-text views."""

from monitors.cli import lists as _lists  # noqa: F401  (registers its commands)
from monitors.cli.commands import main

__all__ = ["main"]
