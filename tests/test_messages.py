"""Alert messages in the Maildir outbox: headers safe from scraped text, CJK intact, once each."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from monitors import detect
from monitors.config import load_config
from monitors.messages import header_safe
from monitors.models import FetchedNotice
from monitors.outbox import deliver_pending
from monitors.store import Store
from tests.conftest import REPLICA_CONFIG

HOSTILE_TITLE = "商务部公告<script>alert(1)</script>\r\nBcc: victim@example.com"


@pytest.fixture
def setup(tmp_path: Path):
    config = load_config(REPLICA_CONFIG, home=tmp_path, connect_to="")
    store = Store.open(config.db_path)
    store.ensure_source("mofcom", "MOFCOM", "mofcom")
    yield config, store
    store.close()


def record(store: Store, title: str, text: str = "两用物项出口管制。") -> None:
    fetched = FetchedNotice(source="mofcom", url="https://www.mofcom.gov.cn/a.html", title=title,
                            text=text, raw_html=b"<html/>")  # fmt: skip
    detect.record_fetch(store, fetched, run_id=None, baseline=False)


def read_outbox(config) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((config.outbox_path / "new").iterdir())
    ]


def test_scraped_title_cannot_inject_headers(setup) -> None:
    config, store = setup
    record(store, HOSTILE_TITLE)
    [delivery] = deliver_pending(store, config)
    [message] = read_outbox(config)
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"].startswith("[dualwatch] New: 商务部公告<script>")
    assert message["To"] == config.mail.recipients[0]
    assert delivery.path.exists()


def test_cjk_subject_and_body_round_trip(setup) -> None:
    config, store = setup
    record(store, "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告")
    deliver_pending(store, config)
    [message] = read_outbox(config)
    raw = next((config.outbox_path / "new").iterdir()).read_bytes()
    assert raw.isascii(), "headers and body must be MIME-encoded"
    assert (
        message["Subject"]
        == "[dualwatch] New: 商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告"
    )
    assert "两用物项出口管制。" in message.get_content()
    assert message.get_content_charset() == "utf-8"


def test_each_change_is_written_once_per_recipient(setup) -> None:
    config, store = setup
    record(store, "公告一")
    assert len(deliver_pending(store, config)) == 1
    assert deliver_pending(store, config) == []
    record(store, "公告一", text="修订后的正文。")
    assert len(deliver_pending(store, config)) == 1
    messages = read_outbox(config)
    assert len(messages) == 2
    ids = {m["Message-ID"] for m in messages}
    assert len(ids) == 2
    assert {m["References"] for m in messages} == {messages[0]["References"]}  # one thread


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a b"),
        ("a\u2028b\x00c", "a b c"),
        ("x" * 300, "x" * 179 + "…"),
    ],
)
def test_header_safe(text: str, expected: str) -> None:
    assert header_safe(text) == expected
