"""The codebase's rooms stay as the README's layout table describes them.

* monitors/ holds subpackages; at its top only the command line's entry points.
* A spider module imports no other spider module (shared code lives in crawler/sites/).
* monitors/ never imports Scrapy, Twisted or the crawler package.
"""

from __future__ import annotations

import ast
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


def test_monitors_is_free_of_scrapy_and_the_crawler() -> None:
    for path in MONITORS.rglob("*.py"):
        roots = {name.split(".")[0] for name in imported_modules(path)}
        assert roots.isdisjoint({"scrapy", "twisted", "crawler"}), path
