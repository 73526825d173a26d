"""RFC 5322 messages: multipart parts, CJK headers, scraped text kept out of headers, and
threading headers only towards a parent the recipient was sent."""

from __future__ import annotations

import email
import email.policy

import pytest

from monitors.mail.emailrender import RenderedMessage
from monitors.mail.messages import build_email, header_safe, reply_headers
from monitors.storage.ledger import ALERTS, Delivery

HOSTILE = "商务部公告<script>alert(1)</script>\r\nBcc: victim@example.com"


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def rendered(subject: str) -> RenderedMessage:
    return RenderedMessage(subject=subject, text="两用物项出口管制。\n", html="<p>两用物项</p>")


def row(message_id: str, recipient: str = "a@example.org", status: str = "sent") -> Delivery:
    """A ledger row as the parent of a message."""
    return Delivery(
        id=1,
        table=ALERTS,
        subscription="all",
        recipient=recipient,
        message_id=message_id,
        status=status,
        attempts=1,
        next_attempt_at=None,
        last_error=None,
        created_at="2026-01-05T09:30:00+00:00",
        sent_at="2026-01-05T09:30:01+00:00" if status == "sent" else None,
    )


def test_multipart_alternative_with_utf8_parts() -> None:
    message = parsed(build_email(rendered("[dualwatch] New: 商务部公告2026年第1号"),
                                 sender="dualwatch <dw@example.org>", recipient="a@example.org",
                                 message_id="<m1@x>", parent=row("<t1@x>")))  # fmt: skip
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert plain.get_content() == "两用物项出口管制。\n"
    assert "两用物项" in html.get_content()
    assert message["Subject"] == "[dualwatch] New: 商务部公告2026年第1号"
    assert (message["Message-ID"], message["In-Reply-To"], message["References"]) == (
        "<m1@x>", "<t1@x>", "<t1@x>",
    )  # fmt: skip


def test_raw_message_is_ascii_with_encoded_cjk_subject() -> None:
    raw = build_email(rendered("[dualwatch] New: 関于 両用品目"), sender="dw@example.org",
                      recipient="a@example.org", message_id="<m@x>").as_bytes()  # fmt: skip
    assert raw.isascii()
    assert b"=?utf-8?" in raw.lower()


def test_scraped_title_cannot_add_a_header() -> None:
    message = parsed(build_email(rendered(HOSTILE), sender="dw@example.org",
                                 recipient="a@example.org", message_id="<m@x>"))  # fmt: skip
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Subject"].startswith("商务部公告<script>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a\r\nb", "a b"), ("a\u2028b\x00c", "a b c"), ("x" * 300, "x" * 179 + "…")],
)
def test_header_safe(text: str, expected: str) -> None:
    assert header_safe(text) == expected


def test_only_a_parent_sent_to_the_same_recipient_is_answered() -> None:
    answered = {"In-Reply-To": "<t1@x>", "References": "<t1@x>"}
    assert reply_headers(row("<t1@x>"), "a@example.org") == answered
    assert reply_headers(row("<t1@x>", recipient="A@Example.org "), "a@example.org") == answered
    assert reply_headers(None, "a@example.org") == {}
    for status in ("pending", "retry", "failed", "skipped"):
        assert reply_headers(row("<t1@x>", status=status), "a@example.org") == {}, status
    assert reply_headers(row("<t1@x>", recipient="b@example.org"), "a@example.org") == {}
    assert reply_headers(row("<t1@x>", recipient=""), "a@example.org") == {}


def test_a_parent_never_sent_leaves_no_threading_headers() -> None:
    never_sent = row("<t@x>", status="failed")
    message = parsed(build_email(rendered("x"), sender="dw@example.org", recipient="a@example.org",
                                 message_id="<m@x>", parent=never_sent))  # fmt: skip
    assert message["Message-ID"] == "<m@x>"
    assert (message["In-Reply-To"], message["References"]) == (None, None)
