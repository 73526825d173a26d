"""Load and validate dualwatch's TOML configuration into typed, frozen objects.

The configuration is read once, at start, from (first match wins) ``--config``,
``$DUALWATCH_CONFIG``, ``./config/dualwatch.toml`` or the checkout's ``config/dualwatch.toml``.
Everything else in dualwatch receives a :class:`Config` and never reads the file again.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from monitors.core.checks import (
    ADDRESS,
    BOOLEAN,
    ENV_NAME,
    HOST_LIST,
    HOSTS,
    INTEGERS,
    STRING,
    TABLES,
    TEXT,
    TEXTS,
    URL,
    KeyPath,
    Problems,
    Rule,
    choice,
    did_you_mean,
    duration,
    integer,
    is_host,
    number,
    share,
    show,
)
from monitors.core.errors import ConfigError
from monitors.mail.mailer import SECURITY_MODES, settings_from_table
from monitors.rules.subscriptions import (
    Subscription,
    build_subscriptions,
    check_subscriptions,
)

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
    if explicit:
        return Path(explicit)
    if env := os.environ.get("DUALWATCH_CONFIG"):
        return Path(env)
    candidates = [Path.cwd() / DEFAULT_CONFIG_NAME, PROJECT_ROOT / DEFAULT_CONFIG_NAME]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return candidates[-1]


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
    config_path = find_config_path(path)
    layers = _read_layers(config_path)
    raw, origins = _merge_layers(layers)
    top_label = layers[-1][0]

    def origin(key: KeyPath) -> str:
        for size in range(len(key), 0, -1):
            if key[:size] in origins:
                return origins[key[:size]]
        return top_label

    problems = Problems(origin)
    checker = _Checker(raw, problems, config_path)
    value, label = _connect_to_value(connect_to, raw)
    checker.connect_to(value, label)
    checker.run()
    effective = _effective(raw, config_path, home, value, checker.rules_path)
    if problems:
        return ConfigReport(config_path, effective, tuple(problems.lines), None)
    config = _build_config(raw, config_path, home, value, checker.rules_path)
    return ConfigReport(config_path, effective, (), config)


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


# -- validation ------------------------------------------------------------------------------

TOP_TABLES = ("dualwatch", "crawl", "mail", "daemon", "sources", "subscriptions")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DOC_TYPES = (
    "announcement", "order", "qa", "press_release", "statement",
    "press_conference", "news", "regulation", "list",
)  # fmt: skip
SECONDS = "a number of seconds"
_GENERIC_ERROR = re.compile(r"^\[sources\.(?P<source>[^\]]+)\] ?(?P<key>[^:]*): (?P<message>.*)$")

GENERAL_RULES: dict[str, Rule] = {"home": TEXT, "connect_to": STRING, "rules": TEXT}
CRAWL_RULES: dict[str, Rule] = {
    "concurrent_per_host": integer(1),
    "download_delay": number(0, what=SECONDS),
    "download_timeout": number(0, strict=True, what=SECONDS),
    "retry_times": integer(0),
    "retry_backoff_base": number(0, strict=True),
    "retry_backoff_max": number(0, what=SECONDS),
    "max_download_bytes": integer(1, what="a number of bytes"),
    "download_attachments": BOOLEAN,
    "max_attachment_bytes": integer(1, what="a number of bytes"),
    "obey_robots": BOOLEAN,
    "contact_url": URL,
    "crawl_timeout": number(0, strict=True, what=SECONDS),
}
_OPERATOR = Rule('an email address (or "" for none)', lambda v: v == "" or ADDRESS.test(v))
_SENDER = Rule(
    'an address such as "dualwatch <dualwatch@example.org>"',
    lambda v: isinstance(v, str) and bool(re.search(r"[^@\s<>]+@[^@\s<>]+", v)),
)
MAIL_RULES: dict[str, Rule] = {
    "from": _SENDER,
    "sender": _SENDER,
    "message_id_domain": Rule('a domain such as "dualwatch.example.org"', lambda v: is_host(v)),
    "operator": _OPERATOR,
    "retry_base_seconds": number(0, what=SECONDS),
    "retry_max_seconds": number(0, what=SECONDS),
}
SMTP_RULES: dict[str, Rule] = {
    "host": Rule('a host name (or "" for the Maildir outbox)', lambda v: v == "" or is_host(v)),
    "port": integer(1, 65535, "a port"),
    "security": choice(SECURITY_MODES),
    "username_env": ENV_NAME,
    "password_env": ENV_NAME,
    "timeout": number(0, strict=True, what=SECONDS),
    "local_hostname": TEXT,
    "tls_verify": BOOLEAN,
}
_CREDENTIAL_KEYS = frozenset(
    {"password", "pass", "passwd", "secret", "username", "user", "login", "token"}
)
DAEMON_RULES: dict[str, Rule] = {
    "deliver_every": duration(positive=True),
    "misfire_grace": duration(),
    "lock_wait": duration(),
    "log_file": TEXT,
    "log_level": choice(LOG_LEVELS, fold=True),
    "retention_days": integer(1, what="a number of days"),
}


def _is_encoding(value: Any) -> bool:
    if not isinstance(value, str) or not value.strip():
        return False
    try:
        codecs.lookup(value)
    except LookupError:
        return False
    return True


SOURCE_RULES: dict[str, Rule] = {
    "spider": TEXT,
    "title": TEXT,
    "hosts": HOSTS,
    "listing_url": URL,
    "enabled": BOOLEAN,
    "encoding": Rule('a Python codec name such as "utf-8"', _is_encoding),
    "revisit_days": integer(0, what="a number of days"),
    "max_listing_pages": integer(1),
    "baseline_listing_pages": integer(1),
    "min_listing_items": integer(0),
    "every": duration(positive=True),
    "cron": Rule('a crontab line such as "0 */2 * * *"', lambda v: isinstance(v, str)),
    "jitter": duration(),
    "alert_after_failures": integer(1),
    "max_parse_failure_share": share(),
    "follow_hosts": HOST_LIST,
    "reverify_days": number(0, strict=True, what="a number of days"),
    "max_new_per_run": integer(1),
    "outage_share": share(),
    "outage_min": integer(1),
}
_SOURCE_FIELDS = set(SOURCE_RULES)

_JPAAS = {"web_id": TEXT, "tpl_set_id": TEXT, "tag_id": TEXT, "page_size": integer(1)}
_API_PATH = Rule(
    'an absolute path such as "/api/unit"', lambda v: isinstance(v, str) and v[:1] == "/"
)
#: Options each spider reads (``self.source.option(...)`` / ``options.get(...)``) and the
#: ones it cannot do without. The generic spider's are checked by crawler/generic_options.py.
SPIDER_OPTIONS: dict[str, dict[str, Rule]] = {
    "mofcom": {"api_url": URL, **_JPAAS, "page_id": STRING},
    "mofcom-bis": {"api_path": _API_PATH, **_JPAAS, "columns": TABLES},
    "mofcom-ecl": {"api_url": URL, "column_ids": INTEGERS},
    "mofcom-en": {"api_url": URL, **_JPAAS, "columns": TABLES},
    "meti": {
        "pages": TABLES,
        "relevance_topics": TEXTS,
        "filter_terms": Rule("anything (ignored)", lambda v: True),
    },
    "mofa-ja": {"sections": TABLES},
    "mofa-en": {},
}
REQUIRED_OPTIONS: dict[str, tuple[str, ...]] = {
    "mofcom": ("api_url", "web_id", "tpl_set_id"),
    "mofcom-bis": ("web_id", "tpl_set_id", "columns"),
    "mofcom-ecl": ("api_url", "column_ids"),
    "mofcom-en": ("api_url", "web_id", "tpl_set_id", "columns"),
}
#: Keys of the tables inside list options: (required, optional rules).
_ITEM_RULES: dict[tuple[str, str], tuple[tuple[str, ...], dict[str, Rule]]] = {
    ("mofcom-bis", "columns"): (
        ("name", "path"),
        {"name": TEXT, "path": _API_PATH, "page_id": STRING},
    ),
    ("mofcom-en", "columns"): (
        ("name", "listing_url"),
        {
            "name": TEXT,
            "listing_url": URL,
            "page_id": STRING,
            "doc_type": choice(DOC_TYPES),
            "numbered": BOOLEAN,
        },
    ),
    ("meti", "pages"): (
        ("url", "kind"),
        {
            "url": URL,
            "kind": choice(("amendments", "end_user_list")),
            "language": choice(("ja", "en")),
        },
    ),
    ("mofa-ja", "sections"): (
        ("url", "kind"),
        {"url": URL, "kind": choice(("press_release", "statement", "press_conference"))},
    ),
}


class _Checker:
    """Checks a merged configuration table, recording every problem."""

    def __init__(self, raw: Mapping[str, Any], problems: Problems, config_path: Path) -> None:
        self.raw, self.problems, self.config_path = raw, problems, config_path
        self.rules_path = PROJECT_ROOT / "config" / "rules.toml"
        self.topics: tuple[str, ...] | None = None

    def table(self, key: str) -> Mapping[str, Any]:
        value = self.raw.get(key, {})
        return value if self.problems.is_table((key,), value) else {}

    def connect_to(self, value: str, label: str | None) -> None:
        problem = connect_to_problem(value)
        if problem is None:
            return
        if label is None:
            self.problems.add(("dualwatch", "connect_to"), problem)
        else:
            self.problems.lines.append(f"{label}: {problem}")

    def run(self) -> None:
        for key in self.raw:
            if key not in TOP_TABLES:
                self.problems.unknown((key,), TOP_TABLES, "table")
        general = self.table("dualwatch")
        self.problems.table(("dualwatch",), general, GENERAL_RULES)
        self.rules(general)
        self.problems.table(("crawl",), self.table("crawl"), CRAWL_RULES)
        self.mail(self.table("mail"))
        self.problems.table(("daemon",), self.table("daemon"), DAEMON_RULES)
        sources = self.table("sources")
        if not sources and isinstance(self.raw.get("sources", {}), Mapping):
            self.problems.add(("sources",), "expected at least one [sources.NAME] table")
        for name, values in sources.items():
            if self.problems.is_table(("sources", name), values):
                self.source(name, values)
        check_subscriptions(
            self.raw.get("subscriptions"),
            self.problems,
            list(sources),
            self.topics,
            os.path.relpath(self.rules_path)
            if self.rules_path.is_absolute()
            else str(self.rules_path),
        )

    def rules(self, general: Mapping[str, Any]) -> None:
        """Where the rules file is, and its topic names (for subscriptions and METI)."""
        self.rules_path = _rules_path(self.config_path, general)
        if not isinstance(general.get("rules", ""), str):
            return
        try:
            data = tomllib.loads(self.rules_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            reason = "not found" if isinstance(exc, FileNotFoundError) else str(exc)
            self.problems.add(
                ("dualwatch", "rules"),
                f"expected a readable rules file, {self.rules_path}: {reason}",
            )
            return
        topics = data.get("topics")
        if isinstance(topics, Mapping):
            self.topics = tuple(topics)

    def mail(self, values: Mapping[str, Any]) -> None:
        where = ("mail",)
        if "to" in values:
            self.problems.add(
                (*where, "to"), "recipients are now [[subscriptions]] tables (see README)"
            )
        if "from" in values and "sender" in values:
            self.problems.add((*where, "sender"), "expected `from` or `sender`, not both")
        self.problems.table(where, values, MAIL_RULES, skip=("to", "smtp"))
        base, top = values.get("retry_base_seconds", 60), values.get("retry_max_seconds", 3600)
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (base, top))
        if numbers and top < base:
            self.problems.add(
                (*where, "retry_max_seconds"),
                f"expected a number ≥ retry_base_seconds ({base:g}), got {top:g}",
            )
        if "smtp" in values and self.problems.is_table((*where, "smtp"), values["smtp"]):
            self.smtp(values["smtp"])

    def smtp(self, values: Mapping[str, Any]) -> None:
        where = ("mail", "smtp")
        before = len(self.problems.lines)
        for key in values:
            if key.lower() in _CREDENTIAL_KEYS:
                self.problems.add(
                    (*where, key),
                    "credentials are never read from the configuration file: set username_env "
                    "and password_env to the names of environment variables that hold them",
                )
        values = {k: v for k, v in values.items() if k.lower() not in _CREDENTIAL_KEYS}
        self.problems.table(where, values, SMTP_RULES)
        if ("username_env" in values) != ("password_env" in values):
            missing = "password_env" if "username_env" in values else "username_env"
            self.problems.add(
                (*where, missing), "missing (set both username_env and password_env, or neither)"
            )
        if len(self.problems.lines) == before:
            try:
                settings_from_table(values)
            except ConfigError as exc:  # anything the mailer checks beyond the rules above
                self.problems.add(where, str(exc).removeprefix("[mail.smtp]").strip(" :"))

    def source(self, name: str, values: Mapping[str, Any]) -> None:
        where: KeyPath = ("sources", name)
        spider = values.get("spider", name)
        spiders = known_spiders()
        if isinstance(spider, str) and spider not in spiders:
            key = (*where, "spider") if "spider" in values else where
            self.problems.add(
                key,
                f"unknown spider {show(spider)}{did_you_mean(spider, spiders)}; expected one of "
                + ", ".join(sorted(spiders)),
            )
        for required in ("hosts", "listing_url"):
            if required not in values:
                self.problems.add(
                    (*where, required), f"missing (expected {SOURCE_RULES[required].expected})"
                )
        common = {k: v for k, v in values.items() if k in _SOURCE_FIELDS}
        options = {k: v for k, v in values.items() if k not in _SOURCE_FIELDS}
        before = len(self.problems.lines)
        self.problems.table(where, common, SOURCE_RULES)
        hosts = (
            [h.lower() for h in values.get("hosts", [])]
            if HOSTS.test(values.get("hosts"))
            else None
        )
        url = values.get("listing_url")
        if hosts and URL.test(url) and (urlsplit(url).hostname or "").lower() not in hosts:
            self.problems.add(
                (*where, "listing_url"),
                f"expected a URL on one of the source's hosts ({', '.join(hosts)}), "
                f"got {show(url)}",
            )
        if spider == "generic":
            if len(self.problems.lines) == before:
                self.generic(name, values)
        elif isinstance(spider, str) and spider in SPIDER_OPTIONS:
            self.options(name, spider, options)

    def options(self, name: str, spider: str, options: Mapping[str, Any]) -> None:
        where: KeyPath = ("sources", name)
        rules = SPIDER_OPTIONS[spider]
        for key, value in options.items():
            if key not in rules:
                hint = did_you_mean(key, [*SOURCE_RULES, *rules])
                if not hint and key in CRAWL_RULES:
                    hint = " ([crawl] keys apply to every source)"
                known = ", ".join(rules) or "none"
                self.problems.add(
                    (*where, key),
                    f"unknown key{hint}; expected a source key or an option of the {spider} "
                    f"spider ({known})",
                )
            elif self.problems.check((*where, key), value, rules[key]):
                self.items(where, spider, key, value)
        for key in REQUIRED_OPTIONS.get(spider, ()):
            if key not in options:
                self.problems.add(
                    (*where, key), f"missing (the {spider} spider needs it: {rules[key].expected})"
                )
        if spider == "meti" and self.topics is not None:
            for topic in (
                options.get("relevance_topics", [])
                if TEXTS.test(options.get("relevance_topics", []))
                else []
            ):
                if topic not in self.topics:
                    self.problems.add(
                        (*where, "relevance_topics"),
                        f"unknown topic {show(topic)}{did_you_mean(topic, self.topics)}; "
                        f"topics of the rules file: {', '.join(sorted(self.topics))}",
                    )

    def items(self, where: KeyPath, spider: str, key: str, value: Any) -> None:
        spec = _ITEM_RULES.get((spider, key))
        if spec is None or not isinstance(value, list):
            return
        required, rules = spec
        for index, item in enumerate(value):
            path = (*where, key, index)
            self.problems.table(path, item, rules)
            for needed in required:
                if needed not in item:
                    self.problems.add(
                        (*path, needed), f"missing (expected {rules[needed].expected})"
                    )

    def generic(self, name: str, values: Mapping[str, Any]) -> None:
        """The generic spider's options, checked by crawler/generic_options.py."""
        from crawler.generic_options import parse_options

        source = _source(name, values)
        try:
            parse_options(source)
        except ConfigError as exc:
            match = _GENERIC_ERROR.match(str(exc))
            if match is None:
                self.problems.add(("sources", name), str(exc))
            else:
                key = tuple(k for k in match["key"].split(".") if k)
                self.problems.add(("sources", name, *key), match["message"])


def _rules_path(config_path: Path, general: Mapping[str, Any]) -> Path:
    """``[dualwatch] rules`` relative to the config file; by default its sibling rules.toml,
    or the checkout's config/rules.toml when there is none (e.g. for a test config)."""
    if isinstance(general.get("rules"), str):
        return (config_path.parent / str(general["rules"])).resolve()
    sibling = config_path.parent / "rules.toml"
    return sibling if sibling.is_file() else PROJECT_ROOT / "config" / "rules.toml"


# -- building (of a configuration found valid) ----------------------------------------------


def _build_config(
    raw: Mapping[str, Any],
    config_path: Path,
    home: str | os.PathLike[str] | None,
    connect_to: str,
    rules_path: Path,
) -> Config:
    general = raw.get("dualwatch", {})
    sources = {name: _source(name, values) for name, values in raw.get("sources", {}).items()}
    return Config(
        path=config_path,
        home=_resolve_home(home, general),
        connect_to=connect_to,
        crawl=CrawlSettings(**raw.get("crawl", {})),
        mail=_mail_settings(raw.get("mail", {})),
        sources=MappingProxyType(sources),
        subscriptions=build_subscriptions(raw.get("subscriptions")),
        rules_path=rules_path,
        daemon=DaemonSettings(**raw.get("daemon", {})),
    )


def _resolve_home(explicit: str | os.PathLike[str] | None, general: Mapping[str, Any]) -> Path:
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


def _source(name: str, values: Mapping[str, Any]) -> SourceConfig:
    common = {k: v for k, v in values.items() if k in _SOURCE_FIELDS}
    options = {k: v for k, v in values.items() if k not in _SOURCE_FIELDS}
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


# -- the effective configuration -------------------------------------------------------------


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


def _effective(
    raw: Mapping[str, Any],
    config_path: Path,
    home: str | os.PathLike[str] | None,
    connect_to: str,
    rules_path: Path,
) -> dict[str, Any]:
    """The merged configuration with every default filled in (values as in the file)."""
    general = raw.get("dualwatch", {})
    general = general if isinstance(general, Mapping) else {}
    effective: dict[str, Any] = {
        "dualwatch": {
            **general,
            "home": str(_resolve_home(home, general)),
            "connect_to": connect_to,
            "rules": str(rules_path),
        },
        "crawl": _with(_defaults(CrawlSettings), raw.get("crawl", {})),
    }
    mail = raw.get("mail", {})
    if isinstance(mail, Mapping):
        renamed = {"from" if k == "sender" else k: v for k, v in mail.items()}
        mail = {
            "from": MailSettings.sender,
            **_defaults(MailSettings, ("sender", "smtp")),
            **renamed,
        }
    effective["mail"] = mail
    effective["daemon"] = _with(_defaults(DaemonSettings), raw.get("daemon", {}))
    sources = raw.get("sources", {})
    if isinstance(sources, Mapping):
        defaults = _defaults(SourceConfig, ("name", "options"))
        sources = {
            name: _with({"spider": name, "title": name, **defaults}, values)
            for name, values in sources.items()
        }
    effective["sources"] = sources
    subscriptions = raw.get("subscriptions")
    if isinstance(subscriptions, list):
        defaults = _defaults(Subscription)
        effective["subscriptions"] = [_with(defaults, entry) for entry in subscriptions]
    for key, value in raw.items():
        effective.setdefault(key, value)
    return effective


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
    import json

    safe = redacted(effective)
    if as_json:
        return json.dumps(safe, ensure_ascii=False, indent=2, default=str)
    lines: list[str] = []
    _toml_table(lines, (), safe)
    return "\n".join(lines).strip("\n")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    import json

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
