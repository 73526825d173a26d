"""Source health: one operator alert per failure episode, one recovery notice, `status`.

End to end: real crawls of the replica's mofcom site with the real CLI (faults switched on
per host), then :func:`monitors.ops.health.update` and the one delivery pass of the ledger,
:func:`monitors.mail.dispatch.deliver_due`, into the Maildir outbox or a real SMTP server.
The state machine itself is also driven with runs recorded through the real store (no
crawl), with a fixed clock.
"""

from __future__ import annotations

import email
import email.policy
import html as html_module
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from monitors.changes.alerts import SendReport
from monitors.core.config import Config, load_config
from monitors.mail.dispatch import deliver_due, make_transport
from monitors.mail.emailrender import RenderedMessage, render_health
from monitors.mail.healthview import view_of
from monitors.mail.messages import build_email
from monitors.ops import health
from monitors.ops.health import HealthEvent
from monitors.ops.status import SourceStatus, source_statuses, status_json, status_table
from monitors.storage.ledger import HEALTH, Delivery, Ledger
from monitors.storage.models import RunStats
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, ROOT, Dualwatch
from tests.replica import MOFCOM_HOST
from tests.smtp_server import STALL, STALL_SECONDS, ScriptedHandler, SmtpServer

OPERATOR = "ops@example.org"
FIXED = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def configure(
    dw: Dualwatch, *, operator: str = OPERATOR, smtp_port: int | None = None, retry: int = 0
) -> None:
    """The replica config with an operator, alert_after_failures = 2 and retries after
    ``retry`` seconds, doubling (0: at once)."""
    tables: dict[str, dict] = {
        "mail": {"operator": operator, "retry_base_seconds": retry, "retry_max_seconds": 3600},
        "sources.mofcom": {"alert_after_failures": 2},
    }
    if smtp_port is not None:
        tables["mail.smtp"] = {"host": "127.0.0.1", "port": smtp_port, "security": "none"}
    dw.override(**tables)


def crawl(dw: Dualwatch, *, ok: bool) -> None:
    """One crawl of mofcom through the CLI (messages left to the test)."""
    dw.run("crawl", "mofcom", "--no-send", check=0 if ok else 1)


def evaluate(dw: Dualwatch) -> tuple[list[HealthEvent], SendReport]:
    """What the daemon does after a crawl: update the health states, deliver what is due."""
    config = dw.config
    with dw.store() as store:
        events = health.update(store, config)
        transport = make_transport(config)
        try:
            return events, deliver_due(store, config, transport)
        finally:
            transport.close()


def health_rows(store: Store, *, pending_only: bool = False) -> list[Delivery]:
    """The health notices in the delivery ledger, oldest first."""
    return Ledger(store).listing(HEALTH, pending_only=pending_only)


def outbox(dw: Dualwatch) -> list[EmailMessage]:
    """The operator's messages in the Maildir outbox."""
    folder = dw.home / "outbox" / "new"
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    parsed = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]
    return [m for m in parsed if m["To"] == OPERATOR]


def by_subject(messages: list[EmailMessage], prefix: str) -> list[EmailMessage]:
    return [m for m in messages if m["Subject"].startswith(prefix)]


def mofcom_status(dw: Dualwatch, **kwargs: object) -> SourceStatus:
    with dw.store() as store:
        statuses = source_statuses(store, dw.config, **kwargs)
    return next(s for s in statuses if s.source == "mofcom")


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


FAILING = "[dualwatch] SOURCE FAILING: mofcom"
RECOVERED = "[dualwatch] recovered: mofcom"


def test_broken_listing_alerts_once_then_one_recovery_notice(dualwatch: Dualwatch) -> None:
    configure(dualwatch)
    dualwatch.replica.set_fault("broken-listing", host=MOFCOM_HOST)
    crawl(dualwatch, ok=False)
    events, _ = evaluate(dualwatch)
    assert [(e.kind, e.source) for e in events] == [("failing", "mofcom")]
    [alert] = outbox(dualwatch)
    assert alert["Subject"] == f"{FAILING} (layout)"
    assert alert["Message-ID"].startswith("<dualwatch.health-")
    text = text_of(alert)
    assert "MOFCOM 政策发布" in text and "(mofcom)" in text
    assert "layout: listing fragment has no 'ul.txtList_01'" in text
    assert "URL:           https://www.mofcom.gov.cn/api-gateway/" in text
    assert "Last success:  never" in text and "1 failed run in a row" in text
    assert "crawler/spiders/mofcom.py" in text and "dualwatch crawl mofcom" in text
    assert "ul.txtList_01" in html_of(alert)
    failing = mofcom_status(dualwatch)
    assert (failing.state, failing.outcome, failing.consecutive_failures) == (
        "failing",
        "failed",
        1,
    )
    assert failing.alerted_at is not None and failing.notices == 0

    for _ in range(2):
        crawl(dualwatch, ok=False)
        events, report = evaluate(dualwatch)
        assert events == [] and report == SendReport()
    assert len(outbox(dualwatch)) == 1, "nothing repeated while the source keeps failing"
    assert mofcom_status(dualwatch).consecutive_failures == 3

    dualwatch.replica.set_fault(None, host=MOFCOM_HOST)
    crawl(dualwatch, ok=True)
    events, _ = evaluate(dualwatch)
    assert [e.kind for e in events] == ["recovered"]
    evaluate(dualwatch)
    messages = outbox(dualwatch)
    assert len(by_subject(messages, FAILING)) == 1
    [recovery] = by_subject(messages, RECOVERED)
    assert recovery["Subject"] == RECOVERED
    assert recovery["In-Reply-To"] == alert["Message-ID"]
    assert "3 failed runs in a row" in text_of(recovery)
    assert "dualwatch crawl mofcom --full" in text_of(recovery)

    next_run = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    ok = mofcom_status(dualwatch, next_runs={"mofcom": next_run})
    assert (ok.state, ok.outcome, ok.consecutive_failures) == ("ok", "ok", 0)
    assert ok.notices >= 15 and ok.last_run_at and ok.alerted_at is None
    assert ok.next_run_at == "2030-01-01T12:00:00+00:00"
    assert ok.title.startswith("MOFCOM") and ok.enabled
    with dualwatch.store() as store:
        rows = [(m.kind, m.status) for m in health_rows(store)]
    assert rows == [("failing", "sent"), ("recovered", "sent")]


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def test_blocked_source_alerts_on_its_first_run_over_smtp_with_retry(
    dualwatch: Dualwatch, smtp: SmtpServer
) -> None:
    configure(dualwatch, smtp_port=smtp.port)
    dualwatch.replica.set_fault("blocked", host=MOFCOM_HOST)
    crawl(dualwatch, ok=False)
    smtp.handler.script("RCPT", "451 4.3.0 try later")
    _, report = evaluate(dualwatch)
    assert report == SendReport(retrying=1) and smtp.received == []
    _, report = evaluate(dualwatch)  # retry_base_seconds = 0: due again at once
    assert report == SendReport(sent=1)
    evaluate(dualwatch)
    [received] = smtp.received
    assert received.rcpt_tos == (OPERATOR,)
    message = received.message()
    assert message["Subject"] == f"{FAILING} (blocked)"
    assert "blocked: HTTP 403" in text_of(message)
    assert "refusing dualwatch" in text_of(message)
    with dualwatch.store() as store:
        [row] = health_rows(store)
    assert (row.status, row.attempts, row.recipient) == ("sent", 2, OPERATOR)


def test_a_refused_health_notice_is_retried_with_the_ledgers_backoff(
    dualwatch: Dualwatch, smtp: SmtpServer
) -> None:
    """A health notice is a ledger row: a 4xx answer is retried after retry_base_seconds,
    doubling, like any alert; `dualwatch alerts` lists it meanwhile."""
    configure(dualwatch, smtp_port=smtp.port, retry=60)
    dualwatch.replica.set_fault("blocked", host=MOFCOM_HOST)
    crawl(dualwatch, ok=False)
    smtp.handler.script("RCPT", "451 4.3.0 try later", "452 4.2.2 mailbox full")
    started = datetime.now(UTC).replace(microsecond=0)
    result = dualwatch.run("send", check=1)  # the CLI's delivery pass: queue, then deliver
    assert "1 will be retried" in result.stdout and smtp.received == []
    with dualwatch.store() as store:
        [row] = health_rows(store)
    assert (row.status, row.attempts, row.recipient) == ("retry", 1, OPERATOR)
    assert "451 4.3.0 try later" in (row.last_error or "")
    retry_at = datetime.fromisoformat(row.next_attempt_at or "")
    assert started + timedelta(seconds=60) <= retry_at <= datetime.now(UTC) + timedelta(seconds=60)
    listed = dualwatch.run("alerts", "--pending").stdout
    [line] = [line for line in listed.splitlines() if line.startswith(f"h{row.id} ")]
    assert f"health failing mofcom run {row.run_id}" in line
    assert OPERATOR in line and "retry" in line and "451" in line

    dualwatch.run("send")  # not due yet: nothing is sent, nothing is queued twice
    assert smtp.received == []
    config = dualwatch.config
    with dualwatch.store() as store:
        assert [r.id for r in health_rows(store)] == [row.id]
        later = retry_at + timedelta(seconds=1)
        assert deliver_due(store, config, make_transport(config), later) == SendReport(retrying=1)
        [again] = health_rows(store)
        assert (again.status, again.attempts) == ("retry", 2)
        assert again.next_attempt_at == (later + timedelta(seconds=120)).isoformat()  # doubled
        early = later + timedelta(seconds=119)
        assert deliver_due(store, config, make_transport(config), early) == SendReport()
        due = later + timedelta(seconds=120)
        assert deliver_due(store, config, make_transport(config), due) == SendReport(sent=1)
        assert deliver_due(store, config, make_transport(config), due) == SendReport()
        [sent] = health_rows(store)
    assert (sent.status, sent.attempts, sent.sent_at) == ("sent", 3, due.isoformat())
    [received] = smtp.received
    message = received.message()
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == f"{FAILING} (blocked)"
    listed = dualwatch.run("alerts").stdout
    assert any(line.startswith(f"h{row.id} ") and " sent " in line for line in listed.splitlines())


class DataSignal(ScriptedHandler):
    """Sets :attr:`in_data` when the client has sent a whole message (DATA)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_data = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.in_data.set()
        return await super().handle_DATA(server, session, envelope)


def test_a_health_notice_left_pending_by_a_crash_is_sent_once_after_restart(
    dualwatch: Dualwatch,
) -> None:
    """kill -9 of `dualwatch send` while the SMTP server holds back its answer to the health
    notice: the row, written before sending, stays pending; the next run sends it (again, with
    the same Message-ID) and records it; later runs send nothing."""
    handler = DataSignal()
    with SmtpServer(handler) as server:
        configure(dualwatch, smtp_port=server.port)
        dualwatch.replica.set_fault("blocked", host=MOFCOM_HOST)
        crawl(dualwatch, ok=False)
        handler.script("DATA", STALL)
        command = [sys.executable, "-m", "monitors", "--config", str(dualwatch.config_path),
                   "--home", str(dualwatch.home), "--connect-to", dualwatch.replica.connect_to,
                   "send"]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
        sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            assert handler.in_data.wait(60), "the notice never reached the SMTP server"
            sender.send_signal(signal.SIGKILL)
        finally:
            sender.kill()
            sender.wait(timeout=10)
        time.sleep(STALL_SECONDS + 0.5)  # the stalled session ends either way
        with dualwatch.store() as store:
            [row] = health_rows(store)
        assert (row.status, row.attempts, row.sent_at) == ("pending", 0, None)
        crashed = len(server.received)  # 0, or 1 if the server kept the stalled message

        dualwatch.run("send")
        dualwatch.run("send")
        dualwatch.run("send")
        ids = [r.message()["Message-ID"] for r in server.received]
    assert len(ids) == crashed + 1 and set(ids) == {row.message_id}
    with dualwatch.store() as store:
        [sent] = health_rows(store)
    assert (sent.id, sent.status, sent.attempts) == (row.id, "sent", 1)


def test_server_errors_alert_only_after_alert_after_failures(dualwatch: Dualwatch) -> None:
    configure(dualwatch)
    dualwatch.replica.set_fault("error500", host=MOFCOM_HOST)
    crawl(dualwatch, ok=False)
    evaluate(dualwatch)
    assert outbox(dualwatch) == []
    status = mofcom_status(dualwatch)
    assert (status.state, status.consecutive_failures, status.alerted_at) == ("failing", 1, None)
    crawl(dualwatch, ok=False)
    evaluate(dualwatch)
    [alert] = outbox(dualwatch)
    assert alert["Subject"] == f"{FAILING} (http, 2 failed runs)"
    assert "http: HTTP 500" in text_of(alert) and "2 failed runs in a row" in text_of(alert)


def test_without_operator_nothing_is_mailed_but_status_shows_failing(
    dualwatch: Dualwatch, caplog: pytest.LogCaptureFixture
) -> None:
    configure(dualwatch, operator="")
    dualwatch.replica.set_fault("broken-listing", host=MOFCOM_HOST)
    crawl(dualwatch, ok=False)
    with caplog.at_level(logging.WARNING, logger="monitors.ops.health"):
        _, report = evaluate(dualwatch)
        evaluate(dualwatch)
    assert report == SendReport() and outbox(dualwatch) == []
    assert [r.message for r in caplog.records if "operator" in r.message] == [
        "no [mail] operator configured: 1 health notice(s) not mailed "
        "(`dualwatch status` shows failing sources)"
    ]
    with dualwatch.store() as store:
        statuses = source_statuses(store, dualwatch.config)
        lines = status_json(statuses).splitlines()
        table = status_table(statuses)
    assert len(lines) == len(statuses) == len(dualwatch.config.sources)
    mofcom = json.loads(lines[[s.source for s in statuses].index("mofcom")])
    assert mofcom["state"] == "failing" and mofcom["consecutive_failures"] == 1
    assert "ul.txtList_01" in mofcom["message"] and mofcom["outcome"] == "failed"
    never = next(s for s in statuses if s.source == "mofa-ja")
    assert (never.state, never.last_run_at, never.outcome) == ("unknown", None, None)
    assert "failing" in table and "never" in table

    configure(dualwatch)  # an operator added later is not sent a stale alert
    _, report = evaluate(dualwatch)
    assert report == SendReport() and outbox(dualwatch) == []


# -- the state machine over runs recorded in a real store (no crawl) --------------------------


def record(store: Store, outcome: str, *errors: tuple[str, str], notices: int = 0) -> int:
    """A finished mofcom run with ``errors`` as (kind, message) pairs."""
    run_id = store.start_run("mofcom", None, baseline=False)
    log = tuple(
        {"kind": k, "url": f"https://www.mofcom.gov.cn/{i}.html", "message": m}
        for i, (k, m) in enumerate(errors)
    )
    store.finish_run(run_id, outcome, RunStats(notices=notices, errors=log), "message")
    return run_id


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[tuple[Store, Config]]:
    config = load_config(REPLICA_CONFIG, home=tmp_path, connect_to="")
    store = Store.open(config.db_path)
    store.ensure_source("mofcom", "MOFCOM", "mofcom")
    yield store, config
    store.close()


def kinds(store: Store, config: Config) -> list[str]:
    return [e.kind for e in health.update(store, config, now=FIXED)]


def test_network_failures_wait_for_the_threshold_and_episodes_alert_once(scratch) -> None:
    store, config = scratch  # mofcom: alert_after_failures = 3 (the default)
    record(store, "ok", notices=5)
    assert kinds(store, config) == []
    record(store, "error", ("network", "timed out"))
    record(store, "error", ("http", "HTTP 502"))
    assert kinds(store, config) == []
    record(store, "aborted")
    assert kinds(store, config) == ["failing"]
    record(store, "aborted")
    record(store, "failed", ("network", "timed out"))
    assert kinds(store, config) == [], "the episode was alerted: no repeat"
    record(store, "ok", notices=3)
    record(store, "ok", notices=3)
    assert kinds(store, config) == ["recovered"]
    record(store, "failed", ("network", "timed out"))
    record(store, "ok", notices=3)
    assert kinds(store, config) == [], "no recovery notice without an alert"
    state = health.load(store, "mofcom")
    assert state.state == "ok" and state.last_recovery_at == FIXED.isoformat()


def test_structural_failures_alert_on_the_first_run(scratch) -> None:
    store, config = scratch
    cases = [
        ("blocked", [("blocked", "HTTP 403")], 0, True),
        ("error", [("config", "bad key")], 0, True),
        ("error", [("parse", "a"), ("parse", "b")], 2, True),  # half the pages
        ("error", [("encoding", "not utf-8")], 0, True),  # nothing could be read
        ("error", [("parse", "a")], 5, False),  # one odd page
        ("error", [("parse", "a"), ("parse", "b")], 10, False),
        ("error", [("http", "HTTP 500")], 0, False),
        ("error", [("attachment", "TimeoutError")], 4, False),
    ]
    for outcome, errors, notices, immediate in cases:
        record(store, "ok", notices=1)
        health.update(store, config, now=FIXED)
        record(store, outcome, *errors, notices=notices)
        assert kinds(store, config) == (["failing"] if immediate else []), errors


def test_a_first_evaluation_ignores_history_and_waits_for_running_runs(scratch) -> None:
    store, config = scratch
    record(store, "blocked", ("blocked", "HTTP 403"))
    record(store, "ok", notices=1)  # an old episode: no alert, no recovery now
    running = store.start_run("mofcom", None, baseline=False)
    assert kinds(store, config) == []
    store.finish_run(running, "blocked", RunStats(errors=({"kind": "blocked"},)), "403")
    [event] = health.update(store, config, now=FIXED)
    assert (event.kind, event.run_id) == ("failing", running)
    assert health.update(store, config, now=FIXED) == []
    [row] = health_rows(store, pending_only=True)
    installation = store.installation_id()
    assert row.message_id == f"<dualwatch.health-{row.id}.failing.{installation}@dualwatch.local>"


def test_health_email_escapes_a_hostile_run_message(scratch) -> None:
    store, config = scratch
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    url = 'javascript:alert(1)//"><img src=x>'
    run_id = store.start_run("mofcom", None, baseline=False)
    errors = ({"kind": "blocked", "url": url, "message": hostile},)
    store.finish_run(run_id, "blocked", RunStats(errors=errors), hostile)
    health.update(store, config, now=FIXED)
    transport = make_transport(config)  # the Maildir outbox: no [mail.smtp] in this config
    assert deliver_due(store, config, transport) == SendReport(sent=1)
    [path] = (config.outbox_path / "new").iterdir()
    alert = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert alert["To"] == config.mail.operator
    assert alert["Subject"] == f"{FAILING} (blocked)"
    html = html_of(alert)
    assert "<script" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="javascript' not in html
    assert hostile in text_of(alert) and url in text_of(alert)


def alerts(store: Store) -> list[tuple[str, str, str | None]]:
    """(notice kind, failure kind, thread) of each recorded health notice, oldest first."""
    return [(m.kind, m.payload["failure_kind"], m.thread) for m in health_rows(store)]


def test_a_new_failure_kind_during_an_episode_sends_its_own_alert(scratch) -> None:
    store, config = scratch  # alert_after_failures = 3
    record(store, "ok", notices=5)
    for _ in range(3):
        record(store, "failed", ("network", "timed out"))
    assert kinds(store, config) == ["failing"]
    [first] = health_rows(store)
    record(store, "failed", ("layout", "no 'ul.txtList_01'"))
    assert kinds(store, config) == ["failing"], "a layout change is not masked by the outage"
    record(store, "failed", ("layout", "no 'ul.txtList_01'"))
    assert kinds(store, config) == [], "one alert per kind and episode"
    record(store, "failed", ("network", "timed out"))
    assert kinds(store, config) == []
    for _ in range(2):
        record(store, "failed", ("http", "HTTP 502"))
        assert kinds(store, config) == []
    record(store, "failed", ("http", "HTTP 502"))
    assert kinds(store, config) == ["failing"], "3 runs in a row with the new kind"
    record(store, "partial", ("attachment", "timed out"), ("exception", "KeyError: 'href'"))
    assert kinds(store, config) == ["failing"]
    record(store, "ok", notices=5)
    assert kinds(store, config) == ["recovered"]
    thread = first.message_id
    assert alerts(store) == [
        ("failing", "network", None),
        ("failing", "layout", thread),
        ("failing", "http", thread),
        ("failing", "exception", thread),
        ("recovered", "exception", thread),
    ]
    payloads = [m.payload for m in health_rows(store)]
    assert [p["earlier_kinds"] for p in payloads[:4]] == [
        [],
        ["network"],
        ["network", "layout"],
        ["network", "layout", "http"],
    ]
    assert [p["consecutive"] for p in payloads] == [3, 4, 9, 10, 10]
    state = health.load(store, "mofcom")
    assert (state.state, state.alert_id, state.last_recovery_id) == ("ok", None, 5)

    record(store, "failed", ("layout", "no 'ul.txtList_01'"))
    assert kinds(store, config) == ["failing"], "a new episode alerts again"
    assert alerts(store)[-1] == ("failing", "layout", None)

    assert deliver_due(store, config, make_transport(config)) == SendReport(sent=6)
    folder = config.outbox_path / "new"
    parsed = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
              for p in folder.iterdir()]  # fmt: skip
    sent = {m["Message-ID"]: m for m in parsed}
    by_id = {m.message_id: m for m in health_rows(store)}
    layout = next(m for m in health_rows(store) if m.payload["failure_kind"] == "layout")
    mail = sent[layout.message_id]
    assert mail["Subject"] == f"{FAILING} (layout, 4 failed runs)"
    assert mail["In-Reply-To"] == thread and thread in by_id


def test_kinds_that_flap_during_an_episode_do_not_alert_again(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    for _ in range(3):
        record(store, "failed", ("network", "timed out"))
    assert kinds(store, config) == ["failing"]
    for _ in range(3):
        record(store, "failed", ("http", "HTTP 502"))
        record(store, "failed", ("network", "timed out"))
        assert kinds(store, config) == []
    # the per-kind streak survives between evaluations (derived from the runs again)
    record(store, "failed", ("http", "HTTP 502"))
    assert kinds(store, config) == []
    record(store, "failed", ("http", "HTTP 502"))
    assert kinds(store, config) == []
    record(store, "failed", ("http", "HTTP 502"))
    assert kinds(store, config) == ["failing"]


def test_partial_and_failed_runs_are_failures(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    record(store, "partial", ("attachment", "timed out"), notices=4)
    record(store, "failed", ("listing", "page 2 answered 500"))
    assert kinds(store, config) == []
    [status] = [s for s in source_statuses(store, config) if s.source == "mofcom"]
    assert (status.state, status.outcome, status.consecutive_failures) == ("failing", "failed", 2)
    record(store, "partial", ("attachment", "timed out"), notices=4)
    assert kinds(store, config) == ["failing"]
    [alert] = health_rows(store)
    assert (alert.payload["outcome"], alert.payload["failure_kind"]) == ("partial", "attachment")
    assert alert.payload["consecutive"] == 3 and alert.payload["immediate"] is False
    statuses = source_statuses(store, config)
    mofcom = json.loads(
        status_json(statuses).splitlines()[[s.source for s in statuses].index("mofcom")]
    )
    assert (mofcom["state"], mofcom["outcome"], mofcom["consecutive_failures"]) == (
        "failing",
        "partial",
        3,
    )
    assert mofcom["alerted_at"] == FIXED.isoformat()
    assert "partial" in status_table(statuses)
    record(store, "ok", notices=5)
    assert kinds(store, config) == ["recovered"]
    [status] = [s for s in source_statuses(store, config) if s.source == "mofcom"]
    assert (status.state, status.outcome, status.consecutive_failures) == ("ok", "ok", 0)


def test_legacy_error_runs_count_as_failed(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    record(store, "error")
    record(store, "error", ("http", "HTTP 500"))
    [status] = [s for s in source_statuses(store, config) if s.source == "mofcom"]
    assert (status.state, status.outcome, status.consecutive_failures) == ("failing", "failed", 2)
    record(store, "error")
    assert kinds(store, config) == ["failing"]
    [alert] = health_rows(store)
    assert (alert.payload["outcome"], alert.payload["failure_kind"]) == ("failed", "failed")
    assert view_of(alert).outcome == "failed"
    record(store, "failed")  # the same failure under its new name: no second alert
    record(store, "failed")
    record(store, "failed")
    assert kinds(store, config) == []


@pytest.mark.parametrize(
    ("outcome", "errors", "notices", "reported"),
    [
        ("failed", [("exception", "KeyError: 'href'")], 0, "exception"),
        ("failed", [("store", "database or disk is full")], 0, "store"),
        ("failed", [("dropped", "redirect loop")], 0, "dropped"),
        ("failed", [("outage", "12 of 15 notices answered 404")], 3, "outage"),
        ("partial", [("cap", "40 new notices, cap 25")], 25, "cap"),
        ("failed", [("layout", "no entries")], 0, "layout"),
        ("failed", [("config", "bad key")], 0, "config"),
        ("blocked", [("http", "HTTP 429")], 0, "blocked"),
        ("partial", [("unaccounted", "a"), ("unaccounted", "b")], 2, "unaccounted"),
        # the most actionable kind is reported, whatever the order of the log
        ("failed", [("network", "x"), ("attachment", "y"), ("exception", "bug")], 0, "exception"),
        ("partial", [("http", "HTTP 500"), ("cap", "cap 25"), ("layout", "x")], 5, "cap"),
        ("failed", [("listing", "x"), ("parse", "a"), ("parse", "b")], 1, "parse"),
    ],
)
def test_immediate_kinds_alert_on_the_first_failed_run(
    scratch, outcome: str, errors: list[tuple[str, str]], notices: int, reported: str
) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    assert kinds(store, config) == []
    record(store, outcome, *errors, notices=notices)
    assert kinds(store, config) == ["failing"]
    [alert] = health_rows(store)
    assert alert.payload["failure_kind"] == reported
    assert alert.payload["immediate"] is True


def test_recovery_is_sent_when_a_later_alert_of_the_episode_was_delivered(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    record(store, "failed", ("layout", "no entries"))
    assert kinds(store, config) == ["failing"]
    [first] = health_rows(store)
    Ledger(store).mark(HEALTH, first.id, "failed", last_error="550 mailbox unavailable")
    record(store, "failed", ("store", "disk full"))
    record(store, "ok", notices=5)
    assert kinds(store, config) == ["failing", "recovered"]
    report = deliver_due(store, config, make_transport(config))
    assert report == SendReport(sent=2)
    assert [(m.kind, m.status) for m in health_rows(store)] == [
        ("failing", "failed"),
        ("failing", "sent"),
        ("recovered", "sent"),
    ]


def test_every_write_transaction_begins_immediate(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    record(store, "failed", ("layout", "no entries"))
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        assert kinds(store, config) == ["failing"]
        assert deliver_due(store, config, make_transport(config)) == SendReport(sent=1)
    finally:
        store.db.conn.set_trace_callback(None)
    opened = False
    writes = 0
    for sql in (" ".join(s.split()).upper() for s in statements):
        if sql.startswith("BEGIN"):
            assert sql == "BEGIN IMMEDIATE", sql
            opened = True
        elif sql.startswith(("COMMIT", "ROLLBACK")):
            opened = False
        elif sql.startswith(("INSERT", "UPDATE", "DELETE", "REPLACE")):
            assert opened, f"write outside a BEGIN IMMEDIATE transaction: {sql}"
            writes += 1
    assert writes >= 4  # message, its Message-ID, the state, the delivery outcome


# -- what the health email says about each kind of failure ------------------------------------


def readable(rendered_html: str) -> str:
    """The words of an HTML part (tags dropped, entities decoded, whitespace collapsed)."""
    spaced = re.sub(r"</?(?:p|td|th|tr|h1|h2|table|br)\b[^>]*>", " ", rendered_html)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", "", spaced)).split())


def words(text: str) -> str:
    """The words of a text part (whitespace collapsed, `code` marks dropped)."""
    return " ".join(text.replace("`", "").split())


#: kind: (run outcome, error message, pages read, explanation, what to do). The explanation of
#: a kind appears in its own alert only.
NEW_KINDS = {
    "exception": (
        "failed",
        "KeyError: 'href'",
        0,
        "The crawl code raised an unexpected exception: a bug in dualwatch or a variation of "
        "the site the spider does not handle.",
        "Report it with the run id ({run_id}) and the message above: dualwatch runs mofcom "
        "shows the run's errors.",
    ),
    "store": (
        "failed",
        "database or disk is full",
        0,
        "dualwatch could not write to its database: an SQLite error, or the disk is full.",
        "Check the free disk space and the permissions of the data directory",
    ),
    "dropped": (
        "failed",
        "request dropped without an answer (redirect loop)",
        0,
        "A request was dropped without an answer: a redirect loop, a redirect to another host "
        "or a meta-refresh loop. The page has probably moved.",
        "update the source's listing_url and hosts in [sources.mofcom]; if it now redirects to "
        "another host, add that host to follow_hosts.",
    ),
    "outage": (
        "failed",
        "12 of 15 known notices checked answered 404/410 at once",
        3,
        "Many known notices answered 404 at once. This is treated as a site outage, not as "
        "withdrawals: nothing was marked removed.",
        "they stay active here until each one answers 404 in a run that is not an outage",
    ),
    "cap": (
        "partial",
        "40 more new entries than max_new_per_run (25) were left for the next run",
        25,
        "More new entries were listed than max_new_per_run allows in one run: the rest is "
        "fetched on the next runs.",
        "check that it is not a flood or a mistake (old notices shown as new, a wrong "
        "listing_url). If the new entries are legitimate, raise max_new_per_run in "
        "[sources.mofcom]",
    ),
    "unaccounted": (
        "partial",
        "listed entry ended without an outcome",
        2,
        "Listed entries ended without an outcome: the listing showed them, but they were "
        "neither recorded nor reported as failed.",
        "dualwatch runs mofcom lists the entries without an outcome.",
    ),
    "listing": (
        "failed",
        "page 2 answered 500",
        0,
        "A listing page could not be read, so the entries on it were not seen.",
        "check the source's listing_url and the spider's listing handling "
        "(crawler/spiders/mofcom.py)",
    ),
}
OUTCOME_NOTES = {
    "failed": "outcome failed: the source could not be read",
    "partial": "outcome partial: the listings were read, but some entries were not handled or "
    "a cap was hit",
}
CLOSING = (
    "dualwatch runs mofcom lists the source's recent runs and shows the latest failed run's "
    "errors and unaccounted entries; dualwatch status shows every source's health. No further "
    "alert is sent for the same kind of failure while the source keeps failing; a different "
    "kind of failure alerts again, and one notice follows when it works again."
)


def rendered_alerts(store: Store) -> list[tuple[Delivery, RenderedMessage]]:
    """Each recorded ``failing`` notice with its email, as :func:`deliver_due`
    would render it."""
    return [(m, render_health(view_of(m))) for m in health_rows(store) if m.kind == "failing"]


@pytest.mark.parametrize("kind", sorted(NEW_KINDS))
def test_each_new_failure_kind_explains_itself_in_text_and_html(scratch, kind: str) -> None:
    store, config = scratch  # alert_after_failures = 3: a listing failure waits for 3 runs
    outcome, message, notices, explanation, action = NEW_KINDS[kind]
    errors = [(kind, message)] * (2 if kind == "unaccounted" else 1)
    record(store, "ok", notices=5)
    runs = 1 if kind in health.IMMEDIATE_KINDS or kind in health.PAGE_KINDS else 3
    for _ in range(runs):
        run_id = record(store, outcome, *errors, notices=notices)
    assert kinds(store, config) == ["failing"]
    [(alert, rendered)] = rendered_alerts(store)
    assert alert.payload["failure_kind"] == kind
    suffix = "" if runs == 1 else f", {runs} failed runs"
    assert rendered.subject == f"{FAILING} ({kind}{suffix})"
    action = action.format(run_id=run_id)
    for part in (words(rendered.text), readable(rendered.html)):
        assert explanation in part, kind
        assert action in part, kind
        assert f"{kind}: {message}" in part
        assert OUTCOME_NOTES[outcome] in part
        assert CLOSING in part
        assert "while the source keeps failing; one notice follows" not in part
        assert "new kind of failure" not in part  # the episode's first alert
        for other, (*_, other_explanation, other_action) in NEW_KINDS.items():
            if other != kind:
                assert other_explanation not in part, (kind, other)
                assert other_action.format(run_id=run_id) not in part, (kind, other)
    assert "\n" not in rendered.subject


def test_a_later_alert_names_the_kinds_the_episode_already_failed_with(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    for _ in range(3):
        record(store, "failed", ("network", "timed out"))
    assert kinds(store, config) == ["failing"]
    record(store, "failed", ("exception", "KeyError: 'href'"))
    assert kinds(store, config) == ["failing"]
    record(store, "partial", ("cap", "40 more new entries than max_new_per_run"), notices=25)
    assert kinds(store, config) == ["failing"]
    first, second, third = rendered_alerts(store)
    assert [m.payload["earlier_kinds"] for m, _ in (first, second, third)] == [
        [],
        ["network"],
        ["network", "exception"],
    ]
    already = "This is a new kind of failure; this source was already failing with:"
    _, rendered = first
    assert already not in words(rendered.text) and already not in readable(rendered.html)
    for (_, rendered), earlier in ((second, "network"), (third, "network, exception")):
        for part in (words(rendered.text), readable(rendered.html)):
            assert f"{already} {earlier}." in part
    _, rendered = third
    assert rendered.subject == f"{FAILING} (cap, 5 failed runs)"
    assert "More new entries were listed than max_new_per_run" in words(rendered.text)
    assert OUTCOME_NOTES["partial"] in readable(rendered.html)
    assert "<b>partial</b>" in rendered.html

    view = view_of(third[0])
    hostile = replace(view, earlier_kinds=("<b>x</b>", 'a"&'), failure_kind="<i>k</i>")
    page = render_health(hostile).html
    assert "<b>x</b>" not in page and "<i>k</i>" not in page
    assert f"{already} &lt;b&gt;x&lt;/b&gt;, a&#34;&amp;." in page


def test_health_subject_stays_short_and_on_one_header_line(scratch) -> None:
    store, config = scratch
    record(store, "ok", notices=5)
    record(store, "failed", ("exception", "KeyError"))
    assert kinds(store, config) == ["failing"]
    [(alert, _)] = rendered_alerts(store)
    view = view_of(alert)
    odd = replace(
        view,
        source="s" * 200,
        failure_kind="layout\r\nBcc: evil@example.org\x00" + "k" * 100,
        consecutive=12345,
    )
    rendered = render_health(odd)
    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    assert "\x00" not in rendered.subject and len(rendered.subject) <= 120
    assert rendered.subject.startswith("[dualwatch] SOURCE FAILING: sss")
    assert rendered.subject.endswith(", 12345 failed runs)")
    message = build_email(
        rendered, sender="dw@example.org", recipient=OPERATOR, message_id="<x@example.org>"
    )
    assert message["Bcc"] is None and message["To"] == OPERATOR
    recovered = render_health(replace(odd, kind="recovered"))
    assert recovered.subject == "[dualwatch] recovered: " + "s" * 39 + "…"
