"""Following a document: once a recipient was alerted about a document, every later change of
it (modified, delisted, removed, restored) is alerted too, whatever text changed — unless the
subscription sets ``follow_revisions = false``; its sources and ``immediate`` still apply.

The selection (:func:`monitors.changes.alerts.wants_alert`) is tested as a pure function; the
queueing against a real SQLite store, with notices recorded by the real change detection and
classified by the shipped rules.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from monitors.changes import detect
from monitors.changes.alerts import (
    FOLLOWED_KINDS,
    alert_followed_since,
    classify_pending,
    queue_immediate,
    wants_alert,
)
from monitors.core.config import Config, load_config
from monitors.core.errors import ConfigError
from monitors.mail.emailrender import render_alert
from monitors.mail.emailviews import MatchView
from monitors.rules.load import load_rules
from monitors.rules.subscriptions import Subscription, parse_subscriptions
from monitors.storage.ledger import ALERTS, Ledger
from monitors.storage.models import FetchedNotice
from monitors.storage.store import Store
from monitors.text.diff import diff_texts
from tests.conftest import REPLICA_CONFIG, ROOT
from tests.test_emailrender import alert

# -- the selection, as a pure function ----------------------------------------------------------

DUAL_USE = Subscription(name="a", email="a@example.org", topics=("dual-use",))


@pytest.mark.parametrize("kind", FOLLOWED_KINDS)
def test_a_followed_change_is_alerted_whatever_its_topics(kind: str) -> None:
    assert wants_alert(DUAL_USE, "mofcom", kind, [], following=True)
    assert wants_alert(DUAL_USE, "mofcom", kind, ["rare-earths"], following=True)
    assert not wants_alert(DUAL_USE, "mofcom", kind, [], following=False)


def test_the_rules_still_decide_who_hears_first() -> None:
    assert wants_alert(DUAL_USE, "mofcom", "new", ["dual-use"], following=False)
    assert not wants_alert(DUAL_USE, "mofcom", "new", ["rare-earths"], following=False)
    # a new copy or notice is never "followed": only later changes of a document are
    assert not wants_alert(DUAL_USE, "mofcom", "new", [], following=True)


def test_follow_revisions_false_leaves_only_rule_matches() -> None:
    rules_only = replace(DUAL_USE, follow_revisions=False)
    assert not wants_alert(rules_only, "mofcom", "modified", [], following=True)
    assert wants_alert(rules_only, "mofcom", "modified", ["dual-use"], following=True)


def test_sources_and_immediate_still_apply() -> None:
    mofcom_only = replace(DUAL_USE, sources=("mofcom",))
    assert not wants_alert(mofcom_only, "mofcom-ecl", "modified", [], following=True)
    assert wants_alert(mofcom_only, "mofcom", "modified", [], following=True)
    digest_only = replace(DUAL_USE, immediate=False, digest="daily")
    assert not wants_alert(digest_only, "mofcom", "modified", ["dual-use"], following=True)


def test_follow_revisions_is_validated_as_a_boolean() -> None:
    raw = [{"name": "a", "email": "a@example.org"}]
    [default] = parse_subscriptions(raw, ["mofcom"])
    assert default.follow_revisions is True
    [off] = parse_subscriptions([{**raw[0], "follow_revisions": False}], ["mofcom"])
    assert off.follow_revisions is False
    with pytest.raises(ConfigError, match="follow_revisions"):
        parse_subscriptions([{**raw[0], "follow_revisions": "no"}], ["mofcom"])


# -- queueing against a real store --------------------------------------------------------------

WWW = "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
ECL = "https://exportcontrol.mofcom.gov.cn/article/zcfg/gnzcfg/zcfggzqd/202601/1206.html"
NUMBER = "商务部公告2026年第1号"
TEXT = "决定加强两用物项对日本出口管制。\n本公告自公布之日起正式实施。"
CORRECTED = TEXT + "\n（联系地址已更正为：北京市东城区东长安街2号。）"


def fetched(source: str, url: str, text: str) -> FetchedNotice:
    return FetchedNotice(
        source=source,
        url=url,
        title=f"{NUMBER} 关于加强两用物项对日本出口管制的公告",
        text=text,
        raw_html=b"<html>raw</html>",
        doc_number=NUMBER,
    )


@pytest.fixture
def setup(tmp_path: Path):
    config_path = tmp_path / "c.toml"
    config_path.write_text(f'extends = "{REPLICA_CONFIG}"\n', encoding="utf-8")
    config = load_config(config_path, home=tmp_path / "home", connect_to="")
    subscriptions = (
        Subscription(name="follows", email="follows@example.org", topics=("dual-use",)),
        Subscription(name="other", email="other@example.org", topics=("rare-earths",)),
        Subscription(
            name="no-follow",
            email="nofollow@example.org",
            topics=("dual-use",),
            follow_revisions=False,
        ),
        Subscription(
            name="www-only", email="www@example.org", topics=("dual-use",), sources=("mofcom",)
        ),
        Subscription(name="digest", email="digest@example.org", immediate=False, digest="daily"),
    )
    config = replace(config, subscriptions=subscriptions)
    store = Store.open(tmp_path / "dualwatch.db")
    for source in ("mofcom", "mofcom-ecl"):
        store.ensure_source(source, source, source)
    for subscription in subscriptions:  # registered before anything is detected (a slow
        Ledger(store).subscriber_since(subscription.name, subscription.email)  # machine)
    yield store, config
    store.close()


def step(store: Store, config: Config) -> dict[str, set[int]]:
    """Classify and queue what is pending; every recipient's alerted change ids."""
    classify_pending(store, load_rules(ROOT / "config" / "rules.toml"))
    queue_immediate(store, config)
    alerted: dict[str, set[int]] = {}
    for delivery in Ledger(store).listing(ALERTS):
        assert delivery.change_id is not None
        alerted.setdefault(delivery.recipient, set()).add(delivery.change_id)
    return alerted


def test_an_irrelevant_revision_of_a_copy_reaches_followers_once(
    setup: tuple[Store, Config],
) -> None:
    store, config = setup
    first = detect.record_fetch(store, fetched("mofcom", WWW, TEXT), run_id=None, baseline=False)
    assert first.kind == "new"
    alerted = step(store, config)
    assert alerted == {
        "follows@example.org": {first.change_id},
        "nofollow@example.org": {first.change_id},
        "www@example.org": {first.change_id},
    }
    copy = detect.record_fetch(store, fetched("mofcom-ecl", ECL, TEXT), run_id=None, baseline=False)
    assert copy.kind == "copy"
    # the first alerts are still pending (never sent): queued is enough to follow
    revised = detect.record_fetch(
        store, fetched("mofcom-ecl", ECL, CORRECTED), run_id=None, baseline=False
    )
    assert revised.kind == "modified" and revised.change_id is not None
    alerted = step(store, config)
    assert Ledger(store).matches_of(revised.change_id) == [], "the correction is irrelevant"
    assert alerted["follows@example.org"] == {first.change_id, revised.change_id}
    assert alerted["nofollow@example.org"] == {first.change_id}  # follow_revisions = false
    assert alerted["www@example.org"] == {first.change_id}  # not one of its sources
    assert "other@example.org" not in alerted and "digest@example.org" not in alerted
    assert queue_immediate(store, config) == 0, "each change once per recipient"

    ledger = Ledger(store)
    rows = {(d.recipient, d.change_id): d for d in ledger.listing(ALERTS)}
    followed = rows[("follows@example.org", revised.change_id)]
    since = alert_followed_since(store, config, followed)
    first_row = rows[("follows@example.org", first.change_id)]
    assert since == first_row.created_at
    assert alert_followed_since(store, config, first_row) is None  # a rule match, not followed

    gone = detect.record_gone(store, "mofcom-ecl", ECL, run_id=None, status=404)
    assert gone.kind == "removed"
    alerted = step(store, config)
    assert gone.change_id in alerted["follows@example.org"]
    assert queue_immediate(store, config) == 0


def test_a_notice_never_alerted_is_not_followed(setup: tuple[Store, Config]) -> None:
    store, config = setup
    detect.record_fetch(store, fetched("mofcom-ecl", ECL, TEXT), run_id=None, baseline=True)
    revised = detect.record_fetch(
        store, fetched("mofcom-ecl", ECL, CORRECTED), run_id=None, baseline=False
    )
    assert revised.kind == "modified"
    assert step(store, config) == {}


# -- "Why this alert" -----------------------------------------------------------------------------


def test_a_followed_revision_says_why_once() -> None:
    body = diff_texts(TEXT, CORRECTED)
    followed = alert(kind="modified", body_diff=body, followed_since="2026-01-08T09:00:00+00:00")
    rendered = render_alert(followed)
    for part in (rendered.text, rendered.html):
        assert part.count("Why this alert") == 1
        assert "You were alerted about this document on 2026-01-08; this is a revision" in part
    matched = replace(
        followed,
        matches=(MatchView("dual-use", "Dual-use", "两用物项", "两用物项出口管制", "body"),),
    )
    rendered = render_alert(matched)  # a rule match too: one "Why" part saying both
    for part in (rendered.text, rendered.html):
        assert part.count("Why this alert") == 1
        assert "Dual-use" in part and "You were alerted about this document on 2026-01-08" in part
    plain = render_alert(replace(followed, followed_since=None))
    assert "Why this alert" not in plain.text and "You were alerted" not in plain.html
