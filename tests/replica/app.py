"""The replica as a request → response function: routing by Host, faults, log, control.

Independent of sockets, so the HTTP server in :mod:`tests.replica.server` stays a thin shell.
"""

from __future__ import annotations

import threading

from tests.replica import faults, variations
from tests.replica.control import CONTROL_PREFIX, handle_control
from tests.replica.protocol import Request, Response, page_response, text_response
from tests.replica.sites import Site, make_all_sites, route
from tests.replica.timeline import state_info

LogEntry = tuple[str, str, str, int]


class ReplicaApp:
    """Holds the timeline state, active faults and the request log; answers requests."""

    def __init__(self, state: int = 1, bulk: int = 0, slow_seconds: float = 5.0) -> None:
        state_info(state)
        if bulk < 0:
            raise ValueError("bulk must be >= 0")
        self.state = state
        self.bulk = bulk
        self.slow_seconds = slow_seconds
        self.sites: list[Site] = make_all_sites(bulk)
        self.hosts: tuple[str, ...] = tuple(dict.fromkeys(site.host for site in self.sites))
        self.faults: dict[str, str] = {}
        self.variation: variations.Variation | None = None
        self.variation_phase = "on"
        self.stopping = threading.Event()
        self._log: list[LogEntry] = []
        self._lock = threading.Lock()

    def set_state(self, state: int) -> None:
        """Step the timeline; ValueError for an unknown state."""
        state_info(state)
        self.state = state

    def set_fault(self, name: str | None, host: str | None = None) -> None:
        """Set (or clear with None) a fault for ``host``, or for every host when None."""
        faults.check_fault(name)
        if host is not None and host not in self.hosts:
            raise ValueError(f"unknown host {host!r}; known: {', '.join(self.hosts)}")
        for target in (host,) if host else self.hosts:
            if name is None:
                self.faults.pop(target, None)
            else:
                self.faults[target] = name

    def set_variation(self, name: str | None, phase: str = "on") -> None:
        """Switch variation ``name`` on (``phase`` "on" or "recovered"), or off with None."""
        variations.check_variation(name)
        if phase not in ("on", "recovered"):
            raise ValueError(f"unknown variation phase {phase!r}; known: on, recovered")
        self.variation = variations.VARIATIONS[name] if name else None
        self.variation_phase = phase

    def requests(self) -> list[LogEntry]:
        """``(method, host, path_with_query, status)`` per site request since the last reset."""
        with self._lock:
            return list(self._log)

    def reset_log(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self._log.clear()

    def handle(self, request: Request) -> Response:
        """Answer one request; control requests are neither faulted nor logged."""
        if request.path.startswith(CONTROL_PREFIX):
            return handle_control(self, request)
        response = self._serve(request)
        with self._lock:
            self._log.append((request.method, request.host, request.target, response.status))
        return response

    def _serve(self, request: Request) -> Response:
        variation = self.variation
        if variation is not None and request.host == variation.host:
            return variation.respond(request, self._serve_site, self.variation_phase)
        return self._serve_site(request)

    def _serve_site(self, request: Request) -> Response:
        fault = self.faults.get(request.host)
        if fault == faults.SLOW:
            self.stopping.wait(self.slow_seconds)
        if fault in faults.REPLACING_FAULTS:
            return faults.fault_response(fault, request.host, request.target)
        site = route(self.sites, request.host, request.path)
        if site is None:
            return text_response(404, f"unknown host {request.host!r}\n")
        if request.method not in ("GET", "HEAD", *getattr(site, "extra_methods", ())):
            return text_response(405, "method not allowed\n")
        broken = fault == faults.BROKEN_LISTING
        page = site.respond(request, self.state, broken)
        return page_response(page, request)
