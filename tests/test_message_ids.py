"""Message-IDs unique across installations and stable per ledger row; threading headers only
towards messages the recipient was actually sent.

Real SQLite stores in temporary data directories; delivery through the real ledger pass
(:func:`monitors.mail.dispatch.deliver_due`) to the real aiosmtpd server of
``tests/smtp_server.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlite_utils import Database

from monitors.changes import detect
from monitors.core.config import Config, load_config
from monitors.mail.dispatch import deliver_due, make_transport
from monitors.ops import health
from monitors.storage.ledger import ALERTS, DIGESTS, HEALTH, Delivery, Ledger
from monitors.storage.migrations import migrations
from monitors.storage.models import FetchedNotice, RunStats
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG
from tests.smtp_server import SmtpServer
from tests.test_health import FIXED, record

URL = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_0001.html"
OPERATOR = "ops@example.org"
NEW_FORM = re.compile(
    r"<dualwatch\.(alert|digest|health)-\d+\.[a-z0-9-]+\.(?P<installation>[0-9a-f]{32})"
    r"@dualwatch\.local>"
)


def notice(text: str) -> FetchedNotice:
    return FetchedNotice(
        source="mofcom",
        url=URL,
        title="商务部公告2026年第1号 关于两用物项出口管制的公告",
        text=text,
        raw_html=f"<html>{text}</html>".encode(),
        doc_number="商务部公告2026年第1号",
    )


def change(store: Store, text: str) -> int:
    """Record a version of the one notice; the id of the change it makes."""
    outcome = detect.record_fetch(store, notice(text), run_id=None, baseline=False)
    assert outcome.change_id is not None
    return outcome.change_id


def fresh_store(home: Path) -> Store:
    store = Store.open(home / "dualwatch.db")
    store.ensure_source("mofcom", "MOFCOM", "mofcom")
    return store


def queue_everything(store: Store) -> list[str]:
    """The same sequence of alerts, a digest and health notices in any store; their
    Message-IDs in ledger order."""
    ledger = Ledger(store)
    first = change(store, "第一条 禁止出口。")
    second = change(store, "第一条 禁止出口。第二条 自公布之日起施行。")
    for change_id in (first, second):
        for recipient in ("a@example.org", "b@example.org"):
            assert ledger.queue_alert(change_id, "s", recipient, "dualwatch.local")
    ledger.open_digest(
        "s", "a@example.org", "daily", "2026-01-04T00:00:00+00:00", "2026-01-05T00:00:00+00:00",
        2, "dualwatch.local",
    )  # fmt: skip
    for kind in ("failing", "recovered"):
        run_id = store.start_run("mofcom", None, baseline=False)
        store.finish_run(run_id, "failed", RunStats(), "message")
        ledger.queue_health(
            "mofcom", kind, run_id, thread=None, payload={}, recipient=OPERATOR,
            domain="dualwatch.local", now="2026-01-05T09:30:00+00:00",
        )  # fmt: skip
    return [d.message_id for table in (ALERTS, DIGESTS, HEALTH) for d in ledger.listing(table)]


def test_two_installations_never_share_a_message_id(tmp_path: Path) -> None:
    with fresh_store(tmp_path / "one") as one, fresh_store(tmp_path / "two") as two:
        ids_one, ids_two = queue_everything(one), queue_everything(two)
        installations = (one.installation_id(), two.installation_id())
    assert len(ids_one) == len(ids_two) == 7
    assert len(set(ids_one)) == len(ids_one) and len(set(ids_two)) == len(ids_two)
    assert not set(ids_one) & set(ids_two)
    assert installations[0] != installations[1]
    for ids, installation in zip((ids_one, ids_two), installations, strict=True):
        for message_id in ids:
            match = NEW_FORM.fullmatch(message_id)
            assert match and match["installation"] == installation, message_id
    # the same sequence gives the same readable part: only the installation differs
    assert [i.replace(installations[0], "X") for i in ids_one] == [
        i.replace(installations[1], "X") for i in ids_two
    ]
    assert ids_one[0] == f"<dualwatch.alert-1.change-1.{installations[0]}@dualwatch.local>"


def test_installation_id_and_message_ids_survive_a_restart(tmp_path: Path) -> None:
    with fresh_store(tmp_path) as store:
        installation = store.installation_id()
        ids = queue_everything(store)
    assert re.fullmatch(r"[0-9a-f]{32}", installation)
    with Store.open(tmp_path / "dualwatch.db") as again:
        assert again.installation_id() == installation
        ledger = Ledger(again)
        assert [d.message_id for t in (ALERTS, DIGESTS, HEALTH) for d in ledger.listing(t)] == ids
        third = change(again, "第一条 禁止出口。第二条 自公布之日起施行。第三条 附则。")
        assert ledger.queue_alert(third, "s", "a@example.org", "dualwatch.local")
        newest = ledger.listing(ALERTS)[-1].message_id
    assert newest == f"<dualwatch.alert-5.change-{third}.{installation}@dualwatch.local>"


def test_a_store_from_before_installation_ids_keeps_its_message_ids(tmp_path: Path) -> None:
    """A data directory made before m009: it gains an installation id; a row queued then
    keeps its Message-ID (a resend must not change it) and is sent with it; new rows get
    the new form."""
    path = tmp_path / "dualwatch.db"
    old_db = Database(path)
    migrations.apply(old_db, stop_before="m009_installation")
    assert not old_db["installation"].exists()
    old = Store(old_db, path)
    old.ensure_source("mofcom", "MOFCOM", "mofcom")
    first = change(old, "第一条 禁止出口。")
    old_id = f"<dualwatch.alert-1.change-{first}@dualwatch.local>"  # as the old code wrote it
    old_db["alerts"].insert(
        {"change_id": first, "subscription": "s", "recipient": "a@example.org",
         "message_id": old_id, "status": "pending", "attempts": 0,
         "created_at": "2026-01-05T09:30:00+00:00"}
    )  # fmt: skip
    old.close()

    with SmtpServer() as smtp, Store.open(path) as store:
        installation = store.installation_id()
        assert re.fullmatch(r"[0-9a-f]{32}", installation)
        ledger = Ledger(store)
        assert ledger.queue_alert(first, "s", "b@example.org", "dualwatch.local")
        old_row, new_row = ledger.listing(ALERTS)
        assert old_row.message_id == old_id
        assert new_row.message_id == (
            f"<dualwatch.alert-2.change-{first}.{installation}@dualwatch.local>"
        )
        deliver(store, smtp_config(tmp_path, smtp.port))
        sent = {m["To"]: m["Message-ID"] for m in received(smtp)}
    assert sent == {"a@example.org": old_id, "b@example.org": new_row.message_id}
    with Store.open(path) as again:
        assert again.installation_id() == installation


# -- threading ----------------------------------------------------------------------------


def smtp_config(home: Path, port: int) -> Config:
    """The replica config sending through the test SMTP server, with an operator."""
    path = home / "mail.toml"
    path.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        f'[mail]\noperator = "{OPERATOR}"\nretry_base_seconds = 0\nretry_max_seconds = 0\n'
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = 5\n',
        encoding="utf-8",
    )
    return load_config(path, home=home, connect_to="")


def received(smtp: SmtpServer) -> list[EmailMessage]:
    return [r.message() for r in smtp.received]


def threading(message: EmailMessage) -> tuple[str | None, str | None]:
    return message["In-Reply-To"], message["References"]


@pytest.fixture
def mailing(tmp_path: Path) -> Iterator[tuple[Store, Config, SmtpServer]]:
    with SmtpServer() as smtp, fresh_store(tmp_path) as store:
        yield store, smtp_config(tmp_path, smtp.port), smtp


def deliver(store: Store, config: Config) -> None:
    transport = make_transport(config)
    try:
        deliver_due(store, config, transport)
    finally:
        transport.close()


def alert_row(store: Store, change_id: int, recipient: str) -> Delivery:
    return next(
        d
        for d in Ledger(store).listing(ALERTS)
        if d.change_id == change_id and d.recipient == recipient
    )


def test_alerts_thread_only_under_an_alert_their_recipient_was_sent(mailing) -> None:
    store, config, smtp = mailing
    ledger = Ledger(store)
    first = change(store, "第一条 禁止出口。")
    ledger.queue_alert(first, "s", "a@example.org", "dualwatch.local")
    smtp.handler.script("RCPT", "550 5.1.1 mailbox unavailable")
    deliver(store, config)
    assert alert_row(store, first, "a@example.org").status == "failed"
    assert smtp.received == []

    second = change(store, "第一条 禁止出口。第二条 自公布之日起施行。")
    for recipient in ("a@example.org", "b@example.org"):
        ledger.queue_alert(second, "s", recipient, "dualwatch.local")
    deliver(store, config)
    mails = {m["To"]: m for m in received(smtp)}
    assert set(mails) == {"a@example.org", "b@example.org"}
    for mail in mails.values():  # the first alert never reached a@; b@ never had one
        assert threading(mail) == (None, None), mail["To"]

    third = change(store, "第一条 禁止出口。第二条 自公布之日起施行。第三条 附则。")
    ledger.queue_alert(third, "s", "a@example.org", "dualwatch.local")
    ledger.queue_alert(third, "s", "c@example.org", "dualwatch.local")
    deliver(store, config)
    later = {m["To"]: m for m in received(smtp)[2:]}
    root = alert_row(store, second, "a@example.org")
    assert root.status == "sent"
    assert threading(later["a@example.org"]) == (root.message_id, root.message_id)
    assert threading(later["c@example.org"]) == (None, None), "c@ was sent nothing before"


def test_health_notices_answer_the_first_alert_only_when_it_was_sent(mailing) -> None:
    """The episode's first alert is refused (550): the alert about a new kind of failure and
    the recovery notice (sent because that later alert was delivered) answer nothing."""
    store, config, smtp = mailing
    record(store, "blocked", ("blocked", "HTTP 403"))
    assert [e.kind for e in health.update(store, config, now=FIXED)] == ["failing"]
    smtp.handler.script("RCPT", "550 5.1.1 mailbox unavailable")
    deliver(store, config)
    [first] = Ledger(store).listing(HEALTH)
    assert first.status == "failed" and smtp.received == []

    record(store, "failed", ("layout", "no 'ul.txtList_01'"))
    assert [e.kind for e in health.update(store, config, now=FIXED)] == ["failing"]
    deliver(store, config)
    record(store, "ok", notices=5)
    assert [e.kind for e in health.update(store, config, now=FIXED)] == ["recovered"]
    deliver(store, config)

    rows = Ledger(store).listing(HEALTH)
    assert [(r.kind, r.status, r.thread) for r in rows] == [
        ("failing", "failed", None),
        ("failing", "sent", first.message_id),
        ("recovered", "sent", first.message_id),
    ]
    mails = received(smtp)
    assert [m["Message-ID"] for m in mails] == [rows[1].message_id, rows[2].message_id]
    for mail in mails:
        assert threading(mail) == (None, None), mail["Subject"]


def test_health_notices_answer_the_first_alert_sent_to_this_operator(mailing) -> None:
    store, config, smtp = mailing
    record(store, "blocked", ("blocked", "HTTP 403"))
    health.update(store, config, now=FIXED)
    deliver(store, config)
    record(store, "ok", notices=5)
    health.update(store, config, now=FIXED)
    deliver(store, config)
    alert, recovery = received(smtp)
    assert threading(alert) == (None, None)
    assert threading(recovery) == (alert["Message-ID"], alert["Message-ID"])
