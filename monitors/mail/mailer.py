"""Mail transports — SMTP and the Maildir outbox — with a clear outcome for every send.

A transport takes a finished :class:`~email.message.EmailMessage` (built elsewhere) and answers
with a :class:`DeliveryResult`:

``sent``
    the server (or the outbox) accepted the message; ``detail`` holds the server's answer
    (``250 2.0.0 Ok: queued as …``) or the Maildir file name.
``retry``
    nothing was accepted, try again later: a 4xx answer, connection refused, a timeout, a
    dropped connection, a TLS or certificate failure, or an authentication problem (these
    concern our session, not the message, so they must not fail alerts for good).
``failed``
    a permanent 5xx answer about this message (its sender, its recipients or its content).

Configuration problems the operator must fix (a credential variable that is not set) raise
:class:`~monitors.core.errors.ConfigError`. Credentials are read only from the environment variables
named in ``[mail.smtp]``, when a connection is opened; the password never appears in a result,
a log record or an exception message.
"""

from __future__ import annotations

import base64
import logging
import mailbox
import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from monitors.core.errors import ConfigError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

log = logging.getLogger(__name__)

Status = Literal["sent", "retry", "failed"]
SECURITY_MODES = ("starttls", "tls", "none")
#: The port used when ``[mail.smtp]`` names none: submission, submissions, plain SMTP.
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
_WHERE = "[mail.smtp]"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SECRET_KEYS = frozenset({"password", "pass", "passwd", "secret", "username", "user", "login"})
#: Authentication problems are about our session, not the message: retry them.
_AUTH_REQUIRED = 530
_NETWORK_ERRORS = (smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP relay (the ``[mail.smtp]`` table)."""

    host: str
    port: int = 587
    security: str = "starttls"
    username_env: str | None = None
    password_env: str | None = None
    timeout: float = 30.0
    local_hostname: str | None = None
    tls_verify: bool = True

    def __post_init__(self) -> None:
        if not self.host or self.host != self.host.strip() or any(c.isspace() for c in self.host):
            raise ConfigError(f"{_WHERE} host: expected a host name, got {self.host!r}")
        if not 0 < self.port < 65536:
            raise ConfigError(f"{_WHERE} port: expected 1-65535, got {self.port!r}")
        if self.security not in SECURITY_MODES:
            modes = ", ".join(SECURITY_MODES)
            raise ConfigError(f"{_WHERE} security: expected one of {modes}, got {self.security!r}")
        if (self.username_env is None) != (self.password_env is None):
            raise ConfigError(f"{_WHERE} username_env and password_env: set both or neither")
        for key in ("username_env", "password_env"):
            name = getattr(self, key)
            if name is not None and not _ENV_NAME.match(name):
                raise ConfigError(f"{_WHERE} {key}: {name!r} is not an environment variable name")
        if not self.timeout > 0:
            raise ConfigError(f"{_WHERE} timeout: expected seconds > 0, got {self.timeout!r}")
        if self.local_hostname is not None and not self.local_hostname.strip():
            raise ConfigError(f"{_WHERE} local_hostname: must not be empty")

    @property
    def endpoint(self) -> str:
        """``host:port``, for messages."""
        return f"{self.host}:{self.port}"


_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "host": (str,),
    "port": (int,),
    "security": (str,),
    "username_env": (str,),
    "password_env": (str,),
    "timeout": (int, float),
    "local_hostname": (str,),
    "tls_verify": (bool,),
}


def settings_from_table(table: Mapping[str, Any]) -> SmtpSettings | None:
    """Validate a ``[mail.smtp]`` table; ``None`` when it names no host (use the Maildir).

    ``host = ""`` also means "no SMTP", so a configuration that ``extends`` another can switch
    SMTP off. Without ``port`` the port follows ``security`` (587, 465 or 25). Values of keys
    are never echoed for unknown keys, so a password pasted into the file stays out of logs.
    """
    if not isinstance(table, Mapping):
        raise ConfigError(f"{_WHERE} must be a table")
    for key in table:
        if key not in _FIELD_TYPES:
            raise ConfigError(_unknown_key_message(key))
    for key, value in table.items():
        types = _FIELD_TYPES[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            wanted = " or ".join(t.__name__ for t in types)
            raise ConfigError(f"{_WHERE} {key}: expected {wanted}, got {type(value).__name__}")
    if not table.get("host"):
        return None
    values = dict(table)
    values.setdefault("port", DEFAULT_PORTS.get(values.get("security", "starttls"), 587))
    if "timeout" in values:
        values["timeout"] = float(values["timeout"])
    return SmtpSettings(**values)


def _unknown_key_message(key: str) -> str:
    message = f"{_WHERE}: unknown key {key!r} (known: {', '.join(_FIELD_TYPES)})"
    if key.lower() in _SECRET_KEYS:
        message += (
            "; credentials are never read from the configuration file: set username_env and"
            " password_env to the names of environment variables that hold them"
        )
    return message


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one send: ``sent``, ``retry`` (temporary) or ``failed`` (permanent)."""

    status: Status
    detail: str
    code: int | None = None


class Transport(Protocol):
    """What delivery code needs from a transport; close it with ``contextlib.closing``."""

    name: str

    def send(self, message: EmailMessage) -> DeliveryResult:
        """Deliver one message and say what happened."""
        ...

    def close(self) -> None:
        """Release connections (idempotent)."""
        ...


def transport_for(
    smtp: SmtpSettings | Mapping[str, Any] | None, outbox_path: Path
) -> SmtpTransport | MaildirTransport:
    """SMTP when ``smtp`` names a host, else the Maildir outbox at ``outbox_path``.

    ``smtp`` is either validated settings, the raw ``[mail.smtp]`` table (validated here with
    :func:`settings_from_table`) or ``None``.
    """
    settings = settings_from_table(smtp) if isinstance(smtp, Mapping) else smtp
    if settings is None:
        return MaildirTransport(outbox_path)
    return SmtpTransport(settings)


class _DataReplyMixin(smtplib.SMTP):
    """Keeps the server's answer to DATA (smtplib drops it), e.g. ``250 Ok: queued as X``."""

    last_data_reply: tuple[int, bytes] = (250, b"")

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        reply = super().data(msg)
        self.last_data_reply = reply
        return reply


class _SMTP(_DataReplyMixin, smtplib.SMTP):
    pass


class _SMTPSSL(_DataReplyMixin, smtplib.SMTP_SSL):
    pass


class SmtpTransport:
    """Sends through one SMTP relay, keeping a connection open across sends.

    The connection is opened on the first send and checked with NOOP before it is reused; a
    dropped connection is reopened once, transparently. A send that does not end in ``sent``
    closes the connection, so the next send starts clean. Not thread-safe.
    """

    name = "smtp"

    def __init__(self, settings: SmtpSettings, environ: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self._environ = os.environ if environ is None else environ
        self._smtp: _SMTP | _SMTPSSL | None = None
        self._secrets: tuple[str, ...] = ()
        if settings.security != "none" and not settings.tls_verify:
            log.warning("TLS certificate verification is off for %s", settings.endpoint)
        if settings.security == "none" and settings.username_env is not None:
            log.warning(
                "credentials for %s will travel unencrypted (security = none)", settings.endpoint
            )

    def __repr__(self) -> str:
        return f"SmtpTransport({self.settings.endpoint}, security={self.settings.security})"

    def send(self, message: EmailMessage) -> DeliveryResult:
        """Deliver ``message`` to its To/Cc/Bcc recipients; the envelope sender is its From."""
        sender = envelope_sender(message)
        if sender is None:
            return self._finish(message, DeliveryResult("failed", "message has no From address"))
        smtp = self._connection()
        if isinstance(smtp, DeliveryResult):
            return self._finish(message, smtp)
        options = ["BODY=8BITMIME"] if _has_8bit(message) and smtp.has_extn("8bitmime") else []
        try:
            refused = smtp.send_message(message, from_addr=sender, mail_options=options)
        except _NETWORK_ERRORS as exc:
            self.close()
            return self._finish(message, _send_failure(exc, self.settings))
        code, text = smtp.last_data_reply
        detail = _reply_text(code, text)
        if refused:
            detail += "; refused: " + _refusals(refused)
        return self._finish(message, DeliveryResult("sent", detail, code))

    def close(self) -> None:
        """Say QUIT and close the connection, if one is open."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()  # after a timeout or reset smtplib has closed the socket: no wait here
        except _NETWORK_ERRORS:
            # The server already hung up; there is nothing left to release but the socket.
            smtp.close()

    def _connection(self) -> _SMTP | _SMTPSSL | DeliveryResult:
        if self._smtp is not None and _alive(self._smtp):
            return self._smtp
        if self._smtp is not None:
            log.info("connection to %s was dropped; reconnecting", self.settings.endpoint)
            self.close()
        credentials = self._credentials()
        try:
            self._smtp = self._open(credentials)
        except _NETWORK_ERRORS as exc:
            return _connect_failure(exc, self.settings)
        return self._smtp

    def _open(self, credentials: tuple[str, str] | None) -> _SMTP | _SMTPSSL:
        settings = self.settings
        context = tls_context(settings.tls_verify)
        timeout, local_hostname = settings.timeout, settings.local_hostname
        if settings.security == "tls":
            smtp: _SMTP | _SMTPSSL = _SMTPSSL(
                settings.host,
                settings.port,
                context=context,
                timeout=timeout,
                local_hostname=local_hostname,
            )
        else:
            smtp = _SMTP(
                settings.host, settings.port, timeout=timeout, local_hostname=local_hostname
            )
        try:
            smtp.ehlo()
            if settings.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if credentials is not None:
                smtp.login(*credentials)
        except _NETWORK_ERRORS:
            smtp.close()
            raise
        log.debug("connected to %s (%s)", settings.endpoint, settings.security)
        return smtp

    def _credentials(self) -> tuple[str, str] | None:
        settings = self.settings
        if settings.username_env is None or settings.password_env is None:
            return None
        username = self._variable(settings.username_env, "username_env")
        password = self._variable(settings.password_env, "password_env")
        self._secrets = _secret_forms(username, password)
        return username, password

    def _variable(self, name: str, key: str) -> str:
        value = self._environ.get(name)
        if not value:
            raise ConfigError(
                f"{_WHERE} {key}: environment variable {name} is not set or empty"
                f" (needed to log in to {self.settings.endpoint})"
            )
        return value

    def _finish(self, message: EmailMessage, result: DeliveryResult) -> DeliveryResult:
        detail = result.detail
        for secret in self._secrets:
            detail = detail.replace(secret, "[redacted]")
        if detail != result.detail:
            result = DeliveryResult(result.status, detail, result.code)
        level = logging.INFO if result.status == "sent" else logging.WARNING
        log.log(
            level,
            "%s %s to %s via %s: %s",
            result.status,
            message.get("Message-ID", "(no Message-ID)"),
            ", ".join(addr for _, addr in _recipients(message)),
            self.settings.endpoint,
            detail,
        )
        return result


def tls_context(verify: bool = True) -> ssl.SSLContext:
    """The default client context; ``verify=False`` accepts any certificate (internal relays)."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def envelope_sender(message: EmailMessage) -> str | None:
    """The first address of the From header (the SMTP envelope sender)."""
    for _, address in getaddresses([str(value) for value in message.get_all("From", [])]):
        if address:
            return address
    return None


def _recipients(message: EmailMessage) -> list[tuple[str, str]]:
    fields = [str(v) for key in ("To", "Cc", "Bcc") for v in message.get_all(key, [])]
    return [pair for pair in getaddresses(fields) if pair[1]]


def _has_8bit(message: EmailMessage) -> bool:
    return any(
        str(part.get("Content-Transfer-Encoding", "")).lower() == "8bit" for part in message.walk()
    )


def _alive(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except _NETWORK_ERRORS:
        return False


def _secret_forms(username: str, password: str) -> tuple[str, ...]:
    """The password as it could show up in a server's echo: plain, LOGIN and PLAIN base64."""
    plain = f"\0{username}\0{password}".encode()
    forms = (
        password,
        base64.b64encode(password.encode()).decode(),
        base64.b64encode(plain).decode(),
    )
    return tuple(sorted(set(forms), key=len, reverse=True))


def _status_for(code: int) -> Status:
    if 500 <= code <= 599 and code != _AUTH_REQUIRED:
        return "failed"
    return "retry"


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"<{rcpt}> {_reply_text(*reply)}" for rcpt, reply in refused.items())


def _send_failure(exc: BaseException, settings: SmtpSettings) -> DeliveryResult:
    """Classify an error raised during MAIL/RCPT/DATA."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        worst = max(codes, default=-1)
        detail = "all recipients refused: " + _refusals(exc.recipients)
        return DeliveryResult(_status_for(worst), detail, worst)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        detail = f"sender <{exc.sender}> refused: {_reply_text(exc.smtp_code, exc.smtp_error)}"
        return DeliveryResult(_status_for(exc.smtp_code), detail, exc.smtp_code)
    if isinstance(exc, smtplib.SMTPDataError):
        detail = f"message refused: {_reply_text(exc.smtp_code, exc.smtp_error)}"
        return DeliveryResult(_status_for(exc.smtp_code), detail, exc.smtp_code)
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = _reply_text(exc.smtp_code, exc.smtp_error)
        return DeliveryResult(_status_for(exc.smtp_code), detail, exc.smtp_code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryResult("failed", f"{settings.endpoint}: {exc}")
    return _network_failure(exc, settings)


def _connect_failure(exc: BaseException, settings: SmtpSettings) -> DeliveryResult:
    """Classify an error raised while connecting, securing or logging in (always ``retry``)."""
    where = settings.endpoint
    if isinstance(exc, ssl.SSLCertVerificationError):
        detail = (
            f"TLS certificate of {where} rejected: {exc.verify_message}; nothing was sent"
            " (tls_verify = false only for an internal relay you trust)"
        )
        return DeliveryResult("retry", detail)
    if isinstance(exc, ssl.SSLError):
        return DeliveryResult("retry", f"TLS with {where} failed: {exc.reason or exc}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        reply = _reply_text(exc.smtp_code, exc.smtp_error)
        return DeliveryResult("retry", f"login to {where} refused: {reply}", exc.smtp_code)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryResult("retry", f"{where}: {exc} Nothing was sent in clear.")
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = _reply_text(exc.smtp_code, exc.smtp_error)
        return DeliveryResult("retry", f"{where} refused the session: {reply}", exc.smtp_code)
    return _network_failure(exc, settings)


def _network_failure(exc: BaseException, settings: SmtpSettings) -> DeliveryResult:
    where = settings.endpoint
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, OSError):
        exc = exc.__context__  # smtplib reports a read timeout or reset as a disconnect
    if isinstance(exc, ConnectionRefusedError):
        detail = f"cannot connect to {where}: connection refused (is the server running?)"
    elif isinstance(exc, TimeoutError):
        detail = f"{where} did not answer within {settings.timeout:g} s"
    elif isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionResetError | BrokenPipeError):
        detail = f"{where} closed the connection: {exc}"
    elif isinstance(exc, OSError):
        detail = f"cannot reach {where}: {exc.strerror or exc}"
    else:
        detail = f"{where}: {exc}"
    return DeliveryResult("retry", detail)


class MaildirTransport:
    """Writes each message into ``<path>/new`` (the embedded default without an SMTP host).

    Files get Unix line endings whatever the message's policy (``email.policy.SMTP`` uses CRLF).
    The file and the ``new`` directory are synced before ``sent`` is returned, so a ledger
    entry recorded afterwards never points at a message lost in a power cut.
    """

    name = "maildir"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"MaildirTransport({str(self.path)!r})"

    def send(self, message: EmailMessage) -> DeliveryResult:
        """Add ``message`` to the Maildir; ``detail`` is the file name inside ``new/``."""
        try:
            flat = message.as_bytes(policy=message.policy.clone(linesep="\n"))
            for folder in ("tmp", "new", "cur"):  # Maildir() creates them only with the root
                (self.path / folder).mkdir(parents=True, exist_ok=True)
            key = mailbox.Maildir(self.path, create=False).add(flat)
            _sync(self.path / "new" / key)
        except OSError as exc:
            detail = f"cannot write to Maildir {self.path}: {exc.strerror or exc}"
            log.warning("retry %s: %s", message.get("Message-ID", "(no Message-ID)"), detail)
            return DeliveryResult("retry", detail)
        log.info("wrote %s to %s", message.get("Message-ID", "(no Message-ID)"), self.path / "new")
        return DeliveryResult("sent", key)

    def close(self) -> None:
        """Nothing to release (each send opens and closes its files)."""


def _sync(path: Path) -> None:
    """fsync a file and its directory."""
    for target, flags in ((path, os.O_RDONLY), (path.parent, os.O_RDONLY | os.O_DIRECTORY)):
        fd = os.open(target, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
