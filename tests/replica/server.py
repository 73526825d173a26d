"""The HTTP shell around :class:`~tests.replica.app.ReplicaApp` and the public ``Replica``.

A ``ThreadingHTTPServer`` on 127.0.0.1 speaking HTTP/1.1 (keep-alive, Content-Length always
set); requests are routed by their ``Host`` header, as the crawler's ``connect_to`` sends them.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from tests.replica.app import LogEntry, ReplicaApp
from tests.replica.protocol import Request, Response


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops bursts of new connections

    def __init__(self, address: tuple[str, int], app: ReplicaApp) -> None:
        super().__init__(address, _Handler)
        self.app = app


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: _Server

    def version_string(self) -> str:
        """The ``Server`` header."""
        return "replica"

    def do_GET(self) -> None:
        """Serve GET."""
        self._handle()

    def do_HEAD(self) -> None:
        """Serve HEAD (headers of the GET response, no body)."""
        self._handle()

    def do_POST(self) -> None:
        """Serve POST (control endpoints; 405 on site paths)."""
        self._handle()

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: requests are logged by the app."""

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._send(self.server.app.handle(self._request(body)))

    def _request(self, body: bytes) -> Request:
        host, target = self.headers.get("Host", ""), self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            host, target = parts.netloc, parts.path + (f"?{parts.query}" if parts.query else "")
        return Request(
            method=self.command,
            host=host.strip().lower().partition(":")[0],
            target=target,
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
            headers=tuple(self.headers.items()),
            body=body,
        )

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            if response.status != 304:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD" and response.status != 304:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Replica:
    """The offline copy of MOFCOM and MOFA, served on 127.0.0.1 in a background thread.

    >>> r = Replica(port=0, state=1).start()   # doctest: +SKIP
    >>> r.connect_to                           # doctest: +SKIP
    'www.mofcom.gov.cn=127.0.0.1:40123,www.mofa.go.jp=127.0.0.1:40123'
    """

    def __init__(
        self, port: int = 0, state: int = 1, bulk: int = 0, *, slow_seconds: float = 5.0
    ) -> None:
        self.app = ReplicaApp(state=state, bulk=bulk, slow_seconds=slow_seconds)
        self._address = ("127.0.0.1", port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Replica:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("replica already started")
        self.app.stopping.clear()
        self._server = _Server(self._address, self.app)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="replica",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (wakes requests delayed by the ``slow`` fault) and close the socket."""
        if self._server is None:
            return
        self.app.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    @property
    def port(self) -> int:
        """The bound port (known after :meth:`start`)."""
        if self._server is None:
            raise RuntimeError("replica not started")
        return int(self._server.server_address[1])

    @property
    def connect_to(self) -> str:
        """``host=127.0.0.1:PORT`` pairs for the crawler's ``connect_to`` setting."""
        return ",".join(f"{host}=127.0.0.1:{self.port}" for host in self.app.hosts)

    @property
    def state(self) -> int:
        """The current timeline state."""
        return self.app.state

    def set_state(self, state: int) -> None:
        """Step the timeline (ValueError for an unknown state)."""
        self.app.set_state(state)

    def set_fault(self, name: str | None, host: str | None = None) -> None:
        """Set a fault for ``host`` (all hosts when None); ``name=None`` clears it."""
        self.app.set_fault(name, host)

    def set_variation(self, name: str | None, phase: str = "on") -> None:
        """Switch a variation (tests/replica/variations.py) on, to ``recovered``, or off."""
        self.app.set_variation(name, phase)

    def requests(self) -> list[LogEntry]:
        """``(method, host, path_with_query, status)`` served since the last reset."""
        return self.app.requests()

    def reset_log(self) -> None:
        """Clear the request log."""
        self.app.reset_log()

    def __enter__(self) -> Replica:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
