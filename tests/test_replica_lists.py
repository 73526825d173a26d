"""The replica's control-list announcements are well-formed, as the real ones are.

For every replica notice, in every state it is served, whose title or text names a list
(a phrase of :data:`~monitors.lists.specs.DEFAULT_LISTS`), the announcement built from the
text a crawler stores (its paragraphs, normalised) and the texts of its generated annexes
(an Excel or CJK PDF annex read by the crawler's own extractor, :func:`annex_text`)
must extract without problems, and a list announcement must state its entity count and
yield exactly that many rows. Soon a list announcement with problems fails the crawl run,
so a replica page that reads wrong would fail every crawl of the replica.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from monitors.lists.extract import extract_list_events
from monitors.lists.models import Announcement
from monitors.lists.specs import DEFAULT_LISTS
from monitors.text.extract import extract_text
from monitors.text.normalize import normalize_text
from tests.replica.model import Attachment, Notice, SheetAttachment, TextPdfAttachment
from tests.replica.render import attachment_file
from tests.replica.sites import make_all_sites
from tests.replica.timeline import STATES

PHRASES = tuple(phrase for spec in DEFAULT_LISTS for phrase in spec.phrases)


@dataclass(frozen=True)
class Case:
    """One served version of a notice that names a list."""

    host: str
    notice: Notice
    state: int

    @property
    def url(self) -> str:
        return f"https://{self.host}{self.notice.path}"

    def announcement(self) -> Announcement:
        """What the crawler stores of this version: title, body text (its paragraphs and an
        ``附件：`` line per attachment), the texts of its generated annexes."""
        lines = [
            line
            for section in self.notice.sections_at(self.state)
            for line in ((section.heading,) if section.heading else ()) + section.paragraphs
        ]
        lines.extend(f"附件：{a.label}" for a in self.notice.attachments)
        annexes = tuple(annex_text(a, self.state) for a in self.notice.attachments)
        return Announcement(
            title=self.notice.title,
            text=normalize_text("\n".join(lines)),
            published=self.notice.published.date(),
            url=self.url,
            annexes=annexes,
        )


def annex_text(attachment: Attachment, state: int) -> str:
    """The text a crawler extracts from ``attachment`` at ``state``: a generated Excel or PDF
    table read by the crawler's own extractor, any other file its (ASCII) text."""
    if isinstance(attachment, SheetAttachment | TextPdfAttachment):
        extracted = extract_text(attachment_file(attachment, state)[1], attachment.path)
        assert extracted.error is None, extracted.error
        return extracted.text
    return attachment.text_at(state)


def _names_a_list(case: Case) -> bool:
    announcement = case.announcement()
    texts = (announcement.title, announcement.text, *announcement.annexes)
    return any(phrase in text for phrase in PHRASES for text in texts)


def _cases() -> list[Case]:
    cases: list[Case] = []
    seen: set[tuple[str, str]] = set()
    for site in make_all_sites(0):
        for notice in site.monitored_notices():
            if (site.host, notice.path) in seen:
                continue
            seen.add((site.host, notice.path))
            served = (Case(site.host, notice, s) for s in STATES if notice.served_at(s))
            cases.extend(case for case in served if _names_a_list(case))
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.url}@{c.state}" for c in CASES])
def test_list_announcement_extracts_cleanly(case: Case) -> None:
    result = extract_list_events(case.announcement())
    assert result.problems == ()
    if result.is_list_announcement:
        assert result.expected_count is not None, "a list announcement states its count"
        assert len(result.events) == result.expected_count
        assert all(event.name and event.other_names for event in result.events)


def test_the_replica_has_list_announcements_of_every_kind() -> None:
    """The filter above is not vacuous: adds, removals and a suspension are all there."""
    found = {
        (result.list_name, result.action, case.host)
        for case in CASES
        if (result := extract_list_events(case.announcement())).is_list_announcement
    }
    assert {
        ("control-list", "add", "aqygzj.mofcom.gov.cn"),
        ("control-list", "add", "exportcontrol.mofcom.gov.cn"),
        ("watch-list", "add", "aqygzj.mofcom.gov.cn"),
        ("watch-list", "add", "exportcontrol.mofcom.gov.cn"),
        ("watch-list", "remove", "aqygzj.mofcom.gov.cn"),
        ("unreliable-entity-list", "suspend", "aqygzj.mofcom.gov.cn"),
        ("unreliable-entity-list", "suspend", "www.mofcom.gov.cn"),
        ("unreliable-entity-list", "add", "www.mofcom.gov.cn"),
    } <= found


def test_annex_only_announcements_read_their_rows_from_the_annex() -> None:
    """2026 No. 7 (Excel annex) and No. 8 (PDF annex) on www.mofcom.gov.cn state their count
    in the body and list their entities only in the annex; the UEL decision 〔2026〕1号 has
    its own numbering."""
    origins = {}
    for case in CASES:
        result = extract_list_events(case.announcement())
        if result.source is not None and case.host == "www.mofcom.gov.cn":
            origins[result.source.document] = (
                result.list_name,
                result.action,
                len(result.events),
                {e.source.origin for e in result.events if e.source},
            )
    assert origins["商务部/公告/2026/7"] == ("control-list", "add", 3, {"annex 1"})
    assert origins["商务部/公告/2026/8"] == ("watch-list", "add", 2, {"annex 1"})
    assert origins["不可靠实体清单工作机制〔2026〕1号"] == (
        "unreliable-entity-list",
        "add",
        2,
        {"body"},
    )


def test_copies_of_one_announcement_list_the_same_entities() -> None:
    """The aqygzj and exportcontrol copies of 2026 Nos. 11 and 12 (and the two copies of the
    Unreliable Entity List suspension) name the same entities in the same order."""
    rows: dict[str, set[tuple[str, ...]]] = {}
    for case in CASES:
        result = extract_list_events(case.announcement())
        if result.is_list_announcement and result.source is not None:
            names = tuple(event.name for event in result.events)
            rows.setdefault(result.source.document, set()).add(names)
    for document in ("商务部/公告/2026/11", "商务部/公告/2026/12"):
        assert len(rows[document]) == 1, document
    [uel] = [d for d in rows if "不可靠实体清单" in d and "暂停" in d]  # the suspension
    assert len(rows[uel]) == 1
