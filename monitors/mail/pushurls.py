"""The ``notify`` URLs of a subscription (Apprise URLs): how they are checked at load and
named in the alert ledger. Light on purpose (configuration loading imports it; Apprise is
imported only when a configuration names a URL)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

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


def target_key(url: str) -> str:
    """The ledger recipient of the push target ``url`` (as configured, secrets unexpanded)."""
    return NOTIFY_PREFIX + url


def is_push_target(recipient: str) -> bool:
    """Whether a ledger recipient is a push target rather than an email address."""
    return recipient.startswith(NOTIFY_PREFIX)


def notify_url_problem(url: str) -> str | None:
    """What is wrong with a ``notify`` URL, or None: it must be ``scheme://…`` with a scheme
    Apprise knows, and take any token or password from ``${VARIABLE}`` placeholders."""
    if not _URL.match(url):
        # not echoed: a malformed URL may still hold a secret
        return "expected an Apprise URL such as ntfy://alerts.example.org/export-controls"
    scheme = url.split("://", 1)[0]
    if scheme not in COMMON_SCHEMES and scheme not in apprise_schemes():
        return f"unknown Apprise scheme {scheme}:// (see https://github.com/caronc/apprise/wiki)"
    userinfo = urlsplit(PLACEHOLDER.sub("x", url)).netloc.rpartition("@")[0]
    literal_userinfo = userinfo and not PLACEHOLDER.search(url.split("@", 1)[0])
    if literal_userinfo or (scheme not in OPEN_SCHEMES and not PLACEHOLDER.search(url)):
        return (
            f"{scheme}:// URLs carry a token or password: take it from an environment "
            f"variable, e.g. {scheme}://${{TOKEN_VARIABLE}}/… (never written in the file)"
        )
    return None


@lru_cache(maxsize=1)
def apprise_schemes() -> frozenset[str]:
    """Every URL scheme the installed Apprise can send to."""
    from apprise.manager_plugins import NotificationManager

    return frozenset(NotificationManager().schemas())
