"""What a correct monitor should report on each transition of the timeline.

Derived from the notice data of every site, so it cannot drift from what the replica serves.
URLs are the canonical ``https://`` URLs of the real sites (what spiders store after
``connect_to``).
"""

from __future__ import annotations

from collections.abc import Iterable

from tests.replica.model import Notice
from tests.replica.sites import make_all_sites
from tests.replica.timeline import state_info

Changes = dict[str, list[str]]


def expected_changes(
    state: int, bulk: int = 0, sites: Iterable[str] | None = None
) -> dict[str, Changes]:
    """Per host, the detail URLs that are ``new``, ``modified`` or ``removed`` entering ``state``.

    State 1 is the baseline: every notice that exists then is ``new`` (for MOFA this includes
    the December releases that are only in the ``7_12`` archive, and the bulk releases). Noise
    never counts as a modification. A release leaving MOFA's rolling index is not ``removed``.
    ``sites`` limits the answer to the sites of those modules of :mod:`tests.replica.sites`
    (e.g. ``("mofcom", "mofa")``) when only some sources are crawled.
    """
    state_info(state)
    wanted = set(sites) if sites is not None else None
    by_host: dict[str, list[Notice]] = {}
    for site in make_all_sites(bulk):
        if wanted is None or type(site).__module__.rsplit(".", 1)[-1] in wanted:
            by_host.setdefault(site.host, []).extend(site.monitored_notices())
    return {host: _changes(host, notices, state) for host, notices in by_host.items()}


def _changes(host: str, notices: Iterable[Notice], state: int) -> Changes:
    notices = list(notices)

    def urls(selected: Iterable[Notice]) -> list[str]:
        return sorted(f"https://{host}{n.path}" for n in selected)

    return {
        "new": urls(n for n in notices if n.first_state == state),
        "modified": urls(n for n in notices if n.revised_in(state)),
        "removed": urls(n for n in notices if n.gone_state == state),
    }
