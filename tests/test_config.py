"""Configuration loading: defaults, overrides from the environment, extends, validation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from monitors.core.config import known_spiders, load_config, parse_connect_to
from monitors.core.errors import ConfigError
from tests.conftest import REPLICA_CONFIG, ROOT, write_config


def test_shipped_config_is_valid_and_points_at_the_real_sites(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DUALWATCH_CONNECT_TO", raising=False)
    config = load_config(ROOT / "config" / "dualwatch.toml")
    enabled = {name for name, source in config.sources.items() if source.enabled}
    assert {"mofcom", "mofcom-bis", "mofcom-ecl", "mofcom-en", "mofa-ja", "mofa-en", "meti"} >= (
        enabled - {"mofa-oshirase"}
    )
    assert {"mofcom", "mofa-ja"} <= enabled
    assert config.source("mofcom").hosts == ("www.mofcom.gov.cn",)
    assert config.source("mofcom").option("api_url").startswith("https://www.mofcom.gov.cn/")
    assert config.connect_to == ""


def test_environment_overrides_home_and_connect_to(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:  # fmt: skip
    monkeypatch.setenv("DUALWATCH_HOME", str(tmp_path / "h"))
    monkeypatch.setenv("DUALWATCH_CONNECT_TO", "www.mofa.go.jp=127.0.0.1:9")
    monkeypatch.setenv("DUALWATCH_CONFIG", str(REPLICA_CONFIG))
    config = load_config()
    assert config.home == tmp_path / "h"
    assert parse_connect_to(config.connect_to) == {"www.mofa.go.jp": "127.0.0.1:9"}
    assert config.crawl.download_delay == 0  # from the replica config's [crawl] (default 0.5)
    assert config.source("mofcom").option("page_id")  # inherited through `extends`
    explicit = load_config(home=tmp_path / "x", connect_to="")
    assert explicit.home == tmp_path / "x" and explicit.connect_to == ""


@pytest.mark.parametrize("value", ["www.mofcom.gov.cn", "=1.2.3.4:80", "host=1.2.3.4"])
def test_malformed_connect_to_is_rejected(value: str) -> None:
    with pytest.raises(ConfigError, match="host=address:port"):
        parse_connect_to(value)


def test_connect_to_parses_several_hosts_case_insensitively() -> None:
    assert parse_connect_to(" WWW.MOFCOM.gov.cn=127.0.0.1:8701 , www.mofa.go.jp=[::1]:80") == {
        "www.mofcom.gov.cn": "127.0.0.1:8701",
        "www.mofa.go.jp": "[::1]:80",
    }


@pytest.mark.parametrize(
    ("tables", "message"),
    [
        ({"crawl": {"download_delays": 1}}, "unknown key"),
        ({"sources.mofcom": {"spider": "nope"}}, "unknown spider"),
        (
            {"sources.extra": {"spider": "mofcom", "listing_url": "u"}},
            r"sources\.extra\.hosts: missing",
        ),
    ],
)
def test_invalid_config_names_the_problem(tmp_path: Path, tables: dict, message: str) -> None:
    path = write_config(tmp_path / "c.toml", tables)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_unknown_source_and_missing_option_are_config_errors() -> None:
    config = load_config(REPLICA_CONFIG)
    with pytest.raises(ConfigError, match=r"configured: mofcom, mofcom-bis, .*meti"):
        config.source("mofa-fr")
    with pytest.raises(ConfigError, match="missing option 'api_url'"):
        config.source("mofa-ja").option("api_url")


def test_extends_loop_is_detected(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ConfigError, match="loops"):
        load_config(tmp_path / "a.toml")


def test_spider_names_follow_the_module_name_convention() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert set(out.stdout.split()) == known_spiders()
