"""Opt-in "churn" of a bulk replica: a cycle counter that, at each step, revises a few notices
of every age and withdraws one, with the ground truth of what changed when.

Off unless switched on: a site serves exactly what it serves without churn until
:func:`start_churn` (or the site's ``enable_churn``) attaches a :class:`Churn` to it. Churn
needs no new timeline state: it applies on top of whatever state the replica is in, so the
state's noise (tokens, counters, stamps) stays as it is and an untouched page keeps its body,
``ETag`` and ``Last-Modified`` from cycle to cycle (a conditional request gets 304).

Each :meth:`Churn.advance` (cycle ``k`` = 1, 2, …) picks, among the notices the site's main
listing shows at that moment (newest first) and that no earlier cycle touched:

* three revisions, one in each age band: ``recent`` (the newest 5 % of the listing, at most
  :data:`RECENT_MAX` = 50 notices), ``mid`` (45–55 %) and ``old`` (the oldest 5 %). A revised
  page gets one sentence more in its longest paragraph (a correction notice naming the
  cycle), a new ``ETag`` and ``Last-Modified`` = the state's clock + ``k`` hours;
* one withdrawal, alternating ``removed`` (odd cycles: the notice leaves the listing and its
  page answers 404) and ``delisted`` (even cycles: it leaves the listing, its page is still
  served unchanged), in the bands ``old``, ``mid``, ``recent``, ``old``, … (so after six
  cycles each kind has hit each band).

Choices are drawn from ``random.Random`` seeded with the seed, host, cycle and band, so a
given seed gives the same events on every run. Notices touched once are never touched again,
so each event's detection is unambiguous (a band with no untouched notice left is skipped).
:attr:`Churn.events` is the ground truth (cycle, kind, URL, band, listing position and age).

Use it in-process (there is no control endpoint)::

    replica = Replica(port=0, state=1, bulk=1000).start()
    churn = start_churn(replica.app.sites, seed=1, hosts=["www.mofcom.gov.cn"])
    events = churn.advance(replica.state)  # cycle 1: 3 revisions + 1 withdrawal
    churn.events  # every event so far

Sites supporting churn (``enable_churn``): www.mofcom.gov.cn (the 政策发布 API listing) and
exportcontrol.mofcom.gov.cn (column 1, 国内动态, where its bulk is).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Protocol, runtime_checkable

from tests.replica.model import Notice, Section

BANDS = ("recent", "mid", "old")
#: Where each band lies in the listing (newest first), as fractions of its length.
BAND_SPANS = {"recent": (0.0, 0.05), "mid": (0.45, 0.55), "old": (0.95, 1.0)}
#: The recent band holds at most this many notices (the first few listing pages), whatever
#: the listing's length, so "recent" means the same at 1,000 and at 5,000 notices.
RECENT_MAX = 50
WITHDRAWAL_BANDS = ("old", "mid", "recent")
MODIFIED, REMOVED, DELISTED = "modified", "removed", "delisted"
KINDS = (MODIFIED, REMOVED, DELISTED)

CORRECTIONS_ZH = (
    "原文所列执行日期有误，现予更正。",
    "本通知有关事项已作补充，请遵照执行。",
    "联系人及联系方式已调整，以本版本为准。",
    "附件所列名单已更新，请以更新后的内容为准。",
    "执行中如遇问题，请及时向商务部反映。",
    "请各地于规定期限内报送工作进展情况。",
)


@dataclass(frozen=True)
class ChurnEvent:
    """One change churn made: at ``cycle``, notice ``path`` of ``host`` was ``kind``."""

    cycle: int
    kind: str  # "modified", "removed" (404, unlisted) or "delisted" (unlisted, still served)
    host: str
    path: str
    band: str  # "recent", "mid" or "old"
    position: int  # 0-based position in the listing (newest first) when it happened
    listed: int  # how many notices the listing showed then
    published: datetime
    age_days: int  # days between the listing's newest date and the notice's date

    @property
    def url(self) -> str:
        """The canonical ``https://`` URL (what spiders store)."""
        return f"https://{self.host}{self.path}"


@dataclass
class Churn:
    """The churn of one site: what each cycle revised or withdrew."""

    host: str
    seed: int = 0
    revisions_per_band: int = 1
    cycle: int = 0
    events: list[ChurnEvent] = field(default_factory=list)
    _revised: dict[str, int] = field(default_factory=dict)  # path -> cycle
    _removed: dict[str, int] = field(default_factory=dict)
    _delisted: dict[str, int] = field(default_factory=dict)

    # -- what the site asks ------------------------------------------------------------------

    def listed(self, path: str) -> bool:
        """False once the notice was withdrawn (removed or delisted)."""
        return path not in self._removed and path not in self._delisted

    def gone(self, path: str) -> bool:
        """True when the notice's page answers 404."""
        return path in self._removed

    def version(self, path: str) -> int:
        """A cache-key component: changes whenever churn changes the page at ``path``."""
        return self._revised.get(path, 0) + 10_000 * self._removed.get(path, 0)

    @property
    def listing_version(self) -> int:
        """A cache-key component: changes whenever a notice leaves the listing."""
        return len(self._removed) + len(self._delisted)

    def sections(self, path: str, sections: tuple[Section, ...]) -> tuple[Section, ...]:
        """The body of ``path``: ``sections`` with the correction sentence of its revision."""
        cycle = self._revised.get(path)
        if cycle is None or not sections:
            return sections
        spots = [
            (len(p), s, i) for s, sec in enumerate(sections) for i, p in enumerate(sec.paragraphs)
        ]
        if not spots:
            return sections
        _, s, i = max(spots)
        phrase = CORRECTIONS_ZH[random.Random(f"{path}:{cycle}").randrange(len(CORRECTIONS_ZH))]
        paragraphs = list(sections[s].paragraphs)
        paragraphs[i] += f"（第{cycle}轮更正：{phrase}）"
        changed = replace(sections[s], paragraphs=tuple(paragraphs))
        return (*sections[:s], changed, *sections[s + 1 :])

    def last_modified(self, path: str, clock: datetime) -> datetime:
        """``Last-Modified`` of ``path``: the state's clock, plus ``k`` hours once revised at
        cycle ``k``."""
        cycle = self._revised.get(path)
        return clock if cycle is None else clock + timedelta(hours=cycle)

    # -- stepping ----------------------------------------------------------------------------

    def advance(self, listing: Sequence[Notice]) -> list[ChurnEvent]:
        """Step to the next cycle over ``listing`` (the site's main listing now, newest first,
        withdrawn notices already left out); return the cycle's events."""
        self.cycle += 1
        k = self.cycle
        touched = set(self._revised) | set(self._removed) | set(self._delisted)
        newest = max((n.published.date() for n in listing), default=date.min)
        chosen: set[str] = set()
        events = []

        def pick(band: str, salt: str) -> tuple[int, Notice] | None:
            start, end = band_range(band, len(listing))
            taken = touched | chosen
            free = [i for i in range(start, end) if listing[i].path not in taken]
            if not free:
                return None
            index = random.Random(f"{self.seed}:{self.host}:{k}:{band}:{salt}").choice(free)
            chosen.add(listing[index].path)
            return index, listing[index]

        def event(kind: str, band: str, index: int, notice: Notice) -> ChurnEvent:
            age = (newest - notice.published.date()).days
            return ChurnEvent(
                k, kind, self.host, notice.path, band, index, len(listing), notice.published, age
            )

        for band in BANDS:
            for n in range(self.revisions_per_band):
                found = pick(band, f"revise{n}")
                if found is not None:
                    events.append(event(MODIFIED, band, *found))
        band = WITHDRAWAL_BANDS[(k - 1) % len(WITHDRAWAL_BANDS)]
        kind = REMOVED if k % 2 else DELISTED
        found = pick(band, "withdraw")
        if found is not None:
            events.append(event(kind, band, *found))
        for e in events:
            {MODIFIED: self._revised, REMOVED: self._removed, DELISTED: self._delisted}[e.kind][
                e.path
            ] = k
        self.events.extend(events)
        return events


def band_range(band: str, length: int) -> tuple[int, int]:
    """``[start, end)`` positions of ``band`` in a listing of ``length`` (at least one)."""
    low, high = BAND_SPANS[band]
    width = max(1, math.ceil(length * (high - low)))
    if band == "recent":
        width = min(width, RECENT_MAX)
    start = length - width if band == "old" else min(int(length * low), length - width)
    return max(0, start), min(length, max(0, start) + width)


@runtime_checkable
class ChurnSite(Protocol):
    """A site that can churn."""

    host: str

    def enable_churn(self, seed: int) -> Churn:
        """Attach a :class:`Churn` (seeded) to the site and return it."""
        ...

    def churn_cycle(self, state: int) -> list[ChurnEvent]:
        """Advance the site's churn one cycle over its listing at ``state``."""
        ...

    def churn_listing(self, state: int) -> Sequence[Notice]:
        """The listing churn works on at ``state`` (newest first, withdrawn ones left out)."""
        ...


@dataclass
class ChurnSet:
    """The churn of several sites, stepped together."""

    sites: list[ChurnSite]
    churns: list[Churn]

    @property
    def cycle(self) -> int:
        """The last cycle applied (0 before the first)."""
        return max((c.cycle for c in self.churns), default=0)

    @property
    def hosts(self) -> tuple[str, ...]:
        """The hosts that churn."""
        return tuple(c.host for c in self.churns)

    @property
    def events(self) -> list[ChurnEvent]:
        """Every event so far, by cycle then host."""
        return sorted((e for c in self.churns for e in c.events), key=lambda e: e.cycle)

    def advance(self, state: int) -> list[ChurnEvent]:
        """Step every site one cycle (at replica state ``state``); the cycle's events."""
        return [e for site in self.sites for e in site.churn_cycle(state)]

    def listed(self, state: int) -> int:
        """How many notices the churning listings show at ``state``."""
        return sum(len(site.churn_listing(state)) for site in self.sites)


def start_churn(
    sites: Iterable[object], seed: int = 0, hosts: Iterable[str] | None = None
) -> ChurnSet:
    """Switch churn on for the sites (of ``hosts``; default: every site that supports it),
    e.g. ``start_churn(replica.app.sites, seed=7, hosts=["www.mofcom.gov.cn"])``."""
    able: list[ChurnSite] = [s for s in sites if isinstance(s, ChurnSite)]
    wanted = set(hosts) if hosts is not None else {s.host for s in able}
    chosen = [s for s in able if s.host in wanted]
    missing = wanted - {s.host for s in chosen}
    if missing:
        known = ", ".join(sorted(s.host for s in able))
        raise ValueError(f"churn is not supported on {', '.join(sorted(missing))}; known: {known}")
    return ChurnSet(chosen, [s.enable_churn(seed) for s in chosen])
