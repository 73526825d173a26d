"""Durations written in configuration: ``90s``, ``5m``, ``1h``, ``1d`` (or a bare number of
seconds)."""

from __future__ import annotations

import re

from monitors.core.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
#: How a duration is described in error messages.
DURATION_FORM = "a duration such as 90s, 5m, 1h or 1d"


def duration_seconds(value: object) -> float | None:
    """Seconds in ``value`` (a number of seconds or a string such as ``5m``); None when it is
    not a duration (booleans, negative numbers, other strings and types)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    if not match:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_duration(value: str | int | float, where: str = "duration") -> float:
    """Seconds in ``value``; ConfigError naming ``where`` when it is not a duration."""
    seconds = duration_seconds(value)
    if seconds is None:
        if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
            raise ConfigError(f"{where}: a duration cannot be negative")
        raise ConfigError(f"{where}: {value!r} is not {DURATION_FORM}")
    return seconds
