"""Chat and push alerts through Apprise, end to end: replica → crawl → rules → a real local
webhook (Apprise's json:// target on 127.0.0.1), through the same ledger as email.

Each change is pushed once per target, retried (with the email backoff) while the endpoint
answers 500, never pushed again by a later `dualwatch send` (a new process: a restart), shown
by `dualwatch alerts`; the token comes from the environment and is stored nowhere."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import asdict, replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from monitors.changes.alerts import recipients
from monitors.changes.detect import record_fetch
from monitors.core.checks import Problems
from monitors.core.config import load_config
from monitors.mail.dispatch import deliver_due, make_transport
from monitors.mail.push import PushMessage, PushTransport, defanged, expand
from monitors.mail.pushurls import notify_url_problem, target_key
from monitors.rules.subscriptions import Subscription, check_subscriptions
from monitors.storage.ledger import ALERTS, Ledger
from monitors.storage.models import FetchedNotice
from monitors.storage.store import Store
from tests.conftest import REPLICA_CONFIG, Dualwatch, Offline, built_once
from tests.webhook_server import Hook, WebhookServer

TOKEN = "s3cr3t-Hook-Token-0042"
BASE_URL = "https://intranet.example.org/dualwatch/"


def write_config(path: Path, port: int, *extra_targets: str) -> Path:
    targets = [f"json://127.0.0.1:{port}/hook?+X-Token=${{DW_HOOK_TOKEN}}", *extra_targets]
    listed = ", ".join(f'"{t}"' for t in targets)
    path.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        "[mail]\nretry_base_seconds = 0\nretry_max_seconds = 0\n"
        f'[publish]\nbase_url = "{BASE_URL}"\n'
        '[[subscriptions]]\nname = "chat"\nemail = "chat@example.org"\n'
        f"notify = [{listed}]\n",
        encoding="utf-8",
    )
    return path


def crawl_and_push(directory: Path) -> None:
    """mofcom crawled at state 1, then at state 2 while the endpoint answers 500, then
    `dualwatch send` twice with the endpoint answering 200, then once more with a target
    added; what happened in ``results.json``."""
    from tests.replica import Replica

    saved = os.environ.get("DW_HOOK_TOKEN")
    os.environ["DW_HOOK_TOKEN"] = TOKEN
    try:
        with WebhookServer(status=500) as hook, Replica(port=0, state=1) as replica:
            dw = Dualwatch(home=directory / "home", replica=replica)
            dw.config_path = write_config(directory / "push.toml", hook.port)
            dw.run("crawl", "mofcom")
            results: dict[str, object] = {"baseline": len(hook.received)}
            replica.set_state(2)
            dw.run("crawl", "mofcom")
            results["failing"] = len(hook.received)
            results["while_failing"] = dw.run("alerts").stdout
            hook.status = 200
            results["first_send"] = dw.run("send").stdout
            results["delivered"] = len(hook.received)
            results["second_send"] = dw.run("send").stdout
            dw.config_path = write_config(
                directory / "push.toml", hook.port, f"json://127.0.0.1:{hook.port}/added-later"
            )
            dw.run("send")
            results["listing"] = dw.run("alerts").stdout
            results["received"] = [asdict(h) for h in hook.received]
            results["answered"] = hook.answered
    finally:
        if saved is None:
            os.environ.pop("DW_HOOK_TOKEN", None)
        else:
            os.environ["DW_HOOK_TOKEN"] = saved
    (directory / "results.json").write_text(json.dumps(results), encoding="utf-8")


@pytest.fixture(scope="module")
def pushed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What :func:`crawl_and_push` saw (run once per session), its data directory as
    ``dw`` and what the endpoint received as ``hook``."""
    directory = built_once(tmp_path_factory, "push-crawled", crawl_and_push)
    results = json.loads((directory / "results.json").read_text(encoding="utf-8"))
    received = [Hook(**h) for h in results.pop("received")]
    hook = SimpleNamespace(received=received, answered=results.pop("answered"))
    return {**results, "dw": Dualwatch(home=directory / "home", replica=Offline()), "hook": hook}


def push_rows(dw: Dualwatch) -> list[sqlite3.Row]:
    with sqlite3.connect(dw.home / "dualwatch.db") as db:
        db.row_factory = sqlite3.Row
        return db.execute(
            "SELECT * FROM alerts WHERE recipient LIKE 'notify:%' AND status != 'merged'"
        ).fetchall()


def test_each_change_is_pushed_once_after_retrying_500(pushed) -> None:
    hook, dw = pushed["hook"], pushed["dw"]
    assert pushed["baseline"] == 0, "a baseline alerts no one"
    rows = push_rows(dw)
    assert rows, "state 2 brings relevant changes"
    assert pushed["failing"] == len(rows), "one attempt per alert while the endpoint fails"
    assert hook.answered[: len(rows)] == [500] * len(rows)
    assert "retry" in pushed["while_failing"] and "notify:json://" in pushed["while_failing"]
    delivered = hook.received[len(rows) : pushed["delivered"]]
    assert len(delivered) == len(rows), "each retried once more, and delivered"
    titles = [h.body["title"] for h in delivered]
    assert len(set(titles)) == len(titles), titles
    assert all(row["status"] == "sent" and row["attempts"] == 2 for row in rows)
    assert all(row["transport"] == "apprise" for row in rows)
    assert f"and {len(rows)} chat message(s)" in pushed["first_send"]


def test_a_restart_sends_nothing_again_and_a_new_target_gets_no_replay(pushed) -> None:
    hook = pushed["hook"]
    assert len(hook.received) == pushed["delivered"], [h.path for h in hook.received]
    assert "delivered 0 message(s)" in pushed["second_send"]
    assert "chat" not in pushed["second_send"]
    assert all(h.path == "/hook" for h in hook.received)


def test_the_message_is_short_and_links_the_official_and_bulletin_pages(pushed) -> None:
    hook = pushed["hook"]
    [body] = {h.body["message"]: h.body for h in hook.received}.values()
    assert body["title"] == "[dualwatch][dual-use] New: 商务部公告2026年第1号 " + (
        "关于加强两用物项对日本出口管制的公告"
    )
    message = body["message"]
    assert len(message) <= 1500
    assert message.startswith("New on ") and "2026年第1号" in message
    assert "Topics: " in message
    assert "Official page: https://www.mofcom.gov.cn/" in message
    assert f"History and diffs: {BASE_URL}documents/d" in message


def test_the_token_comes_from_the_environment_and_is_stored_nowhere(pushed) -> None:
    hook, dw = pushed["hook"], pushed["dw"]
    assert {h.headers.get("X-Token") for h in hook.received} == {TOKEN}
    assert TOKEN.encode() not in (dw.home / "dualwatch.db").read_bytes()
    assert TOKEN not in pushed["listing"] and TOKEN not in pushed["while_failing"]
    assert "notify:json://127.0.0.1" in pushed["listing"]
    assert "${DW_HOOK_TOKEN}" in pushed["listing"]


# -- the transport on its own ----------------------------------------------------------


def test_transport_outcomes() -> None:
    message = PushMessage("title", "body")
    with WebhookServer(statuses=[500, 404, 200]) as hook:
        url = target_key(f"json://127.0.0.1:{hook.port}/x?+X-Key=${{KEY}}")
        transport = PushTransport({"KEY": "k-123"})
        assert transport.send(url, message).status == "retry"
        refused = transport.send(url, message)
        assert refused.status == "failed" and refused.code == 404
        assert transport.send(url, message).status == "sent"
        unset = PushTransport({}).send(url, message)
        assert unset.status == "retry" and "KEY is not set" in unset.detail
    closed = PushTransport({"KEY": "k"}).send(url, message)  # the server is gone
    assert closed.status == "retry"
    assert "k-123" not in refused.detail


def test_expand_encodes_values_and_reports_the_missing_variable() -> None:
    assert expand("slack://${A}/${B}", {"A": "1", "B": "2"}) == ("slack://1/2", ("1", "2"))
    url, secrets = expand("json://u:${P}@127.0.0.1:9/x", {"P": "pa ss@word/x"})
    assert url == "json://u:pa%20ss%40word%2Fx@127.0.0.1:9/x", "the host stays 127.0.0.1"
    assert secrets == ("pa ss@word/x", "pa%20ss%40word%2Fx")
    with pytest.raises(KeyError, match="B"):
        expand("slack://${A}/${B}", {"A": "1"})


def test_what_apprise_logs_is_redacted_and_kept_out_of_our_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Apprise names the host it could not reach, and logs a token it rejects: the row's
    error has *** instead, and none of it reaches dualwatch's log (even at DEBUG)."""
    caplog.set_level(logging.DEBUG)
    refused = PushTransport({"HOOK_HOST": "127.0.0.1"}).send(
        target_key("json://${HOOK_HOST}:9/x"), PushMessage("t", "b")
    )
    assert refused.status == "retry" and "***" in refused.detail
    assert "127.0.0.1" not in refused.detail
    bad_token = "SECRETA!!bad"
    rejected = PushTransport({"A": bad_token, "B": "B0", "C": "C0"}).send(
        target_key("slack://${A}/${B}/${C}/#chan"), PushMessage("t", "b")
    )
    assert rejected.status == "failed" and "Apprise cannot use slack://${A}" in rejected.detail
    assert "SECRETA" not in rejected.detail
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "SECRETA" not in logged and "127.0.0.1" not in logged, logged


def test_a_removed_target_is_skipped_and_one_added_again_starts_afresh(tmp_path: Path) -> None:
    config = load_config(REPLICA_CONFIG, home=tmp_path / "home")
    url = "json://127.0.0.1:9/removed"
    with_target = Subscription(name="chat", email="chat@example.org", notify=(url,))
    without = replace(with_target, notify=())
    with Store.open(config.db_path) as store:
        ledger = Ledger(store)
        store.ensure_source("mofcom", "MOFCOM", "mofcom")
        fetched = FetchedNotice("mofcom", "https://www.mofcom.gov.cn/a.html", "公告", "正文", b"")
        record_fetch(store, fetched, run_id=None, baseline=False)
        [change] = store.list_changes()
        names = lambda: [r["name"] for r in store.rows("SELECT name FROM subscribers")]  # noqa: E731
        recipients(ledger, with_target)
        assert f"chat {target_key(url)}" in names()
        assert ledger.queue_alert(change.id, "chat", target_key(url), "dualwatch.local")
        report = deliver_due(
            store,
            replace(config, subscriptions=(without,)),
            make_transport(config),
            push=PushTransport({}),
        )
        [row] = ledger.listing(ALERTS)
        assert (row.status, report.sent) == ("skipped", 0)
        assert "no longer configured" in (row.last_error or "")
        recipients(ledger, without)
        assert names() == ["chat"], "the removed target's start is forgotten"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("json://127.0.0.1:8080/hook", None),
        ("ntfy://ntfy.example.org/export-controls", None),
        ("slack://${SLACK_A}/${SLACK_B}/${SLACK_C}/#compliance", None),
        ("workflows://${TEAMS_HOST}/${TEAMS_WORKFLOW}/${TEAMS_SIGNATURE}", None),
        ("json://user:${HOOK_PASSWORD}@hooks.example.org/x", None),
        ("slack://T000/B000/XXXXXXXX/#compliance", "its host (a token) must come from"),
        ("slack://${A}/B000/XXXXXXXX/#compliance", "its path must come from"),
        ("json://user:hunter2@hooks.example.org/x", "its password must come from"),
        ("json://h.example.org/x?+Authorization=Bearer%20abc", "Authorization parameter"),
        ("ntfys://tk_literal@ntfy.example.org/t", "its user name must come from"),
        ("jsons://hooks.slack.com/services/T0/B0/XXXXXXXXXXXX1234", "its path must come from"),
        ("bogus://x", "unknown Apprise scheme bogus://"),
        ("not a url", "expected an Apprise URL"),
    ],
)
def test_notify_urls_are_checked(url: str, problem: str | None) -> None:
    found = notify_url_problem(url)
    assert (found is None) if problem is None else (problem in (found or ""))
    assert "hunter2" not in (found or "") and "XXXXXXXX" not in (found or "")


def test_subscription_notify_must_be_a_list_of_urls() -> None:
    problems = Problems(lambda _path: "dualwatch.toml")
    raw = [
        {"name": "a", "email": "a@example.org", "notify": "json://127.0.0.1/x"},
        {"name": "b", "email": "b@example.org", "notify": ["slack://literal/token/here"]},
    ]
    check_subscriptions(raw, problems, ["mofcom"], None)
    text = "\n".join(problems.lines)
    assert "subscriptions[0].notify: expected a list of Apprise URLs" in text
    assert "subscriptions[1].notify: slack:// URL: its host (a token) must come from" in text


def test_scraped_text_cannot_ping_a_channel() -> None:
    hostile = "<!channel> 公告 <@U024BE7LH> @here @everyone !channel> <https://evil.example|x>"
    safe = defanged(hostile)
    for mention in ("<!channel>", "<@", "@here", "@everyone", "channel>", "<https://"):
        assert mention not in safe, mention
    assert "公告" in safe and "!channel" in safe  # readable, just inert


def test_the_common_schemes_are_all_known_to_the_installed_apprise() -> None:
    """The shortcut list never accepts a scheme Apprise would refuse at sending time."""
    from monitors.mail.pushurls import COMMON_SCHEMES, apprise_schemes

    assert apprise_schemes() >= COMMON_SCHEMES
