"""The records of list extraction: specs, announcements, events, End User List rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "ACTIONS",
    "Announcement",
    "EndUserRow",
    "ListEvent",
    "ListExtraction",
    "ListSpec",
    "SourceRef",
]

#: What a list event does to a row: the only values :attr:`ListEvent.action` takes.
ACTIONS = ("add", "remove", "suspend", "resume", "amend")


@dataclass(frozen=True)
class ListSpec:
    """One control list: its key, titles, issuer and the phrases that name it in text.

    ``titles`` maps a language (``zh``, ``ja``, ``en``) to the list's title in it;
    ``aliases`` are further phrases that name the list (``管控名单``). Every title and alias
    identifies the list in announcement titles and texts (see :attr:`phrases`).
    """

    name: str
    title: str
    titles: tuple[tuple[str, str], ...] = ()
    issuer: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def phrases(self) -> tuple[str, ...]:
        """Every phrase naming the list, longest first, without duplicates."""
        found = dict.fromkeys((self.title, *(t for _, t in self.titles), *self.aliases))
        return tuple(sorted((p for p in found if p), key=len, reverse=True))

    def title_in(self, language: str) -> str:
        """The list's title in ``language`` (``zh``/``ja``/``en``), else :attr:`title`."""
        return dict(self.titles).get(language, self.title)


@dataclass(frozen=True)
class Announcement:
    """What extraction reads of one stored notice version.

    ``text`` is the body (normalised or not: it is normalised again, which is idempotent);
    ``doc_number`` the document number as stored (``商务部公告2026年第11号``, or a
    ``〔2025〕8号`` form), else it is looked for in the title and the body's first line;
    ``annexes`` the extracted texts of the notice's attachments, in order.
    """

    title: str
    text: str
    published: date | None = None
    url: str = ""
    version_id: str | int | None = None
    doc_number: str | None = None
    annexes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """Where a list event was read.

    ``document`` is the document's identity (``商务部/公告/2026/11`` for a numbered MOFCOM
    document; the raw number such as ``不可靠实体清单工作机制〔2025〕8号`` otherwise; the
    title when there is no number), ``document_number`` the number as displayed (``""``
    when none). ``origin`` is ``body`` or ``annex N`` (1-based); ``row_index`` is the row's
    0-based position among the rows extracted from the announcement (None for a whole-
    document reference).
    """

    document: str
    document_number: str
    published: date | None
    url: str
    version_id: str | int | None
    origin: str = "body"
    row_index: int | None = None


@dataclass(frozen=True)
class ListEvent:
    """One row of a list announcement: what happened to which entity on which list.

    ``row_number`` is the number as published (``7`` for ``7.``); ``name`` the entity name
    as published, without its bracketed other names, which are in ``other_names`` with the
    ``常用名称`` / also-known-as names. ``country`` is an ISO 3166 alpha-2 code (None when
    unknown); ``concern`` the METI End User List's type of WMD concern; ``row_text`` the
    row's text as read (its lines joined by ``\\n``).
    """

    list_name: str
    action: str
    row_number: int | None
    name: str
    other_names: tuple[str, ...] = ()
    country: str | None = None
    address: str | None = None
    postcode: str | None = None
    effective: date | None = None
    concern: str | None = None
    row_text: str = ""
    source: SourceRef | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings, tuples as lists, the source flattened)."""
        data: dict[str, Any] = {
            "list": self.list_name,
            "action": self.action,
            "row_number": self.row_number,
            "name": self.name,
            "other_names": list(self.other_names),
            "country": self.country,
            "address": self.address,
            "postcode": self.postcode,
            "effective": self.effective.isoformat() if self.effective else None,
            "concern": self.concern,
            "row_text": self.row_text,
        }
        if self.source is not None:
            src = self.source
            data["source"] = {
                "document": src.document,
                "document_number": src.document_number,
                "published": src.published.isoformat() if src.published else None,
                "url": src.url,
                "version_id": src.version_id,
                "origin": src.origin,
                "row_index": src.row_index,
            }
        return data


@dataclass(frozen=True)
class ListExtraction:
    """The result of reading one announcement.

    Not a list announcement: ``list_name`` is None and everything else empty. A list
    announcement: ``list_name`` and ``action`` set, ``events`` its rows in order,
    ``expected_count`` the number of entities it states (None when it states none) and
    ``problems`` every reason not to trust the rows (count mismatch, numbering gap or
    duplicate, no rows at all) — an extraction with problems must fail the run.
    """

    list_name: str | None = None
    action: str | None = None
    events: tuple[ListEvent, ...] = ()
    problems: tuple[str, ...] = ()
    expected_count: int | None = None
    source: SourceRef | None = None

    @property
    def is_list_announcement(self) -> bool:
        """True when the announcement names a list and an action on it."""
        return self.list_name is not None

    @property
    def ok(self) -> bool:
        """True when there is nothing to complain about (also for a non-list announcement)."""
        return not self.problems


@dataclass(frozen=True)
class EndUserRow:
    """One row of METI's 外国ユーザーリスト (End User List), as published.

    ``country`` is the 国名・地域名 cell as published, ``country_code`` its ISO code when
    known; ``other_names`` the 別名 (also known as) cell split into names; ``concern`` the
    懸念区分 (type of WMD concern) cell.
    """

    number: int
    country: str
    name: str
    other_names: tuple[str, ...] = ()
    concern: str = ""
    country_code: str | None = None
    row_text: str = field(default="", compare=False)
