"""Load and validate dualwatch's TOML configuration into typed, frozen objects.

The configuration is read once, at start, from (first match wins) ``--config``,
``$DUALWATCH_CONFIG``, ``./config/dualwatch.toml`` or the checkout's ``config/dualwatch.toml``.
Everything else in dualwatch receives a :class:`Config` and never reads the file again.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from monitors.core.durations import parse_duration
from monitors.core.errors import ConfigError
from monitors.mail.mailer import settings_from_table
from monitors.rules.subscriptions import Subscription, parse_subscriptions

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_D = TypeVar("_D", bound="DataclassInstance")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG_NAME = Path("config") / "dualwatch.toml"
SPIDER_DIR = PROJECT_ROOT / "crawler" / "spiders"


def known_spiders() -> frozenset[str]:
    """Spider names available in crawler/spiders (module ``mofa_ja.py`` = spider ``mofa-ja``).

    Read from file names so the configuration can be validated without importing Scrapy; a
    test checks the convention against Scrapy's own spider list.
    """
    return frozenset(
        path.stem.replace("_", "-")
        for path in SPIDER_DIR.glob("*.py")
        if path.stem not in ("__init__", "base")
    )


@dataclass(frozen=True)
class CrawlSettings:
    """Politeness and limits shared by every spider."""

    concurrent_per_host: int = 2
    download_delay: float = 0.5
    download_timeout: float = 30.0
    retry_times: int = 3
    retry_backoff_base: float = 2.0
    retry_backoff_max: float = 60.0
    max_download_bytes: int = 10_000_000
    download_attachments: bool = True
    max_attachment_bytes: int = 25_000_000
    obey_robots: bool = True
    contact_url: str = "https://github.com/dualwatch/dualwatch"
    crawl_timeout: float = 1800.0


@dataclass(frozen=True)
class MailSettings:
    """How alert messages are sent: SMTP when ``[mail.smtp]`` names a host, else the Maildir
    outbox under the data directory."""

    sender: str = "dualwatch <dualwatch@localhost>"
    message_id_domain: str = "dualwatch.local"
    operator: str | None = None
    smtp: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    retry_base_seconds: float = 60.0
    retry_max_seconds: float = 3600.0


@dataclass(frozen=True)
class DaemonSettings:
    """How `dualwatch daemon` runs: delivery cadence, tolerance for missed runs, logs,
    retention of raw HTML."""

    deliver_every: str = "5m"
    misfire_grace: str = "30m"
    lock_wait: str = "10m"
    log_file: str | None = None
    log_level: str = "INFO"
    retention_days: int = 180


@dataclass(frozen=True)
class SourceConfig:
    """One watched source: which spider reads it, where, and how deep."""

    name: str
    spider: str
    title: str
    hosts: tuple[str, ...]
    listing_url: str
    enabled: bool = True
    encoding: str | None = None
    revisit_days: int = 30
    max_listing_pages: int = 5
    baseline_listing_pages: int = 3
    min_listing_items: int = 1
    every: str = "1h"
    cron: str | None = None
    jitter: str = "5m"
    alert_after_failures: int = 3
    max_parse_failure_share: float = 0.5
    follow_hosts: tuple[str, ...] = ()
    reverify_days: float = 7
    max_new_per_run: int = 200
    outage_share: float = 0.5
    outage_min: int = 3
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def option(self, key: str) -> Any:
        """Return a spider-specific option, raising ConfigError when it is missing."""
        try:
            return self.options[key]
        except KeyError:
            raise ConfigError(f"source {self.name!r}: missing option {key!r}") from None


@dataclass(frozen=True)
class Config:
    """The whole configuration, plus where it came from."""

    path: Path
    home: Path
    connect_to: str
    crawl: CrawlSettings
    mail: MailSettings
    sources: Mapping[str, SourceConfig]
    subscriptions: tuple[Subscription, ...] = ()
    rules_path: Path = PROJECT_ROOT / "config" / "rules.toml"
    daemon: DaemonSettings = field(default_factory=DaemonSettings)

    def source(self, name: str) -> SourceConfig:
        """Return the source called ``name`` or raise ConfigError listing the valid names."""
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(self.sources) or "none"
            raise ConfigError(f"unknown source {name!r} (configured: {known})") from None

    @property
    def db_path(self) -> Path:
        """The SQLite database inside the data directory."""
        return self.home / "dualwatch.db"

    @property
    def outbox_path(self) -> Path:
        """The Maildir outbox inside the data directory."""
        return self.home / "outbox"


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve which configuration file to read (see module docstring for the order)."""
    candidates: list[Path] = []
    if explicit:
        return Path(explicit)
    if env := os.environ.get("DUALWATCH_CONFIG"):
        return Path(env)
    candidates = [Path.cwd() / DEFAULT_CONFIG_NAME, PROJECT_ROOT / DEFAULT_CONFIG_NAME]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[-1]


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    connect_to: str | None = None,
) -> Config:
    """Read and validate the configuration; explicit arguments beat the environment and file."""
    config_path = find_config_path(path)
    raw = read_toml(config_path)
    general = _table(raw, "dualwatch")
    sources = _sources(_table(raw, "sources"))
    return Config(
        path=config_path,
        home=_resolve_home(home, general),
        connect_to=_resolve_connect_to(connect_to, general),
        crawl=_build(CrawlSettings, _table(raw, "crawl"), "crawl"),
        mail=_mail_settings(_table(raw, "mail")),
        sources=MappingProxyType(sources),
        subscriptions=parse_subscriptions(raw.get("subscriptions"), list(sources)),
        rules_path=_rules_path(config_path, general),
        daemon=_daemon_settings(_table(raw, "daemon")),
    )


def _daemon_settings(values: Mapping[str, Any]) -> DaemonSettings:
    settings = _build(DaemonSettings, values, "daemon")
    for key in ("deliver_every", "misfire_grace", "lock_wait"):
        parse_duration(getattr(settings, key), f"[daemon] {key}")
    return settings


def _rules_path(config_path: Path, general: Mapping[str, Any]) -> Path:
    """``[dualwatch] rules`` relative to the config file; by default its sibling rules.toml,
    or the checkout's config/rules.toml when there is none (e.g. for a test config)."""
    if "rules" in general:
        return (config_path.parent / str(general["rules"])).resolve()
    sibling = config_path.parent / "rules.toml"
    return sibling if sibling.is_file() else PROJECT_ROOT / "config" / "rules.toml"


def read_toml(path: Path, _seen: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Read a TOML file, merged over the file its top-level ``extends`` names (if any)."""
    if path.resolve() in _seen:
        raise ConfigError(f"{path}: 'extends' loops back to itself")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    base = read_toml(path.parent / base_name, (*_seen, path.resolve()))
    return _merge(base, raw)


def _merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value)
        else:
            merged[key] = value
    return merged


def parse_connect_to(value: str) -> dict[str, str]:
    """Parse ``host=ip:port,host2=ip:port`` into a mapping; raise ConfigError when malformed."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        host, sep, target = part.partition("=")
        if not sep or not host.strip() or ":" not in target:
            raise ConfigError(f"connect_to entry {part!r} is not host=address:port")
        mapping[host.strip().lower()] = target.strip()
    return mapping


def _resolve_home(explicit: str | os.PathLike[str] | None, general: Mapping[str, Any]) -> Path:
    value = explicit or os.environ.get("DUALWATCH_HOME") or general.get("home") or "var"
    return Path(value).expanduser().resolve()


def _resolve_connect_to(explicit: str | None, general: Mapping[str, Any]) -> str:
    if explicit is not None:
        value = explicit
    else:
        value = os.environ.get("DUALWATCH_CONNECT_TO") or str(general.get("connect_to", ""))
    parse_connect_to(value)
    return value


def _table(raw: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{key}] must be a table")
    return value


def _build(cls: type[_D], values: Mapping[str, Any], where: str) -> _D:
    names = set(cls.__dataclass_fields__)
    unknown = set(values) - names
    if unknown:
        raise ConfigError(f"[{where}]: unknown key(s) {', '.join(sorted(unknown))}")
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"[{where}]: {exc}") from None


def _mail_settings(values: Mapping[str, Any]) -> MailSettings:
    values = dict(values)
    if "from" in values:
        values["sender"] = values.pop("from")
    if "to" in values:
        raise ConfigError("[mail] to: recipients are now [[subscriptions]] tables (see README)")
    if values.get("operator") == "":
        values["operator"] = None  # TOML has no null: "" means no operator
    if "smtp" in values:
        smtp = dict(_table(values, "smtp"))
        settings_from_table(smtp)  # validate now: a bad [mail.smtp] fails at start, exit 2
        values["smtp"] = MappingProxyType(smtp)
    return _build(MailSettings, values, "mail")


def _sources(raw: Mapping[str, Any]) -> dict[str, SourceConfig]:
    if not raw:
        raise ConfigError("no [sources.*] configured")
    return {name: _source(name, values) for name, values in raw.items()}


_SOURCE_FIELDS = {
    "spider",
    "title",
    "hosts",
    "listing_url",
    "enabled",
    "encoding",
    "revisit_days",
    "max_listing_pages",
    "baseline_listing_pages",
    "min_listing_items",
    "every",
    "cron",
    "jitter",
    "alert_after_failures",
    "max_parse_failure_share",
    "follow_hosts",
    "reverify_days",
    "max_new_per_run",
    "outage_share",
    "outage_min",
}


def _source(name: str, values: Mapping[str, Any]) -> SourceConfig:
    if not isinstance(values, Mapping):
        raise ConfigError(f"[sources.{name}] must be a table")
    common = {k: v for k, v in values.items() if k in _SOURCE_FIELDS}
    options = {k: v for k, v in values.items() if k not in _SOURCE_FIELDS}
    spider = common.pop("spider", name)
    if spider not in known_spiders():
        known = ", ".join(sorted(known_spiders()))
        raise ConfigError(f"[sources.{name}]: unknown spider {spider!r} (known: {known})")
    for required in ("hosts", "listing_url"):
        if required not in common:
            raise ConfigError(f"[sources.{name}]: missing {required!r}")
    hosts = tuple(h.lower() for h in common.pop("hosts"))
    if not hosts:
        raise ConfigError(f"[sources.{name}]: hosts must not be empty")
    if "follow_hosts" in common:
        common["follow_hosts"] = tuple(h.lower() for h in common["follow_hosts"])
    reverify = common.get("reverify_days", 7)
    if isinstance(reverify, bool) or not isinstance(reverify, int | float) or reverify <= 0:
        raise ConfigError(f"[sources.{name}] reverify_days must be a positive number of days")
    for key in ("every", "jitter"):
        if key in common:
            parse_duration(common[key], f"[sources.{name}] {key}")
    try:
        return SourceConfig(
            name=name,
            spider=spider,
            title=common.pop("title", name),
            hosts=hosts,
            options=MappingProxyType(options),
            **common,
        )
    except TypeError as exc:
        raise ConfigError(f"[sources.{name}]: {exc}") from None
