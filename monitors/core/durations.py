"""Durations written in configuration: ``90s``, ``5m``, ``1h``, ``1d`` (or a bare number of
seconds)."""

from __future__ import annotations

import re

from monitors.core.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int | float, where: str = "duration") -> float:
    """Seconds in ``value``; ConfigError naming ``where`` when it is not a duration."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ConfigError(f"{where}: {value!r} is not a duration such as 90s, 5m, 1h or 1d")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ConfigError(f"{where}: a duration cannot be negative")
    return seconds
