"""Each list's membership rebuilt from its events in order (monitors.lists.state)."""

from __future__ import annotations

from monitors.lists.state import entity_key, rebuild
from monitors.storage.models import ListEventRow


def event(number: int, action: str, name: str, when: str, **fields: object) -> ListEventRow:
    values: dict = {
        "id": number,
        "notice_id": number,
        "version_id": number,
        "list_name": "watch-list",
        "action": action,
        "row_number": 1,
        "entity_key": entity_key("watch-list", name, "JP"),
        "name": name,
        "other_names": (),
        "country": "JP",
        "address": None,
        "effective": when,
        "published": when,
        "document": f"商务部/公告/2026/{number}",
        "url": f"https://example.org/{number}.html",
    }
    values.update(fields)
    return ListEventRow(**values)


def test_add_suspend_resume_remove() -> None:
    name = "示例精密工业株式会社"
    history = [
        event(1, "add", name, "2026-02-24", other_names=("Example Precision Industries",)),
        event(2, "suspend", name, "2026-03-01"),
        event(3, "resume", name, "2026-06-01", address="东京都示例区1-1"),
        event(4, "remove", name, "2026-09-01"),
    ]
    statuses = [rebuild(history[:n])[0].status for n in range(1, 5)]
    assert statuses == ["listed", "suspended", "listed", "removed"]
    [member] = rebuild(history)
    assert member.since == "2026-09-01" and member.events == 4 and member.last_action == "remove"
    assert member.other_names == ("Example Precision Industries",)
    assert member.address == "东京都示例区1-1"


def test_variants_of_one_name_are_one_entity() -> None:
    added = event(1, "add", "示例精密工業株式会社", "2026-02-24")
    removed = event(2, "remove", "示例精密工业株式会社", "2026-05-01")
    [member] = rebuild([added, removed])
    assert member.status == "removed" and member.name == "示例精密工業株式会社"


def test_amend_keeps_the_status_and_a_removal_of_an_unknown_entity_is_kept() -> None:
    members = rebuild(
        [
            event(1, "add", "示例光学株式会社", "2026-02-24"),
            event(2, "amend", "示例光学株式会社", "2026-03-01", address="大阪府示例市2-2"),
            event(3, "remove", "示例化学株式会社", "2026-03-02"),
        ]
    )
    by_name = {m.name: m for m in members}
    assert by_name["示例光学株式会社"].status == "listed"
    assert by_name["示例光学株式会社"].since == "2026-02-24"
    assert by_name["示例化学株式会社"].status == "removed"


def test_same_name_on_two_lists_or_countries_are_different_entities() -> None:
    a = event(1, "add", "示例光学株式会社", "2026-02-24")
    b = event(2, "add", "示例光学株式会社", "2026-02-24", list_name="control-list",
              entity_key=entity_key("control-list", "示例光学株式会社", "JP"))  # fmt: skip
    us_key = entity_key("watch-list", "示例光学株式会社", "US")
    c = event(3, "add", "示例光学株式会社", "2026-02-24", entity_key=us_key, country="US")
    assert len(rebuild([a, b, c])) == 3


def test_only_pages_naming_a_list_are_read() -> None:
    from monitors.lists.specs import mentions_a_list

    assert mentions_a_list("商务部公告2026年第11号", "决定将20家日本实体列入出口管制 管控名单。")
    assert mentions_a_list("外国ユーザーリスト", "")
    assert mentions_a_list("Decision", "added to the Unreliable Entity List")
    assert not mentions_a_list("商务部公告2025年第85号", "本公告自2026年1月15日起执行。")
