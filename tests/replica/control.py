"""Control endpoints under ``/__replica__/`` (answer on any Host; never faulted or logged).

``POST /__replica__/state/<n>``, ``POST /__replica__/fault/<name>?host=<host>`` (``none``
clears; no host = all hosts), ``POST /__replica__/variation/<name>?phase=on|recovered``
(``none`` clears; see :mod:`tests.replica.variations`), ``GET /__replica__/requests``,
``POST /__replica__/reset-log``, plus ``GET /__replica__/status`` and
``GET /__replica__/expected/<n>`` for the demo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from tests.replica.expected import expected_changes
from tests.replica.protocol import Request, Response, json_response
from tests.replica.timeline import TIMELINE

if TYPE_CHECKING:
    from tests.replica.app import ReplicaApp

CONTROL_PREFIX = "/__replica__/"


def handle_control(app: ReplicaApp, request: Request) -> Response:
    """Dispatch a control request; 400 for bad arguments, 404 for unknown endpoints."""
    parts = request.path.removeprefix(CONTROL_PREFIX).strip("/").split("/")
    try:
        match request.method, parts:
            case "POST", ["state", number]:
                app.set_state(int(number))
                return json_response(200, {"state": app.state})
            case "POST", ["fault", name]:
                host = parse_qs(request.query).get("host", [None])[0]
                app.set_fault(None if name == "none" else name, host)
                return json_response(200, {"faults": app.faults})
            case "POST", ["variation", name]:
                phase = parse_qs(request.query).get("phase", ["on"])[0]
                app.set_variation(None if name == "none" else name, phase)
                return json_response(200, {"variation": name, "phase": phase})
            case "GET", ["requests"]:
                return json_response(200, {"requests": [_entry(e) for e in app.requests()]})
            case "POST", ["reset-log"]:
                app.reset_log()
                return json_response(200, {"ok": True})
            case "GET", ["status"]:
                return json_response(200, _status(app))
            case "GET", ["expected", number]:
                return json_response(200, expected_changes(int(number), app.bulk))
    except ValueError as error:
        return json_response(400, {"error": str(error)})
    return json_response(404, {"error": f"no control endpoint {request.method} {request.path}"})


def _entry(entry: tuple[str, str, str, int]) -> dict[str, object]:
    method, host, path, status = entry
    return {"method": method, "host": host, "path": path, "status": status}


def _status(app: ReplicaApp) -> dict[str, object]:
    info = TIMELINE[app.state]
    return {
        "state": app.state,
        "as_of": info.as_of.isoformat(),
        "summary": info.summary,
        "bulk": app.bulk,
        "faults": app.faults,
        "states": list(TIMELINE),
    }
