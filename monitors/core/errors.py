"""Exception hierarchy shared by all dualwatch modules."""

from __future__ import annotations


class DualwatchError(Exception):
    """Base class for every error raised deliberately by dualwatch."""


class ConfigError(DualwatchError):
    """Invalid or missing configuration."""


class ParseError(DualwatchError):
    """A page, document or value could not be parsed."""


class StoreError(DualwatchError):
    """The version store (SQLite) failed or holds inconsistent data."""


class SourceBlockedError(DualwatchError):
    """The monitored source refused or blocked our requests."""


class DateParseError(ParseError, ValueError):
    """No valid date could be parsed from the given text."""


class SourceBusyError(DualwatchError):
    """Another dualwatch process is crawling the same source right now."""


class NotFoundError(DualwatchError):
    """The notice, change, run or other stored thing asked for does not exist."""
