"""The replica's opt-in churn (used by bench/cycles_bench.py): off by default; each cycle
revises, removes and delists notices of every age, untouched pages still answer 304."""

from __future__ import annotations

import http.client

from tests.replica import Replica
from tests.replica.content.churn import start_churn
from tests.replica.timeline import MOFCOM_HOST


def get(replica: Replica, path: str, etag: str | None = None) -> http.client.HTTPResponse:
    """GET ``path`` from www.mofcom.gov.cn on the replica (conditionally with ``etag``)."""
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=10)
    headers = {"Host": MOFCOM_HOST, **({"If-None-Match": etag} if etag else {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_churn_is_off_by_default_and_each_cycle_changes_what_it_says(replica: Replica) -> None:
    site = next(s for s in replica.app.sites if s.host == MOFCOM_HOST)
    assert getattr(site, "churn", None) is None
    churn = start_churn(replica.app.sites, seed=3, hosts=[MOFCOM_HOST])
    listing = site.churn_listing(replica.app.state)
    etags = {n.path: get(replica, n.path).getheader("ETag") for n in listing}
    events = churn.advance(replica.app.state)
    kinds = sorted(e.kind for e in events)
    assert kinds in (["modified"] * 3 + ["removed"], ["delisted"] + ["modified"] * 3), kinds
    touched = {e.path for e in events}
    for event in events:
        answer = get(replica, event.path, etags[event.path])
        expected = {"modified": 200, "removed": 404, "delisted": 304}[event.kind]
        assert answer.status == expected, (event, answer.status)
    untouched = [p for p in etags if p not in touched][:5]
    assert all(get(replica, p, etags[p]).status == 304 for p in untouched)
    withdrawn = {e.path for e in events if e.kind != "modified"}
    assert not withdrawn & {n.path for n in site.churn_listing(replica.app.state)}
