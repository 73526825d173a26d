"""Self-healing jpaas IDs (crawler/jpaas.py): the queryData parser, API answers, and real
crawls through the replica where the configured IDs are stale, the column page's queryData is
entity-escaped, a pageId rotates mid-timeline, or nothing can be recovered.

The replica's jpaas switches are in :mod:`tests.replica.jpaas`; every test gets a fresh
replica (tests/conftest.py), so switches never leak.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any

import pytest

from crawler.sites.jpaas import (
    STATE_PREFIX,
    Refusal,
    parse_js_object,
    parse_query_data,
    query_data_ids,
    replaced_ids,
    unit_payload,
)
from monitors.core.errors import ParseError
from tests.conftest import Dualwatch
from tests.replica import MOFCOM_HOST, expected_changes
from tests.replica.jpaas import UNIT_API, units_of
from tests.replica.sites import aqygzj, english_mofcom
from tests.replica.sites import mofcom as www

EN_HOST = english_mofcom.HOST
EN_SECTIONS = {
    "/Policies/AnnouncementsOrders/index.html": english_mofcom.ANNOUNCEMENTS,
    "/News/PressConference/index.html": english_mofcom.PRESS,
}
WWW_SECTION = "/zwgk/zcfb/index.html"
IDS = {"webId": "w1", "pageId": "p1", "tplSetId": "t1", "tagId": "分页列表"}


def page(query_data: str, quote: str = '"') -> str:
    """A column page whose unit script carries ``query_data`` as written."""
    return (
        '<div id="分页列表"></div><script src="/cms_files/default/script/AuthorizedRead/'
        f'unitbuild.js?v=4.3.0-SWB-U19" queryData={quote}{query_data}{quote}></script>'
    )


SINGLE = "{'webId':'w1','pageId':'p1','tplSetId':'t1','pageType':'column','tagId':'分页列表'}"


# -- the queryData parser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        SINGLE,
        SINGLE.replace("'", "&#39;"),
        SINGLE.replace("'", "&#x27;"),
        SINGLE.replace("'", "&quot;"),
        SINGLE.replace("'", "&#34;"),
        "{ 'webId' : 'w1' , 'pageId':'p1', 'tplSetId':'t1', 'tagId':'分页列表', }",
        "{webId:'w1',pageId:&quot;p1&quot;,tplSetId:'t1',tagId:'分页列表',pageNo:1,cache:true}",
        "{'webId':'w1','pageId':'p1','tplSetId':'t1','tagId':'&#20998;&#39029;&#21015;&#34920;'}",
    ],
    ids=["single", "apos", "hex-apos", "quot", "num-quot", "spaces", "bare-keys", "entity-tag"],
)
def test_query_data_ids_in_every_spelling(written: str) -> None:
    assert query_data_ids(page(written)) == IDS


def test_query_data_in_single_quoted_attribute() -> None:
    written = json.dumps(IDS, ensure_ascii=False)
    assert query_data_ids(page(written, quote="'")) == IDS


def test_apostrophes_inside_values_are_kept() -> None:
    written = (
        "{'webId':'w1','pageId':'p1','tplSetId':'t1','tagId':'分页列表',"
        "'columnName':'MOFCOM's Announcements','note':'it's 'quoted' here'}"
    )
    for variant in (written, written.replace("'", "&#39;")):
        found = parse_query_data(page(variant))
        assert found["columnName"] == "MOFCOM's Announcements"
        assert found["note"] == "it's 'quoted' here"
        assert {k: found[k] for k in IDS} == IDS


def test_escapes_literals_and_nesting() -> None:
    value = parse_js_object(
        r"""{"a":"x\"y","b":'c\'d',"u":"\u5206","n":-2,"f":1.5,"t":true,"z":null,"""
        r""" "o":{"k":[1,'two',{}]},"e":[]}"""
    )
    assert value == {"a": 'x"y', "b": "c'd", "u": "分", "n": -2, "f": 1.5, "t": True,
                     "z": None, "o": {"k": [1, "two", {}]}, "e": []}  # fmt: skip


def test_page_with_several_units_prefers_the_listing_tag() -> None:
    side = "{'webId':'w1','pageId':'side','tplSetId':'t1','tagId':'右侧推荐'}"
    both = page(side) + page(SINGLE)
    assert query_data_ids(both, tag_id="分页列表")["pageId"] == "p1"
    assert query_data_ids(both)["pageId"] == "side", "without a preference: the first"
    assert query_data_ids(page("{'broken") + page(SINGLE))["pageId"] == "p1"


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<div id='分页列表'></div><script src='unitbuild.js'></script>", "has no queryData"),
        (page("{'webId':'w1','pageId':'p1'"), "unexpected end (no closing '}')"),
        (page("{'webId' 'w1'}"), "expected ':' after key"),
        (page("{'webId':'w1' 'pageId':'p1'}"), "queryData is not readable"),
        (page("{'webId':'unterminated}"), "unterminated string"),
        (page("{'webId':'w1'} trailing"), "unexpected text after the value"),
        (page("{:'w1'}"), "expected a key"),
        (page("['w1','p1']"), "queryData is not an object but list"),
        (page("loading"), "queryData is not an object but str"),
        (page(""), "queryData is not readable: unexpected end"),
        (page("{}"), "queryData lacks webId, pageId, tplSetId, tagId"),
        (page("{'webId':'w1','pageId':'','tplSetId':'t1','tagId':'x'}"), "lacks pageId"),
        (page("{'webId':'w1','pageId':{'a':1},'tplSetId':'t1','tagId':'x'}"), "lacks pageId"),
        (page("[" * 40 + "]" * 40), "nested too deeply"),
    ],
)
def test_garbage_raises_a_clear_parse_error(html: str, message: str) -> None:
    with pytest.raises(ParseError, match=re.escape(message)):
        query_data_ids(html)


def test_parse_errors_say_where() -> None:
    with pytest.raises(ParseError) as error:
        query_data_ids(page("{'webId':'w1',,'pageId':'p1'}"))
    assert "at character 14" in str(error.value) and "'webId':'w1',," in str(error.value)


# -- API answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "refusal"),
    [
        ('{"success":false,"message":"栏目不存在"}', 200, "success:false, '栏目不存在'"),
        ('{"success":false,"message":"栏目不存在"}', 400, "HTTP 400"),
        ("", 404, "HTTP 404"),
        ("<html>502</html>", 502, "HTTP 502"),
        ("<html>服务暂不可用</html>", 200, "the answer is not JSON"),
        ("[1]", 200, "the answer is not a JSON object"),
        ('{"success":true,"data":"<ul></ul>"}', 200, "its data is str, not an object"),
        ('{"success":true,"data":[{"html":"x"}]}', 200, "its data is list, not an object"),
        ('{"success":true,"data":null}', 200, "its data is NoneType, not an object"),
    ],
)
def test_unit_payload_refusals(body: str, status: int, refusal: str) -> None:
    assert unit_payload(body, status) == Refusal(refusal)


def test_unit_payload_fragment_and_changed_api() -> None:
    assert unit_payload('{"success":true,"data":{"html":"<ul></ul>"}}') == "<ul></ul>"
    with pytest.raises(ParseError, match=r"data\.html"):
        unit_payload('{"success":true,"data":{"rows":[]}}')


def test_replaced_ids_names_each_change() -> None:
    new = {**IDS, "pageId": "p2", "webId": "w2"}
    assert replaced_ids(IDS, new) == "webId w1 → w2, pageId p1 → p2"
    assert replaced_ids({"tagId": "分页列表"}, IDS) == (
        "webId (none) → w1, pageId (none) → p1, tplSetId (none) → t1"
    )
    assert replaced_ids(IDS, IDS) == "none"


# -- crawls through the replica ----------------------------------------------------------------


def replica_log(dw: Dualwatch) -> list[dict[str, Any]]:
    """The replica's request log, read over HTTP as an operator would."""
    url = f"http://127.0.0.1:{dw.replica.port}/__replica__/requests"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())["requests"]


def api_calls(dw: Dualwatch, host: str) -> list[dict[str, Any]]:
    return [r for r in replica_log(dw) if r["host"] == host and r["path"].startswith(UNIT_API)]


def stored_ids(dw: Dualwatch, source: str, section: str) -> dict[str, str] | None:
    with dw.store() as store:
        raw = store.source_state(source, STATE_PREFIX + section)
    return json.loads(raw) if raw else None


def site_ids(units: Any, column: str) -> dict[str, str]:
    return {
        "webId": units.web_id,
        "pageId": units.page_ids[column],
        "tplSetId": units.tpl_set_id,
        "tagId": units.tag_id,
    }


SITE_MODULES = {MOFCOM_HOST: "mofcom", EN_HOST: "english_mofcom", aqygzj.AQYGZJ_HOST: "aqygzj"}


def expected(state: int, host: str) -> dict[str, list[str]]:
    """What a crawl of ``host``'s source should report entering ``state``."""
    return expected_changes(state, sites=(SITE_MODULES[host],))[host]


def changes(dw: Dualwatch, source: str, since_id: int = 0) -> list[dict[str, Any]]:
    lines = dw.run("changes", "--json", "--source", source).stdout.splitlines()
    return [c for c in map(json.loads, lines) if c["id"] > since_id]


def detected(found: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {
        kind: sorted(c["url"] for c in found if c["kind"] == kind)
        for kind in ("new", "modified", "removed")
    }


def last_run(dw: Dualwatch, source: str) -> Any:
    with dw.store() as store:
        return store.last_run(source)


def stored_urls(dw: Dualwatch, source: str) -> set[str]:
    with dw.store() as store:
        rows = store.db.query("SELECT url FROM notices WHERE source = ?", [source])
        return {row["url"] for row in rows}


@pytest.mark.parametrize("answer", ["http-400", "success-false"])
def test_stale_english_ids_heal_and_are_remembered(dualwatch: Dualwatch, answer: str) -> None:
    """The shipped config's English IDs are placeholders the replica does not know."""
    units = units_of(dualwatch.replica, EN_HOST)
    units.unknown_ids = answer
    config = dualwatch.config.source("mofcom-en")
    assert config.option("web_id") != units.web_id
    assert {c["page_id"] for c in config.option("columns")}.isdisjoint(units.page_ids.values())

    result = dualwatch.run("crawl", "mofcom-en")
    assert "ok (baseline)" in result.stdout
    assert "the config listing API IDs are stale" in result.stderr
    assert f"pageId {config.option('columns')[0]['page_id']} → " in result.stderr
    assert stored_urls(dualwatch, "mofcom-en") == set(expected(1, EN_HOST)["new"])
    for section, column in EN_SECTIONS.items():
        assert stored_ids(dualwatch, "mofcom-en", section) == site_ids(units, column)
    calls = api_calls(dualwatch, EN_HOST)
    with_config = [c["status"] for c in calls if f"webId={config.option('web_id')}" in c["path"]]
    assert with_config == [400 if answer == "http-400" else 200] * 2, "one refusal per column"
    assert all(c["status"] == 200 for c in calls if f"webId={units.web_id}" in c["path"])

    dualwatch.replica.reset_log()
    dualwatch.replica.set_state(2)
    second = dualwatch.run("crawl", "mofcom-en")
    assert "IDs are stale" not in second.stderr
    assert "listing API IDs in use (stored)" in second.stderr
    calls = api_calls(dualwatch, EN_HOST)
    assert calls and {c["status"] for c in calls} == {200}
    assert all(f"webId={units.web_id}" in c["path"] for c in calls), "no failed API call"
    paths = {r["path"] for r in replica_log(dualwatch)}
    assert not paths & set(EN_SECTIONS), "the column pages are not needed any more"
    assert detected(changes(dualwatch, "mofcom-en")) == expected(2, EN_HOST)
    assert last_run(dualwatch, "mofcom-en").outcome == "ok"


@pytest.mark.parametrize("escape", ["apos", "quot"])
def test_entity_escaped_query_data_is_read(dualwatch: Dualwatch, escape: str) -> None:
    units = units_of(dualwatch.replica, EN_HOST)
    units.escaped_query_data = escape
    entity = {"apos": "&#39;", "quot": "&quot;"}[escape]
    column = urllib.request.Request(
        f"http://127.0.0.1:{dualwatch.replica.port}/News/PressConference/index.html",
        headers={"Host": EN_HOST},
    )
    with urllib.request.urlopen(column, timeout=10) as answer:
        assert f'queryData="{{{entity}webId{entity}:' in answer.read().decode()
    result = dualwatch.run("crawl", "mofcom-en")
    assert "ok (baseline)" in result.stdout
    assert "reading" not in result.stderr.split("stale")[-1], "no static-link fallback"
    assert stored_urls(dualwatch, "mofcom-en") == set(expected(1, EN_HOST)["new"])
    for section, key in EN_SECTIONS.items():
        assert stored_ids(dualwatch, "mofcom-en", section) == site_ids(units, key)


def test_rotated_page_id_on_www_heals_without_false_changes(dualwatch: Dualwatch) -> None:
    units = units_of(dualwatch.replica, MOFCOM_HOST)
    dualwatch.run("crawl", "mofcom")
    assert stored_ids(dualwatch, "mofcom", WWW_SECTION) == site_ids(units, www.COLUMN)

    old = units.page_ids[www.COLUMN]
    new = units.rotate(www.COLUMN)
    dualwatch.replica.set_state(2)
    dualwatch.replica.reset_log()
    result = dualwatch.run("crawl", "mofcom")
    assert "the stored listing API IDs are stale" in result.stderr
    assert f"pageId {old} → {new}" in result.stderr
    assert last_run(dualwatch, "mofcom").outcome == "ok"
    assert detected(changes(dualwatch, "mofcom")) == expected(2, MOFCOM_HOST)
    assert stored_ids(dualwatch, "mofcom", WWW_SECTION)["pageId"] == new
    seen = max(c["id"] for c in changes(dualwatch, "mofcom"))

    dualwatch.replica.set_state(3)
    dualwatch.replica.reset_log()
    dualwatch.run("crawl", "mofcom")
    calls = api_calls(dualwatch, MOFCOM_HOST)
    assert calls and all(f"pageId={new}" in c["path"] and c["status"] == 200 for c in calls)
    assert WWW_SECTION not in {r["path"] for r in replica_log(dualwatch)}
    assert changes(dualwatch, "mofcom", seen) == [], "no false new/removed changes"
    with dualwatch.store() as store:
        statuses = {row["status"] for row in store.db.query("SELECT status FROM notices")}
    assert statuses == {"active"}


def test_rotated_page_ids_on_aqygzj_heal_both_columns(dualwatch: Dualwatch) -> None:
    """aqygzj's 清单目录 has no configured pageId: after the first run it is stored."""
    units = units_of(dualwatch.replica, aqygzj.AQYGZJ_HOST)
    dualwatch.run("crawl", "mofcom-bis")
    assert stored_ids(dualwatch, "mofcom-bis", "/qdml/index.html") == site_ids(units, "qdml")

    dualwatch.replica.reset_log()
    dualwatch.run("crawl", "mofcom-bis")
    paths = {r["path"] for r in replica_log(dualwatch)}
    assert "/qdml/index.html" not in paths, "the stored 清单目录 IDs are used directly"

    for column in ("flzc/gzjgfxwj", "qdml"):
        units.rotate(column)
    dualwatch.replica.set_state(2)
    result = dualwatch.run("crawl", "mofcom-bis")
    assert result.stderr.count("the stored listing API IDs are stale") == 2
    assert last_run(dualwatch, "mofcom-bis").outcome == "ok"
    assert detected(changes(dualwatch, "mofcom-bis")) == expected(2, aqygzj.AQYGZJ_HOST)
    assert stored_ids(dualwatch, "mofcom-bis", "/qdml/index.html") == site_ids(units, "qdml")


def test_unrecoverable_ids_fail_the_run(dualwatch: Dualwatch) -> None:
    units = units_of(dualwatch.replica, MOFCOM_HOST)
    units.rotate(www.COLUMN)
    units.query_data_shown = False
    result = dualwatch.run("crawl", "mofcom", check=1)
    assert "mofcom: listing error" in result.stderr
    assert "the column page has no queryData attribute" in result.stderr
    run = last_run(dualwatch, "mofcom")
    assert run.outcome not in ("ok", "blocked")
    assert "栏目不存在" in run.message and "queryData" in run.message
    assert stored_ids(dualwatch, "mofcom", WWW_SECTION) is None
    assert stored_urls(dualwatch, "mofcom") == set()


def test_api_data_that_is_not_an_object_fails_cleanly(dualwatch: Dualwatch) -> None:
    units_of(dualwatch.replica, MOFCOM_HOST).data_not_object = True
    result = dualwatch.run("crawl", "mofcom", check=1)
    assert "its data is str, not an object" in result.stderr
    assert "the column page names the same IDs" in result.stderr
    assert "AttributeError" not in result.stderr and "Traceback" not in result.stderr
    assert last_run(dualwatch, "mofcom").outcome not in ("ok", "blocked")
