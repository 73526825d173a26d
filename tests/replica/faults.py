"""Fault injection: per-host failure modes that persist until cleared.

``broken-listing`` and ``slow`` are applied by the sites / the app; the other faults replace
every response of the host with the response built here.
"""

from __future__ import annotations

import hashlib

from tests.replica.protocol import Response
from tests.replica.render import render

BROKEN_LISTING = "broken-listing"
BLOCKED = "blocked"
EMPTY = "empty"
ERROR500 = "error500"
SLOW = "slow"
FAULTS: tuple[str, ...] = (BROKEN_LISTING, BLOCKED, EMPTY, ERROR500, SLOW)
REPLACING_FAULTS = (BLOCKED, EMPTY, ERROR500)

HTML = "text/html; charset=UTF-8"


def check_fault(name: str | None) -> None:
    """Raise ValueError unless ``name`` is a known fault or None."""
    if name is not None and name not in FAULTS:
        raise ValueError(f"unknown fault {name!r}; known: {', '.join(FAULTS)}")


def fault_response(name: str, host: str, target: str) -> Response:
    """The response that replaces every answer of ``host`` under fault ``name``."""
    if name == BLOCKED:
        reference = hashlib.sha256(f"{host}{target}".encode()).hexdigest()[:20]
        return Response(
            403, (("Content-Type", HTML),), render("fault_403.html", host=host, reference=reference)
        )
    if name == EMPTY:
        return Response(200, (("Content-Type", "text/html"),), b"")
    if name == ERROR500:
        return Response(500, (("Content-Type", HTML),), render("fault_500.html"))
    raise ValueError(f"fault {name!r} does not replace responses")
