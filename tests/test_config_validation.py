"""The configuration is validated completely at load: one line per problem, naming the file,
the dotted key and the expected form; `dualwatch config check` shows every problem at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from monitors.core.config import load_config
from monitors.core.errors import ConfigError
from tests.conftest import REPLICA_CONFIG, ROOT, write_config

REPLICA_CONFIGS = sorted((ROOT / "tests" / "replica" / "configs").glob("*.toml"))
TOPICS = "dual-use, entity-lists, japan, rare-earths, sanctions-countermeasures, semiconductors"
SUB = {"email": "a@example.org"}

CASES: list[tuple[dict[str, Any], str]] = [
    # wrong types
    ({"crawl": {"download_delay": "abc"}},
     'crawl.download_delay: expected a number of seconds ≥ 0, got "abc"'),
    ({"crawl": {"obey_robots": "yes"}}, 'crawl.obey_robots: expected true or false, got "yes"'),
    ({"crawl": {"concurrent_per_host": 1.5}},
     "crawl.concurrent_per_host: expected an integer ≥ 1, got 1.5"),
    ({"crawl": {"contact_url": "github"}},
     'crawl.contact_url: expected an absolute http(s) URL, got "github"'),
    ({"mail": {"retry_base_seconds": "1m"}},
     'mail.retry_base_seconds: expected a number of seconds ≥ 0, got "1m"'),
    ({"mail.smtp": {"host": "mx", "port": "25"}},
     'mail.smtp.port: expected a port 1-65535, got "25"'),
    ({"sources.mofcom": {"enabled": 1}}, "sources.mofcom.enabled: expected true or false, got 1"),
    ({"sources.mofcom": {"hosts": "www.mofcom.gov.cn"}},
     'sources.mofcom.hosts: expected a non-empty list of host names such as "www.example.org",'
     ' got "www.mofcom.gov.cn"'),
    ({"sources.mofcom-ecl": {"column_ids": ["9"]}},
     'sources.mofcom-ecl.column_ids: expected a non-empty list of integers, got ["9"]'),
    ({"daemon": {"retention_days": "180"}},
     'daemon.retention_days: expected a number of days ≥ 1, got "180"'),
    # out of range
    ({"crawl": {"download_delay": -1}},
     "crawl.download_delay: expected a number of seconds ≥ 0, got -1"),
    ({"crawl": {"download_timeout": 0}},
     "crawl.download_timeout: expected a number of seconds > 0, got 0"),
    ({"crawl": {"retry_times": -1}}, "crawl.retry_times: expected an integer ≥ 0, got -1"),
    ({"crawl": {"max_download_bytes": 0}},
     "crawl.max_download_bytes: expected a number of bytes ≥ 1, got 0"),
    ({"mail.smtp": {"host": "mx", "port": 70000}},
     "mail.smtp.port: expected a port 1-65535, got 70000"),
    ({"mail": {"retry_base_seconds": 100, "retry_max_seconds": 10}},
     "mail.retry_max_seconds: expected a number ≥ retry_base_seconds (100), got 10"),
    ({"sources.mofcom": {"max_listing_pages": 0}},
     "sources.mofcom.max_listing_pages: expected an integer ≥ 1, got 0"),
    ({"sources.mofcom": {"outage_share": 1.5}},
     "sources.mofcom.outage_share: expected a number from 0 to 1, got 1.5"),
    ({"sources.mofcom": {"reverify_days": 0}},
     "sources.mofcom.reverify_days: expected a number of days > 0, got 0"),
    ({"subscriptions": [{**SUB, "digest_hour": 24}]},
     "subscriptions[0].digest_hour: expected an hour 0-23, got 24"),
    # unknown keys, with "did you mean"
    ({"crawl": {"download_delays": 1}},
     "crawl.download_delays: unknown key (did you mean 'download_delay'?)"),
    ({"daemon": {"log_levl": "INFO"}}, "daemon.log_levl: unknown key (did you mean 'log_level'?)"),
    ({"dualwatch": {"hom": "var"}}, "dualwatch.hom: unknown key (did you mean 'home'?)"),
    ({"mail": {"operater": "o@example.org"}},
     "mail.operater: unknown key (did you mean 'operator'?)"),
    ({"mail.smtp": {"host": "mx", "prot": 25}},
     "mail.smtp.prot: unknown key (did you mean 'port'?)"),
    ({"sources.mofcom": {"web_idd": "x"}},
     "sources.mofcom.web_idd: unknown key (did you mean 'web_id'?)"),
    ({"sources.mofcom": {"download_delay": 3}},
     "sources.mofcom.download_delay: unknown key ([crawl] keys apply to every source)"),
    ({"sources.mofa-en": {"sections": []}}, "sources.mofa-en.sections: unknown key"),
    ({"sources.mofa-oshirase.listing": {"item": "li"}},
     "sources.mofa-oshirase.listing.item: unknown option"),
    ({"subscriptions": [{**SUB, "topic": ["dual-use"]}]},
     "subscriptions[0].topic: unknown key (did you mean 'topics'?)"),
    ({"sources.meti": {"pages": [{"url": "https://www.meti.go.jp/a.html", "kind": "amendments",
                                  "lang": "en"}]}},
     "sources.meti.pages[0].lang: unknown key (did you mean 'language'?)"),
    # unknown tables
    ({"crawll": {"download_delay": 1}}, "crawll: unknown table (did you mean 'crawl'?)"),
    ({"smtp": {"host": "mx"}}, "smtp: unknown table; expected one of dualwatch, crawl, mail"),
    # names: topics, sources, spiders, time zones
    ({"subscriptions": [{**SUB, "topics": ["dual_use"]}]},
     f'subscriptions[0].topics: unknown topic "dual_use" (did you mean \'dual-use\'?); '
     f"topics of config/rules.toml: {TOPICS}"),
    ({"sources.meti": {"relevance_topics": ["entity-list"]}},
     "sources.meti.relevance_topics: unknown topic \"entity-list\" (did you mean 'entity-lists'?)"),
    ({"subscriptions": [{**SUB, "sources": ["mofcom-enn"]}]},
     "subscriptions[0].sources: unknown source \"mofcom-enn\" (did you mean 'mofcom-en'?)"),
    ({"sources.mofcom": {"spider": "mofcon"}},
     "sources.mofcom.spider: unknown spider \"mofcon\" (did you mean 'mofcom'?)"),
    ({"subscriptions": [{**SUB, "timezone": "Asia/Tokio"}]},
     'subscriptions[0].timezone: expected a time zone name such as "Asia/Tokyo" or "UTC",'
     ' got "Asia/Tokio"'),
    ({"subscriptions": [{**SUB, "weekly_day": "Monday"}]},
     "subscriptions[0].weekly_day: expected one of monday, tuesday"),
    ({"subscriptions": [{**SUB, "parties": "missing.csv"}]},
     "subscriptions[0].parties: "),
    ({"screening": {"threshold": 120}},
     "screening.threshold: expected a score from 0 to 100, got 120"),
    ({"lists": {"example-list": {"aliases": ["示例清单"]}}}, "lists: lists.example-list"),
    ({"subscriptions": [{**SUB, "language": "cn"}]},
     'subscriptions[0].language: expected one of zh, ja, en, got "cn"'),
    ({"subscriptions": [{**SUB, "notify": ["slack://T0/B0/literal-token"]}]},
     "subscriptions[0].notify: slack:// URL: its host (a token) must come from an "
     "environment variable"),
    ({"subscriptions": [{**SUB, "immediate": False, "digest": "daily",
                         "notify": ["json://127.0.0.1/x"]}]},
     "subscriptions[0].notify: needs immediate = true"),
    ({"publish": {"base_url": "intranet/dualwatch"}},
     'publish.base_url: expected an absolute http(s) URL, got "intranet/dualwatch"'),
    ({"publish": {"site": ""}}, 'publish.site: expected a non-empty string, got ""'),
    ({"subscriptions": [{**SUB, "immediate": False}]},
     'subscriptions[0].digest: expected "daily" or "weekly" when immediate = false'),
    # durations
    ({"daemon": {"deliver_every": "5 minutes"}},
     'daemon.deliver_every: expected a duration such as 90s, 5m, 1h or 1d (more than 0),'
     ' got "5 minutes"'),
    ({"daemon": {"lock_wait": -5}},
     "daemon.lock_wait: expected a duration such as 90s, 5m, 1h or 1d, got -5"),
    ({"sources.mofcom": {"jitter": "soon"}},
     'sources.mofcom.jitter: expected a duration such as 90s, 5m, 1h or 1d, got "soon"'),
    # connect_to in the file
    ({"dualwatch": {"connect_to": "host=127.0.0.1:notaport"}},
     "dualwatch.connect_to: expected host=address:port[,host=address:port...] with a port"
     ' 1-65535, got "host=127.0.0.1:notaport"'),
    # required things
    ({"sources.extra": {"spider": "mofa-en", "listing_url": "https://a.example/"}},
     "sources.extra.hosts: missing (expected a non-empty list of host names"),
    ({"sources.mofcom": {"listing_url": "https://elsewhere.example/"}},
     "sources.mofcom.listing_url: expected a URL on one of the source's hosts"),
]  # fmt: skip


@pytest.mark.parametrize(("tables", "message"), CASES, ids=[m.split(":")[0] for _t, m in CASES])
def test_each_problem_is_one_line_naming_file_and_key(
    tmp_path: Path, tables: dict[str, Any], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUALWATCH_CONNECT_TO", raising=False)
    monkeypatch.chdir(ROOT)
    path = write_config(tmp_path / "c.toml", {})
    lines = [f"extends = {str(REPLICA_CONFIG)!r}"]
    for table, values in tables.items():
        if table == "subscriptions":
            for entry in values:
                lines.append("[[subscriptions]]")
                lines += [f"{k} = {_toml(v)}" for k, v in entry.items()]
        else:
            lines.append(f"[{table}]")
            lines += [f"{k} = {_toml(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    problems = str(raised.value).splitlines()
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}: {message}"), problems[0]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


@pytest.mark.parametrize(
    "value",
    ["host=127.0.0.1:notaport", "host=127.0.0.1:0", "host=127.0.0.1:65536", "host=:80",
     "127.0.0.1:80", "ho st=127.0.0.1:80", "host=127.0.0.1"],
)  # fmt: skip
def test_bad_connect_to_argument(value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(REPLICA_CONFIG, connect_to=value)
    assert str(raised.value) == (
        "--connect-to: expected host=address:port[,host=address:port...] with a port 1-65535,"
        f' got "{value}"'
    )


def test_bad_connect_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUALWATCH_CONNECT_TO", "www.mofa.go.jp=127.0.0.1:x")
    with pytest.raises(ConfigError, match=r"^DUALWATCH_CONNECT_TO: expected host=address:port"):
        load_config(REPLICA_CONFIG)


def test_the_base_file_is_named_for_keys_it_sets(tmp_path: Path) -> None:
    base = write_config(tmp_path / "base.toml", {"crawl": {"retry_times": "3"}})
    top = tmp_path / "top.toml"
    top.write_text('extends = "base.toml"\n[crawl]\ndownload_delay = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(top, connect_to="")
    assert str(raised.value).splitlines() == [
        f'{top}: crawl.download_delay: expected a number of seconds ≥ 0, got "x"',
        f'{base}: crawl.retry_times: expected an integer ≥ 0, got "3"',
    ]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
    return subprocess.run(
        [sys.executable, "-m", "monitors", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_exits_2_with_one_line_per_problem_and_no_traceback(tmp_path: Path) -> None:
    path = write_config(tmp_path / "c.toml", {"crawl": {"download_delay": "abc"}, "crawll": {}})
    result = run_cli("--config", str(path), "--home", str(tmp_path), "sources")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"configuration error: {path}: crawll: unknown table (did you mean 'crawl'?); expected "
        "one of dualwatch, crawl, mail, daemon, sources, subscriptions, lists, screening, "
        "publish",
        f"configuration error: {path}: crawl.download_delay: expected a number of seconds ≥ 0, "
        'got "abc"',
    ]
    assert "Traceback" not in result.stderr


def test_cli_rejects_a_bad_connect_to_with_exit_2(tmp_path: Path) -> None:
    result = run_cli("--config", str(REPLICA_CONFIG), "--home", str(tmp_path),
                     "--connect-to", "host=127.0.0.1:notaport", "sources")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "configuration error: --connect-to: expected host=address:port[,host=address:port...]"
        ' with a port 1-65535, got "host=127.0.0.1:notaport"\n'
    )


def test_cli_typo_in_a_subscription_topic(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'extends = "{REPLICA_CONFIG}"\n[[subscriptions]]\nemail = "a@example.org"\n'
        'topics = ["dual_use"]\n',
        encoding="utf-8",
    )
    result = run_cli("--config", str(path), "--home", str(tmp_path), "sources")
    assert result.returncode == 2
    assert "subscriptions[0].topics: unknown topic \"dual_use\" (did you mean 'dual-use'?)" in (
        result.stderr
    )


@pytest.mark.parametrize(
    "config", [ROOT / "config" / "dualwatch.toml", REPLICA_CONFIG, *REPLICA_CONFIGS],
    ids=lambda p: str(p.relative_to(ROOT)),
)  # fmt: skip
def test_config_check_passes_on_the_shipped_and_replica_configs(config: Path) -> None:
    result = run_cli("--config", str(config), "config", "check")
    assert result.returncode == 0, result.stderr
    assert "[crawl]" in result.stdout and "download_delay = " in result.stdout
    assert result.stderr == "configuration OK\n"


def test_config_check_json_shows_defaults_and_extends(tmp_path: Path) -> None:
    import json

    result = run_cli("--config", str(REPLICA_CONFIG), "config", "check", "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout.split("\n", 1)[1])
    assert data["crawl"]["download_delay"] == 0  # the replica's own value
    assert data["crawl"]["concurrent_per_host"] == 2  # a default
    assert data["sources"]["mofcom"]["every"] == "1h"  # a source default
    assert data["sources"]["mofcom"]["page_size"] == 15  # inherited through extends


def test_config_check_prints_every_problem_and_no_secret(tmp_path: Path) -> None:
    secret = "s3cret-value-4711"
    path = tmp_path / "c.toml"
    path.write_text(
        f'extends = "{REPLICA_CONFIG}"\n'
        '[crawl]\ndownload_delay = "abc"\n'
        '[mail.smtp]\nhost = "smtp.example.org"\nusername_env = "DW_USER"\n'
        f'password_env = "DW_PASSWORD"\npassword = "{secret}"\n'
        f'[sources.mofcom]\napi_url = "https://user:{secret}@www.mofcom.gov.cn/api"\n'
        '[[subscriptions]]\nemail = "a@example.org"\ntopics = ["dual_use"]\n',
        encoding="utf-8",
    )
    result = run_cli("--config", str(path), "config", "check", env={"DW_PASSWORD": secret})
    assert result.returncode == 2
    assert secret not in result.stdout + result.stderr
    assert 'password_env = "DW_PASSWORD"' in result.stdout  # a variable name, not a secret
    assert 'password = "<redacted>"' in result.stdout
    problems = [line for line in result.stderr.splitlines() if line.startswith("configuration")]
    assert problems == [
        f"configuration error: {path}: crawl.download_delay: expected a number of seconds ≥ 0, "
        'got "abc"',
        f"configuration error: {path}: mail.smtp.password: credentials are never read from the "
        "configuration file: set username_env and password_env to the names of environment "
        "variables that hold them",
        f'configuration error: {path}: subscriptions[0].topics: unknown topic "dual_use" (did '
        f"you mean 'dual-use'?); topics of config/rules.toml: {TOPICS}, suspensions",
    ]
    assert result.stderr.splitlines()[-1] == "3 problem(s) found"
