"""Mail transports against a real SMTP server (aiosmtpd on 127.0.0.1) and a real Maildir."""

from __future__ import annotations

import email.policy
import logging
import mailbox
import socket
import time
from collections.abc import Iterator
from contextlib import closing
from email.header import Header
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from monitors.core.errors import ConfigError
from monitors.mail.mailer import (
    DeliveryResult,
    MaildirTransport,
    SmtpSettings,
    SmtpTransport,
    settings_from_table,
    transport_for,
)
from tests.smtp_server import (
    ACCEPT,
    DROP,
    HANGUP,
    HOST,
    STALL,
    SmtpServer,
    free_port,
    self_signed_certificate,
    server_tls_context,
)

SUBJECT = "[dualwatch] New: 商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告"
TEXT = "商务部公告2026年第1号\n\n关于加强两用物项对日本出口管制的公告。輸出貿易管理令の改正。\n"
HTML = (
    "<html><body><p><b>商务部公告2026年第1号</b> 关于加强两用物项对日本出口管制</p></body></html>\n"
)
SENDER = "dualwatch <alerts@dualwatch.test>"
ANALYST = "analyst@example.org"
USER_ENV, PASSWORD_ENV = "DW_TEST_SMTP_USER", "DW_TEST_SMTP_PASSWORD"
USER, PASSWORD = "alerts", "s3cret-Pa55-4-test"


def set_subject(message: EmailMessage, subject: str) -> None:
    """Set a Subject that survives folding.

    Python 3.11's header folder drops the space between two encoded words when it folds there
    (CPython gh-144156): ``…第1号 关于…`` arrives as ``…第1号关于…``. ``email.header.Header``
    keeps spaces inside the encoded words, and ``set_raw`` stores its lines (≤ 78 characters,
    so the policy does not refold them).
    """
    if subject.isascii():
        message["Subject"] = subject
    else:
        message.set_raw("Subject", Header(subject, "utf-8", header_name="Subject").encode())


def alert(
    *to: str, number: int = 1, subject: str = SUBJECT, text: str = TEXT, html: str = HTML
) -> EmailMessage:
    """A multipart/alternative alert like the real ones (SMTP policy, UTF-8 headers)."""
    message = EmailMessage(policy=email.policy.SMTP)
    set_subject(message, subject)
    message["From"] = SENDER
    message["To"] = ", ".join(to or (ANALYST,))
    message["Message-ID"] = f"<dualwatch.change-{number}@dualwatch.test>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def contents(message: EmailMessage) -> list[str]:
    """The text of each part, with Unix line ends (base64 text parts carry CRLF)."""
    return [part.get_content().replace("\r\n", "\n") for part in message.iter_parts()]


def settings(server: SmtpServer, **overrides: Any) -> SmtpSettings:
    """Plain SMTP to the test server unless overridden."""
    values: dict[str, Any] = {"host": server.host, "port": server.port, "security": "none"}
    values.update({"timeout": 5.0, **overrides})
    return SmtpSettings(**values)


def send(server: SmtpServer, message: EmailMessage | None = None, **overrides: Any):
    """One send through a fresh transport."""
    with closing(SmtpTransport(settings(server, **overrides))) as transport:
        return transport.send(message or alert())


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with SmtpServer() as running:
        yield running


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path)


# --- configuration -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"host": "smtp.example.org"}, SmtpSettings("smtp.example.org", 587, "starttls")),
        ({"host": "mx", "security": "tls"}, SmtpSettings("mx", 465, "tls")),
        ({"host": "mx", "security": "none"}, SmtpSettings("mx", 25, "none")),
        ({"host": "mx", "security": "tls", "port": 2465}, SmtpSettings("mx", 2465, "tls")),
        (
            {"host": "mx", "username_env": "U", "password_env": "P", "timeout": 5},
            SmtpSettings("mx", username_env="U", password_env="P", timeout=5.0),
        ),
        (
            {"host": "relay.internal", "tls_verify": False, "local_hostname": "dw.example"},
            SmtpSettings("relay.internal", tls_verify=False, local_hostname="dw.example"),
        ),
        ({}, None),
        ({"host": ""}, None),
        ({"host": "", "port": 2525}, None),
    ],
)
def test_settings_from_table(table: dict[str, Any], expected: SmtpSettings | None) -> None:
    assert settings_from_table(table) == expected


@pytest.mark.parametrize(
    ("table", "names"),
    [
        ({"host": "mx", "hots": "x"}, "'hots'"),
        ({"host": "mx", "password": "hunter2-in-file"}, "password_env"),
        ({"host": "mx", "username": "bob"}, "username_env"),
        ({"host": "mx", "port": "587"}, "port: expected int"),
        ({"host": "mx", "port": True}, "port: expected int"),
        ({"host": "mx", "port": 0}, "port: expected 1-65535"),
        ({"host": "mx", "port": 70000}, "port: expected 1-65535"),
        ({"host": "mx", "security": "ssl"}, "security: expected one of starttls, tls, none"),
        ({"host": "mx", "timeout": 0}, "timeout"),
        ({"host": "mx", "timeout": "30"}, "timeout"),
        ({"host": "mx", "tls_verify": "no"}, "tls_verify"),
        ({"host": "mx", "username_env": "U"}, "username_env and password_env"),
        ({"host": "mx", "username_env": "U", "password_env": "SMTP-PASS"}, "password_env"),
        ({"host": "mx", "username_env": "1U", "password_env": "P"}, "username_env"),
        ({"host": "smtp example"}, "host"),
        ({"host": 25}, "host: expected str"),
        ({"host": "mx", "local_hostname": " "}, "local_hostname"),
    ],
)
def test_settings_errors_name_the_key(table: dict[str, Any], names: str) -> None:
    with pytest.raises(ConfigError, match=r"\[mail\.smtp\]") as error:
        settings_from_table(table)
    assert names in str(error.value)
    assert "hunter2-in-file" not in str(error.value)


def test_settings_table_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"\[mail\.smtp\] must be a table"):
        settings_from_table("smtp.example.org")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("smtp", "kind"),
    [
        (None, MaildirTransport),
        ({}, MaildirTransport),
        ({"host": ""}, MaildirTransport),
        ({"host": "smtp.example.org"}, SmtpTransport),
        (SmtpSettings("smtp.example.org"), SmtpTransport),
    ],
)
def test_transport_for(smtp: Any, kind: type, tmp_path: Path) -> None:
    transport = transport_for(smtp, tmp_path / "outbox")
    assert isinstance(transport, kind)
    assert transport.name == {MaildirTransport: "maildir", SmtpTransport: "smtp"}[kind]


def test_transport_for_validates_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="security"):
        transport_for({"host": "mx", "security": "ssl"}, tmp_path)


# --- delivery ----------------------------------------------------------------------------


def test_delivered_message_parses_back_intact(server: SmtpServer) -> None:
    result = send(server)
    assert result == DeliveryResult("sent", "250 2.0.0 Ok: queued as Q1", 250)
    [received] = server.received
    assert received.mail_from == "alerts@dualwatch.test"
    assert received.rcpt_tos == (ANALYST,)
    header_block = received.data.split(b"\r\n\r\n", 1)[0]
    assert header_block.isascii()  # the CJK subject travels as RFC 2047 encoded words
    message = received.message()
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"] == "<dualwatch.change-1@dualwatch.test>"
    assert message.get_content_type() == "multipart/alternative"
    types = [part.get_content_type() for part in message.iter_parts()]
    assert types == ["text/plain", "text/html"]
    assert contents(message) == [TEXT, HTML]


SUBJECTS = [
    SUBJECT,
    "[dualwatch] Modified: 経済産業省 輸出貿易管理令 の 改正 について お知らせ 第1号 (令和8年)",
    "[dualwatch] New: 商务部 海关总署公告2025年第57号 关于对部分 两用物项 实施出口管制 附件",
    "[dualwatch] Removed: Announcement No. 57 of 2025 — « contrôle » des exportations",
    "[dualwatch] Digest: 3 changes",
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_subject_round_trip(server: SmtpServer, tmp_path: Path, subject: str) -> None:
    assert send(server, alert(subject=subject)).status == "sent"
    assert server.received[0].message()["Subject"] == subject
    maildir = MaildirTransport(tmp_path).send(alert(subject=subject))  # an existing directory
    raw = (tmp_path / "new" / maildir.detail).read_bytes()
    assert email.message_from_bytes(raw, policy=email.policy.default)["Subject"] == subject


def test_8bit_body_is_declared_to_the_server(server: SmtpServer) -> None:
    short_lines = alert(text="两用物项\n", html="<p>两用物项</p>\n")  # short lines stay 8bit
    assert send(server, short_lines).status == "sent"
    assert send(server).status == "sent"  # long lines: base64, 7-bit clean
    declared = ["BODY=8BITMIME" in received.mail_options for received in server.received]
    assert declared == [True, False]
    assert contents(server.received[0].message()) == ["两用物项\n", "<p>两用物项</p>\n"]


def test_bcc_is_delivered_but_not_shown(server: SmtpServer) -> None:
    message = alert()
    message["Bcc"] = "auditor@example.org"
    assert send(server, message).status == "sent"
    [received] = server.received
    assert received.rcpt_tos == (ANALYST, "auditor@example.org")
    assert "Bcc" not in received.message()


def test_message_without_from_fails() -> None:
    message = alert()
    del message["From"]
    transport = SmtpTransport(SmtpSettings(HOST, free_port(), "none"))
    assert transport.send(message) == DeliveryResult("failed", "message has no From address")


@pytest.mark.parametrize("stage", ["MAIL", "RCPT", "DATA"])
def test_4xx_is_retry_then_next_send_succeeds(server: SmtpServer, stage: str) -> None:
    server.handler.script(stage, "451 4.3.0 try later")
    with closing(SmtpTransport(settings(server))) as transport:
        first = transport.send(alert())
        assert (first.status, first.code) == ("retry", 451)
        assert "451 4.3.0 try later" in first.detail
        assert not server.received
        second = transport.send(alert())
    assert (second.status, second.code) == ("sent", 250)
    assert len(server.received) == 1


@pytest.mark.parametrize(
    ("stage", "reply", "code", "words"),
    [
        ("RCPT", "550 5.1.1 no such user", 550, f"all recipients refused: <{ANALYST}> 550"),
        ("MAIL", "553 5.7.1 sender not allowed", 553, "sender <alerts@dualwatch.test> refused"),
        ("DATA", "554 5.6.0 message rejected", 554, "message refused: 554 5.6.0"),
        ("DATA", "552 5.3.4 message too big", 552, "message refused: 552"),
    ],
)
def test_5xx_is_failed_with_the_code(
    server: SmtpServer, stage: str, reply: str, code: int, words: str
) -> None:
    server.handler.script(stage, reply)
    result = send(server)
    assert (result.status, result.code) == ("failed", code)
    assert words in result.detail
    assert not server.received


def test_authentication_required_is_retry_not_failed(server: SmtpServer) -> None:
    """A 530 concerns our session (credentials missing), so the alert must not fail for good."""
    server.handler.script("MAIL", "530 5.7.0 Authentication required")
    result = send(server)
    assert (result.status, result.code) == ("retry", 530)


@pytest.mark.parametrize(
    ("replies", "status", "code"),
    [
        (("451 4.3.0 try later", "550 5.1.1 no such user"), "failed", 550),
        (("550 5.1.1 no such user", "451 4.3.0 try later"), "failed", 550),
        (("451 4.3.0 try later", "452 4.2.2 mailbox full"), "retry", 452),
    ],
)
def test_all_recipients_refused_by_worst_code(
    server: SmtpServer, replies: tuple[str, str], status: str, code: int
) -> None:
    server.handler.script("RCPT", *replies)
    result = send(server, alert("a@example.org", "b@example.org"))
    assert (result.status, result.code) == (status, code)
    assert "<a@example.org>" in result.detail
    assert "<b@example.org>" in result.detail


def test_some_recipients_refused_is_sent_and_says_which(server: SmtpServer) -> None:
    server.handler.script("RCPT", "550 5.1.1 no such user")
    result = send(server, alert("gone@example.org", ANALYST))
    assert (result.status, result.code) == ("sent", 250)
    assert "refused: <gone@example.org> 550 5.1.1 no such user" in result.detail
    assert server.received[0].rcpt_tos == (ANALYST,)


def test_server_down_is_retry_with_a_clear_detail() -> None:
    port = free_port()
    transport = SmtpTransport(SmtpSettings(HOST, port, "none", timeout=5.0))
    result = transport.send(alert())
    assert result == DeliveryResult(
        "retry",
        f"cannot connect to {HOST}:{port}: connection refused (is the server running?)",
    )


def test_silent_server_is_retry_after_the_timeout() -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen()
        port = silent.getsockname()[1]
        transport = SmtpTransport(SmtpSettings(HOST, port, "none", timeout=0.3))
        result = transport.send(alert())
    assert result == DeliveryResult("retry", f"{HOST}:{port} did not answer within 0.3 s")


def test_server_stalling_after_data_is_retry_without_waiting_twice(server: SmtpServer) -> None:
    server.handler.script("DATA", STALL)
    server.handler.stall_seconds = 20.0  # longer than two client timeouts
    started = time.monotonic()
    result = send(server, timeout=3.0)
    elapsed = time.monotonic() - started
    assert result == DeliveryResult("retry", f"{HOST}:{server.port} did not answer within 3 s")
    # Closing the stuck connection does not wait another timeout: a second wait would make
    # it at least 6 s; the 2.5 s to spare absorb a busy machine.
    assert elapsed < 5.5


def test_connection_dropped_during_data_is_retry(server: SmtpServer) -> None:
    server.handler.script("DATA", DROP)
    with closing(SmtpTransport(settings(server))) as transport:
        dropped = transport.send(alert())
        assert dropped.status == "retry"
        assert dropped.code is None
        assert "closed the connection" in dropped.detail
        assert transport.send(alert()).status == "sent"
    assert len(server.received) == 1


def test_connection_is_reused_and_reopened_once_dropped(server: SmtpServer) -> None:
    server.handler.script(
        "DATA", ACCEPT, HANGUP
    )  # the second message is the last on its connection
    with closing(SmtpTransport(settings(server))) as transport:
        results = [transport.send(alert(number=n)) for n in range(1, 5)]
    assert [r.status for r in results] == ["sent"] * 4
    peers = [received.peer for received in server.received]
    assert peers[0] == peers[1] != peers[2] == peers[3]


# --- TLS ---------------------------------------------------------------------------------


def test_starttls_with_verification_off(certificate: tuple[Path, Path]) -> None:
    tls = server_tls_context(*certificate)
    with SmtpServer(tls_context=tls, require_starttls=True) as server:
        result = send(server, security="starttls", tls_verify=False)
    assert result.status == "sent"
    assert server.received[0].tls
    assert server.received[0].message()["Subject"] == SUBJECT


def test_starttls_refuses_an_untrusted_certificate_and_sends_nothing(
    certificate: tuple[Path, Path],
) -> None:
    with SmtpServer(tls_context=server_tls_context(*certificate)) as server:
        result = send(server, security="starttls")
    assert result.status == "retry"
    assert "certificate" in result.detail
    assert "self-signed" in result.detail or "self signed" in result.detail
    assert not server.received  # the server would have taken it in clear: we did not offer it


def test_starttls_verifies_against_trusted_certificates(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with SmtpServer(tls_context=server_tls_context(*certificate)) as server:
        result = send(server, security="starttls")
    assert result.status == "sent", result.detail
    assert server.received[0].tls


def test_starttls_missing_on_the_server_sends_nothing_in_clear(server: SmtpServer) -> None:
    result = send(server, security="starttls")
    assert result.status == "retry"
    assert "STARTTLS" in result.detail
    assert "Nothing was sent in clear" in result.detail
    assert not server.received


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    with SmtpServer(ssl_context=server_tls_context(*certificate)) as server:
        untrusted = send(server, security="tls")
        trusted = send(server, security="tls", tls_verify=False)
    assert untrusted.status == "retry"
    assert "certificate" in untrusted.detail
    assert trusted.status == "sent"
    assert len(server.received) == 1


# --- authentication ----------------------------------------------------------------------


def _authenticator(echo: bool):
    def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        if (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode()):
            return AuthResult(success=True, auth_data=auth_data)
        if echo:  # a badly behaved server repeating what it got
            shown = auth_data.password.decode()
            return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad {shown}")
        return AuthResult(success=False, handled=False)

    return authenticate


def our_logs(caplog: pytest.LogCaptureFixture) -> str:
    """What dualwatch logged (the test server's own debug log is left out)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("monitors"))


@pytest.fixture
def auth_server() -> Iterator[SmtpServer]:
    with SmtpServer(authenticator=_authenticator(echo=False), auth_require_tls=False) as running:
        yield running


def _credentials(monkeypatch: pytest.MonkeyPatch, password: str = PASSWORD) -> dict[str, str]:
    monkeypatch.setenv(USER_ENV, USER)
    monkeypatch.setenv(PASSWORD_ENV, password)
    return {"username_env": USER_ENV, "password_env": PASSWORD_ENV}


def test_auth_with_credentials_from_the_environment(
    auth_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = send(auth_server, **_credentials(monkeypatch))
    assert result.status == "sent"
    assert auth_server.received[0].login == USER
    assert "sent" in our_logs(caplog)
    assert PASSWORD not in our_logs(caplog)


def test_auth_over_starttls(certificate: tuple[Path, Path], monkeypatch) -> None:
    with SmtpServer(
        tls_context=server_tls_context(*certificate),
        authenticator=_authenticator(echo=False),
        auth_required=True,
    ) as server:
        result = send(server, security="starttls", tls_verify=False, **_credentials(monkeypatch))
    assert result.status == "sent"
    assert server.received[0].login == USER


@pytest.mark.parametrize("echo", [False, True])
def test_wrong_password_is_retry_and_never_shown(
    echo: bool, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wrong-Pa55-never-shown"
    with SmtpServer(authenticator=_authenticator(echo), auth_require_tls=False) as server:
        transport = SmtpTransport(settings(server, **_credentials(monkeypatch, wrong)))
        result = transport.send(alert())
        transport.close()
    assert (result.status, result.code) == ("retry", 535)
    assert "login to" in result.detail
    assert "login to" in our_logs(caplog)
    for shown in (result.detail, our_logs(caplog), repr(transport), repr(result)):
        assert wrong not in shown
    assert not server.received
    if echo:
        assert "[redacted]" in result.detail


def test_missing_credential_variable_is_a_config_error(
    auth_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _credentials(monkeypatch)
    monkeypatch.delenv(PASSWORD_ENV)
    transport = SmtpTransport(
        settings(auth_server, username_env=USER_ENV, password_env=PASSWORD_ENV)
    )
    with pytest.raises(ConfigError, match=PASSWORD_ENV) as error:
        transport.send(alert())
    assert USER not in str(error.value)
    assert not auth_server.received


# --- Maildir -----------------------------------------------------------------------------


def test_maildir_delivery(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    transport = transport_for(None, outbox)
    result = transport.send(alert())
    transport.close()
    assert (result.status, result.code) == ("sent", None)
    path = outbox / "new" / result.detail
    raw = path.read_bytes()
    assert b"\r\n" not in raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == SUBJECT
    assert contents(message) == [TEXT, HTML]
    assert list(mailbox.Maildir(outbox, create=False).keys()) == [result.detail]


def test_maildir_that_cannot_be_written_is_retry(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("not a directory")
    result = MaildirTransport(blocker).send(alert())
    assert result.status == "retry"
    assert str(blocker) in result.detail
