"""Deterministic noise: values that change per state but never per request.

Seeded by ``(state, key)``, so a page is byte-identical within a state (ETag/304 work) and
differs in every other state, while runs of the test suite stay reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

T = TypeVar("T")


class Noise:
    """A seeded random source for one page in one state."""

    def __init__(self, state: int, key: str) -> None:
        self._rng = random.Random(f"dualwatch-replica|{state}|{key}")

    def token(self, nbytes: int = 16) -> str:
        """A random hex token of ``nbytes`` bytes."""
        return f"{self._rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"

    def count(self, low: int, high: int) -> int:
        """A counter value in ``[low, high]`` (visitor counts, share counts)."""
        return self._rng.randint(low, high)

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A shuffled copy of ``items``; guaranteed to differ from the input when possible."""
        result = list(items)
        if len(result) < 2 or all(item == result[0] for item in result):
            return result
        while result == list(items):
            self._rng.shuffle(result)
        return result

    def stamp(self, base: datetime, spread_seconds: int = 3600) -> datetime:
        """``base`` plus a random offset of up to ``spread_seconds`` (and milliseconds)."""
        offset = timedelta(seconds=self._rng.randint(0, spread_seconds))
        return base + offset + timedelta(milliseconds=self._rng.randint(0, 999))
