"""Each list's membership, rebuilt from its events in order (pure: no database).

An entity is keyed by list, country and its name folded across scripts and legal forms
(:func:`entity_key`), so a removal naming 示例精密工業株式会社 finds the addition of
示例精密工业株式会社. Status follows the actions: add and resume → ``listed``, suspend →
``suspended``, remove → ``removed`` (never inferred from a page disappearing); amend updates
the names and address only. An action on an entity never added is kept as its own member
(status from the action), so nothing a notice says is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from monitors.lists.names import name_keys
from monitors.storage.models import ListEventRow, ListMember

#: The status an action leaves an entity in (amend keeps the status).
STATUS_AFTER = {"add": "listed", "resume": "listed", "suspend": "suspended", "remove": "removed"}


def entity_key(list_name: str, name: str, country: str | None) -> str:
    """``list/country/folded name``: stable across scripts, spacing and legal forms."""
    keys = name_keys(name)
    return f"{list_name}/{country or '-'}/{keys.core_compact or keys.full}"


def rebuild(events: Sequence[ListEventRow]) -> list[ListMember]:
    """The members of every list after ``events`` (in the order the lists changed)."""
    members: dict[str, ListMember] = {}
    for event in events:
        members[event.entity_key] = _apply(members.get(event.entity_key), event)
    return sorted(members.values(), key=lambda m: (m.list_name, m.name))


def _apply(member: ListMember | None, event: ListEventRow) -> ListMember:
    when = event.effective or event.published
    status = STATUS_AFTER.get(event.action)
    if member is None:
        return ListMember(
            list_name=event.list_name,
            entity_key=event.entity_key,
            name=event.name,
            other_names=event.other_names,
            country=event.country,
            address=event.address,
            status=status or "listed",
            since=when,
            last_action=event.action,
            last_event_id=event.id,
            events=1,
        )
    names = tuple(dict.fromkeys((*member.other_names, *event.other_names)))
    changed_status = status is not None and status != member.status
    return replace(
        member,
        other_names=names,
        address=event.address or member.address,
        status=status or member.status,
        since=when if changed_status else member.since,
        last_action=event.action,
        last_event_id=event.id,
        events=member.events + 1,
    )
