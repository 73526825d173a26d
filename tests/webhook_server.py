"""A real HTTP webhook endpoint on 127.0.0.1 for push tests (Apprise's json:// target):
records every POST (path, headers, JSON body) and answers with the status it is told."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Hook:
    """One request the endpoint received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class WebhookServer:
    """``with WebhookServer() as hook:`` … ``hook.port``, ``hook.received``; set
    ``hook.status`` (answer to every request) or queue ``hook.statuses`` (answered first)."""

    status: int = 200
    statuses: list[int] = field(default_factory=list)
    received: list[Hook] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)

    def __enter__(self) -> WebhookServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                server.received.append(
                    Hook(self.path, dict(self.headers.items()), json.loads(raw or b"{}"))
                )
                code = server.statuses.pop(0) if server.statuses else server.status
                server.answered.append(code)
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        """The port the endpoint listens on."""
        return int(self._server.server_address[1])

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
