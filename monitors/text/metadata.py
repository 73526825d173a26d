"""Lenient parsing of a notice's metadata: an unreadable field never costs the notice.

A notice's published date, effective date and document number are *metadata*: when a
page states one in a form the parsers do not read, the notice is still recorded with that
field empty, and a WARNING says what could not be read where. Spiders wrap such calls in
:func:`lenient`::

    stamp = lenient(parse_datetime_cst, pubdate, what="PubDate", url=response.url)

Failures that mean the page layout changed (no body, no listing items, a listing heading
that is not a date) are not metadata: spiders keep raising :class:`ParseError` for those.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from monitors.core.errors import ParseError

__all__ = ["lenient"]

log = logging.getLogger(__name__)

T = TypeVar("T")


def lenient(
    parse: Callable[[str], T],
    text: str | None,
    *,
    what: str,
    url: str,
    logger: logging.Logger | logging.LoggerAdapter | None = None,
) -> T | None:
    """``parse(text)``, or None with a WARNING when it raises :class:`ParseError`.

    A None or blank ``text`` gives None without calling ``parse`` or logging: the page
    simply does not state the field, which is not a parse failure.
    ``what`` names the field (``"PubDate"``, ``"effective date"``) and ``url`` the page, for
    the message ``<url>: cannot parse <what> <text>: <error>; left empty``, logged on
    ``logger`` (default: this module's). :class:`~monitors.core.errors.DateParseError` is a
    ParseError. Any other exception is a bug and propagates.
    """
    if text is None or not text.strip():
        return None
    try:
        return parse(text)
    except ParseError as exc:
        (logger or log).warning("%s: cannot parse %s %r: %s; left empty", url, what, text, exc)
        return None
