"""Request and entry accounting for one crawl: the basis of the promise "ok = nothing missed".

Every request a spider schedules gets a *ticket*; the ticket is settled when the request's
callback or errback runs. A request Scrapy drops on the way (a redirect to itself or to
another host, a ``<meta refresh>`` loop, a duplicate) never settles, and shows up at the end
as a ``dropped`` failure. Every entry a listing shows is *listed*; each one must end with an
outcome (stored, unchanged, 304, copy, filtered, skipped as known and not due, or failed with
a reason). A listed entry without an outcome is *unaccounted*, and the run is not ``ok``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

TICKET_META = "dualwatch_ticket"
ROLE_META = "dualwatch_role"
SECTION_META = "dualwatch_section"
#: Outcomes that mean an entry was handled without a problem.
FAILED_PREFIX = "failed:"


@dataclass
class Ticket:
    """One scheduled request waiting for its callback or errback."""

    url: str
    role: str
    section: str | None
    notes: list[str] = field(default_factory=list)


@dataclass
class Accounts:
    """The bookkeeping of one crawl: open tickets, listed entries and their outcomes."""

    pending: dict[int, Ticket] = field(default_factory=dict)
    listed: dict[str, str] = field(default_factory=dict)  # url -> section
    outcomes: dict[str, str] = field(default_factory=dict)  # url -> outcome
    requested: set[str] = field(default_factory=set)  # entry URLs with a detail request
    section_dates: dict[str, dict[int, list[date]]] = field(default_factory=dict)  # by page
    page_makers: dict[str, tuple[Callable[[int], Any], int]] = field(default_factory=dict)
    deep: dict[str, set[int]] = field(default_factory=dict)  # deep pages requested
    sections_read: set[str] = field(default_factory=set)
    sections_failed: set[str] = field(default_factory=set)
    known_checked: int = 0
    new_requested: int = 0
    over_cap: int = 0
    _next: int = 0

    # -- requests -------------------------------------------------------------------------

    def open_ticket(self, meta: dict[str, Any], url: str) -> None:
        """Give a newly scheduled request a ticket (a redirected request keeps its own)."""
        if TICKET_META in meta:
            return
        self._next += 1
        meta[TICKET_META] = self._next
        role = meta.setdefault(ROLE_META, "listing")
        self.pending[self._next] = Ticket(url, role, meta.get(SECTION_META))

    def note(self, meta: dict[str, Any], text: str) -> None:
        """Remember what happened to a request (shown if it is never settled)."""
        ticket = self.pending.get(meta.get(TICKET_META, 0))
        if ticket is not None and text not in ticket.notes:
            ticket.notes.append(text)

    def settle(self, meta: dict[str, Any]) -> None:
        """The request's callback or errback ran: it is accounted for."""
        self.pending.pop(meta.get(TICKET_META, 0), None)

    def dropped(self) -> list[Ticket]:
        """Requests that never reached a callback or errback."""
        return list(self.pending.values())

    # -- listing entries ------------------------------------------------------------------

    def list_entry(self, url: str, section: str) -> None:
        """An entry seen on a listing page."""
        self.listed.setdefault(url, section)

    def account(self, url: str, outcome: str) -> None:
        """Record an entry's outcome; a failure is never overwritten by a later success."""
        previous = self.outcomes.get(url)
        if previous is None or not previous.startswith(FAILED_PREFIX):
            self.outcomes[url] = outcome

    def unaccounted(self) -> list[str]:
        """Listed entries that ended without any outcome."""
        return [url for url in self.listed if url not in self.outcomes]

    def accounted(self) -> int:
        """How many listed entries have an outcome."""
        return sum(1 for url in self.listed if url in self.outcomes)
