"""Domain objects of the replica: notices, their text versions and the pages served.

A notice lives on the timeline: it appears in ``first_state``, its text may be revised in a
later state (a new :class:`Version`), and it may disappear (answer 404) from ``gone_state``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Section:
    """One block of body text: an optional heading and its paragraphs (plain text)."""

    paragraphs: tuple[str, ...]
    heading: str = ""


@dataclass(frozen=True)
class Version:
    """The body text of a notice from state ``since`` onwards."""

    since: int
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Attachment:
    """A PDF attachment linked from a notice's body.

    ``revisions`` are ``(state, text)`` pairs: from that state the file holds that text (a
    corrected annex at the same URL); before any of them it holds a text derived from its path.
    """

    path: str
    label: str
    revisions: tuple[tuple[int, str], ...] = ()

    def text_at(self, state: int) -> str:
        """The text the file holds at ``state``."""
        text = f"dualwatch replica attachment {self.path}"
        for since, revised in self.revisions:
            if since <= state:
                text = revised
        return text


@dataclass(frozen=True)
class SheetAttachment(Attachment):
    """An Excel (XLSX) attachment: one sheet named ``sheet`` holding ``rows`` (see
    :func:`tests.replica.render.tiny_xlsx`); never revised."""

    sheet: str = "Sheet1"
    rows: tuple[tuple[str | int | None, ...], ...] = ()


@dataclass(frozen=True)
class TextPdfAttachment(Attachment):
    """A PDF attachment whose page shows ``lines``, CJK included (see
    :func:`tests.replica.render.text_pdf`); never revised."""

    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gonggao:
    """The MOFCOM announcement header block (``div.art-con-gonggao``)."""

    issuer: str
    doc_no: str
    issued: date


@dataclass(frozen=True, kw_only=True)
class Notice:
    """What both sites share: a detail page on the timeline."""

    path: str
    title: str
    published: datetime
    versions: tuple[Version, ...]
    attachments: tuple[Attachment, ...] = ()
    first_state: int = 1
    gone_state: int | None = None

    def listed_at(self, state: int) -> bool:
        """True when the notice appears in listings at ``state`` (even if its page is gone)."""
        return state >= self.first_state

    def served_at(self, state: int) -> bool:
        """True when the detail page answers 200 at ``state``."""
        return self.listed_at(state) and (self.gone_state is None or state < self.gone_state)

    def sections_at(self, state: int) -> tuple[Section, ...]:
        """The body text that applies at ``state``."""
        current = self.versions[0]
        for version in self.versions:
            if version.since <= state:
                current = version
        return current.sections

    def revised_in(self, state: int) -> bool:
        """True when the text or an attachment changes on the transition into ``state``."""
        annexes = (since for a in self.attachments for since, _ in a.revisions)
        return state > self.first_state and (
            any(v.since == state for v in self.versions) or state in annexes
        )


@dataclass(frozen=True, kw_only=True)
class MofcomNotice(Notice):
    """A www.mofcom.gov.cn detail page (``/<column>/art/<YYYY>/art_<hex>.html``)."""

    source: str
    column: str
    header: Gonggao | None = None


@dataclass(frozen=True, kw_only=True)
class MofaRelease(Notice):
    """A www.mofa.go.jp press release or meeting page in the page-single template."""

    seq: int
    section_title: str = "報道発表"
    breadcrumb: tuple[tuple[str, str], ...] = ()
    related: tuple[tuple[str, str], ...] = ()

    @property
    def day(self) -> date:
        """The listing day (``M月D日付``)."""
        return self.published.date()


@dataclass(frozen=True)
class Page:
    """A rendered response; ``last_modified`` set means it carries ETag/Last-Modified."""

    status: int
    content_type: str
    body: bytes
    last_modified: datetime | None = None
    etag: str | None = None

    @classmethod
    def validated(cls, content_type: str, body: bytes, last_modified: datetime) -> Page:
        """A 200 page with a strong ETag (hash of the body) and a Last-Modified date."""
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(200, content_type, body, last_modified, etag)


def single_version(*paragraphs: str) -> tuple[Version, ...]:
    """The common case: one section of paragraphs, never revised."""
    return (Version(1, (Section(tuple(paragraphs)),)),)
