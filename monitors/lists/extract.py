"""List events from list announcements: who was listed, delisted, suspended or resumed.

:func:`extract_list_events` reads one announcement (title, body, annex texts). It is a list
announcement when its title names a list (:class:`~monitors.lists.models.ListSpec` phrases)
— or a body sentence says ``决定`` with a list and an action — together with an action verb
(:data:`ACTION_VERBS`); news and Q&A pages (``答记者问``, ``新闻发言人``…) never are. Its
rows come from the body, or when the body has none from the annexes (see
:mod:`monitors.lists.rows` for the formats). The extraction is strict: a stated count
(``将20家日本实体``, ``等二十家``) that the rows do not meet, a gap or duplicate in the row
numbers, a row without a name and a list announcement without rows are all ``problems``.

The METI End User List is a table revised in place: see :mod:`monitors.lists.enduser`
(:func:`extract_end_user_list`, :func:`diff_end_user_list`, re-exported here).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from monitors.lists.enduser import diff_end_user_list, extract_end_user_list
from monitors.lists.models import Announcement, ListEvent, ListExtraction, ListSpec, SourceRef
from monitors.lists.rows import RawRow, find_rows, parse_row, row_text
from monitors.lists.specs import COUNTRIES, DEFAULT_LISTS, country_code
from monitors.text.dates import chinese_numeral_to_int
from monitors.text.docnumber import find_effective_date, parse_doc_number
from monitors.text.normalize import normalize_text

__all__ = [
    "ACTION_VERBS",
    "NOT_ANNOUNCEMENTS",
    "diff_end_user_list",
    "extract_end_user_list",
    "extract_list_events",
    "find_document",
    "stated_count",
]

#: Verbs → action, as written in titles and decision sentences.
ACTION_VERBS: dict[str, str] = {
    "列入": "add", "纳入": "add", "增列": "add",
    "移出": "remove", "移除": "remove",
    "暂停": "suspend", "中止": "suspend",
    "恢复": "resume",
    "调整": "amend", "更正": "amend", "修改": "amend", "变更": "amend",
}  # fmt: skip
_VERB_RE = re.compile("|".join(ACTION_VERBS))

#: Title words of pages about a list announcement that are not one (news, Q&A).
NOT_ANNOUNCEMENTS = ("答记者问", "新闻发言人", "记者会", "发布会", "答问", "解读")

_CN_NUMBER = r"\d{1,4}|[零〇一二两三四五六七八九十百]{1,6}"
_COUNT_RE = re.compile(
    rf"(?:(?P<n>{_CN_NUMBER})\s*[家个名][^，。；、\n\d]{{0,12}}?"
    r"(?:实体|企业|机构|公司|组织|单位|大学|个人)"
    rf"|等\s*(?P<m>{_CN_NUMBER})\s*家)"
)
_ZH_COUNTRIES = "|".join(sorted((c for c in COUNTRIES if not c.isascii()), key=len, reverse=True))
_COUNTRY_ENTITY_RE = re.compile(rf"(?P<c>{_ZH_COUNTRIES})(?:籍|的)?(?:企业|实体|公司|机构)")
_BRACKET_NUMBER_RE = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff]{2,20}?(?:工作机制|部|局|署))?\s*(?:公告|决定)?\s*"
    r"[〔\[［【]\s*\d{4}\s*[〕\]］】]\s*第?\s*\d{1,4}\s*号"
)
_SENTENCE_RE = re.compile(r"[。；\n]")


def _first_phrase(text: str, specs: Sequence[ListSpec]) -> ListSpec | None:
    """The list named first in ``text`` (the longest phrase at the earliest position)."""
    best: tuple[int, int, ListSpec] | None = None
    for spec in specs:
        for phrase in spec.phrases:
            index = text.find(phrase)
            if index >= 0 and (best is None or (index, -len(phrase)) < best[:2]):
                best = (index, -len(phrase), spec)
    return best[2] if best else None


def _action(text: str) -> str | None:
    """The action of the first specific verb in ``text``, else of its first amend verb."""
    actions = [ACTION_VERBS[m.group(0)] for m in _VERB_RE.finditer(text)]
    specific = [a for a in actions if a != "amend"]
    return specific[0] if specific else (actions[0] if actions else None)


def _decision(body: str, specs: Sequence[ListSpec]) -> str | None:
    """The body's decision sentence: the first naming a list and a verb (``决定`` preferred)."""
    sentences = [s for s in _SENTENCE_RE.split(body) if _first_phrase(s, specs)]
    sentences = [s for s in sentences if _VERB_RE.search(s)]
    decided = [s for s in sentences if "决定" in s]
    return (decided or sentences or [None])[0]


def _identify(
    title: str, body: str, specs: Sequence[ListSpec]
) -> tuple[ListSpec, str, str | None] | None:
    """``(spec, action, decision sentence)`` of a list announcement, else None."""
    if any(word in title for word in NOT_ANNOUNCEMENTS):
        return None
    decision = _decision(body, specs)
    spec = _first_phrase(title, specs)
    if spec is None:
        if decision is None or "决定" not in decision:
            return None
        spec = _first_phrase(decision, specs)
    title_action, body_action = _action(title), _action(decision or "")
    candidates = [a for a in (title_action, body_action) if a]
    if not candidates or spec is None:
        return None
    specific = [a for a in candidates if a != "amend"]
    return spec, (specific or candidates)[0], decision


def _counts(text: str) -> int | None:
    """The sum of the entity counts stated in one text (``等3家美国实体和2家…``)."""
    total = None
    for match in _COUNT_RE.finditer(text):
        try:
            value = chinese_numeral_to_int(match["n"] or match["m"])
        except ValueError:
            continue
        total = (total or 0) + value
    return total


def stated_count(title: str, decision: str | None) -> tuple[int | None, list[str]]:
    """The number of entities stated in the title, else in the decision sentence.

    Returns ``(count, problems)``: a problem when title and text state different counts.
    """
    in_title, in_text = _counts(title), _counts(decision or "")
    problems = []
    if in_title is not None and in_text is not None and in_title != in_text:
        problems.append(f"title states {in_title} entities, text states {in_text}")
    return (in_title if in_title is not None else in_text), problems


def find_document(
    announcement: Announcement, spec: ListSpec | None, title: str, body: str
) -> tuple[str, str]:
    """``(identity, number as displayed)`` of the announcement's document.

    A MOFCOM number (:func:`~monitors.text.docnumber.parse_doc_number`) gives its identity
    (``商务部/公告/2026/11``); a ``〔2025〕8号`` number is kept raw, prefixed with the list's
    issuer when it names none (``不可靠实体清单工作机制〔2025〕8号``). Looked for in the stored
    number, the title, then the body's first two lines; without one the identity is the title.
    """
    head = [*body.split("\n")[:2], "", ""]
    candidates = ((announcement.doc_number or "", True), (title, True), (head[0], True))
    for text, mofcom in (*candidates, (head[1], False)):
        number = parse_doc_number(text) if mofcom else None
        if number is not None:
            return number.identity, str(number)
        match = _BRACKET_NUMBER_RE.search(text)
        if match is not None:
            raw = re.sub(r"\s+", "", match.group(0))
            if not match["issuer"] and spec is not None and spec.issuer:
                raw = spec.issuer + raw
            return raw, raw
    return title, ""


def _announcement_country(title: str, decision: str | None) -> str | None:
    """The country of ``N家日本实体`` in the title or decision (None when several or none)."""
    for text in (title, decision or ""):
        codes = {COUNTRIES[m["c"]] for m in _COUNTRY_ENTITY_RE.finditer(text)}
        if codes:
            return codes.pop() if len(codes) == 1 else None
    return None


def _collect_rows(body: str, annexes: Sequence[str]) -> list[RawRow]:
    """The body's rows, else every annex's rows (origin ``annex N``)."""
    rows = find_rows(body)
    if rows:
        return rows
    for index, annex in enumerate(annexes, 1):
        rows.extend(find_rows(annex, origin=f"annex {index}", annex=True))
    return rows


def _numbering_problems(numbers: list[int], expected: int | None) -> list[str]:
    """Gaps and duplicates in the row numbers (1 … the highest number or the stated count)."""
    problems = []
    duplicates = sorted(n for n, c in Counter(numbers).items() if c > 1)
    last = max(max(numbers, default=0), expected or 0)
    missing = sorted(set(range(1, last + 1)) - set(numbers))
    if missing:
        label = "row" if len(missing) == 1 else "rows"
        problems.append(f"missing {label} {', '.join(map(str, missing))}")
    problems.extend(f"row {n} appears {numbers.count(n)} times" for n in duplicates)
    return problems


def _row_problems(
    spec: ListSpec, action: str, expected: int | None, rows: list[RawRow], events: list[ListEvent]
) -> list[str]:
    """Every reason not to trust the rows (see the module docstring)."""
    if not rows:
        stated = f" (states {expected} entities)" if expected is not None else ""
        return [f"{action} on {spec.title}: no entity rows in the text or annexes{stated}"]
    numbering = _numbering_problems([row.number for row in rows], expected)
    problems = []
    if expected is not None and expected != len(rows):
        detail = f": {'; '.join(numbering)}" if numbering else ""
        problems.append(f"states {expected} entities, found {len(rows)} rows{detail}")
    elif numbering:
        problems.append(f"row numbering: {'; '.join(numbering)}")
    problems.extend(f"row {e.row_number} has no entity name" for e in events if not e.name)
    return problems


def _event(
    row: RawRow,
    index: int,
    spec: ListSpec,
    action: str,
    default_country: str | None,
    effective: date | None,
    source: SourceRef,
) -> ListEvent:
    fields = parse_row(row)
    country = (
        (country_code(fields.country_text, prefix=True) if fields.country_text else None)
        or (country_code(fields.address, prefix=True) if fields.address else None)
        or default_country
    )
    return ListEvent(
        list_name=spec.name,
        action=action,
        row_number=row.number,
        name=fields.name,
        other_names=fields.other_names,
        country=country,
        address=fields.address,
        postcode=fields.postcode,
        effective=effective,
        row_text=row_text(row),
        source=replace(source, origin=row.origin, row_index=index),
    )


def extract_list_events(
    announcement: Announcement, specs: Sequence[ListSpec] = DEFAULT_LISTS
) -> ListExtraction:
    """The list events an announcement states, with every problem found reading them.

    Not a list announcement: an empty :class:`ListExtraction` (no problems). Otherwise the
    rows as :class:`ListEvent` (list, action, row number, name, other names, country,
    address, postcode, effective date, source) — effective date from ``自公布之日起`` (the
    published date) or ``自2026年3月1日起`` — and ``problems`` when the count stated is not
    met, the numbering has gaps or duplicates, a row has no name, or there are no rows.
    """
    title = normalize_text(announcement.title).replace("\n", " ")
    body = normalize_text(announcement.text)
    identified = _identify(title, body, specs)
    if identified is None:
        return ListExtraction()
    spec, action, decision = identified
    document, number = find_document(announcement, spec, title, body)
    source = SourceRef(
        document=document,
        document_number=number,
        published=announcement.published,
        url=announcement.url,
        version_id=announcement.version_id,
    )
    expected, problems = stated_count(title, decision)
    effective = find_effective_date(body, announcement.published)
    country = _announcement_country(title, decision)
    rows = _collect_rows(body, announcement.annexes)
    events = [
        _event(row, i, spec, action, country, effective, source) for i, row in enumerate(rows)
    ]
    problems.extend(_row_problems(spec, action, expected, rows, events))
    return ListExtraction(
        list_name=spec.name,
        action=action,
        events=tuple(events),
        problems=tuple(problems),
        expected_count=expected,
        source=source,
    )
