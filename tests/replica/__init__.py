"""Offline replica of the monitored sites (www.mofcom.gov.cn, www.mofa.go.jp).

One local HTTP server answers for both hosts, routed by the ``Host`` header, with a
deterministic timeline of states (:data:`TIMELINE`), the changes a monitor should report on
each transition (:func:`expected_changes`) and per-host faults (:data:`FAULTS`).
All pages are synthetic; they mirror the real sites' structure, not their content.
"""

from tests.replica.expected import expected_changes
from tests.replica.faults import FAULTS
from tests.replica.server import Replica
from tests.replica.sites import hosts
from tests.replica.timeline import MOFA_HOST, MOFCOM_HOST, STATES, TIMELINE, StateInfo

HOSTS = hosts()

__all__ = [
    "FAULTS",
    "HOSTS",
    "MOFA_HOST",
    "MOFCOM_HOST",
    "STATES",
    "TIMELINE",
    "Replica",
    "StateInfo",
    "expected_changes",
]
