"""Screening counterparties against control-list entities: matches and hits.

Pure functions, no database. Names are compared by their keys (:mod:`monitors.lists.names`,
which explains the folding, the scores and :data:`DEFAULT_THRESHOLD`); :func:`match_names`
finds the best pair of a party's and an entity's names, :func:`screen` every party matching
an entity.

**Countries** (:func:`screen`): when both the party's and the entity's country are known and
differ, the score is lowered by ``country_penalty`` (default :data:`COUNTRY_PENALTY`, 10):
an exact name match in another country stays a hit at the default threshold (90, flagged
"country differs") — subsidiaries and mis-filed addresses are common — while a fuzzy or
minor-word match in another country falls below it. A penalty of 100 excludes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from monitors.lists.names import DEFAULT_THRESHOLD, FUZZY_CAP, NameKey, compare_keys, name_keys
from monitors.lists.parties import Party, country_code

__all__ = [
    "COUNTRY_PENALTY",
    "DEFAULT_THRESHOLD",
    "Entity",
    "Match",
    "ScreenHit",
    "match_names",
    "screen",
]

#: Points taken off when the party's and the entity's countries are known and differ.
COUNTRY_PENALTY = 10.0

PayloadT = TypeVar("PayloadT")


@dataclass(frozen=True)
class Match:
    """The best-scoring pair of names: which party name matched which entity name and why."""

    score: float
    party_name: str
    entity_name: str
    reason: str
    exact: bool


def match_names(
    party_names: Sequence[str], entity_names: Sequence[str], threshold: float = DEFAULT_THRESHOLD
) -> Match | None:
    """The best-scoring pair of a party's and an entity's names, if it reaches ``threshold``.

    Ties go to the earlier names (a party's or entity's main name comes first).
    """
    best: Match | None = None
    for party_name in party_names:
        a = name_keys(party_name)
        for entity_name in entity_names:
            result = compare_keys(a, name_keys(entity_name))
            if result is None:
                continue
            score, reason = result
            if best is None or score > best.score:
                best = Match(score, party_name, entity_name, reason, exact=score >= 100.0)
    if best is None or best.score < threshold:
        return None
    return best


# --- screening ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entity(Generic[PayloadT]):
    """A list entity (or row): its key, names (published name first), country, payload.

    ``payload`` is passed through to :class:`ScreenHit` untouched (the list, the action, the
    announcement …).
    """

    key: str
    names: tuple[str, ...]
    country: str | None
    payload: PayloadT


@dataclass(frozen=True)
class ScreenHit(Generic[PayloadT]):
    """A party matching an entity: ``score`` is the name score after the country rule."""

    party: Party
    entity: Entity[PayloadT]
    score: float
    match: Match
    country_note: str = ""

    @property
    def reason(self) -> str:
        """Which names matched and why, with the country note."""
        text = f"{self.match.party_name!r} ~ {self.match.entity_name!r}: {self.match.reason}"
        return f"{text}; {self.country_note}" if self.country_note else text


def _country_rule(party: str | None, entity: str | None, penalty: float) -> tuple[float, str]:
    """Points to take off and a note, for the party's and the entity's countries."""
    a, b = country_code(party), country_code(entity)
    if a is None or b is None or a == b:
        return 0.0, ""
    return penalty, f"country differs: party {a}, entity {b} (-{penalty:g})"


def _length_range(length: int, cutoff: float) -> range:
    """Lengths a string may have to reach ``fuzz.ratio`` ≥ ``cutoff`` with one of ``length``.

    ``ratio = 100 · (1 − indel / (a + b))`` and ``indel ≥ |a − b|``, so ``|a − b| ≤ k (a + b)``
    with ``k = 1 − cutoff / 100``; the range is widened by one on each side for rounding.
    """
    k = 1.0 - cutoff / 100.0
    if k >= 1.0:
        return range(0, 1 << 30)
    low = int(length * (1.0 - k) / (1.0 + k)) - 1
    high = int(length * (1.0 + k) / (1.0 - k)) + 2
    return range(max(low, 0), high)


def _by_length(by_text: dict[str, set[int]]) -> dict[int, tuple[list[str], list[set[int]]]]:
    """Strings grouped by length: length → (the strings, the entity indexes of each)."""
    buckets: dict[int, tuple[list[str], list[set[int]]]] = {}
    for text, indexes in by_text.items():
        texts, sets = buckets.setdefault(len(text), ([], []))
        texts.append(text)
        sets.append(indexes)
    return buckets


class _EntityIndex(Generic[PayloadT]):
    """Entities' name keys indexed for exact look-ups and fuzzy candidates.

    Fuzzy forms are grouped by kind (``cjk`` core, Latin ``sorted`` core and ``compact``
    core) and length, without duplicates, so one query scans only the strings whose length
    allows the cutoff (see :func:`_length_range`) with :func:`rapidfuzz.process.extract`.
    """

    def __init__(self, entities: Sequence[Entity[PayloadT]]) -> None:
        self.exact: dict[tuple[str, str], set[int]] = {}
        owners: dict[str, dict[str, set[int]]] = {"cjk": {}, "sorted": {}, "compact": {}}
        for index, entity in enumerate(entities):
            for key in (name_keys(name) for name in entity.names):
                if key.full:
                    self._add(index, key, owners)
        #: kind → length → (strings, the entity indexes of each string)
        self.fuzzy = {kind: _by_length(by_text) for kind, by_text in owners.items()}

    def _add(self, index: int, key: NameKey, owners: dict[str, dict[str, set[int]]]) -> None:
        """Index one entity name's key: its exact forms, and its fuzzy forms (kind → text)."""
        for form in self._exact_forms(key):
            self.exact.setdefault(form, set()).add(index)
        if not key.short:
            for kind, text in self._fuzzy_forms(key):
                owners[kind].setdefault(text, set()).add(index)

    @staticmethod
    def _exact_forms(key: NameKey) -> list[tuple[str, str]]:
        """The forms under which equal keys meet (each tagged with its kind)."""
        forms = [("full", key.full), ("core", key.core)]
        if key.script == "latin":
            forms += [("compact", key.compact), ("core_compact", key.core_compact)]
        return forms

    @staticmethod
    def _fuzzy_forms(key: NameKey) -> list[tuple[str, str]]:
        """The forms :func:`compare_keys` scores fuzzily (each tagged with its kind)."""
        if key.script == "cjk":
            return [("cjk", key.core)]
        return [("sorted", key.sorted_core), ("compact", key.core_compact)]

    def candidates(self, key: NameKey, cutoff: float) -> set[int]:
        """Indexes of the entities one of whose names may score ≥ ``cutoff`` with ``key``."""
        found: set[int] = set()
        if not key.full:
            return found
        for form in self._exact_forms(key):
            found |= self.exact.get(form, set())
        if key.short:
            return found
        for kind, query in self._fuzzy_forms(key):
            buckets = self.fuzzy[kind]
            lengths = _length_range(len(query), cutoff)
            for length in (n for n in buckets if n in lengths):
                texts, sets = buckets[length]
                for _, _, position in process.extract(
                    query, texts, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                ):
                    found |= sets[position]
        return found

    def party_candidates(self, party: Party, cutoff: float) -> list[int]:
        """Indexes, in order, of the entities that may match one of ``party``'s names."""
        found: set[int] = set()
        for name in party.names:
            found |= self.candidates(name_keys(name), cutoff)
        return sorted(found)


def _hit(
    party: Party, entity: Entity[PayloadT], threshold: float, country_penalty: float
) -> ScreenHit[PayloadT] | None:
    """The hit of a party on an entity, if its score after the country rule ≥ threshold."""
    match = match_names(party.names, entity.names, threshold)
    if match is None:
        return None
    penalty, note = _country_rule(party.country, entity.country, country_penalty)
    score = match.score - penalty
    return ScreenHit(party, entity, score, match, note) if score >= threshold else None


def screen(
    parties: Sequence[Party],
    entities: Sequence[Entity[PayloadT]],
    threshold: float = DEFAULT_THRESHOLD,
    country_penalty: float = COUNTRY_PENALTY,
) -> list[ScreenHit[PayloadT]]:
    """Every (party, entity) pair whose best name score, after the country rule, ≥ threshold.

    The country rule: when both countries are known and differ, ``country_penalty`` points
    are taken off (see the module docstring). Hits are sorted by score (highest first), then
    party id and entity key. Candidates come from exact key look-ups and a batched
    ``rapidfuzz`` pass, so screening stays fast for thousands of parties and entities.
    """
    index = _EntityIndex(entities)
    cutoff = max(0.0, min(threshold, FUZZY_CAP))
    hits: list[ScreenHit[PayloadT]] = []
    for party in parties:
        for position in index.party_candidates(party, cutoff):
            hit = _hit(party, entities[position], threshold, country_penalty)
            if hit is not None:
                hits.append(hit)
    hits.sort(key=lambda hit: (-hit.score, hit.party.id, hit.entity.key))
    return hits
