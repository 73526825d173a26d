"""The CLI surface: every command, JSON output, exit codes, and the README documenting them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monitors.cli.commands import cli, parse_since
from monitors.cli.views import display_width, shorten
from tests.conftest import CORE, ROOT, Dualwatch


def test_changes_json_show_diff_and_sources(dualwatch: Dualwatch) -> None:
    dualwatch.run("crawl", *CORE)
    dualwatch.replica.set_state(2)
    dualwatch.run("crawl", *CORE)
    changes = [json.loads(line) for line in dualwatch.run("changes", "--json").stdout.splitlines()]
    assert changes
    for change in changes:
        assert {"id", "source", "kind", "url", "title", "detected_at"} <= set(change)
        assert change["kind"] in ("new", "modified", "removed")
    only_mofa = dualwatch.run("changes", "--json", "--source", "mofa-ja").stdout.splitlines()
    assert only_mofa and all(json.loads(line)["source"] == "mofa-ja" for line in only_mofa)
    assert dualwatch.run("changes", "--since", "2999-01-01").stdout.count("\n") == 2  # header only
    assert len(dualwatch.run("changes", "--limit", "2", "--json").stdout.splitlines()) == 2
    table = dualwatch.run("changes").stdout
    assert "商务部公告2026年第1号" in table

    new = next(c for c in changes if c["kind"] == "new")
    assert "no diff" in dualwatch.run("diff", str(new["id"])).stdout
    shown = dualwatch.run("show", str(new["notice_id"])).stdout
    assert new["url"] in shown and "versions:" in shown

    sources = dualwatch.run("sources").stdout
    assert "mofcom" in sources and "mofa-ja" in sources and "ok" in sources


def test_missing_things_exit_1_with_one_line(dualwatch: Dualwatch) -> None:
    """The subprocess view of it (tests/test_cli_exit_codes.py covers every command)."""
    assert dualwatch.run("show", "999", check=1).stderr == "dualwatch: no notice 999\n"
    assert dualwatch.run("diff", "999", check=1).stderr == "dualwatch: no change 999\n"
    assert dualwatch.run("runs", "--run", "999", check=1).stderr == "dualwatch: no run 999\n"


def test_configuration_errors_exit_2(tmp_path: Path, dualwatch: Dualwatch) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[crawl]\nno_such_key = 1\n[sources.x]\nspider='mofcom'\nhosts=['a']\nlisting_url='u'\n"
    )
    dualwatch.config_path = bad
    assert "unknown key" in dualwatch.run("sources", check=2).stderr
    dualwatch.config_path = tmp_path / "missing.toml"
    assert "not found" in dualwatch.run("sources", check=2).stderr
    dualwatch.config_path = ROOT / "tests" / "replica" / "dualwatch.toml"
    assert "--since" in dualwatch.run("changes", "--since", "yesterday-ish", check=2).stderr


def test_monitors_cli_does_not_load_scrapy() -> None:
    code = "import sys, monitors.cli; print('scrapy' in sys.modules, 'twisted' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"dualwatch {name}" in readme, f"README does not document `dualwatch {name}`"
    for text in ("make demo", "make test", "DUALWATCH_CONNECT_TO", "DUALWATCH_HOME"):
        assert text in readme


def test_readme_and_cli_docstring_give_the_same_exit_codes() -> None:
    import monitors.cli.commands as commands

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| status | meaning |") :].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "|---" not in line]
    assert [row.split("|")[1].strip() for row in rows[1:]] == ["0", "1", "2"]
    for text in ("dualwatch: no change 999", "did you mean", "configuration error"):
        assert text in table
    doc = commands.__doc__ or ""
    for text in ("- 0: success", "- 1:", "dualwatch: no change 999", "- 2: usage error"):
        assert text in doc


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize(
    ("value", "expected_prefix"),
    [("2026-01-06", "2026-01-06T00:00:00+00:00"), ("2026-01-06T09:00:00+08:00", "2026-01-06T01")],
)
def test_parse_since_absolute(value: str, expected_prefix: str) -> None:
    assert parse_since(value).startswith(expected_prefix)


def test_parse_since_relative_is_in_the_past() -> None:
    assert parse_since("24h") < parse_since("1h")


def test_table_helpers_count_cjk_as_double_width() -> None:
    assert display_width("商务部ab") == 8
    assert shorten("商务部公告2026年第1号", 8) == "商务部…"


def test_rules_test_on_a_file_and_a_stored_notice(dualwatch: Dualwatch, tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(
        "<html><head><title>商务部公告2026年第1号</title></head><body>"
        "<p>关于加强<b>两用</b>物项对日本出口管制的公告</p></body></html>",
        encoding="utf-8",
    )
    report = dualwatch.run("rules", "test", str(page)).stdout
    assert "dual-use" in report and "两用物项" in report
    dualwatch.run("crawl", "mofcom")
    stored = dualwatch.run(
        "rules",
        "test",
        "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_7fc9bff0fb4546ecb02f66ee77d0e5f6.html",
    ).stdout
    assert "rare-earths" in stored
    assert (
        "neither a file nor a stored notice"
        in dualwatch.run("rules", "test", "nope", check=1).stderr
    )


def test_digest_preview_writes_html_and_prints_text(dualwatch: Dualwatch, tmp_path: Path) -> None:
    dualwatch.run("crawl", "mofcom")
    preview = tmp_path / "digest.html"
    result = dualwatch.run("digest", "--preview", str(preview))
    assert "HTML digest written to" in result.stdout
    html = preview.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<script" not in html.lower()
    text = dualwatch.run("digest", "--period", "weekly").stdout
    assert text.startswith("Subject: [dualwatch] Weekly digest")
