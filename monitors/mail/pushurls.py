"""The ``notify`` URLs of a subscription (Apprise URLs): how they are checked at load and
named in the alert ledger. Light on purpose (configuration loading imports it; Apprise is
imported only when a configuration names a URL)."""

from __future__ import annotations

import re
from functools import lru_cache

#: How a push target is named in the ledger's ``recipient`` column.
NOTIFY_PREFIX = "notify:"
#: Schemes whose URL may hold no secret at all (a webhook on the team's own host, a public
#: ntfy topic); every other scheme carries a token and must take it from ``${VARIABLE}``.
OPEN_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls", "ntfy", "ntfys"})
#: Schemes of the installed Apprise that teams use most: checked without loading Apprise's
#: ~260 plugins (a quarter of a second and 30 MB in every process that reads the
#: configuration); any other scheme is looked up in Apprise itself.
COMMON_SCHEMES = frozenset(
    {"json", "jsons", "form", "forms", "xml", "xmls", "slack", "workflow", "workflows",
     "tgram", "discord", "ntfy", "ntfys", "matrix", "matrixs", "mmost", "mmosts", "rocket",
     "rockets", "gotify", "gotifys", "signal", "signals", "zulip", "wxteams", "pover",
     "mailto", "mailtos", "lark", "feishu", "dingtalk", "wecombot", "gchat", "pbul", "line"}
)  # fmt: skip
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+\Z")
_CREDENTIAL_KEY = re.compile(r"token|key|secret|pass|auth|sig|cred|session|cookie", re.IGNORECASE)
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{16,}")


def target_key(url: str) -> str:
    """The ledger recipient of the push target ``url`` (as configured, secrets unexpanded)."""
    return NOTIFY_PREFIX + url


def is_push_target(recipient: str) -> bool:
    """Whether a ledger recipient is a push target rather than an email address."""
    return recipient.startswith(NOTIFY_PREFIX)


def notify_url_problem(url: str) -> str | None:
    """What is wrong with a ``notify`` URL, or None: it must be ``scheme://…`` with a scheme
    Apprise knows, and take every secret part from ``${VARIABLE}`` placeholders
    (:func:`literal_secret`)."""
    if not _URL.match(url):
        # not echoed: a malformed URL may still hold a secret
        return "expected an Apprise URL such as ntfy://alerts.example.org/export-controls"
    scheme = url.split("://", 1)[0]
    if scheme not in COMMON_SCHEMES and scheme not in apprise_schemes():
        return f"unknown Apprise scheme {scheme}:// (see https://github.com/caronc/apprise/wiki)"
    where = literal_secret(scheme, url.split("://", 1)[1])
    if where:
        return (
            f"{scheme}:// URL: its {where} must come from an environment variable, e.g. "
            f"${{TOKEN_VARIABLE}} (secrets are never written in the file)"
        )
    return None


def literal_secret(scheme: str, rest: str) -> str | None:
    """Which part of a URL (after ``scheme://``) holds a secret written literally, or None.

    Every scheme: a password (``user:password@``), and the value of a query parameter or a
    custom header (``?+Authorization=…``) named like a credential (token, key, secret,
    password, auth, signature…), must contain a placeholder; so must a user name without a
    password (``ntfys://TOKEN@host``). Schemes that carry tokens (all but
    :data:`OPEN_SCHEMES`) are stricter: the whole user part, a host that is not a host
    name (Slack's and Telegram's first token), and every path segment but a ``#channel`` or
    ``@user`` must be placeholders. Open schemes (a webhook of your own, ntfy) may have a
    literal path, unless a segment looks like a token (16+ letters and digits mixed).
    """
    authority, _, query = rest.partition("?")
    authority, _, path = authority.partition("/")
    userinfo, _, host = authority.rpartition("@")
    user, _, password = userinfo.partition(":")
    open_scheme = scheme in OPEN_SCHEMES
    checks = [
        ("password", password, _placeholders_only),
        # a literal user name only beside a password (json://user:${PASSWORD}@host):
        # alone it is the token (ntfys://TOKEN@host/topic)
        ("user name", "" if open_scheme and password else user, _placeholders_only),
        ("host (a token)", "" if open_scheme or _is_host_name(host) else host, _placeholders_only),
    ]
    for segment in path.split("/"):
        if segment and segment[0] not in "#@":
            checks.append(("path", segment, _not_token_like if open_scheme else _placeholders_only))
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        if _CREDENTIAL_KEY.search(key):
            checks.append((f"{key.lstrip('+-:')} parameter", value, _has_placeholder))
    return next((name for name, text, safe in checks if text and not safe(text)), None)


def _placeholders_only(text: str) -> bool:
    return not any(c.isalnum() for c in PLACEHOLDER.sub("", text))


def _has_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.search(text))


def _not_token_like(text: str) -> bool:
    bare = PLACEHOLDER.sub("", text)
    return not (
        _TOKEN_LIKE.fullmatch(bare)
        and any(c.isdigit() for c in bare)
        and any(c.isalpha() for c in bare)
    )


def _is_host_name(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.rsplit(":", 1)[-1].isdigit() else host
    return (
        name == "localhost"
        or ("." in name and not PLACEHOLDER.search(name))
        or (bool(PLACEHOLDER.fullmatch(name)))
    )


@lru_cache(maxsize=1)
def apprise_schemes() -> frozenset[str]:
    """Every URL scheme the installed Apprise can send to."""
    from apprise.manager_plugins import NotificationManager

    return frozenset(NotificationManager().schemas())
