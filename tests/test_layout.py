"""The codebase's rooms stay as the README's layout table describes them.

* monitors/ holds subpackages; at its top only the command line's entry points.
* A spider module imports no other spider module (shared code lives in crawler/sites/).
* monitors/ never imports Scrapy, Twisted or the crawler package.
* SQL lives in monitors/storage/ (store.py, ledger.py for delivery, migrations.py) only.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MONITORS = ROOT / "monitors"
SPIDERS = ROOT / "crawler" / "spiders"
TOP_LEVEL_ALLOWED = {"__init__.py", "__main__.py", "tasks.py"}


def imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports (absolute names; ``from a import b`` gives a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_monitors_top_level_holds_only_entry_points() -> None:
    loose = {p.name for p in MONITORS.glob("*.py")} - TOP_LEVEL_ALLOWED
    assert loose == set(), f"modules outside a subpackage: {sorted(loose)}"
    packages = {p.name for p in MONITORS.iterdir() if (p / "__init__.py").exists()}
    assert {"cli", "core", "text", "storage", "rules", "changes", "mail", "ops"} <= packages


@pytest.mark.parametrize("path", sorted(SPIDERS.glob("*.py")), ids=lambda p: p.name)
def test_no_spider_imports_another_spider(path: Path) -> None:
    spiders = {f"crawler.spiders.{p.stem}" for p in SPIDERS.glob("*.py")} - {
        "crawler.spiders.__init__"
    }
    assert imported_modules(path) & spiders == set()


#: The one crawler module monitors/ may read: the generic spider's option schema, which
#: configuration checks use to validate a config-only source (no Scrapy behind it).
CONFIG_SCHEMA = "crawler.generic_options"


def test_monitors_is_free_of_scrapy_and_the_crawler() -> None:
    for path in MONITORS.rglob("*.py"):
        names = {n for n in imported_modules(path) if not n.startswith(CONFIG_SCHEMA)}
        roots = {name.split(".")[0] for name in names}
        assert roots.isdisjoint({"scrapy", "twisted", "crawler"}), path


def test_the_config_schema_monitors_reads_imports_no_scrapy() -> None:
    schema = ROOT / "crawler" / "generic_options.py"
    for name in imported_modules(schema):
        assert name.split(".")[0] not in {"scrapy", "twisted"}, name
        if name.startswith("crawler.") and name != CONFIG_SCHEMA:
            module = ROOT / (name.replace(".", "/") + ".py")
            if module.exists():
                roots = {n.split(".")[0] for n in imported_modules(module)}
                assert roots.isdisjoint({"scrapy", "twisted"}), module


#: The modules that hold SQL: the store, the delivery ledger and the schema migrations.
SQL_MODULES = {
    "storage/store.py",
    "storage/ledger.py",
    "storage/lists.py",
    "storage/migrations.py",
}
SQL_CALLS = {"execute", "executemany", "executescript"}


def sql_uses(path: Path) -> list[str]:
    """Where a Python file calls ``.execute``/``.executemany``/``.executescript`` or touches a
    ``.conn`` (the raw sqlite3 connection)."""
    uses = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_CALLS:
                uses.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            uses.append(f"{path.relative_to(ROOT)}:{node.lineno}: .conn")
    return uses


def test_only_the_storage_modules_run_sql() -> None:
    others = [p for p in sorted(MONITORS.rglob("*.py"))
              if p.relative_to(MONITORS).as_posix() not in SQL_MODULES]  # fmt: skip
    assert len(others) > 40
    assert [use for path in others for use in sql_uses(path)] == []
    assert sql_uses(MONITORS / "storage" / "store.py"), "the walk finds what it looks for"


#: Modules that decide, deliver or show without SQL of their own: no database handle, no
#: raw queries, no SQL text.
NO_SQL = ("ops/health.py", "ops/daemon.py", "ops/status.py", "mail/dispatch.py",
          "mail/healthview.py")  # fmt: skip
SQL_TEXT = re.compile(
    r"\b(SELECT\b.*\bFROM|INSERT\b.*\bINTO|UPDATE\b.*\bSET|DELETE\s+FROM)\b", re.S
)


@pytest.mark.parametrize("name", NO_SQL)
def test_health_delivery_and_daemon_hold_no_sql(name: str) -> None:
    tree = ast.parse((MONITORS / name).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr not in {"db", "conn", "query", "row", "rows", *SQL_CALLS}, (
                f"{name}:{node.lineno}: .{node.attr}"
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert not SQL_TEXT.search(node.value), f"{name}:{node.lineno}: SQL text"


def test_one_helper_begins_every_transaction() -> None:
    """The store's writes and the migrations share ``storage.store.immediate``: it is the only
    code that sends ``BEGIN``."""
    begins = []
    for path in sorted(MONITORS.rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and str(node.args[0].value).lstrip().upper().startswith("BEGIN")
                ):
                    begins.append(f"{path.relative_to(MONITORS)}:{function.name}")
    assert begins == ["storage/store.py:immediate"]
