"""The version of dualwatch: one string, from the installed package's metadata (the
``version`` in pyproject.toml)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    VERSION = version("dualwatch")
except PackageNotFoundError:  # run from a checkout that was never installed
    VERSION = "0+unknown"
