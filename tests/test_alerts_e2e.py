"""Alerts end to end: replica → crawl → rules → templated email → a real SMTP server.

Each relevant new or modified notice reaches each subscribed recipient once; irrelevant ones
only appear in digests; noise produces nothing; an SMTP outage loses nothing and delivers
exactly once when the server is back; 4xx is retried, 5xx recorded as failed; a removed
notice served again is mailed as restored.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitors.changes import detect
from monitors.core.config import load_config
from monitors.storage.ledger import Ledger
from monitors.storage.models import FetchedNotice
from monitors.storage.store import Store
from monitors.tasks import send_digests
from tests.conftest import CORE, REPLICA_CONFIG, Dualwatch
from tests.smtp_server import SmtpServer, free_port


def mail_config(path: Path, port: int, subscriptions: str) -> Path:
    """A replica config sending through SMTP on 127.0.0.1:port to these subscriptions."""
    path.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        "[mail]\nretry_base_seconds = 0\nretry_max_seconds = 0\n"
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = 5\n'
        + subscriptions,
        encoding="utf-8",
    )
    return path


EVERYONE = """
[[subscriptions]]
name = "all"
email = "all@example.org"
digest = "none"

[[subscriptions]]
name = "rare"
email = "rare@example.org"
topics = ["rare-earths", "entity-lists"]
digest = "none"

[[subscriptions]]
name = "digest-only"
email = "digest@example.org"
immediate = false
digest = "daily"
timezone = "Asia/Tokyo"
"""


def changes(dw: Dualwatch) -> list[dict]:
    return [json.loads(line) for line in dw.run("changes", "--json").stdout.splitlines()]


def topics_of(dw: Dualwatch) -> dict[int, set[str]]:
    with Store.open(dw.home / "dualwatch.db") as store:
        ledger = Ledger(store)
        return {c["id"]: {m.topic for m in ledger.matches_of(c["id"])} for c in changes(dw)}


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


def test_relevant_changes_mail_each_subscriber_once(dualwatch: Dualwatch, smtp: SmtpServer) -> None:
    dualwatch.config_path = mail_config(dualwatch.home.parent / "m.toml", smtp.port, EVERYONE)
    dualwatch.run("crawl", *CORE)
    assert smtp.received == []
    dualwatch.replica.set_state(2)
    result = dualwatch.run("crawl", *CORE)
    assert "delivered" in result.stdout and "SMTP 127.0.0.1" in result.stdout
    topics = topics_of(dualwatch)
    relevant = {cid for cid, found in topics.items() if found}
    irrelevant = set(topics) - relevant
    assert relevant and irrelevant, "the replica timeline has both kinds of change"
    by_recipient = Counter(r.message()["To"] for r in smtp.received)
    assert by_recipient["all@example.org"] == len(relevant)
    rare = {cid for cid, found in topics.items() if found & {"rare-earths", "entity-lists"}}
    assert by_recipient["rare@example.org"] == len(rare)
    assert by_recipient["digest@example.org"] == 0
    ids = [r.message()["Message-ID"] for r in smtp.received]
    assert len(ids) == len(set(ids))
    titles = {c["id"]: c["title"] for c in changes(dualwatch)}
    subjects = [r.message()["Subject"] for r in smtp.received]
    for cid in irrelevant:
        assert not any(titles[cid] in s for s in subjects), titles[cid]
    japan = [s for s in subjects if "关于加强两用物项对日本出口管制的公告" in s]
    assert japan and all("商务部公告2026年第1号 关于" in s for s in japan)  # CJK + space intact
    message = smtp.received[0].message()
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]

    received = len(smtp.received)
    dualwatch.replica.set_state(3)
    dualwatch.run("crawl", *CORE)
    dualwatch.run("send")
    assert len(smtp.received) == received, "noise and re-sends must produce nothing"


def test_smtp_outage_loses_nothing_and_delivers_once(dualwatch: Dualwatch) -> None:
    port = free_port()
    dualwatch.config_path = mail_config(dualwatch.home.parent / "m.toml", port, EVERYONE)
    dualwatch.run("crawl", *CORE)
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", *CORE)  # the crawl itself succeeds; delivery waits
    pending = dualwatch.run("alerts", "--pending").stdout
    assert "retry" in pending and "all@example.org" in pending
    assert dualwatch.run("send", check=1).returncode == 1
    with SmtpServer(port=port) as server:
        dualwatch.run("send")
        first = [r.message()["Message-ID"] for r in server.received]
        dualwatch.run("send")
        assert [r.message()["Message-ID"] for r in server.received] == first
    assert first and len(first) == len(set(first))
    assert "retry" not in dualwatch.run("alerts", "--pending").stdout


def test_temporary_refusal_is_retried_and_permanent_refusal_recorded(
    dualwatch: Dualwatch, smtp: SmtpServer
) -> None:
    subscriptions = '[[subscriptions]]\nname = "all"\nemail = "all@example.org"\n'
    dualwatch.config_path = mail_config(dualwatch.home.parent / "m.toml", smtp.port, subscriptions)
    dualwatch.run("crawl", *CORE)
    dualwatch.replica.set_state(2)
    smtp.handler.script("RCPT", "451 4.3.0 try later", "550 5.1.1 mailbox unavailable")
    result = dualwatch.run("crawl", *CORE)
    assert "will be retried" in result.stdout and "FAILED permanently" in result.stdout
    listed = dualwatch.run("alerts").stdout
    assert "failed" in listed and "550" in listed
    dualwatch.run("send")  # the 451 one goes through now; the 550 one stays failed
    with Store.open(dualwatch.home / "dualwatch.db") as store:
        statuses = Counter(d.status for d in Ledger(store).listing("alerts"))
    assert statuses["failed"] == 1 and statuses["retry"] == 0 and statuses["sent"] >= 1


def test_digest_lists_relevant_and_irrelevant_changes_once(
    dualwatch: Dualwatch, smtp: SmtpServer
) -> None:
    dualwatch.config_path = mail_config(dualwatch.home.parent / "m.toml", smtp.port, EVERYONE)
    dualwatch.run("crawl", *CORE)
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", *CORE, "--no-send")
    config = load_config(dualwatch.config_path, home=dualwatch.home, connect_to="")
    tomorrow = datetime.now(UTC) + timedelta(days=1, hours=12)
    with Store.open(config.db_path) as store:
        send_digests(store, config, "digest-only", now=tomorrow)
        send_digests(store, config, "digest-only", now=tomorrow)  # same period: no second one
    [digest] = [r.message() for r in smtp.received if r.message()["To"] == "digest@example.org"]
    text = digest.get_body(("plain",)).get_content()
    for change in changes(dualwatch):
        assert change["title"][:20] in text, change["title"]
    assert "<script" not in digest.get_body(("html",)).get_content().lower()


def test_restored_notice_alerts_its_subscribers_again(
    dualwatch: Dualwatch, smtp: SmtpServer
) -> None:
    """A notice removed (404) and then served again is a `restored` change: matched on its
    whole text like a new one, mailed as "Restored: …" once, listed by `dualwatch changes`."""
    dualwatch.config_path = mail_config(dualwatch.home.parent / "m.toml", smtp.port, EVERYONE)
    dualwatch.run("crawl", *CORE)  # baseline: nothing mailed
    with Store.open(dualwatch.home / "dualwatch.db") as store:
        row = store.row(
            "SELECT n.id, n.source, n.url FROM notices n JOIN versions v "
            "ON v.id = n.current_version_id WHERE v.text LIKE '%两用物项%' ORDER BY n.id LIMIT 1"
        )
        notice = store.find_notice(str(row["id"]))
        version = store.get_version(notice.current_version_id)
        detect.record_gone(store, notice.source, notice.url, run_id=None, status=404)
        served = FetchedNotice(
            source=notice.source,
            url=notice.url,
            title=version.title,
            text=version.text,
            raw_html=store.raw_html(version.id),
            doc_number=notice.doc_number,
            issuer=notice.issuer,
            attachments=version.attachments,
            metadata=version.metadata,
        )
        outcome = detect.record_fetch(store, served, run_id=None, baseline=False)
    assert outcome.kind == "restored"
    dualwatch.run("send")
    dualwatch.run("send")  # nothing twice
    [restored] = [c for c in changes(dualwatch) if c["kind"] == "restored"]
    assert restored["id"] == outcome.change_id and restored["url"] == notice.url
    assert "restored" in dualwatch.run("changes").stdout
    assert "dual-use" in topics_of(dualwatch)[outcome.change_id]
    mails = [r.message() for r in smtp.received if r.message()["To"] == "all@example.org"]
    [mail] = [m for m in mails if "Restored: " in m["Subject"]]
    assert mail["Subject"].startswith("[dualwatch][dual-use] Restored: ")
    text = mail.get_body(("plain",)).get_content()
    assert "reported removed or delisted on " in text and "Its content is the same" in text
    kinds = sorted(m["Subject"].split("] ", 1)[1].split(":", 1)[0] for m in mails)
    assert kinds == ["Removed", "Restored"]  # the baseline alerted nobody; each change once


FOLLOWERS = """
[[subscriptions]]
name = "follows"
email = "follows@example.org"
topics = ["dual-use"]
sources = ["mofcom-bis"]

[[subscriptions]]
name = "other-topic"
email = "other@example.org"
topics = ["rare-earths"]

[[subscriptions]]
name = "no-follow"
email = "nofollow@example.org"
topics = ["dual-use"]
follow_revisions = false
"""


def test_followed_document_alerts_its_irrelevant_revision_threaded(
    dualwatch: Dualwatch, smtp: SmtpServer
) -> None:
    """2026 No. 1 (new in state 2 on aqygzj) alerts the dual-use subscribers; its state-4
    correction (a contact address: no topic) is alerted, threaded under the first alert, only
    to the subscriber who was alerted about the document and follows revisions."""
    dualwatch.config_path = mail_config(dualwatch.home.parent / "m.toml", smtp.port, FOLLOWERS)
    for state in (1, 2, 4):
        dualwatch.replica.set_state(state)
        dualwatch.run("crawl", "mofcom-bis")
    dualwatch.run("send")  # nothing twice
    japan = [c for c in changes(dualwatch) if "2026年第1号 关于加强两用物项" in c["title"]]
    [new] = [c for c in japan if c["kind"] == "new"]
    [revision] = [c for c in japan if c["kind"] == "modified"]
    assert revision["url"] == new["url"] and "aqygzj" in revision["url"]
    topics = topics_of(dualwatch)
    assert "dual-use" in topics[new["id"]] and "rare-earths" not in topics[new["id"]]
    assert topics[revision["id"]] == set(), "the correction itself is irrelevant"

    def about(change: dict, to: str) -> list:
        return [
            r.message()
            for r in smtp.received
            if r.message()["To"] == to and f".change-{change['id']}." in r.message()["Message-ID"]
        ]

    [first] = about(new, "follows@example.org")
    [followed] = about(revision, "follows@example.org")
    assert followed["In-Reply-To"] == first["Message-ID"]
    assert first["Message-ID"] in followed["References"]
    text = followed.get_body(("plain",)).get_content()
    assert "Why this alert" in text
    assert "You were alerted about this document on 20" in text
    assert "this is a revision of it" in text
    assert "联系地址已更正" in text  # what changed is shown as usual
    html = followed.get_body(("html",)).get_content()
    assert "You were alerted about this document on 20" in html
    assert "You were alerted about" not in first.get_body(("plain",)).get_content()
    assert about(new, "other@example.org") == about(revision, "other@example.org") == []
    assert len(about(new, "nofollow@example.org")) == 1
    assert about(revision, "nofollow@example.org") == [], "follow_revisions = false"
