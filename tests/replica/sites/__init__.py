"""The replica's sites, discovered from the modules of this package.

Each module defines ``make_sites(bulk) -> list[Site]``. A site answers for one host and the
path prefixes it lists (``("/",)`` for a whole host); several sites may share a host with
different prefixes (MOFA's Japanese and English pages), and the longest prefix wins.
Adding a site is adding a module here: nothing else needs editing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from functools import cache
from typing import Protocol

from tests.replica.model import Notice, Page
from tests.replica.protocol import Request


class Site(Protocol):
    """What the replica app needs from a site."""

    host: str
    prefixes: tuple[str, ...]

    def respond(self, request: Request, state: int, broken: bool) -> Page:
        """The page answering ``request`` at ``state`` (``broken``: layout-change fault)."""
        ...

    def monitored_notices(self) -> Sequence[Notice]:
        """The notices a correct monitor of this site reports (for expected changes)."""
        ...


@cache
def site_modules() -> tuple[str, ...]:
    """Names of the modules in this package that define ``make_sites``."""
    names = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "make_sites"):
            names.append(module.__name__)
    return tuple(names)


def make_all_sites(bulk: int = 0) -> list[Site]:
    """One instance of every site, for a replica with ``bulk`` extra notices per site."""
    sites: list[Site] = []
    for name in site_modules():
        sites.extend(importlib.import_module(name).make_sites(bulk))
    return sites


@cache
def hosts() -> tuple[str, ...]:
    """Every host the replica answers for, in a stable order."""
    return tuple(dict.fromkeys(site.host for site in make_all_sites(0)))


def route(sites: Sequence[Site], host: str, path: str) -> Site | None:
    """The site answering ``path`` on ``host``: the one with the longest matching prefix."""
    best: tuple[int, Site] | None = None
    for site in sites:
        if site.host != host:
            continue
        for prefix in site.prefixes:
            if path.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), site)
    return best[1] if best else None
