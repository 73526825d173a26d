"""Chat and push messages (Slack, Teams, Telegram, ntfy, a JSON webhook…) through Apprise.

A subscription's ``notify`` URLs are delivery targets beside its email address. Each target
is a recipient in the alert ledger (``notify:<url as configured>``), so a change is queued
once per target, retried with the same backoff as email and shown by `dualwatch alerts`
(:mod:`monitors.changes.alerts`, :mod:`monitors.mail.dispatch`).

Secrets never live in the configuration file or the database: a URL names them as
``${VARIABLE}`` and they are read from the environment when a message is sent; validation
(:func:`monitors.mail.pushurls.notify_url_problem`) refuses a URL that would carry a token
or password literally. What Apprise logs about a failure is kept as the row's error, with
every secret value replaced by ``***``.

Messages are short: the alert's subject as title; kind, source, number, dates, topics, what
changed, the official page and the bulletin page as body (``templates/push/alert.txt``),
plain text, scraped parts cleaned of control and bidi characters.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

from monitors.mail.emailrender import email_environment, safe_url
from monitors.mail.emailviews import AlertView
from monitors.mail.mailer import DeliveryResult
from monitors.mail.messages import header_safe
from monitors.mail.pushurls import NOTIFY_PREFIX, PLACEHOLDER
from monitors.mail.safetext import clean_view

TITLE_MAX = 250
BODY_MAX = 1500
_DEFANG = str.maketrans({"<": "‹", ">": "›", "@": "＠"})
_HTTP_CODE = re.compile(r"error=(\d{3})")
#: Answers that will not change by asking again (bad token, unknown channel, bad request).
_PERMANENT = frozenset({400, 401, 403, 404, 410, 413, 422})


@dataclass(frozen=True)
class PushMessage:
    """A short chat message: a one-line title and a plain-text body."""

    title: str
    body: str


def expand(template: str, environ: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    """``template`` with each ``${VARIABLE}`` replaced by its URL-encoded value from
    ``environ`` (a ``/``, ``@`` or ``#`` in a token cannot send the request elsewhere), and
    every form of every value put in (raw and encoded: to keep out of logs and errors).
    KeyError naming the first variable that is not set."""
    secrets: list[str] = []

    def value(match: re.Match[str]) -> str:
        found = environ.get(match.group(1))
        if not found:
            raise KeyError(match.group(1))
        encoded = quote(found, safe="")
        secrets.extend((found, encoded))
        return encoded

    return PLACEHOLDER.sub(value, template), tuple(dict.fromkeys(secrets))


def push_message(view: AlertView) -> PushMessage:
    """The chat message of an alert: its email subject as title, the short body of
    ``templates/push/alert.txt``, then the official page and the document's bulletin page
    (when published) — the links are kept whole when the body is cut to fit."""
    view = clean_view(view)
    env = email_environment()
    subject = env.get_template("email/alert.subject.txt").render(view=view)
    title = defanged(header_safe(subject, TITLE_MAX))
    body = defanged(env.get_template("push/alert.txt").render(view=view).strip())
    links = "\n".join(
        f"{label}: {url}"
        for label, url in (
            ("Official page", safe_url(view.url)),
            ("History and diffs", view.page_url),
        )
        if url
    )
    room = BODY_MAX - len(links) - 1
    if len(body) > room:
        body = body[: max(room - 1, 0)].rstrip() + "…"
    return PushMessage(title, f"{body}\n{links}".strip())


def defanged(text: str) -> str:
    """``text`` unable to mention or ping anyone: chat services turn ``<!channel>``,
    ``<@U123>``, ``@here`` or ``@everyone`` into notifications (Apprise's Slack plugin even
    turns ``!channel>`` into one), and a scraped title must never do that. Angle brackets and
    at signs become look-alikes (‹ › ＠) that no service reads as markup."""
    return text.translate(_DEFANG)


class PushTransport:
    """Sends :class:`PushMessage` s to Apprise URLs, secrets read from ``environ``."""

    name = "apprise"

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def send(self, recipient: str, message: PushMessage) -> DeliveryResult:
        """Deliver ``message`` to the push target ``recipient`` (``notify:<url>``): ``sent``,
        ``retry`` (no answer, a server error, a variable not set yet) or ``failed`` (Apprise
        cannot use the URL, or the service refused it for good)."""
        template = recipient.removeprefix(NOTIFY_PREFIX)
        try:
            url, secrets = expand(template, self.environ)
        except KeyError as missing:
            return DeliveryResult("retry", f"environment variable {missing.args[0]} is not set")
        with _apprise_log_contained():
            return self._send(url, template, secrets, message)

    def _send(
        self, url: str, template: str, secrets: tuple[str, ...], message: PushMessage
    ) -> DeliveryResult:
        import apprise

        with apprise.LogCapture(level=logging.WARNING) as captured:
            service = apprise.Apprise()
            if not service.add(url):
                reason = _last_logged(_redacted(captured.getvalue(), secrets))
                return DeliveryResult(
                    "failed", f"Apprise cannot use {template}: {reason or 'not a URL it knows'}"
                )
            delivered = service.notify(
                title=message.title, body=message.body, body_format=apprise.NotifyFormat.TEXT
            )
        if delivered:
            return DeliveryResult("sent", f"delivered to {template.split('://', 1)[0]}://")
        return _failure(_redacted(captured.getvalue(), secrets))


#: The loggers that may see a push target's secrets: Apprise's (its plugins log rejected
#: tokens and, when verbose, whole URLs) and the HTTP libraries under it (hosts, paths).
_SECRET_LOGGERS = ("apprise", "urllib3", "requests", "requests_oauthlib", "oauthlib")


@contextmanager
def _apprise_log_contained() -> Iterator[None]:
    """While Apprise holds the secrets, its records stay in its own capture (redacted into
    the row's error) and the HTTP libraries' are dropped: none reaches dualwatch's log."""
    loggers = [logging.getLogger(name) for name in _SECRET_LOGGERS]
    saved = [logger.propagate for logger in loggers]
    silent = logging.NullHandler()  # else logging's last resort prints warnings to stderr
    for logger in loggers:
        logger.propagate = False
        logger.addHandler(silent)
    try:
        yield
    finally:
        for logger, propagate in zip(loggers, saved, strict=True):
            logger.propagate = propagate
            logger.removeHandler(silent)


def _failure(log_text: str) -> DeliveryResult:
    """A failed attempt, from what Apprise logged: permanent for a refusal that asking
    again cannot change (:data:`_PERMANENT`), else to retry."""
    detail = _last_logged(log_text) or "not delivered (Apprise gave no reason)"
    code = _HTTP_CODE.search(log_text)
    status = int(code.group(1)) if code else None
    if status in _PERMANENT:
        return DeliveryResult("failed", detail, status)
    return DeliveryResult("retry", detail, status)


def _last_logged(log_text: str) -> str | None:
    """The message of the last record in an Apprise capture (``time - LEVEL - message``)."""
    lines = [line.split(" - ", 2)[-1].strip() for line in log_text.splitlines() if line.strip()]
    return lines[-1] if lines else None


def _redacted(text: str, secrets: tuple[str, ...]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text
