"""The items spiders yield: a fetched notice, a 304 re-check, or a notice whose page is gone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from monitors.storage.models import FetchedNotice


@dataclass(frozen=True)
class NoticeItem:
    """A detail page reduced to its main content (``entry_url``: the listing entry it answers,
    when that differs from the notice's URL or the notice comes from a listing)."""

    notice: FetchedNotice
    entry_url: str | None = None


@dataclass(frozen=True)
class NotModifiedItem:
    """A conditional re-check answered 304 Not Modified."""

    source: str
    url: str
    listed_date: date | None


@dataclass(frozen=True)
class GoneItem:
    """A stored notice's detail page answered 404 or 410."""

    source: str
    url: str
    status: int


@dataclass(frozen=True)
class ListedNotice:
    """One entry of a listing page: where the detail page is and what the listing says."""

    url: str
    title: str
    listed_date: date | None
