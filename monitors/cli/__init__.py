"""The `dualwatch` command line and its plain-text views."""

from monitors.cli import lists as _lists  # noqa: F401  (registers its commands)
from monitors.cli import site as _site  # noqa: F401  (registers its command)
from monitors.cli.commands import main

__all__ = ["main"]
