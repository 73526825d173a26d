"""Load dualwatch's TOML configuration into typed, frozen objects.

One job: the configuration models and how a :class:`Config` comes to be: finding the file,
reading and merging its ``extends`` layers, ``connect_to``, and building the objects once
the table is found valid.

The configuration is read once, at start, from (first match wins) ``--config``,
``$DUALWATCH_CONFIG``, ``./config/dualwatch.toml`` or the checkout's ``config/dualwatch.toml``.
Everything else in dualwatch receives a :class:`Config` and never reads the file again.

Two neighbours do the rest: monitors/core/config_validation.py says what is wrong with a
table, monitors/core/config_show.py what is in force and how `dualwatch config check` prints
it. Both depend on the models here, so :func:`inspect_config` imports them when it runs
(function-level imports, no import cycle, and code that only needs the models loads neither).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from monitors.core.checks import KeyPath, is_host, show
from monitors.core.errors import ConfigError
from monitors.lists.models import ListSpec
from monitors.lists.specs import DEFAULT_LISTS, parse_list_specs
from monitors.rules.subscriptions import Subscription, build_subscriptions

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
class ScreeningSettings:
    """``[screening]``: the score a counterparty must reach to match a list entity, and what
    a different country costs (see monitors.lists.screen)."""

    threshold: float = 90.0
    country_penalty: float = 10.0


@dataclass(frozen=True)
class PublishSettings:
    """``[publish]``: where crawls rewrite the bulletin (``site``, relative to the data
    directory; None: only `dualwatch site` writes it) and the address it is published at
    (``base_url``: feeds and chat messages link its pages; None: they don't)."""

    site: str | None = None
    base_url: str | None = None


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


#: The keys of a ``[sources.NAME]`` table that are SourceConfig fields (any other is an option).
SOURCE_FIELDS = frozenset(f.name for f in dataclasses.fields(SourceConfig)) - {"name", "options"}


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
    #: The control lists list announcements are read into (``[lists.NAME]``).
    lists: tuple[ListSpec, ...] = DEFAULT_LISTS
    screening: ScreeningSettings = field(default_factory=lambda: ScreeningSettings())
    publish: PublishSettings = field(default_factory=lambda: PublishSettings())

    def source(self, name: str) -> SourceConfig:
        """Return the source called ``name`` or raise ConfigError listing the valid names."""
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(self.sources) or "none"
            raise ConfigError(f"unknown source {name!r} (configured: {known})") from None

    def subscription(self, name: str | None) -> Subscription | None:
        """The subscription called ``name`` (None when none is: it was removed since)."""
        return next((s for s in self.subscriptions if s.name == name), None)

    @property
    def db_path(self) -> Path:
        """The SQLite database inside the data directory."""
        return self.home / "dualwatch.db"

    @property
    def outbox_path(self) -> Path:
        """The Maildir outbox inside the data directory."""
        return self.home / "outbox"

    @property
    def site_path(self) -> Path | None:
        """Where crawls rewrite the bulletin (``[publish] site``), or None."""
        return self.home / self.publish.site if self.publish.site else None


def find_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve which configuration file to read (see module docstring for the order)."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get("DUALWATCH_CONFIG"):
        return Path(env)
    candidates = [Path.cwd() / DEFAULT_CONFIG_NAME, PROJECT_ROOT / DEFAULT_CONFIG_NAME]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[-1]


def find_rules_path(config_path: Path, raw: Mapping[str, Any]) -> Path:
    """``[dualwatch] rules`` relative to the config file; by default its sibling rules.toml,
    or the checkout's config/rules.toml when there is none (e.g. for a test config)."""
    general = raw.get("dualwatch", {})
    if isinstance(general, Mapping) and isinstance(general.get("rules"), str):
        return (config_path.parent / str(general["rules"])).resolve()
    sibling = config_path.parent / "rules.toml"
    return sibling if sibling.is_file() else PROJECT_ROOT / "config" / "rules.toml"


@dataclass(frozen=True)
class ConfigReport:
    """What `dualwatch config check` shows: the effective configuration (after ``extends``
    and defaults, secrets not redacted yet) and every problem found, one line each."""

    path: Path
    effective: dict[str, Any]
    problems: tuple[str, ...]
    config: Config | None


def load_config(
    path: str | os.PathLike[str] | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    connect_to: str | None = None,
) -> Config:
    """Read and validate the configuration; explicit arguments beat the environment and file.

    Raises ConfigError listing every problem found, one line each (``FILE: KEY: MESSAGE``).
    """
    report = inspect_config(path, home=home, connect_to=connect_to)
    if report.config is None:
        raise ConfigError("\n".join(report.problems))
    return report.config


def inspect_config(
    path: str | os.PathLike[str] | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    connect_to: str | None = None,
) -> ConfigReport:
    """Read the configuration and check all of it; ConfigError only when it cannot be read
    (missing file, invalid TOML, an ``extends`` loop)."""
    from monitors.core.config_show import effective
    from monitors.core.config_validation import problems_of

    config_path = find_config_path(path)
    layers = _read_layers(config_path)
    raw, origins = _merge_layers(layers)
    rules_path = find_rules_path(config_path, raw)
    value, label = _connect_to_value(connect_to, raw)
    problems = problems_of(
        raw,
        _origin_finder(origins, layers[-1][0]),
        rules_path=rules_path,
        connect_to=value,
        connect_to_label=label,
        config_dir=config_path.parent,
    )
    shown = effective(raw, home=home, connect_to=value, rules_path=rules_path)
    if problems:
        return ConfigReport(config_path, shown, tuple(problems), None)
    config = _build_config(raw, config_path, home, value, rules_path)
    return ConfigReport(config_path, shown, (), config)


# -- reading ---------------------------------------------------------------------------------


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file, merged over the file its top-level ``extends`` names (if any)."""
    return _merge_layers(_read_layers(path))[0]


def _read_layers(path: Path, _seen: tuple[Path, ...] = ()) -> list[tuple[str, dict[str, Any]]]:
    """``(file name, table)`` of ``path`` and the files it extends, the base first."""
    label = str(path) if not _seen else os.path.normpath(path)
    if path.resolve() in _seen:
        raise ConfigError(f"{label}: 'extends' loops back to itself")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"configuration file is a directory: {path}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{label}: not UTF-8: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: invalid TOML: {exc}") from None
    base_name = raw.pop("extends", None)
    if base_name is None:
        return [(label, raw)]
    if not isinstance(base_name, str) or not base_name.strip():
        raise ConfigError(f"{label}: extends: expected a file name, got {show(base_name)}")
    return [*_read_layers(path.parent / base_name, (*_seen, path.resolve())), (label, raw)]


def _merge_layers(
    layers: list[tuple[str, dict[str, Any]]],
) -> tuple[dict[str, Any], dict[KeyPath, str]]:
    merged: dict[str, Any] = {}
    origins: dict[KeyPath, str] = {}
    for label, raw in layers:
        merged = _merge(merged, raw, origins, (), label)
    return merged, origins


def _origin_finder(origins: Mapping[KeyPath, str], top_label: str) -> Callable[[KeyPath], str]:
    """Which file set a key: the layer that set it or its nearest table, else the top file."""

    def origin(key: KeyPath) -> str:
        for size in range(len(key), 0, -1):
            if key[:size] in origins:
                return origins[key[:size]]
        return top_label

    return origin


def _merge(
    base: dict[str, Any],
    override: Mapping[str, Any],
    origins: dict[KeyPath, str] | None = None,
    prefix: KeyPath = (),
    label: str = "",
) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        path = (*prefix, key)
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(dict(merged[key]), value, origins, path, label)
        else:
            merged[key] = value
            if origins is not None:
                for stale in [p for p in origins if p[: len(path)] == path]:
                    del origins[stale]
                origins[path] = label
    return merged


# -- connect_to ------------------------------------------------------------------------------

CONNECT_TO_FORM = "host=address:port[,host=address:port...] with a port 1-65535"


def connect_to_problem(value: str) -> str | None:
    """None when ``value`` is a valid connect_to string (or empty), else what is wrong."""
    for part in filter(None, (p.strip() for p in value.split(","))):
        host, sep, target = part.partition("=")
        address, colon, port = target.strip().rpartition(":")
        host, address = host.strip(), address.strip()
        ok = (
            sep
            and is_host(host)
            and colon
            and address
            and not any(c.isspace() or c in "/=" for c in address)
            and port.isascii()
            and port.isdigit()
            and 0 < int(port) < 65536
        )
        if not ok:
            return f"expected {CONNECT_TO_FORM}, got {show(part)}"
    return None


def parse_connect_to(value: str) -> dict[str, str]:
    """Parse ``host=ip:port,host2=ip:port`` into a mapping; raise ConfigError when malformed."""
    problem = connect_to_problem(value)
    if problem is not None:
        raise ConfigError(f"connect_to: {problem}")
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        host, _sep, target = part.partition("=")
        mapping[host.strip().lower()] = target.strip()
    return mapping


def _connect_to_value(explicit: str | None, raw: Mapping[str, Any]) -> tuple[str, str | None]:
    """The connect_to in force and where it came from (None: the configuration file)."""
    if explicit is not None:
        return explicit, "--connect-to"
    if env := os.environ.get("DUALWATCH_CONNECT_TO"):
        return env, "DUALWATCH_CONNECT_TO"
    general = raw.get("dualwatch")
    value = general.get("connect_to", "") if isinstance(general, Mapping) else ""
    return (value if isinstance(value, str) else ""), None


# -- building (of a configuration found valid) ----------------------------------------------


def _build_config(
    raw: Mapping[str, Any],
    config_path: Path,
    home: str | os.PathLike[str] | None,
    connect_to: str,
    rules_path: Path,
) -> Config:
    general = raw.get("dualwatch", {})
    sources = {name: build_source(name, values) for name, values in raw.get("sources", {}).items()}
    return Config(
        path=config_path,
        home=resolve_home(home, general),
        connect_to=connect_to,
        crawl=CrawlSettings(**raw.get("crawl", {})),
        mail=_mail_settings(raw.get("mail", {})),
        sources=MappingProxyType(sources),
        subscriptions=_with_party_paths(build_subscriptions(raw.get("subscriptions")), config_path),
        rules_path=rules_path,
        daemon=DaemonSettings(**raw.get("daemon", {})),
        lists=parse_list_specs(raw["lists"]) if "lists" in raw else DEFAULT_LISTS,
        screening=ScreeningSettings(**raw.get("screening", {})),
        publish=PublishSettings(**raw.get("publish", {})),
    )


def _with_party_paths(
    subscriptions: tuple[Subscription, ...], config_path: Path
) -> tuple[Subscription, ...]:
    """Subscriptions with their counterparty files resolved against the config's folder."""
    return tuple(
        dataclasses.replace(s, parties=str((config_path.parent / s.parties).resolve()))
        if s.parties
        else s
        for s in subscriptions
    )


def resolve_home(explicit: str | os.PathLike[str] | None, general: Mapping[str, Any]) -> Path:
    """The data directory: ``--home``, $DUALWATCH_HOME, ``[dualwatch] home`` or ./var."""
    value = explicit or os.environ.get("DUALWATCH_HOME") or general.get("home") or "var"
    return Path(value).expanduser().resolve()


def _mail_settings(values: Mapping[str, Any]) -> MailSettings:
    values = dict(values)
    if "from" in values:
        values["sender"] = values.pop("from")
    if values.get("operator") == "":
        values["operator"] = None  # TOML has no null: "" means no operator
    if "smtp" in values:
        values["smtp"] = MappingProxyType(dict(values["smtp"]))
    return MailSettings(**values)


def build_source(name: str, values: Mapping[str, Any]) -> SourceConfig:
    """The SourceConfig of a valid ``[sources.NAME]`` table (other keys are spider options)."""
    common = {k: v for k, v in values.items() if k in SOURCE_FIELDS}
    options = {k: v for k, v in values.items() if k not in SOURCE_FIELDS}
    spider = common.pop("spider", name)
    hosts = tuple(str(h).lower() for h in common.pop("hosts", ()))
    if "follow_hosts" in common:
        common["follow_hosts"] = tuple(str(h).lower() for h in common["follow_hosts"])
    return SourceConfig(
        name=name,
        spider=spider,
        title=common.pop("title", name),
        hosts=hosts,
        listing_url=common.pop("listing_url", ""),
        options=MappingProxyType(options),
        **common,
    )
