"""Shared fixtures: the replica over real HTTP, a scratch data directory, the real CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from monitors.core.config import Config, load_config
from monitors.storage.store import Store
from tests.replica import Replica

ROOT = Path(__file__).resolve().parent.parent
REPLICA_CONFIG = ROOT / "tests" / "replica" / "dualwatch.toml"
#: The two sources most end-to-end tests crawl (the full set is tested in test_all_sources).
CORE = ("mofcom", "mofa-ja")


@pytest.fixture
def replica() -> Iterator[Replica]:
    """The offline replica of the sites, serving state 1 on a free port."""
    server = Replica(port=0, state=1)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Offline:
    """Stands in for the replica once a shared data directory is built (:func:`built_once`):
    its commands read the store; there is nothing left to crawl."""

    connect_to: str = "www.mofcom.gov.cn=127.0.0.1:9"


@dataclass
class Dualwatch:
    """Runs the real `dualwatch` command against the replica with its own data directory."""

    home: Path
    replica: Replica | Offline
    config_path: Path = REPLICA_CONFIG

    @property
    def config(self) -> Config:
        """The configuration the CLI sees."""
        return load_config(self.config_path, home=self.home, connect_to=self.replica.connect_to)

    def override(self, **tables: dict[str, Any]) -> None:
        """Use a config that extends the replica config with these tables' keys."""
        self.config_path = write_config(self.home.parent / "override.toml", tables)

    def run(self, *args: str, check: int | None = 0) -> subprocess.CompletedProcess[str]:
        """Run `python -m monitors ARGS`; assert the exit status when ``check`` is not None."""
        command = [
            sys.executable,
            "-m",
            "monitors",
            "--config",
            str(self.config_path),
            "--home",
            str(self.home),
            "--connect-to",
            self.replica.connect_to,
            *args,
        ]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DUALWATCH_")}
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )
        if check is not None:
            assert result.returncode == check, (
                f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def store(self) -> Store:
        """Open the data directory's store."""
        return Store.open(self.home / "dualwatch.db")


@pytest.fixture
def dualwatch(tmp_path: Path, replica: Replica) -> Dualwatch:
    """The CLI bound to a fresh data directory and the running replica."""
    return Dualwatch(home=tmp_path / "home", replica=replica)


def write_config(path: Path, tables: dict[str, dict[str, Any]]) -> Path:
    """Write a config file extending the replica config; dotted table names allowed."""
    lines = [f"extends = {json.dumps(str(REPLICA_CONFIG))}"]
    for table, values in tables.items():
        lines.append(f"[{table}]")
        lines.extend(
            f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in values.items()
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A directory ``build`` fills once per test session, whichever xdist worker asks first;
    the others wait for it and share it (a module fixture would crawl once per worker). Tests
    read it, and write only under paths of their own."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of this session
    directory = root / name
    with FileLock(str(root / f"{name}.lock")):
        if not (directory / ".built").exists():
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir()
            build(directory)
            (directory / ".built").touch()
    return directory
