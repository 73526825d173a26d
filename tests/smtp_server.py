"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), with answers that can be scripted.

    with SmtpServer() as server:
        server.handler.script("RCPT", "451 4.3.0 try later")   # next RCPT answers 451
        ... send to server.host, server.port ...
        server.received[0].message()["Subject"]

A script entry is a reply line, :data:`ACCEPT` (answer as usual), :data:`DROP` (close the
connection without answering), :data:`HANGUP` (accept, then close the connection) or
:data:`STALL` (say nothing for :data:`STALL_SECONDS`, then accept).
Keyword arguments of :class:`SmtpServer` go to aiosmtpd's ``SMTP`` (``tls_context``,
``require_starttls``, ``authenticator``, ``auth_require_tls``, ``auth_required`` …);
``ssl_context`` makes the whole session TLS (port-465 style). :func:`self_signed_certificate`
makes a certificate for 127.0.0.1 and localhost with the ``cryptography`` package.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections import deque
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
ACCEPT = ""
DROP = "<drop>"
HANGUP = "<hangup>"
STALL = "<stall>"
STALL_SECONDS = 3.0
STAGES = ("MAIL", "RCPT", "DATA")


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    mail_options: tuple[str, ...]
    data: bytes
    peer: tuple[str, int]
    tls: bool
    login: str | None

    def message(self) -> EmailMessage:
        """The message parsed back with the modern policy."""
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class ScriptedHandler:
    """Accepts everything unless the next scripted answer for a stage says otherwise."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._script: dict[str, deque[str]] = {stage: deque() for stage in STAGES}
        self._lock = threading.Lock()
        #: How long a scripted STALL says nothing (a test may lengthen it).
        self.stall_seconds = STALL_SECONDS

    def script(self, stage: str, *replies: str) -> None:
        """Queue answers for the next MAIL, RCPT or DATA commands (then 250 again)."""
        with self._lock:
            self._script[stage].extend(replies)

    def _next(self, stage: str, server: SMTP) -> str | None:
        with self._lock:
            reply = self._script[stage].popleft() if self._script[stage] else None
        if reply == DROP:
            server.transport.close()
            return "421 4.3.0 dropped"  # never reaches the client: the transport is closed
        if reply == HANGUP:
            server.loop.call_soon(server.transport.close)
            return None
        return reply

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        """MAIL FROM: scripted answer or accept."""
        if reply := self._next("MAIL", server):
            return reply
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        """RCPT TO: scripted answer or accept."""
        if reply := self._next("RCPT", server):
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """DATA: scripted answer or record the message."""
        reply = self._next("DATA", server)
        if reply == STALL:
            await asyncio.sleep(self.stall_seconds)
        elif reply:
            return reply
        credentials = session.auth_data
        login = credentials.login.decode() if isinstance(credentials, LoginPassword) else None
        with self._lock:
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=tuple(envelope.rcpt_tos),
                    mail_options=tuple(envelope.mail_options),
                    data=bytes(envelope.original_content or envelope.content),
                    peer=tuple(session.peer),
                    tls=session.ssl is not None,
                    login=login,
                )
            )
            number = len(self.received)
        return f"250 2.0.0 Ok: queued as Q{number}"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 on a free port; a context manager."""

    def __init__(
        self, handler: ScriptedHandler | None = None, port: int = 0, **options: Any
    ) -> None:
        self.handler = handler or ScriptedHandler()
        self.host = HOST
        self.port = port
        self._fixed_port = port
        self._options = options
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        """Messages accepted so far."""
        return self.handler.received

    def start(self) -> None:
        """Listen on the given port, or a free one (a few tries, in case another process takes
        it first)."""
        for attempt in range(5):
            self.port = self._fixed_port or free_port()
            controller = Controller(self.handler, hostname=HOST, port=self.port, **self._options)
            try:
                controller.start()
            except OSError:
                if attempt == 4:
                    raise
                continue
            self._controller = controller
            return

    def stop(self) -> None:
        """Stop listening (idempotent)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """Write ``cert.pem`` and ``key.pem`` for 127.0.0.1 and localhost; return their paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dualwatch test relay")])
    now = dt.datetime.now(dt.UTC)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """A server-side context presenting the given certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    return context
