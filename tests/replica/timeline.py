"""The replica's clock: what each state stands for.

Content per state is declared on the notices themselves (``first_state``, ``versions``,
``gone_state``); :mod:`tests.replica.expected` derives the expected changes from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")
JST = timezone(timedelta(hours=9), "JST")

MOFCOM_HOST = "www.mofcom.gov.cn"
MOFA_HOST = "www.mofa.go.jp"


@dataclass(frozen=True)
class StateInfo:
    """One step of the timeline.

    ``as_of`` is MOFA's "today" (it decides the index window and archive table); ``clock`` is
    when the pages of this state were generated (Last-Modified, MakeTime, footer stamps).
    """

    number: int
    as_of: date
    clock: datetime
    summary: str


TIMELINE: dict[int, StateInfo] = {
    1: StateInfo(
        1,
        date(2026, 1, 5),
        datetime(2026, 1, 5, 20, 0, tzinfo=JST),
        "Baseline as of 2026-01-05: 20 MOFCOM notices (2 listing pages), MOFA index "
        "12月5日付..1月5日付 (crosses the new year), 2 older December releases only in 7_12.",
    ),
    2: StateInfo(
        2,
        date(2026, 1, 8),
        datetime(2026, 1, 8, 20, 0, tzinfo=JST),
        "As of 2026-01-08: MOFCOM 2026 No. 1 (Japan) and 2026 No. 2 are new, 2025 No. 85 is "
        "revised; MOFA adds 1月6日付..1月8日付 incl. both protests, revises one 1月5日付 "
        "release; the MOFA index window rolls, so 12月5日付 leaves the index (still in 7_12).",
    ),
    3: StateInfo(
        3,
        date(2026, 1, 8),
        datetime(2026, 1, 9, 8, 0, tzinfo=JST),
        "Noise only: every page's tokens, counters, timestamps and related-link order change.",
    ),
    4: StateInfo(
        4,
        date(2026, 1, 8),
        datetime(2026, 1, 9, 20, 0, tzinfo=JST),
        "One MOFCOM detail page (2025-12-26 通知) answers 404 but stays listed; the aqygzj "
        "copy of 2026 No. 1 gets a contact-address correction (no relevant text); new noise.",
    ),
    5: StateInfo(
        5,
        date(2026, 2, 25),
        datetime(2026, 2, 25, 20, 0, tzinfo=JST),
        "As of 2026-02-25: MOFCOM 2026 Nos. 11 and 12 (20 Japanese entities to the control "
        "and watch lists, 2026-02-24) and the spokesperson's Q&A appear on the MOFCOM sites; "
        "www.mofcom.gov.cn adds 2026 No. 7 and No. 8 (control and watch list, rows only in an "
        "Excel and a PDF annex) and the Unreliable Entity List decision 〔2026〕1号; "
        "MOFA protests (2026-02-24); the MOFA index window rolls to late January/February; "
        "METI's End User List is revised (2 rows added, 1 removed, 1 alias amended).",
    ),
}

STATES: tuple[int, ...] = tuple(TIMELINE)


def state_info(state: int) -> StateInfo:
    """The :class:`StateInfo` for ``state``; ValueError for a state not on the timeline."""
    try:
        return TIMELINE[state]
    except KeyError:
        raise ValueError(f"unknown replica state {state!r}; known: {STATES}") from None
