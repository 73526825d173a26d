"""Loading the relevance rules: TOML topics validated and their terms compiled.

Every problem raises :class:`~monitors.core.errors.ConfigError` naming the topic and key. The
rule set itself (matching, explaining) is :mod:`monitors.rules.ruleset`.

Cache. Validating a rules file and building its terms' regexes is cached as JSON (data only,
never code) in ``rules-<key>.json``, where the key is a SHA-256 of the rules file's bytes, of
the ``known_sources`` it is validated against and of the code that builds the rule set
(this module, :mod:`monitors.rules.ruleset`, :mod:`monitors.text.normalize`, the Python and Unicode
versions), so an edited file or changed code never uses an old entry. A cache that cannot be
read, does not parse or names another key is ignored and rewritten (a temporary file, then
``os.replace``); a cache that cannot be written is skipped silently. Where: the directory
given to :func:`load_rules`, else the one set with :func:`set_cache_dir` (crawler.run sets
``<home>/cache``), else ``__pycache__`` beside the rules file (like Python's bytecode
cache), else the user cache directory (``$XDG_CACHE_HOME/dualwatch``).

The compiled regexes themselves are not cached on disk: a compiled ``re.Pattern`` pickles
as its source and flags and is compiled again when unpickled, so caching it saves nothing.
Each term compiles its regex on first use instead (:attr:`monitors.rules.ruleset.Term.pattern`), and
a process keeps the rule sets it loaded (by key, the last :data:`MEMO_SIZE`), so a daemon
compiles each term at most once however often it reloads an unchanged rules file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
import tempfile
import tomllib
import unicodedata
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from monitors.core.errors import ConfigError
from monitors.rules import ruleset as _rules_module
from monitors.rules.ruleset import (
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
from monitors.text import normalize as _normalize_module
from monitors.text.normalize import is_cjk, normalize_text

_TOPIC_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_WORD = WORD_CLASS
_SEPARATORS = " -\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TERM_TOKEN_RE = re.compile(f"[{re.escape(_SEPARATORS)}]+|.", re.DOTALL)
_LATIN_SEP = rf"[\s{re.escape(_SEPARATORS[1:])}]+"
_KATAKANA_RE = re.compile("[\u30a1-\u30fa\u30fc]")  # katakana letters and ー, not ・
_CJK_GAP = r"\s*"
_KANA_GAP = r"[\s・]*"

#: Bump when the cache's JSON layout changes (the code hash covers the rest).
CACHE_FORMAT = 1
#: Cache files kept per directory (the newest); older ones are removed when one is written.
CACHE_KEEP = 8
_CACHE_GLOB = "rules-*.json"

#: Rule sets kept in memory, by cache key (the most recently loaded last).
MEMO_SIZE = 4

_cache_dir: Path | None = None
_memo: dict[str, RuleSet] = {}


def set_cache_dir(path: Path | None) -> None:
    """Use ``path`` (e.g. ``<home>/cache``) for the rules cache of this process; None: the
    defaults (``__pycache__`` beside the rules file, then the user cache directory)."""
    global _cache_dir
    _cache_dir = path


def load_rules(
    path: Path,
    *,
    known_sources: Collection[str] | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> RuleSet:
    """Read and validate a rules file; ConfigError names the topic and key of any problem.

    ``known_sources`` (the configured source names), when given, validates ``sources``.
    The result comes from the cache (see the module docstring) when it holds this file's
    rule set; ``use_cache=False`` neither reads nor writes it.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"rules file not found: {path}") from None
    key = cache_key(raw, known_sources) if use_cache else ""
    if key in _memo:
        return _memo[key]
    directories = _cache_dirs(path, cache_dir) if use_cache else []
    for directory in directories:
        cached = read_cache(directory / f"rules-{key}.json", key)
        if cached is not None:
            return _remember(key, cached)
    try:
        # Universal newlines, as Path.read_text gives them.
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    rules = parse_rules(data, where=str(path), known_sources=known_sources)
    for directory in directories:
        if write_cache(directory, key, rules):
            break
    return _remember(key, rules) if use_cache else rules


def _remember(key: str, rules: RuleSet) -> RuleSet:
    """Keep ``rules`` in this process's memo (the :data:`MEMO_SIZE` most recent)."""
    _memo.pop(key, None)
    _memo[key] = rules
    while len(_memo) > MEMO_SIZE:
        del _memo[next(iter(_memo))]
    return rules


def cache_key(raw: bytes, known_sources: Collection[str] | None) -> str:
    """SHA-256 (hex) of a rules file's bytes, the sources it is validated against and the
    code version (:func:`code_version`)."""
    digest = hashlib.sha256()
    sources = "\0".join(sorted(known_sources)) if known_sources is not None else "\1"
    for part in (code_version().encode(), sources.encode(), raw):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@cache
def code_version() -> str:
    """A fingerprint of the code that builds a rule set: the sources of this module,
    monitors.rules.ruleset and monitors.text.normalize, the cache format, Python and Unicode
    versions."""
    digest = hashlib.sha256(
        f"{CACHE_FORMAT}|{sys.version_info[:2]}|{unicodedata.unidata_version}".encode()
    )
    for module in (sys.modules[__name__], _rules_module, _normalize_module):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:  # no source to hash: never trust a cache then
            return ""
    return digest.hexdigest()


def _cache_dirs(path: Path, explicit: Path | None) -> list[Path]:
    """Where to look for (and write) the cache, in order."""
    if not code_version():
        return []
    first = explicit if explicit is not None else _cache_dir
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    defaults = [path.parent / "__pycache__", Path(xdg) / "dualwatch"]
    return [first] if first is not None else defaults


def read_cache(file: Path, key: str) -> RuleSet | None:
    """The rule set cached in ``file`` for ``key``; None when it is missing, unreadable,
    malformed or for another key."""
    try:
        payload = json.loads(file.read_bytes())
        if not isinstance(payload, dict) or payload.get("key") != key:
            return None
        return _ruleset_from_json(payload["topics"])
    except Exception:  # a cache is only a shortcut: anything wrong with it means "compile"
        return None


def write_cache(directory: Path, key: str, rules: RuleSet) -> bool:
    """Write the cache file atomically (temporary file + os.replace); False when it fails."""
    payload = {"key": key, "topics": [_topic_to_json(topic) for topic in rules.topics]}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=directory, prefix=".rules-", suffix=".tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(data)
        os.replace(temporary, directory / f"rules-{key}.json")
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    _prune(directory)
    return True


def _prune(directory: Path) -> None:
    """Keep the :data:`CACHE_KEEP` newest cache files of ``directory``."""
    with contextlib.suppress(OSError):
        files = []
        for file in directory.glob(_CACHE_GLOB):
            with contextlib.suppress(OSError):
                files.append((file.stat().st_mtime, file))
        for _, file in sorted(files, reverse=True)[CACHE_KEEP:]:
            with contextlib.suppress(OSError):
                file.unlink()


def _term_to_json(term: Term) -> list[Any]:
    return [term.text, term.source, term.is_regex, term.needle, term.flags]


def _term_from_json(item: list[Any]) -> Term:
    text, source, is_regex, needle, flags = item
    if not (
        isinstance(text, str)
        and isinstance(source, str)
        and isinstance(is_regex, bool)
        and isinstance(needle, str)
        and isinstance(flags, int)
    ):
        raise ValueError("malformed term")
    return Term(text, source, is_regex=is_regex, needle=needle, flags=flags)


def _topic_to_json(topic: Topic) -> dict[str, Any]:
    return {
        "name": topic.name,
        "title": topic.title,
        "priority": topic.priority,
        "any": [_term_to_json(t) for t in topic.any_terms],
        "all": [[_term_to_json(t) for t in group] for group in topic.all_terms],
        "none": [_term_to_json(t) for t in topic.none_terms],
        "sources": None if topic.sources is None else sorted(topic.sources),
        "doc_types": None if topic.doc_types is None else sorted(topic.doc_types),
    }


def _names(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("malformed names")
    return frozenset(value)


def _ruleset_from_json(topics: list[dict[str, Any]]) -> RuleSet:
    built = []
    for item in topics:
        name, title, priority = item["name"], item["title"], item["priority"]
        if not (isinstance(name, str) and isinstance(title, str) and type(priority) is int):
            raise ValueError("malformed topic")
        built.append(
            Topic(
                name=name,
                title=title,
                priority=priority,
                any_terms=tuple(_term_from_json(t) for t in item["any"]),
                all_terms=tuple(tuple(_term_from_json(t) for t in g) for g in item["all"]),
                none_terms=tuple(_term_from_json(t) for t in item["none"]),
                sources=_names(item["sources"]),
                doc_types=_names(item["doc_types"]),
            )
        )
    if not built:
        raise ValueError("no topics")
    return RuleSet(tuple(built))


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
    term = Term(value, source, is_regex=True, flags=re.IGNORECASE)
    term.__dict__["pattern"] = pattern  # compiled already (to validate it): keep it
    return term


def _compile_phrase(value: str, where: str) -> Term:
    """A plain term, normalised like the text and compiled to a tolerant pattern."""
    text = normalize_text(value)
    if not text:
        raise ConfigError(f"{where}: empty term")
    if "\n" in text:
        raise ConfigError(f"{where}: a term must be one line: {value!r}")
    if "*" in text[:-1] or (text.endswith("*") and not is_word(text[-2:-1])):
        raise ConfigError(f"{where}: '*' may only end a Latin term (like 'chip*'): {value!r}")
    # Compiled on first use (Term.pattern); an invalid pattern here would be a bug.
    return Term(text, _phrase_pattern(text), needle=_needle(text), flags=re.IGNORECASE)


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
