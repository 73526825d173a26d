"""One alert per document per crawl, end to end: replica → crawl → rules → a real SMTP server.

In state 2 the replica revises MOFCOM 2025 No. 85 on the Chinese site and on the English
site (the effective date moves in both), and publishes 2026 No. 1 in both languages. Crawled
together (one batch), each document is one alert per recipient, headlined in the
subscription's ``language`` (default: the original, Chinese), with the other copy's change
inside; the other copy's ledger row is ``merged`` into it and never sent by itself.
"""

from __future__ import annotations

from collections import defaultdict
from email.message import EmailMessage
from pathlib import Path

import pytest

from monitors.storage.ledger import ALERTS, Ledger
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, ROOT, Dualwatch
from tests.smtp_server import SmtpServer

#: The bundled rules plus a topic the 2025 No. 85 revision matches in both languages.
LICENCES = """
[topics.licences-test]
title = "Export licences"
priority = 50
any = ["出口许可证", "export licence"]
"""

SUBSCRIPTIONS = """
[[subscriptions]]
name = "original"
email = "original@example.org"

[[subscriptions]]
name = "english"
email = "english@example.org"
language = "en"

[[subscriptions]]
name = "chinese-site-only"
email = "zh-only@example.org"
sources = ["mofcom"]
"""

SOURCES = ("mofcom", "mofcom-bis", "mofcom-en")


def write_config(directory: Path, port: int) -> Path:
    """A replica config with its own rules file, mailing through 127.0.0.1:port."""
    bundled = (ROOT / "config" / "rules.toml").read_text(encoding="utf-8")
    (directory / "rules.toml").write_text(bundled + LICENCES, encoding="utf-8")
    path = directory / "groups.toml"
    path.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        '[dualwatch]\nrules = "rules.toml"\n'
        "[mail]\nretry_base_seconds = 0\nretry_max_seconds = 0\n"
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\ntimeout = 5\n'
        + SUBSCRIPTIONS,
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[EmailMessage]]]:
    """States 1 and 2 crawled (both sources in one command each); the mail each received."""
    from tests.replica import Replica

    directory = tmp_path_factory.mktemp("groups")
    with SmtpServer() as smtp, Replica(port=0, state=1) as replica:
        dw = Dualwatch(home=directory / "home", replica=replica)
        dw.config_path = write_config(directory, smtp.port)
        dw.run("crawl", *SOURCES)
        assert smtp.received == [], "a baseline alerts no one"
        replica.set_state(2)
        dw.run("crawl", *SOURCES)
        dw.run("send")  # nothing is sent twice
        mailboxes: dict[str, list[EmailMessage]] = defaultdict(list)
        for received in smtp.received:
            message = received.message()
            mailboxes[str(message["To"])].append(message)
        listing = dw.run("alerts").stdout
    return dw.home / "dualwatch.db", {**mailboxes, "alerts-listing": listing}  # type: ignore[dict-item]


def about(messages: list[EmailMessage], *markers: str) -> list[EmailMessage]:
    """The messages whose plain text contains one of ``markers``."""
    return [m for m in messages if any(k in m.get_body(("plain",)).get_content() for k in markers)]


def test_zh_and_en_revisions_in_one_crawl_are_one_alert(crawled) -> None:
    _, mail = crawled
    for recipient in ("original@example.org", "english@example.org"):
        [licence] = about(mail[recipient], "2026年1月15日", "January 15, 2026")
        text = licence.get_body(("plain",)).get_content()
        assert "2026年1月15日" in text and "January 15, 2026" in text, "both copies' diffs"
        assert "Other copies changed in this crawl" in text
        html = licence.get_body(("html",)).get_content()
        assert "Other copies changed in this crawl" in html and "January 15, 2026" in html


def test_headline_in_the_subscribers_language(crawled) -> None:
    _, mail = crawled
    [original] = about(mail["original@example.org"], "2026年1月15日")
    [english] = about(mail["english@example.org"], "January 15, 2026")
    assert "2025年第85号" in original["Subject"]
    assert "Announcement No. 85" in english["Subject"]
    assert "出口许可证管理货物目录" not in english["Subject"]


def test_new_document_in_two_languages_is_one_alert(crawled) -> None:
    """2026 No. 1: new on aqygzj (Chinese) and on the English site in the same crawl."""
    _, mail = crawled
    headline = {"original@example.org": "2026年第1号", "english@example.org": "No. 1 of 2026"}
    for recipient, number in headline.items():
        subjects = [str(m["Subject"]) for m in mail[recipient]]
        both = [
            m
            for m in mail[recipient]
            if "2026年第1号" in m["Subject"] or "No. 1 of 2026" in m["Subject"]
        ]
        assert [number in m["Subject"] for m in both] == [True], subjects
        text = both[0].get_body(("plain",)).get_content()
        assert "Other copies changed in this crawl" in text
        assert "New (English)" in text or "New (Chinese)" in text


def test_a_copy_outside_the_subscriptions_sources_is_not_merged(crawled) -> None:
    _, mail = crawled
    [licence] = about(mail["zh-only@example.org"], "2026年1月15日")
    text = licence.get_body(("plain",)).get_content()
    assert "January 15, 2026" not in text and "Other copies changed" not in text


def test_merged_rows_are_recorded_and_never_sent(crawled) -> None:
    db, mail = crawled
    with Store.open(db) as store:
        rows = Ledger(store).listing(ALERTS)
    merged = [r for r in rows if r.status == "merged"]
    assert merged, "the other copies are recorded as merged"
    by_id = {r.id: r for r in rows}
    for row in merged:
        parent = by_id[row.merged_into]  # type: ignore[index]
        assert parent.status == "sent" and parent.recipient == row.recipient
        assert row.attempts == 0 and row.sent_at is None
    sent = [r for r in rows if r.status == "sent"]
    assert len(sent) == sum(len(v) for k, v in mail.items() if "@" in k)
    assert "merged" in mail["alerts-listing"]
