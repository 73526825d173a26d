"""Relevance rules: which topics a notice (or the text a revision added) is about, and why.

Rules are named *topics* read from ``config/rules.toml`` (see the comments there): a title, a
priority (higher = more important), term groups ``any`` (at least one term must occur),
``all`` (every entry must occur; an entry may be a list of alternatives) and ``none`` (no term
may occur), and optional ``sources`` / ``doc_types`` filters. A topic matches when its filters
hold and its groups hold on the title plus the text. For a modified notice the caller passes
only what the revision added (``TextDiff.added_text()``), so unchanged text never matches.

Matching rules (decisions, tested in tests/test_rules.py):

* Title and text are matched in their *matchable* form, :func:`matchable_text` (which is
  :func:`monitors.text.normalize.normalize_text`: NFKC where safe, full-width Latin and digits
  folded, half-width kana widened, whitespace collapsed, spaces between CJK characters
  removed). :class:`RuleMatch` offsets refer to that form. Terms are normalised the same way,
  so ``两用 物项`` is the term ``两用物项``.
* Between two CJK characters of a term, whitespace (a line break, e.g. in PDF text) may occur
  in the text; between two katakana also ``・`` (``デュアルユース`` matches ``デュアル・ユース``).
* Case is ignored (``re.IGNORECASE``) instead of case-folding the text, so snippets keep the
  original case. Simplified and traditional Chinese are *not* converted: list both forms.
* A term that begins or ends with a Latin letter or digit matches only at a word boundary; a
  CJK character next to it counts as a boundary. ``chip`` matches ``chip``, ``Chips`` and
  ``半导体chip`` but not ``chipset`` or ``microchip``; write ``chip*`` for any continuation.
* English plurals: a term ending in a letter also matches ``+s``/``+es`` and ``y`` → ``ies``
  (``export control`` matches ``export controls``; ``entity`` matches ``entities``).
* In a Latin term, a space or hyphen matches any run of spaces, hyphens and dashes:
  ``dual-use`` matches ``Dual Use`` and ``DUAL‐USE``; ``export control`` matches
  ``Export-Control``.
* ``re:PATTERN`` is a Python regex, case-insensitive (use ``(?-i:...)`` to turn that off),
  searched in the matchable text. Each distinct string it matches counts as a term (at most
  :data:`MAX_REGEX_HITS` per regex and field); ``\\b`` sees no boundary between CJK and Latin,
  so prefer lookarounds.

Per topic, every distinct matching term is reported once, at its first occurrence, the title
before the text. Topics come out in priority order (then file order).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Protocol

from monitors.core.config import PROJECT_ROOT
from monitors.core.errors import ConfigError
from monitors.text.normalize import CJK_CHAR_CLASS, normalize_text

__all__ = [
    "DEFAULT_RULES_PATH",
    "DOC_TYPES",
    "WORD_CLASS",
    "MatchLike",
    "RuleMatch",
    "RuleSet",
    "Term",
    "Topic",
    "explain",
    "format_names",
    "is_word",
    "matchable_text",
    "matched_topics",
]

DEFAULT_RULES_PATH = PROJECT_ROOT / "config" / "rules.toml"
#: The ``doc_type`` values the spiders set (metadata ``doc_type``).
DOC_TYPES = (
    "announcement",
    "order",
    "qa",
    "press_release",
    "statement",
    "press_conference",
    "news",
    "regulation",
    "list",
)
TOPIC_KEYS = ("title", "priority", "any", "all", "none", "sources", "doc_types")
REGEX_PREFIX = "re:"
SNIPPET_CHARS = 40
MAX_REGEX_HITS = 10
FIELDS = ("title", "text")

WORD_CLASS = rf"[^\W_{CJK_CHAR_CLASS}]"  # a letter or digit that is not CJK
_SHOWN_TERMS = 8


def matchable_text(text: str) -> str:
    """The form of a title or text that rules are matched on (offsets refer to it)."""
    return normalize_text(text)


def is_word(ch: str) -> bool:
    """True for a non-CJK letter or digit (an empty string is not one)."""
    return _word_re().match(ch) is not None


@cache
def _word_re() -> re.Pattern[str]:
    """:data:`WORD_CLASS` compiled (on first use: only loading the rules needs it)."""
    return re.compile(WORD_CLASS)


@dataclass(frozen=True)
class Term:
    """One configured term: a phrase (normalised like the text) or a ``re:`` regex.

    ``source`` and ``flags`` are the term's regex; :attr:`pattern` compiles it on first use.
    Compiling is what loading the rules used to spend its time on (the word-boundary class of
    a Latin term holds every CJK range, and the ``re`` module builds such a class character
    by character: ~2 ms a term, ~0.4 s for the shipped rules), while most terms are never
    searched in a given run: a Latin term is searched only in texts containing its
    :attr:`needle`, and a quiet crawl classifies nothing.
    """

    text: str
    source: str
    is_regex: bool = False
    #: Lower-case letters every match contains (Latin phrases): a fast pre-check.
    needle: str = ""
    flags: int = re.IGNORECASE

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The compiled regex (compiled once, on first use)."""
        return re.compile(self.source, self.flags)

    def __getstate__(self) -> dict[str, object]:
        """Pickle the fields only, never the compiled pattern (it is rebuilt on use)."""
        return {k: v for k, v in self.__dict__.items() if k != "pattern"}

    def hits(self, text: str, lowered: str | None = None) -> list[tuple[str, int, int]]:
        """``(label, start, end)``: the first occurrence of a phrase (labelled with the term),
        or each distinct string a regex matches (labelled with that string).

        ``lowered`` is ``text.lower()``, when the caller has it, to skip hopeless searches
        (case-insensitive regex search is slow on long texts).
        """
        if self.needle and lowered is not None and self.needle not in lowered:
            return []
        if not self.is_regex:
            found = self.pattern.search(text)
            return [(self.text, found.start(), found.end())] if found else []
        seen: set[str] = set()
        hits: list[tuple[str, int, int]] = []
        for found in self.pattern.finditer(text):
            label = found.group()
            if not label or label.casefold() in seen:
                continue
            seen.add(label.casefold())
            hits.append((label, found.start(), found.end()))
            if len(hits) >= MAX_REGEX_HITS:
                break
        return hits


@dataclass(frozen=True)
class Topic:
    """A named relevance rule (one ``[topics.NAME]`` table)."""

    name: str
    title: str
    priority: int
    any_terms: tuple[Term, ...] = ()
    all_terms: tuple[tuple[Term, ...], ...] = ()
    none_terms: tuple[Term, ...] = ()
    sources: frozenset[str] | None = None
    doc_types: frozenset[str] | None = None

    def filter_failures(self, source: str | None, doc_type: str | None) -> tuple[str, ...]:
        """Why the filters exclude a notice; an unknown (None) source or doc_type passes."""
        reasons = []
        if self.sources is not None and source is not None and source not in self.sources:
            reasons.append(f"source filter: {source} is not one of {format_names(self.sources)}")
        if self.doc_types is not None and doc_type is not None and doc_type not in self.doc_types:
            reasons.append(
                f"doc_type filter: {doc_type} is not one of {format_names(self.doc_types)}"
            )
        return tuple(reasons)

    def positive_terms(self) -> tuple[Term, ...]:
        """The terms whose occurrences are reported: ``any`` and ``all`` terms."""
        return self.any_terms + tuple(term for group in self.all_terms for term in group)


@dataclass(frozen=True)
class RuleMatch:
    """One reason a topic matched: a term found in the title or text.

    ``start``/``end`` are offsets in :func:`matchable_text` of that ``field`` (``title`` or
    ``text``); ``snippet`` is the match with about 40 characters each side, ``…`` where cut.
    """

    topic: str
    topic_title: str
    priority: int
    term: str
    field: str
    snippet: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            raise ValueError(f"invalid RuleMatch field {self.field!r}")


class MatchLike(Protocol):
    """What :func:`matched_topics` and :meth:`RuleSet.highlight_spans` read from a match:
    a :class:`RuleMatch`, or a match stored in the ledger."""

    @property
    def topic(self) -> str: ...

    @property
    def priority(self) -> int: ...

    @property
    def term(self) -> str: ...


@dataclass(frozen=True)
class _Hit:
    """A term found in one field, before it becomes a RuleMatch."""

    term: Term
    group: str
    label: str
    field: str
    start: int
    end: int
    snippet: str

    @property
    def where(self) -> str:
        return f"{self.field}[{self.start}:{self.end}]"


@dataclass(frozen=True)
class _Evaluation:
    """Everything a topic found in a notice: enough to match and to explain."""

    topic: Topic
    filter_failures: tuple[str, ...]
    any_hits: tuple[_Hit, ...]
    all_hits: tuple[tuple[_Hit, ...], ...]
    none_hits: tuple[_Hit, ...]

    @property
    def matched(self) -> bool:
        """True when the filters and all three groups hold."""
        return (
            not self.filter_failures
            and (bool(self.any_hits) or not self.topic.any_terms)
            and all(self.all_hits)
            and not self.none_hits
        )

    def positive_hits(self) -> list[_Hit]:
        """Distinct positive hits: title first, then by position (the longer first)."""
        hits = [*self.any_hits, *(hit for group in self.all_hits for hit in group)]
        hits.sort(key=lambda hit: (FIELDS.index(hit.field), hit.start, -hit.end))
        seen: set[str] = set()
        distinct = []
        for hit in hits:
            if hit.label.casefold() not in seen:
                seen.add(hit.label.casefold())
                distinct.append(hit)
        return distinct

    def matches(self) -> list[RuleMatch]:
        """The RuleMatch of each distinct positive hit."""
        topic = self.topic
        return [
            RuleMatch(
                topic.name,
                topic.title,
                topic.priority,
                hit.label,
                hit.field,
                hit.snippet,
                hit.start,
                hit.end,
            )
            for hit in self.positive_hits()
        ]


@dataclass(frozen=True)
class RuleSet:
    """The configured topics, in file order."""

    topics: tuple[Topic, ...]

    def topic(self, name: str) -> Topic:
        """The topic called ``name``; ConfigError naming the known topics otherwise."""
        for topic in self.topics:
            if topic.name == name:
                return topic
        known = ", ".join(topic.name for topic in self.topics) or "none"
        raise ConfigError(f"unknown topic {name!r} (configured: {known})")

    def ranked(self) -> tuple[Topic, ...]:
        """The topics by priority, highest first (file order among equals)."""
        return tuple(sorted(self.topics, key=lambda topic: -topic.priority))

    def match(
        self, *, title: str, text: str, source: str | None = None, doc_type: str | None = None
    ) -> list[RuleMatch]:
        """Every topic that matches, by priority; per topic each distinct term once."""
        fields = _fields(title, text)
        matches: list[RuleMatch] = []
        for topic in self.ranked():
            if topic.filter_failures(source, doc_type):
                continue
            evaluation = _evaluate(topic, fields, source, doc_type)
            if evaluation.matched:
                matches.extend(evaluation.matches())
        return matches

    def highlight_spans(self, text: str, matches: Iterable[MatchLike]) -> list[tuple[int, int]]:
        """Every occurrence in ``text`` of the terms behind ``matches``: sorted, merged spans.

        ``text`` is searched as given: pass normalised text (a stored version's text, a diff
        segment, a title), e.g. to highlight matched terms in an email. Matches of topics
        this rule set no longer has (stored before the rules were edited) are ignored.
        """
        wanted: dict[str, set[str]] = {}
        for match in matches:
            wanted.setdefault(match.topic, set()).add(match.term.casefold())
        spans = []
        for topic in self.topics:
            labels = wanted.get(topic.name, set())
            for term in topic.positive_terms() if labels else ():
                for found in term.pattern.finditer(text):
                    label = found.group() if term.is_regex else term.text
                    if found.end() > found.start() and label.casefold() in labels:
                        spans.append((found.start(), found.end()))
        return _merge_spans(spans)


def matched_topics(matches: Iterable[MatchLike]) -> list[str]:
    """The distinct topics of ``matches``, highest priority first (then first seen)."""
    priorities: dict[str, int] = {}
    for match in matches:
        priorities.setdefault(match.topic, match.priority)
    return sorted(priorities, key=lambda name: -priorities[name])


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge overlapping or touching ones."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    """A field's matchable text and its lower-case copy (for :attr:`Term.needle`)."""

    name: str
    text: str
    lowered: str


def _fields(title: str, text: str) -> tuple[_Field, _Field]:
    """The matchable title and text."""
    title, text = matchable_text(title), matchable_text(text)
    return (_Field("title", title, title.lower()), _Field("text", text, text.lower()))


def _snippet(text: str, start: int, end: int) -> str:
    """The match with :data:`SNIPPET_CHARS` characters each side, ``…`` where cut, one line."""
    left = max(0, start - SNIPPET_CHARS)
    right = min(len(text), end + SNIPPET_CHARS)
    piece = text[left:right].replace("\n", " ")
    return ("…" if left else "") + piece + ("…" if right < len(text) else "")


def _find(term: Term, group: str, fields: tuple[_Field, _Field]) -> list[_Hit]:
    """Distinct hits of ``term``, each at its first occurrence, the title before the text."""
    seen: set[str] = set()
    hits = []
    for field in fields:
        for label, start, end in term.hits(field.text, field.lowered):
            if label.casefold() not in seen:
                seen.add(label.casefold())
                snippet = _snippet(field.text, start, end)
                hits.append(_Hit(term, group, label, field.name, start, end, snippet))
    return hits


def _find_all(terms: Iterable[Term], group: str, fields: tuple[_Field, _Field]) -> tuple[_Hit, ...]:
    """Hits of every term of a group."""
    return tuple(hit for term in terms for hit in _find(term, group, fields))


def _evaluate(
    topic: Topic,
    fields: tuple[_Field, _Field],
    source: str | None,
    doc_type: str | None,
) -> _Evaluation:
    """Search every term of ``topic`` in ``fields`` and check its filters."""
    return _Evaluation(
        topic=topic,
        filter_failures=topic.filter_failures(source, doc_type),
        any_hits=_find_all(topic.any_terms, "any", fields),
        all_hits=tuple(_find_all(group, "all", fields) for group in topic.all_terms),
        none_hits=_find_all(topic.none_terms, "none", fields),
    )


# --- explain --------------------------------------------------------------------------------


def explain(
    ruleset: RuleSet,
    *,
    title: str,
    text: str,
    source: str | None = None,
    doc_type: str | None = None,
) -> str:
    """A report for ``dualwatch rules test``: which topics match, on which terms and where,
    and for the others why not."""
    fields = _fields(title, text)
    evaluations = [_evaluate(topic, fields, source, doc_type) for topic in ruleset.ranked()]
    matched = [e.topic.name for e in evaluations if e.matched]
    lines = [
        f"title: {fields[0].text or '(none)'}",
        f"text: {len(fields[1].text)} characters (normalised)",
        f"source: {source or '(not given)'}; doc_type: {doc_type or '(not given)'}",
        "",
        f"matched {len(matched)} of {len(evaluations)} topics: {', '.join(matched) or 'none'}",
    ]
    for evaluation in evaluations:
        lines.append("")
        lines.extend(_explain_topic(evaluation, source, doc_type))
    return "\n".join(lines)


def _explain_topic(evaluation: _Evaluation, source: str | None, doc_type: str | None) -> list[str]:
    """The lines about one topic: ``- reason`` it failed, ``+ term`` found, notes."""
    topic = evaluation.topic
    verdict = "MATCH" if evaluation.matched else "no match"
    lines = [f"{verdict}: {topic.name} — {topic.title} (priority {topic.priority})"]
    if not evaluation.matched:
        lines.extend(f"  - {reason}" for reason in _failure_reasons(evaluation))
    for hit in evaluation.positive_hits():
        lines.append(f"  + {hit.group} {hit.label!r} at {hit.where}: {hit.snippet}")
    if topic.sources is not None and source is None:
        lines.append(
            f"  note: source filter ({format_names(topic.sources)}) not applied: no source"
        )
    if topic.doc_types is not None and doc_type is None:
        lines.append(f"  note: doc_type filter ({format_names(topic.doc_types)}) not applied")
    return lines


def _failure_reasons(evaluation: _Evaluation) -> list[str]:
    """Every reason a topic did not match."""
    topic = evaluation.topic
    reasons = list(evaluation.filter_failures)
    if topic.any_terms and not evaluation.any_hits:
        reasons.append(f"no 'any' term found ({_term_list(topic.any_terms)})")
    for group, hits in zip(topic.all_terms, evaluation.all_hits, strict=True):
        if hits:
            continue
        if len(group) == 1:
            reasons.append(f"'all' term {group[0].text!r} missing")
        else:
            reasons.append(f"'all' group missing: none of {_term_list(group)}")
    reasons.extend(
        f"excluded by 'none' term {hit.label!r} at {hit.where}: {hit.snippet}"
        for hit in evaluation.none_hits
    )
    return reasons


def _term_list(terms: tuple[Term, ...]) -> str:
    """``a, b, c … (+N more)``."""
    shown = ", ".join(term.text for term in terms[:_SHOWN_TERMS])
    more = len(terms) - _SHOWN_TERMS
    return f"{shown} … (+{more} more)" if more > 0 else shown


def format_names(names: Collection[str]) -> str:
    return ", ".join(sorted(names))
