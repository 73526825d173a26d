"""Building blocks of configuration validation: value rules and a problem collector.

Every problem is one line ``FILE: KEY: MESSAGE``, where KEY is the dotted path of the key
(``crawl.download_delay``, ``subscriptions[2].topics``) and MESSAGE says what was expected and
what was found (``expected a number of seconds ≥ 0, got "abc"``). Values of unknown keys are
never shown (a password pasted into the file stays out of messages).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitors.core.durations import DURATION_FORM, duration_seconds

KeyPath = tuple[str | int, ...]

_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def dotted(path: KeyPath) -> str:
    """``("subscriptions", 2, "topics")`` → ``subscriptions[2].topics``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def show(value: Any) -> str:
    """A value as written in TOML (strings quoted), for "got …" in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, str | int | float | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 80 else text[:77] + "..."
    return f"a {type(value).__name__}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``choices``, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower().replace("_", "-"): c for c in choices}
        match = lowered.get(word.lower().replace("_", "-"))
        close = [match] if match else []
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Rule:
    """What a value must be: ``expected`` describes it, ``test`` accepts it."""

    expected: str
    test: Callable[[Any], bool]

    def problem(self, value: Any) -> str | None:
        """None when ``value`` is acceptable, else ``expected …, got …``."""
        return None if self.test(value) else f"expected {self.expected}, got {show(value)}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def integer(minimum: int, maximum: int | None = None, what: str = "an integer") -> Rule:
    """An integer in ``minimum``..``maximum``."""
    bounds = f"{minimum}-{maximum}" if maximum is not None else f"≥ {minimum}"
    return Rule(
        f"{what} {bounds}",
        lambda v: _is_int(v) and v >= minimum and (maximum is None or v <= maximum),
    )


def number(minimum: float, *, strict: bool = False, what: str = "a number") -> Rule:
    """A number ≥ ``minimum`` (> when ``strict``)."""
    sign = ">" if strict else "≥"
    return Rule(
        f"{what} {sign} {minimum:g}",
        lambda v: _is_number(v) and (v > minimum if strict else v >= minimum),
    )


def share() -> Rule:
    """A number from 0 to 1."""
    return Rule("a number from 0 to 1", lambda v: _is_number(v) and 0 <= v <= 1)


BOOLEAN = Rule("true or false", lambda v: isinstance(v, bool))
TEXT = Rule("a non-empty string", lambda v: isinstance(v, str) and bool(v.strip()))
STRING = Rule("a string", lambda v: isinstance(v, str))
TEXTS = Rule(
    "a list of non-empty strings",
    lambda v: isinstance(v, list) and all(isinstance(s, str) and s.strip() for s in v),
)
TABLES = Rule(
    "a non-empty list of tables",
    lambda v: isinstance(v, list) and bool(v) and all(isinstance(t, Mapping) for t in v),
)
INTEGERS = Rule(
    "a non-empty list of integers",
    lambda v: isinstance(v, list) and bool(v) and all(_is_int(i) for i in v),
)
ADDRESS = Rule("an email address", lambda v: isinstance(v, str) and bool(_EMAIL.match(v)))
ENV_NAME = Rule(
    "an environment variable name (letters, digits, _)",
    lambda v: isinstance(v, str) and bool(_ENV_NAME.match(v)),
)


def is_host(value: Any) -> bool:
    """A bare host name such as ``www.mofcom.gov.cn`` (no scheme, port or path)."""
    return isinstance(value, str) and bool(_HOST.match(value))


HOSTS = Rule(
    'a non-empty list of host names such as "www.example.org"',
    lambda v: isinstance(v, list) and bool(v) and all(is_host(h) for h in v),
)
HOST_LIST = Rule(
    'a list of host names such as "www.example.org"',
    lambda v: isinstance(v, list) and all(is_host(h) for h in v),
)


def is_url(value: Any) -> bool:
    """An absolute http(s) URL with a host."""
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


URL = Rule("an absolute http(s) URL", is_url)


def choice(options: Iterable[str], *, fold: bool = False) -> Rule:
    """One of ``options`` (case-insensitively when ``fold``)."""
    names = tuple(options)
    allowed = {o.lower() for o in names} if fold else set(names)
    return Rule(
        "one of " + ", ".join(names),
        lambda v: isinstance(v, str) and (v.lower() if fold else v) in allowed,
    )


def duration(*, positive: bool = False) -> Rule:
    """A duration (``90s``, ``5m``, ``1h``, ``1d`` or seconds), > 0 when ``positive``."""

    def test(value: Any) -> bool:
        seconds = duration_seconds(value)
        return seconds is not None and (seconds > 0 or not positive)

    return Rule(DURATION_FORM + (" (more than 0)" if positive else ""), test)


def is_zone(value: Any) -> bool:
    """An IANA time zone name that zoneinfo knows (``Asia/Tokyo``, ``UTC``)."""
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


ZONE = Rule('a time zone name such as "Asia/Tokyo" or "UTC"', is_zone)


class Problems:
    """Collects ``FILE: KEY: MESSAGE`` lines; ``origin`` names the file that set a key."""

    def __init__(self, origin: Callable[[KeyPath], str]) -> None:
        self.origin = origin
        self.lines: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.lines)

    def add(self, path: KeyPath, message: str) -> None:
        """Record a problem of the key at ``path``."""
        self.lines.append(f"{self.origin(path)}: {dotted(path)}: {message}")

    def check(self, path: KeyPath, value: Any, rule: Rule) -> bool:
        """Record a problem when ``value`` breaks ``rule``; True when it is fine."""
        problem = rule.problem(value)
        if problem is not None:
            self.add(path, problem)
        return problem is None

    def unknown(self, path: KeyPath, known: Iterable[str], what: str = "key") -> None:
        """Record an unknown key (its value is never shown)."""
        names = list(known)
        hint = did_you_mean(str(path[-1]), names)
        self.add(path, f"unknown {what}{hint}; expected one of {', '.join(names)}")

    def table(
        self,
        path: KeyPath,
        values: Mapping[str, Any],
        rules: Mapping[str, Rule],
        *,
        skip: Iterable[str] = (),
    ) -> None:
        """Check every key of a table against ``rules``; keys in ``skip`` are checked by the
        caller; any other key is unknown."""
        skipped = set(skip)
        known = [*rules, *(k for k in skipped if k not in rules)]
        for key, value in values.items():
            if key in skipped:
                continue
            rule = rules.get(key)
            if rule is None:
                self.unknown((*path, key), known)
            else:
                self.check((*path, key), value, rule)

    def is_table(self, path: KeyPath, value: Any) -> bool:
        """Record a problem unless ``value`` is a table."""
        if isinstance(value, Mapping):
            return True
        self.add(path, f"expected a table, got {show(value)}")
        return False
