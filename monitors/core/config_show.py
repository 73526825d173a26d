"""The effective configuration and how `dualwatch config check` shows it.

One job: turn a merged configuration table into what is in force (``extends`` applied,
every default filled in) and print it as TOML or JSON with secrets redacted.

Dependency direction: this module reads the defaults off the models of
monitors/core/config.py; config.py imports it only inside
:func:`~monitors.core.config.inspect_config`, so neither needs the other at import time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from monitors.core.config import (
    CrawlSettings,
    DaemonSettings,
    MailSettings,
    SourceConfig,
    resolve_home,
)
from monitors.rules.subscriptions import Subscription


def _defaults(cls: Any, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if item.name in skip:
            continue
        if item.default is not dataclasses.MISSING:
            values[item.name] = item.default
        elif item.default_factory is not dataclasses.MISSING:
            values[item.name] = item.default_factory()
    return {k: v for k, v in values.items() if v is not None and v != () and v != {}}


def _with(defaults: dict[str, Any], value: Any) -> Any:
    return {**defaults, **value} if isinstance(value, Mapping) else value


def effective(
    raw: Mapping[str, Any],
    *,
    home: str | os.PathLike[str] | None,
    connect_to: str,
    rules_path: Path,
) -> dict[str, Any]:
    """The merged configuration with every default filled in (values as in the file)."""
    general = raw.get("dualwatch", {})
    general = general if isinstance(general, Mapping) else {}
    result: dict[str, Any] = {
        "dualwatch": {
            **general,
            "home": str(resolve_home(home, general)),
            "connect_to": connect_to,
            "rules": str(rules_path),
        },
        "crawl": _with(_defaults(CrawlSettings), raw.get("crawl", {})),
        "mail": _mail(raw.get("mail", {})),
        "daemon": _with(_defaults(DaemonSettings), raw.get("daemon", {})),
        "sources": _sources(raw.get("sources", {})),
    }
    subscriptions = raw.get("subscriptions")
    if isinstance(subscriptions, list):
        defaults = _defaults(Subscription)
        result["subscriptions"] = [_with(defaults, entry) for entry in subscriptions]
    for key, value in raw.items():
        result.setdefault(key, value)
    return result


def _mail(mail: Any) -> Any:
    """``[mail]`` with its defaults, the sender under the name the file uses (``from``)."""
    if not isinstance(mail, Mapping):
        return mail
    renamed = {"from" if k == "sender" else k: v for k, v in mail.items()}
    return {"from": MailSettings.sender, **_defaults(MailSettings, ("sender", "smtp")), **renamed}


def _sources(sources: Any) -> Any:
    """Every ``[sources.NAME]`` with its defaults (spider and title default to the name)."""
    if not isinstance(sources, Mapping):
        return sources
    defaults = _defaults(SourceConfig, ("name", "options"))
    return {
        name: _with({"spider": name, "title": name, **defaults}, values)
        for name, values in sources.items()
    }


# -- showing it (`dualwatch config check`) --------------------------------------------------

REDACTED = "<redacted>"
#: Keys whose values are secrets (``*_env`` keys name environment variables: not secrets).
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api_?key|credentials?|auth|user(name)?|login)$", re.I
)
_URL_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+:[^/@\s]+@")


def redacted(value: Any, key: str = "") -> Any:
    """``value`` with secrets replaced: values of password/token-like keys and credentials
    inside URLs (``scheme://user:password@host``)."""
    if isinstance(value, Mapping):
        return {k: redacted(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted(v, key) for v in value]
    if key and not key.endswith("_env") and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return _URL_CREDENTIALS.sub(f"{REDACTED}@", value)
    return value


def format_effective(effective: Mapping[str, Any], *, as_json: bool = False) -> str:
    """The effective configuration, secrets redacted, as TOML (or JSON)."""
    safe = redacted(effective)
    if as_json:
        return json.dumps(safe, ensure_ascii=False, indent=2, default=str)
    lines: list[str] = []
    _toml_table(lines, (), safe)
    return "\n".join(lines).strip("\n")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping):
        inner = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _toml_table(lines: list[str], path: tuple[str, ...], table: Mapping[str, Any]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
    scalars = {k: v for k, v in scalars.items() if not (_is_table_list(v) and not path)}
    for key, value in scalars.items():
        lines.append(f"{_toml_key(str(key))} = {_toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, Mapping):
            sub = (*path, str(key))
            if any(not isinstance(v, Mapping) for v in value.values()) or not value:
                lines.extend(["", f"[{'.'.join(_toml_key(p) for p in sub)}]"])
            _toml_table(lines, sub, value)
    for key, value in table.items():
        if not path and _is_table_list(value):
            for item in value:
                lines.extend(["", f"[[{_toml_key(str(key))}]]"])
                _toml_table(lines, (str(key),), item)
