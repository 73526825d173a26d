"""Control lists end to end: the replica's list announcements crawled (real HTTP, Scrapy,
SQLite), their rows read into each list's state, listed and screened through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPLICA_CONFIG, Dualwatch
from tests.smtp_server import SmtpServer

PARTIES = """id,name,other_names,country
1001,三菱造船股份有限公司,,JP
1002,Acme Trading,Mitsubishi Shipbuilding Ltd,
1003,三菱商事株式会社,,JP
"""


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Dualwatch:
    """exportcontrol crawled at state 5 (2026 No. 11 and No. 12): the crawl reads the rows."""
    from tests.replica import Replica

    directory = tmp_path_factory.mktemp("lists")
    replica = Replica(port=0, state=5).start()
    dw = Dualwatch(home=directory / "home", replica=replica)
    crawl = dw.run("crawl", "--no-send", "mofcom-ecl", check=None)  # state 5 has a listed 404
    assert " list: " not in crawl.stdout and "list error" not in crawl.stderr
    yield dw
    replica.stop()


def test_lists_count_the_members(listed: Dualwatch) -> None:
    out = listed.run("lists", check=None).stdout
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:]}
    assert rows["control-list"][0] == "20" and rows["watch-list"][0] == "20"


def test_entities_as_json_and_csv(listed: Dualwatch) -> None:
    lines = listed.run("entities", "--list", "control-list", "--json").stdout.splitlines()
    found = [json.loads(line) for line in lines]
    assert len(found) == 20 and {m["status"] for m in found} == {"listed"}
    [mitsubishi] = [m for m in found if m["name"].startswith("三菱造船")]
    assert "Mitsubishi Shipbuilding Co., Ltd." in mitsubishi["other_names"]
    assert mitsubishi["country"] == "JP" and mitsubishi["since"] == "2026-02-24"
    csv_text = listed.run("entities", "--csv", "--country", "jp").stdout
    assert csv_text.splitlines()[0].startswith("list,status,since,country,name")
    assert len(csv_text.splitlines()) == 41


def test_screen_matches_across_scripts_and_exits_1(listed: Dualwatch, tmp_path: Path) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text(PARTIES, encoding="utf-8")
    result = listed.run("screen", str(parties), "--json", check=1)
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert {h["party_id"] for h in hits} == {"1001", "1002"}
    assert all(h["list"] == "control-list" and h["why"] for h in hits)
    assert all(h["action"] == "add" and h["announcement"] == "商务部/公告/2026/11" for h in hits)
    assert all(h["url"].startswith("https://exportcontrol.mofcom.gov.cn/") for h in hits)
    clean = tmp_path / "clean.csv"
    clean.write_text("id,name\n1,三菱商事株式会社\n", encoding="utf-8")
    assert "0 match(es)" in listed.run("screen", str(clean), check=0).stdout


def test_reread_gives_the_same_lists(listed: Dualwatch) -> None:
    def members() -> list[dict]:
        rows = [json.loads(line) for line in listed.run("entities", "--json").stdout.splitlines()]
        return [{k: v for k, v in row.items() if k != "last_event_id"} for row in rows]

    before = members()
    listed.run("lists", "--reread")
    assert members() == before and len(before) == 40


def test_a_row_missing_from_a_list_fails_the_run(replica, tmp_path: Path) -> None:
    """2026 No. 11 states 20 entities; its page loses row 20: the notice is stored, but the
    run is partial (exit 1), says why, and `dualwatch lists` shows the problem (exit 1)."""
    replica.set_state(5)
    replica.set_variation("short-list")
    dw = Dualwatch(home=tmp_path / "home", replica=replica)
    result = dw.run("crawl", "--no-send", "mofcom-ecl", check=1)
    assert "states 20 entities, found 19 rows" in result.stdout + result.stderr
    with dw.store() as store:
        run = store.last_run("mofcom-ecl")
    assert run is not None and run.outcome == "partial"
    listing = dw.run("lists", check=1)
    assert "problem:" in listing.stderr and "found 19 rows" in listing.stderr
    assert "control-list" in listing.stdout  # the 19 rows read are kept, not dropped


def crawl_to_state_5(replica, tmp_path: Path, smtp: SmtpServer, subscriptions: str) -> Dualwatch:
    """mofcom-ecl crawled at state 1 (baseline), then at state 5, mailing through ``smtp``."""
    config = tmp_path / "m.toml"
    config.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        f'[mail.smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n' + subscriptions,
        encoding="utf-8",
    )
    dw = Dualwatch(home=tmp_path / "home", replica=replica, config_path=config)
    dw.run("crawl", "mofcom-ecl", check=None)
    replica.set_state(5)
    dw.run("crawl", "mofcom-ecl", check=None)
    return dw


def test_alert_for_a_list_announcement_states_its_rows(replica, tmp_path: Path) -> None:
    """2026 No. 11 (new in state 5): its alert says "+20 on 出口管制管控名单" with the rows, as
    text and as an HTML table; the digest line sums it up the same way."""
    with SmtpServer() as smtp:
        subscriptions = '[[subscriptions]]\nname = "lists"\nemail = "lists@example.org"\n'
        dw = crawl_to_state_5(
            replica, tmp_path, smtp, subscriptions + 'topics = ["entity-lists"]\n'
        )
        messages = [r.message() for r in smtp.received]
    [control] = [m for m in messages if "2026年第11号" in m["Subject"]]
    text = control.get_body(("plain",)).get_content()
    assert "+20 on 出口管制管控名单, effective 2026-02-24" in text
    assert "+ 1. 三菱造船株式会社 (Mitsubishi Shipbuilding Co., Ltd.) [JP]" in text
    html = control.get_body(("html",)).get_content()
    assert "+20 on 出口管制管控名单" in html and "<th" in html and "三菱造船株式会社" in html
    [watch] = [m for m in messages if "2026年第12号" in m["Subject"]]
    assert "+20 on 关注名单" in watch.get_body(("plain",)).get_content()
    digest = dw.run("digest", "--period", "daily", "--current", check=None).stdout
    assert "+20 on 出口管制管控名单" in digest


def test_watched_party_gets_one_alert_marked_as_a_match(replica, tmp_path: Path) -> None:
    """A subscription whose topics do not cover 2026 No. 11 but whose counterparty file holds
    a variant of one of its entities gets one alert about it, marked as a match; the same
    subscription without the file gets none; sending again sends nothing."""
    (tmp_path / "parties.csv").write_text(PARTIES, encoding="utf-8")
    with SmtpServer() as smtp:
        dw = crawl_to_state_5(
            replica,
            tmp_path,
            smtp,
            '[[subscriptions]]\nname = "watcher"\nemail = "watcher@example.org"\n'
            'topics = ["semiconductors"]\nparties = "parties.csv"\n'
            '[[subscriptions]]\nname = "plain"\nemail = "plain@example.org"\n'
            'topics = ["semiconductors"]\n',
        )
        dw.run("send", check=None)
        messages = [r.message() for r in smtp.received]
    about_11 = [m for m in messages if "2026年第11号" in m["Subject"]]
    assert [m["To"] for m in about_11] == ["watcher@example.org"]
    [alert] = about_11
    assert alert["Subject"].startswith("[dualwatch][MATCH]")
    text = alert.get_body(("plain",)).get_content()
    assert "Your counterparty 三菱造船股份有限公司 (id 1001) was added to 出口管制管控名单" in text
    assert "(id 1002)" in text and "(id 1003)" not in text
    assert "Counterparty match" in alert.get_body(("html",)).get_content()


def test_backtest_shows_who_would_be_alerted_without_writing(replica, tmp_path: Path) -> None:
    """After a history is stored, a new party file and subscription are checked against it."""
    (tmp_path / "parties.csv").write_text(PARTIES, encoding="utf-8")
    dw = Dualwatch(home=tmp_path / "home", replica=replica)
    dw.run("crawl", "--no-send", "mofcom-ecl", check=None)
    replica.set_state(5)
    dw.run("crawl", "--no-send", "mofcom-ecl", check=None)
    config = tmp_path / "b.toml"
    config.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        '[[subscriptions]]\nname = "watcher"\nemail = "w@example.org"\n'
        'topics = ["semiconductors"]\nparties = "parties.csv"\n'
        '[[subscriptions]]\nname = "lists"\nemail = "l@example.org"\ntopics = ["entity-lists"]\n',
        encoding="utf-8",
    )
    dw.config_path = config
    with dw.store() as store:
        before = store.rows("SELECT count(*) AS n FROM alerts")[0]["n"]
    out = dw.run("rules", "backtest").stdout
    [line_11] = [line for line in out.splitlines() if "2026年第11号" in line]
    assert "watcher (party)" in line_11 and "lists" in line_11
    [line_12] = [line for line in out.splitlines() if "2026年第12号" in line]
    assert "watcher" not in line_12 and "lists" in line_12
    assert "would be alerted" in out.splitlines()[-1]
    with dw.store() as store:
        assert store.rows("SELECT count(*) AS n FROM alerts")[0]["n"] == before


def test_entities_history_names_each_announcement(listed: Dualwatch) -> None:
    lines = listed.run("entities", "--list", "watch-list", "--json", "--history").stdout
    found = [json.loads(line) for line in lines.splitlines()]
    assert found and all(m["history"] for m in found)
    event = found[0]["history"][0]
    assert event["action"] == "add" and event["date"] == "2026-02-24"
    assert event["document"] == "商务部/公告/2026/12" and event["url"].startswith("https://")
    table = listed.run("entities", "--list", "watch-list", "--history").stdout
    assert "  add" in table and "商务部/公告/2026/12" in table
