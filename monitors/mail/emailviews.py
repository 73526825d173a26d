"""What the email templates render: the whole contract between the alert pipeline and them.

The pipeline builds these frozen views from the store (``monitors.mail.alertview``,
``monitors.changes.digest``); :mod:`monitors.mail.emailrender` renders them through
``templates/email/``.
Every string in a view is plain, unescaped text as scraped or configured: the HTML templates
escape it. Order matters and is the pipeline's job: ``AlertView.matches`` and
``DigestView.groups`` come most relevant (highest-priority topic) first.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitors.text.diff import TextDiff

__all__ = [
    "ALERT_KINDS",
    "ATTACHMENT_CHANGES",
    "DIGEST_PERIODS",
    "AlertView",
    "AttachmentView",
    "CopyView",
    "DigestGroup",
    "DigestView",
    "MatchView",
    "SourceHealthView",
    "TopicMatches",
]

#: Every change kind, in the order digests count and list them.
ALERT_KINDS = ("new", "modified", "removed", "restored", "delisted")
#: ``available``: a file that could not be downloaded before has arrived (no text diff).
ATTACHMENT_CHANGES = (None, "added", "removed", "changed", "available")
DIGEST_PERIODS = ("daily", "weekly")


def _check(value: object, allowed: tuple[object, ...], what: str) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise ValueError(f"invalid {what} {value!r}; expected one of {allowed}")


@dataclass(frozen=True)
class MatchView:
    """One rule hit: which topic, which term, where (``field``) and the text around it."""

    topic: str
    topic_title: str
    term: str
    snippet: str
    field: str


@dataclass(frozen=True)
class TopicMatches:
    """The matches of one topic, in their original order, with its distinct terms."""

    topic: str
    topic_title: str
    terms: tuple[str, ...]
    matches: tuple[MatchView, ...]

    @property
    def best(self) -> MatchView:
        """The match shown for the topic: the first in the title, else the first one.

        (Every match of a topic has the topic's priority, and topics already come highest
        priority first: title over text, then earliest, is the whole ranking.)
        """
        return next((m for m in self.matches if m.field == "title"), self.matches[0])

    @property
    def others(self) -> tuple[MatchView, ...]:
        """Every match of the topic but :attr:`best`, in their original order."""
        best = self.best
        return tuple(m for m in self.matches if m is not best)


@dataclass(frozen=True)
class CopyView:
    """Another URL or language version of the same document."""

    source: str
    language: str | None
    url: str


@dataclass(frozen=True)
class AttachmentView:
    """A file of the notice; ``change`` is None (unchanged), added, removed, changed or
    available (downloaded at last: it could not be before).

    ``diff`` is the extracted-text diff of a changed file (None when it has no text).
    ``unavailable``: the file could not be downloaded yet (no hash, no size, no text).
    """

    name: str
    url: str
    size: int | None
    change: str | None
    diff: TextDiff | None = None
    unavailable: bool = False

    def __post_init__(self) -> None:
        _check(self.change, ATTACHMENT_CHANGES, "attachment change")


@dataclass(frozen=True)
class ListRowView:
    """One row of a list announcement an alert shows; ``change`` ``+`` (stated now) or ``-``
    (no longer stated by a revised announcement)."""

    change: str
    action: str  # add | remove | suspend | resume | amend
    row_number: int | None
    name: str
    other_names: tuple[str, ...]
    country: str | None


@dataclass(frozen=True)
class ListChangeView:
    """What a list announcement does to a list: ``count`` rows ``action`` on ``list_title``
    from ``effective``, and the rows (stated now: ``+``; dropped by a revision: ``-``)."""

    list_name: str
    list_title: str
    action: str
    effective: str | None
    rows: tuple[ListRowView, ...]

    @property
    def summary(self) -> str:
        """``+20 on 出口管制管控名单`` (``-`` for removals, ``~`` otherwise)."""
        sign = {"add": "+", "resume": "+", "remove": "-"}.get(self.action, "~")
        stated = sum(1 for row in self.rows if row.change == "+")
        verb = {"suspend": " suspended", "amend": " amended"}.get(self.action, "")
        return f"{sign}{stated}{verb} on {self.list_title}"


@dataclass(frozen=True)
class PartyMatchView:
    """One of the recipient's counterparties matching a row the announcement adds."""

    party_id: str
    party_name: str
    entity_name: str
    list_title: str
    action: str
    score: float
    reason: str


@dataclass(frozen=True)
class AlertView:
    """One change of one document, as an alert or a digest line shows it (``kind``: one of
    :data:`ALERT_KINDS`).

    ``excerpt`` is the start of the text (new notices; ``remaining_chars`` says how much
    was cut), ``title_diff``/``body_diff`` the change (modified; restored when the content
    differs from the version it had when removed), ``http_status`` the answer that removed
    the page (removed), ``removed_at`` when the removal was detected (restored; None when
    unknown). ``language`` is a BCP 47 code (zh, ja, en).

    How the notice was recorded: ``listing_host`` is the other official host its page is on
    when it was recorded from the listing entry alone (its text is the listing title);
    a ``doc_type`` of ``file`` is an entry linking a file directly (text extracted from it),
    ``file_format`` its short type (PDF, DOCX…; None: unknown) and ``file_text_error`` why
    no text could be extracted (None: extracted).
    """

    change_id: int
    kind: str
    source: str
    source_title: str
    url: str
    title: str
    detected_at: str
    doc_number: str | None
    issuer: str | None
    published: str | None
    effective: str | None
    doc_type: str | None
    language: str | None
    copies: tuple[CopyView, ...]
    matches: tuple[MatchView, ...]
    excerpt: str
    title_diff: TextDiff | None
    body_diff: TextDiff | None
    attachments: tuple[AttachmentView, ...]
    http_status: int | None
    remaining_chars: int = 0
    removed_at: str | None = None
    listing_host: str | None = None
    file_format: str | None = None
    file_text_error: str | None = None
    #: An alert sent (also) because its recipient follows the document: when they were first
    #: alerted about it (None: not a followed revision; digests never set it).
    followed_since: str | None = None
    #: An alert about a document with several copies or languages changed in one crawl: the
    #: other copies' changes (each without matches), shown after this one's.
    also: tuple[AlertView, ...] = ()
    #: A list announcement: the rows it states (a revision: the rows it added or dropped).
    lists: tuple[ListChangeView, ...] = ()
    #: The recipient's counterparties matching rows it adds (watched parties).
    party_matches: tuple[PartyMatchView, ...] = ()
    #: The document's page in the published bulletin (``[publish] base_url``), if any.
    page_url: str | None = None

    def __post_init__(self) -> None:
        _check(self.kind, ALERT_KINDS, "alert kind")

    @property
    def top_topic(self) -> str | None:
        """The most relevant matched topic (the first match's), or None."""
        return self.matches[0].topic if self.matches else None

    @property
    def terms(self) -> tuple[str, ...]:
        """Every distinct matched term, in match order."""
        return tuple(dict.fromkeys(match.term for match in self.matches))

    @property
    def topic_groups(self) -> tuple[TopicMatches, ...]:
        """Matches grouped by topic, topics in order of first appearance."""
        order: dict[str, list[MatchView]] = {}
        for match in self.matches:
            order.setdefault(match.topic, []).append(match)
        return tuple(
            TopicMatches(
                topic=topic,
                topic_title=matches[0].topic_title,
                terms=tuple(dict.fromkeys(m.term for m in matches)),
                matches=_distinct_snippets(matches),
            )
            for topic, matches in order.items()
        )

    @property
    def more_matches(self) -> tuple[MatchView, ...]:
        """The matches "Why this alert" leaves out (each topic shows only its best), by topic."""
        return tuple(m for group in self.topic_groups for m in group.others)

    @property
    def number_not_in_title(self) -> str | None:
        """``doc_number`` unless the title already shows it (ignoring spaces)."""
        if not self.doc_number:
            return None
        squeezed = "".join(self.doc_number.split())
        return None if squeezed in "".join(self.title.split()) else self.doc_number


@dataclass(frozen=True)
class DigestGroup:
    """The changes of one topic (None: "Other changes") from one source."""

    topic_title: str | None
    source_title: str
    items: tuple[AlertView, ...]


@dataclass(frozen=True)
class SourceHealthView:
    """A source whose last run failed: outcome (error, blocked…), since when, why."""

    source: str
    title: str
    outcome: str
    since: str | None
    message: str | None


@dataclass(frozen=True)
class DigestView:
    """A daily or weekly digest for one recipient.

    ``start``/``end`` are local (``timezone``) ISO dates or date-times; an ``end`` at
    midnight is exclusive. ``total`` counts the period's changes (it may exceed the items
    listed in ``groups``). ``source_count`` is the number of enabled sources, for the
    "all N sources healthy" line (None: the number is not shown).
    """

    recipient: str
    period: str
    start: str
    end: str
    timezone: str
    groups: tuple[DigestGroup, ...]
    failing_sources: tuple[SourceHealthView, ...]
    total: int
    source_count: int | None = None

    def __post_init__(self) -> None:
        _check(self.period, DIGEST_PERIODS, "digest period")

    @property
    def items(self) -> tuple[AlertView, ...]:
        """Every listed change, in group order."""
        return tuple(item for group in self.groups for item in group.items)

    @property
    def top_topic(self) -> str | None:
        """The most relevant topic of the digest (the first group's), or None."""
        for group in self.groups:
            for item in group.items:
                return item.top_topic
        return None

    def count_topic(self, topic: str) -> int:
        """How many listed changes matched ``topic`` (at any rank)."""
        return sum(any(m.topic == topic for m in item.matches) for item in self.items)

    def count_kind(self, kind: str) -> int:
        """How many listed changes are of ``kind`` (one of :data:`ALERT_KINDS`)."""
        return sum(item.kind == kind for item in self.items)


def _distinct_snippets(matches: list[MatchView]) -> tuple[MatchView, ...]:
    """One match per distinct (field, snippet): several terms often sit in the same place."""
    first: dict[tuple[str, str], MatchView] = {}
    for match in matches:
        first.setdefault((match.field, match.snippet), match)
    return tuple(first.values())
