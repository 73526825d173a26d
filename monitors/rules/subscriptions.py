"""Who receives what: subscriptions from the configuration's ``[[subscriptions]]`` tables.

A subscription gets an immediate alert for each change that matches one of its topics (every
topic when it names none) from one of its sources (every source when it names none), and/or
a daily or weekly digest of every change of its sources — relevant or not — grouped by topic.
Once it was alerted about a document, it follows it: every later change of that document
(modified, delisted, removed, restored) is alerted too, whatever text changed, unless
``follow_revisions = false``. The copies and languages of one document changed in one crawl
are one alert, headlined in the subscription's ``language`` (zh, ja or en; default: the
original's).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from monitors.core.checks import (
    ADDRESS,
    BOOLEAN,
    TEXT,
    ZONE,
    Problems,
    Rule,
    choice,
    did_you_mean,
    integer,
    show,
)
from monitors.core.errors import ConfigError

DIGEST_PERIODS = ("none", "daily", "weekly")
LANGUAGES = ("zh", "ja", "en")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Subscription:
    """One recipient's choice of topics, sources and delivery."""

    name: str
    email: str
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    immediate: bool = True
    digest: str = "none"
    timezone: str = "UTC"
    digest_hour: int = 8
    weekly_day: str = "monday"
    #: Alert every later change of a document this subscription was alerted about.
    follow_revisions: bool = True
    #: The language an alert about a document with copies in several languages is
    #: headlined in (None: the original's).
    language: str | None = None
    #: A counterparty CSV (resolved against the configuration file's folder): a list event
    #: matching one of its parties is alerted whatever the topics (``dualwatch screen``).
    parties: str | None = None
    #: Chat and push targets (Apprise URLs, secrets as ``${VARIABLE}``) alerted beside
    #: ``email``, each once per change (:mod:`monitors.mail.push`).
    notify: tuple[str, ...] = ()

    @property
    def zone(self) -> ZoneInfo:
        """The subscription's time zone (digest periods are days in this zone)."""
        return ZoneInfo(self.timezone)

    def wants_source(self, source: str) -> bool:
        """True when changes of ``source`` concern this subscription."""
        return not self.sources or source in self.sources

    def wants_topics(self, topics: Iterable[str]) -> bool:
        """True when a change matching ``topics`` is relevant (immediate-worthy) here."""
        found = set(topics)
        return bool(found) and (not self.topics or bool(found & set(self.topics)))


def parse_subscriptions(
    raw: Any, source_names: Sequence[str], topics: Collection[str] | None = None
) -> tuple[Subscription, ...]:
    """Validate the ``[[subscriptions]]`` array; ConfigError listing every problem."""
    problems = Problems(lambda _path: "configuration")
    check_subscriptions(raw, problems, source_names, topics)
    if problems:
        raise ConfigError("\n".join(problems.lines))
    return build_subscriptions(raw)


_RULES: dict[str, Rule] = {
    "name": TEXT,
    "email": ADDRESS,
    "immediate": BOOLEAN,
    "digest": choice(DIGEST_PERIODS),
    "timezone": ZONE,
    "digest_hour": integer(0, 23, "an hour"),
    "weekly_day": choice(WEEKDAYS),
    "follow_revisions": BOOLEAN,
    "language": choice(LANGUAGES),
    "parties": TEXT,
}
_LISTS = ("topics", "sources", "notify")


def check_subscriptions(
    raw: Any,
    problems: Problems,
    source_names: Sequence[str],
    topics: Collection[str] | None,
    rules_file: str = "the rules file",
) -> None:
    """Record every problem of the ``[[subscriptions]]`` array in ``problems``.

    ``topics``: the topic names of the rules file (None when it could not be read: topics
    are then not checked).
    """
    if raw is None:
        return
    if not isinstance(raw, list) or not all(isinstance(e, Mapping) for e in raw):
        problems.add(("subscriptions",), f"expected [[subscriptions]] tables, got {show(raw)}")
        return
    seen: dict[str, int] = {}
    for index, entry in enumerate(raw):
        where = ("subscriptions", index)
        problems.table(where, entry, _RULES, skip=_LISTS)
        if "email" not in entry:
            problems.add((*where, "email"), "missing (expected an email address)")
        named = {
            "topics": (topics, "topic", f"topics of {rules_file}"),
            "sources": (source_names, "source", "configured sources"),
        }
        for key, (known, noun, what) in named.items():
            _check_names(problems, (*where, key), entry.get(key, []), known, noun, what)
        _check_notify(problems, (*where, "notify"), entry.get("notify", []))
        if entry.get("notify") and entry.get("immediate", True) is False:
            problems.add(
                (*where, "notify"),
                "needs immediate = true (chat and push targets get immediate alerts only; "
                "digests go by email)",
            )
        if entry.get("immediate", True) is False and entry.get("digest", "none") == "none":
            problems.add(
                (*where, "digest"),
                'expected "daily" or "weekly" when immediate = false (this subscription '
                "would receive nothing)",
            )
        name = entry.get("name", entry.get("email", f"subscription-{index}"))
        if isinstance(name, str):
            if name in seen:
                problems.add(
                    (*where, "name"),
                    f"expected a unique name, got {show(name)} (also subscriptions[{seen[name]}])",
                )
            seen.setdefault(name, index)


def _check_notify(problems: Problems, path: tuple[str | int, ...], value: Any) -> None:
    """``notify``: a list of Apprise URLs taking their secrets from the environment."""
    from monitors.mail.pushurls import notify_url_problem

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(path, f"expected a list of Apprise URLs, got {show(value)}")
        return
    for url in value:
        problem = notify_url_problem(url)
        if problem:
            problems.add(path, problem)


def _check_names(
    problems: Problems,
    path: tuple[str | int, ...],
    value: Any,
    known: Collection[str] | None,
    noun: str,
    what: str,
) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(path, f"expected a list of names, got {show(value)}")
        return
    if known is None:
        return
    for name in value:
        if name not in known:
            names = ", ".join(sorted(known)) or "none"
            problems.add(
                path,
                f"unknown {noun} {show(name)}{did_you_mean(name, known)}; {what}: {names}",
            )


def build_subscriptions(raw: Any) -> tuple[Subscription, ...]:
    """The subscriptions of an array that :func:`check_subscriptions` found valid."""
    subscriptions = []
    for index, entry in enumerate(raw or ()):
        values = dict(entry)
        values.setdefault("name", values.get("email", f"subscription-{index}"))
        values["topics"] = tuple(values.get("topics", ()))
        values["sources"] = tuple(values.get("sources", ()))
        values["notify"] = tuple(values.get("notify", ()))
        subscriptions.append(Subscription(**values))
    return tuple(subscriptions)
