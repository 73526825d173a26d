"""Strict selector helpers: a structural surprise raises ParseError instead of yielding nothing."""

from __future__ import annotations

from typing import Any, Protocol

from parsel import Selector, SelectorList

from monitors.core.errors import ParseError


class Selectable(Protocol):
    """What the helpers read from: a parsel Selector or SelectorList, or a Scrapy response."""

    def css(self, query: str, /) -> SelectorList[Any]: ...

    def xpath(self, query: str, /) -> SelectorList[Any]: ...


def select_one(node: Selectable, css: str, what: str) -> Selector:
    """Return the single element matching ``css``; raise ParseError on zero or several."""
    found = node.css(css)
    if len(found) != 1:
        raise ParseError(f"{what}: expected exactly one {css!r}, found {len(found)}")
    return found[0]


def select_first(node: Selectable, css_options: tuple[str, ...], what: str) -> Selector:
    """Return the first element matched by the first selector that matches; raise if none does."""
    for css in css_options:
        found = node.css(css)
        if found:
            return found[0]
    raise ParseError(f"{what}: none of {', '.join(repr(c) for c in css_options)} matched")


def select_many(node: Selectable, css: str, what: str, minimum: int = 1) -> SelectorList:
    """Return every element matching ``css``; raise ParseError when fewer than ``minimum``."""
    found = node.css(css)
    if len(found) < minimum:
        raise ParseError(f"{what}: expected at least {minimum} {css!r}, found {len(found)}")
    return found


def text_of(node: Selectable, css: str = "::text") -> str:
    """All text under ``node`` joined and stripped (empty string when nothing matches)."""
    return "".join(node.css(css if css.endswith("::text") else f"{css} ::text").getall()).strip()
