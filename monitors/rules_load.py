"""Loading the relevance rules: TOML topics validated and their terms compiled.

Every problem raises :class:`~monitors.errors.ConfigError` naming the topic and key. The
rule set itself (matching, explaining) is :mod:`monitors.rules`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from monitors.errors import ConfigError
from monitors.normalize import is_cjk, normalize_text
from monitors.rules import (
    DOC_TYPES,
    REGEX_PREFIX,
    TOPIC_KEYS,
    WORD_CLASS,
    RuleSet,
    Term,
    Topic,
    format_names,
    is_word,
)

_TOPIC_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_WORD = WORD_CLASS
_SEPARATORS = " -\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TERM_TOKEN_RE = re.compile(f"[{re.escape(_SEPARATORS)}]+|.", re.DOTALL)
_LATIN_SEP = rf"[\s{re.escape(_SEPARATORS[1:])}]+"
_KATAKANA_RE = re.compile("[\u30a1-\u30fa\u30fc]")  # katakana letters and ー, not ・
_CJK_GAP = r"\s*"
_KANA_GAP = r"[\s・]*"


def load_rules(path: Path, *, known_sources: Collection[str] | None = None) -> RuleSet:
    """Read and validate a rules file; ConfigError names the topic and key of any problem.

    ``known_sources`` (the configured source names), when given, validates ``sources``.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"rules file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_rules(data, where=str(path), known_sources=known_sources)


def parse_rules(
    data: Mapping[str, Any], *, where: str = "rules", known_sources: Collection[str] | None = None
) -> RuleSet:
    """Validate parsed TOML (``{"topics": {name: table}}``) into a :class:`RuleSet`."""
    unknown = sorted(set(data) - {"topics"})
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (expected [topics.NAME])")
    topics = data.get("topics")
    if not isinstance(topics, dict) or not topics:
        raise ConfigError(f"{where}: no [topics.NAME] tables")
    return RuleSet(
        tuple(
            _parse_topic(name, table, f"{where}: [topics.{name}]", known_sources)
            for name, table in topics.items()
        )
    )


def _parse_topic(name: str, table: Any, where: str, known_sources: Collection[str] | None) -> Topic:
    """One ``[topics.NAME]`` table."""
    if not _TOPIC_NAME_RE.match(name):
        raise ConfigError(f"{where}: a topic name is lower-case letters and digits joined by '-'")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table")
    unknown = sorted(set(table) - set(TOPIC_KEYS))
    if unknown:
        allowed = ", ".join(TOPIC_KEYS)
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {allowed})")
    title = table.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ConfigError(f"{where} title: missing or empty")
    priority = table.get("priority")
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise ConfigError(f"{where} priority: must be an integer (higher = more important)")
    seen: dict[str, str] = {}
    any_terms = _parse_group(table, "any", where, seen)
    all_terms = _parse_all(table, where, seen)
    none_terms = _parse_group(table, "none", where, seen)
    if not any_terms and not all_terms:
        raise ConfigError(f"{where}: no terms (give 'any' and/or 'all')")
    return Topic(
        name=name,
        title=title.strip(),
        priority=priority,
        any_terms=any_terms,
        all_terms=all_terms,
        none_terms=none_terms,
        sources=_parseformat_names(table, "sources", where, known_sources),
        doc_types=_parseformat_names(table, "doc_types", where, DOC_TYPES),
    )


def _parse_list(table: Mapping[str, Any], key: str, where: str) -> list[Any] | None:
    """``table[key]`` as a non-empty list, or None when the key is absent."""
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where} {key}: must be a non-empty list (or left out)")
    return value


def _parse_group(
    table: Mapping[str, Any], key: str, where: str, seen: dict[str, str]
) -> tuple[Term, ...]:
    """An ``any`` or ``none`` list of terms."""
    items = _parse_list(table, key, where) or []
    return tuple(_parse_term(item, f"{where} {key}[{i}]", seen) for i, item in enumerate(items))


def _parse_all(
    table: Mapping[str, Any], where: str, seen: dict[str, str]
) -> tuple[tuple[Term, ...], ...]:
    """The ``all`` list: each entry a term or a non-empty list of alternative terms."""
    groups = []
    for i, item in enumerate(_parse_list(table, "all", where) or []):
        at = f"{where} all[{i}]"
        if isinstance(item, list):
            if not item:
                raise ConfigError(f"{at}: a list of alternatives must not be empty")
            groups.append(tuple(_parse_term(alt, f"{at}[{j}]", seen) for j, alt in enumerate(item)))
        else:
            groups.append((_parse_term(item, at, seen),))
    return tuple(groups)


def _parseformat_names(
    table: Mapping[str, Any], key: str, where: str, allowed: Collection[str] | None
) -> frozenset[str] | None:
    """A ``sources`` or ``doc_types`` filter, checked against ``allowed`` when known."""
    items = _parse_list(table, key, where)
    if items is None:
        return None
    if not all(isinstance(item, str) and item for item in items):
        raise ConfigError(f"{where} {key}: must be a list of names")
    if allowed is not None:
        unknown = [item for item in items if item not in allowed]
        if unknown:
            known = format_names(allowed)
            raise ConfigError(f"{where} {key}: unknown {', '.join(unknown)} (known: {known})")
    return frozenset(items)


def _parse_term(value: Any, where: str, seen: dict[str, str]) -> Term:
    """Compile one term and reject duplicates within the topic."""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: a term must be a string, not {type(value).__name__}")
    if value.startswith(REGEX_PREFIX):
        term = _compile_regex(value, where)
    else:
        term = _compile_phrase(value, where)
    key = term.text if term.is_regex else term.text.casefold()
    if key in seen:
        raise ConfigError(f"{where}: duplicate term {term.text!r} (also at {seen[key]})")
    seen[key] = where.rsplit(" ", 1)[-1]
    return term


def _compile_regex(value: str, where: str) -> Term:
    """A ``re:`` term (case-insensitive; must not match the empty string)."""
    source = value[len(REGEX_PREFIX) :]
    try:
        pattern = re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"{where}: invalid regex {source!r}: {exc}") from None
    if pattern.fullmatch(""):
        raise ConfigError(f"{where}: regex {source!r} matches the empty string")
    return Term(value, pattern, is_regex=True)


def _compile_phrase(value: str, where: str) -> Term:
    """A plain term, normalised like the text and compiled to a tolerant pattern."""
    text = normalize_text(value)
    if not text:
        raise ConfigError(f"{where}: empty term")
    if "\n" in text:
        raise ConfigError(f"{where}: a term must be one line: {value!r}")
    if "*" in text[:-1] or (text.endswith("*") and not is_word(text[-2:-1])):
        raise ConfigError(f"{where}: '*' may only end a Latin term (like 'chip*'): {value!r}")
    pattern = re.compile(_phrase_pattern(text), re.IGNORECASE)
    return Term(text, pattern, needle=_needle(text))


def _needle(term: str) -> str:
    """The longest ASCII-alphanumeric run every match of a Latin phrase contains, lower-case.

    Only for all-ASCII terms; a final ``y`` is dropped (``batteries``), ``*`` is not a letter.
    """
    if not term.isascii():
        return ""
    runs = re.findall(r"[a-z0-9]+", term.lower())
    if runs and term.lower().endswith("y"):
        runs[-1] = runs[-1][:-1]
    return max(runs, key=len, default="")


def _phrase_pattern(term: str) -> str:
    """Regex source for a normalised phrase (see the module docstring)."""
    wildcard = term.endswith("*")
    body = term[:-1] if wildcard else term
    parts: list[str] = []
    previous = ""
    for token in _TERM_TOKEN_RE.finditer(body):
        piece = token.group()
        following = body[token.end() : token.end() + 1]
        if piece[0] in _SEPARATORS:
            parts.append(_separator_pattern(piece, previous[-1:], following))
        else:
            if previous and is_cjk(previous[-1]) and is_cjk(piece):
                kana = _KATAKANA_RE.match(previous[-1]) and _KATAKANA_RE.match(piece)
                parts.append(_KANA_GAP if kana else _CJK_GAP)
            parts.append(re.escape(piece))
        previous = piece
    return _with_boundaries(body, "".join(parts), wildcard)


def _separator_pattern(run: str, before: str, after: str) -> str:
    """A run of spaces/hyphens in a term: flexible between Latin words, optional next to CJK."""
    if is_word(before) and is_word(after):
        return _LATIN_SEP
    if run.isspace() and before and after:
        return _CJK_GAP
    return re.escape(run)


def _with_boundaries(body: str, pattern: str, wildcard: bool) -> str:
    """Add word boundaries at Latin ends, the plural suffix or the wildcard."""
    if is_word(body[0]):
        pattern = f"(?<!{_WORD}){pattern}"
    last = body[-1]
    if wildcard:
        return f"{pattern}{_WORD}*"
    if not is_word(last):
        return pattern
    if last.isascii() and last.isalpha():
        if last in "yY" and len(body) > 1 and body[-2].lower() not in "aeiou":
            pattern = f"{pattern[:-1]}(?:{last}|ies)"
        else:
            pattern = f"{pattern}(?:e?s)?"
    return f"{pattern}(?!{_WORD})"
