"""Check a merged configuration table against the rules of every key, collecting problems.

One job: say what is wrong with a configuration, one ``FILE: KEY: MESSAGE`` line per problem
(the value rules themselves live in monitors/core/checks.py). :func:`problems_of` is the
entry point; the tables below say what each key must be.

Dependency direction: this module imports the models and helpers of monitors/core/config.py
(known spiders, the source fields, connect_to, building a source for the generic spider's
own check); config.py imports this module only inside :func:`~monitors.core.config.inspect_config`,
so neither module needs the other at import time.
"""

from __future__ import annotations

import codecs
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
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
from monitors.core.config import (
    SOURCE_FIELDS,
    build_source,
    connect_to_problem,
    known_spiders,
)
from monitors.core.errors import ConfigError
from monitors.mail.mailer import SECURITY_MODES, settings_from_table
from monitors.rules.subscriptions import check_subscriptions


def problems_of(
    raw: Mapping[str, Any],
    origin: Callable[[KeyPath], str],
    *,
    rules_path: Path,
    connect_to: str,
    connect_to_label: str | None,
    config_dir: Path | None = None,
) -> list[str]:
    """Every problem of the merged table ``raw``, one line each (empty: all is well).

    ``origin`` names the file that set a key; ``connect_to`` is the value in force and
    ``connect_to_label`` where it came from (None: the configuration file).
    """
    problems = Problems(origin)
    checker = _Checker(raw, problems, rules_path, config_dir or Path.cwd())
    checker.connect_to(connect_to, connect_to_label)
    checker.run()
    return problems.lines


# -- what each key must be -------------------------------------------------------------------

TOP_TABLES = (
    "dualwatch", "crawl", "mail", "daemon", "sources", "subscriptions", "lists", "screening",
    "publish",
)  # fmt: skip
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
_SCORE = Rule(
    "a score from 0 to 100",
    lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100,
)
SCREENING_RULES: dict[str, Rule] = {"threshold": _SCORE, "country_penalty": _SCORE}
PUBLISH_RULES: dict[str, Rule] = {"site": TEXT, "base_url": URL}
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
if set(SOURCE_RULES) != SOURCE_FIELDS:  # the rules and the SourceConfig fields go together
    raise AssertionError("SOURCE_RULES and the fields of SourceConfig differ")

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


# -- checking --------------------------------------------------------------------------------


class _Checker:
    """Checks a merged configuration table, recording every problem."""

    def __init__(
        self, raw: Mapping[str, Any], problems: Problems, rules_path: Path, config_dir: Path
    ) -> None:
        self.raw, self.problems, self.rules_path = raw, problems, rules_path
        self.config_dir = config_dir
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
        self.parties(self.raw.get("subscriptions"))
        self.lists()
        self.problems.table(("screening",), self.table("screening"), SCREENING_RULES)
        self.problems.table(("publish",), self.table("publish"), PUBLISH_RULES)

    def parties(self, subscriptions: Any) -> None:
        """Each subscription's counterparty file exists and reads as one."""
        from monitors.lists.parties import read_parties

        for index, entry in enumerate(subscriptions if isinstance(subscriptions, list) else []):
            name = entry.get("parties") if isinstance(entry, Mapping) else None
            if not isinstance(name, str) or not name.strip():
                continue
            try:
                read_parties(self.config_dir / name)
            except (OSError, ValueError) as exc:
                self.problems.add(("subscriptions", index, "parties"), f"{exc}")

    def lists(self) -> None:
        """The ``[lists.NAME]`` tables (more control lists, or changes to the known ones)."""
        from monitors.lists.specs import parse_list_specs

        if "lists" not in self.raw or not self.problems.is_table(("lists",), self.raw["lists"]):
            return
        try:
            parse_list_specs(self.raw["lists"])
        except ValueError as exc:
            self.problems.add(("lists",), str(exc))

    def rules(self, general: Mapping[str, Any]) -> None:
        """The topic names of the rules file (for subscriptions and METI)."""
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
        self.spider(where, spider, "spider" in values)
        for required in ("hosts", "listing_url"):
            if required not in values:
                self.problems.add(
                    (*where, required), f"missing (expected {SOURCE_RULES[required].expected})"
                )
        common = {k: v for k, v in values.items() if k in SOURCE_FIELDS}
        options = {k: v for k, v in values.items() if k not in SOURCE_FIELDS}
        before = len(self.problems.lines)
        self.problems.table(where, common, SOURCE_RULES)
        self.listing_url(where, values)
        if spider == "generic":
            if len(self.problems.lines) == before:
                self.generic(name, values)
        elif isinstance(spider, str) and spider in SPIDER_OPTIONS:
            self.options(name, spider, options)

    def spider(self, where: KeyPath, spider: Any, named: bool) -> None:
        """An unknown spider (``named``: the source says ``spider =``, else its name does)."""
        spiders = known_spiders()
        if isinstance(spider, str) and spider not in spiders:
            self.problems.add(
                (*where, "spider") if named else where,
                f"unknown spider {show(spider)}{did_you_mean(spider, spiders)}; expected one of "
                + ", ".join(sorted(spiders)),
            )

    def listing_url(self, where: KeyPath, values: Mapping[str, Any]) -> None:
        """The listing URL must be on one of the source's hosts."""
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

    def options(self, name: str, spider: str, options: Mapping[str, Any]) -> None:
        where: KeyPath = ("sources", name)
        rules = SPIDER_OPTIONS[spider]
        for key, value in options.items():
            if key not in rules:
                self.unknown_option((*where, key), spider)
            elif self.problems.check((*where, key), value, rules[key]):
                self.items(where, spider, key, value)
        for key in REQUIRED_OPTIONS.get(spider, ()):
            if key not in options:
                self.problems.add(
                    (*where, key), f"missing (the {spider} spider needs it: {rules[key].expected})"
                )
        if spider == "meti":
            self.relevance_topics(where, options.get("relevance_topics", []))

    def unknown_option(self, path: KeyPath, spider: str) -> None:
        key, rules = str(path[-1]), SPIDER_OPTIONS[spider]
        hint = did_you_mean(key, [*SOURCE_RULES, *rules])
        if not hint and key in CRAWL_RULES:
            hint = " ([crawl] keys apply to every source)"
        known = ", ".join(rules) or "none"
        self.problems.add(
            path,
            f"unknown key{hint}; expected a source key or an option of the {spider} "
            f"spider ({known})",
        )

    def relevance_topics(self, where: KeyPath, topics: Any) -> None:
        """METI's relevance topics must be topics of the rules file (when it was read)."""
        if self.topics is None or not TEXTS.test(topics):
            return
        for topic in topics:
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

        source = build_source(name, values)
        try:
            parse_options(source)
        except ConfigError as exc:
            match = _GENERIC_ERROR.match(str(exc))
            if match is None:
                self.problems.add(("sources", name), str(exc))
            else:
                key = tuple(k for k in match["key"].split(".") if k)
                self.problems.add(("sources", name, *key), match["message"])
