"""The control lists dualwatch knows (:data:`DEFAULT_LISTS`) and more from configuration.

:data:`COUNTRIES` and :func:`country_code` are re-exported from :mod:`monitors.lists.countries`.

Configuration form (TOML)::

    [lists.control-list]            # override part of a default list
    aliases = ["管控名单", "出口管制管控名单"]

    [lists.example-list]            # a new list
    title = "示例名单"
    titles = { en = "Example List" }
    issuer = "商务部"
    aliases = ["示例清单"]
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from monitors.lists.countries import COUNTRIES, country_code
from monitors.lists.models import ListSpec

__all__ = [
    "COUNTRIES",
    "DEFAULT_LISTS",
    "LANGUAGES",
    "country_code",
    "mentions_a_list",
    "parse_list_specs",
]

LANGUAGES = ("zh", "ja", "en")

DEFAULT_LISTS: tuple[ListSpec, ...] = (
    ListSpec(
        name="control-list",
        title="出口管制管控名单",
        titles=(("zh", "出口管制管控名单"), ("en", "Export Control Control List")),
        issuer="商务部",
        aliases=("管控名单",),
    ),
    ListSpec(
        name="watch-list",
        title="关注名单",
        titles=(("zh", "关注名单"), ("en", "Watch List")),
        issuer="商务部",
        aliases=("出口管制关注名单",),
    ),
    ListSpec(
        name="unreliable-entity-list",
        title="不可靠实体清单",
        titles=(("zh", "不可靠实体清单"), ("en", "Unreliable Entity List")),
        issuer="不可靠实体清单工作机制",
    ),
    ListSpec(
        name="meti-end-user-list",
        title="外国ユーザーリスト",
        titles=(("ja", "外国ユーザーリスト"), ("en", "End User List")),
        issuer="経済産業省",
        aliases=("エンドユーザーリスト",),
    ),
)

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_KEYS = ("title", "titles", "issuer", "aliases")


def _fail(name: str, message: str) -> ValueError:
    return ValueError(f"lists.{name}: {message}")


def _text(name: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(name, f"{key} must be a non-empty string, not {value!r}")
    return value.strip()


def _titles(name: str, value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping):
        raise _fail(name, f'titles must be a table such as {{ en = "..." }}, not {value!r}')
    titles = []
    for language, title in value.items():
        if language not in LANGUAGES:
            raise _fail(name, f"titles: unknown language {language!r} (use {', '.join(LANGUAGES)})")
        titles.append((language, _text(name, f"titles.{language}", title)))
    return tuple(titles)


def _aliases(name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(name, f"aliases must be a list of strings, not {value!r}")
    return tuple(_text(name, "aliases[]", alias) for alias in value)


def _spec(name: str, table: object, default: ListSpec | None) -> ListSpec:
    """One ``[lists.NAME]`` table as a spec (fields not given keep ``default``'s)."""
    if not _NAME_RE.match(name):
        raise ValueError(f"lists: bad list name {name!r} (lower-case letters, digits and -)")
    if not isinstance(table, Mapping):
        raise _fail(name, f"must be a table, not {table!r}")
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise _fail(name, f"unknown key(s) {', '.join(unknown)} (expected {', '.join(_KEYS)})")
    if default is None and "title" not in table:
        raise _fail(name, "title is required for a new list")
    spec = default or ListSpec(name=name, title="")
    changes: dict[str, object] = {}
    if "title" in table:
        changes["title"] = _text(name, "title", table["title"])
    if "titles" in table:
        changes["titles"] = _titles(name, table["titles"])
    if "issuer" in table:
        changes["issuer"] = _text(name, "issuer", table["issuer"])
    if "aliases" in table:
        changes["aliases"] = _aliases(name, table["aliases"])
    return replace(spec, **changes)  # type: ignore[arg-type]


def _check_phrases(specs: Sequence[ListSpec]) -> None:
    """Raise when one phrase names two lists (a title could not tell them apart)."""
    owner: dict[str, str] = {}
    for spec in specs:
        for phrase in spec.phrases:
            other = owner.setdefault(phrase, spec.name)
            if other != spec.name:
                raise ValueError(f"lists: {phrase!r} names both {other} and {spec.name}")


def parse_list_specs(
    raw: Mapping[str, object], *, defaults: Sequence[ListSpec] = DEFAULT_LISTS
) -> tuple[ListSpec, ...]:
    """The list specs: ``defaults`` overridden and extended by a ``[lists]`` config table.

    ``raw`` is either the ``lists`` table (``{NAME: {title, titles, issuer, aliases}}``) or
    a whole configuration mapping holding one under ``"lists"``. A table named like a
    default list replaces only the fields it gives; a new list needs ``title``. Raises
    ValueError naming the offending ``lists.NAME`` key on bad input (unknown key, wrong
    type, empty string, bad name, unknown title language, a phrase naming two lists).
    """
    tables = raw.get("lists", raw) if isinstance(raw.get("lists"), Mapping) else raw
    if not isinstance(tables, Mapping):
        raise ValueError(f"lists must be a table, not {tables!r}")
    specs = {spec.name: spec for spec in defaults}
    for name, table in tables.items():
        specs[name] = _spec(str(name), table, specs.get(name))
    result = tuple(specs.values())
    _check_phrases(result)
    return result


def mentions_a_list(title: str, text: str, specs: Sequence[ListSpec] = DEFAULT_LISTS) -> bool:
    """Whether a page names one of the lists at all (a cheap test before reading its rows:
    every list announcement names its list in its title or text)."""
    squeezed = "".join(f"{title}\n{text}".split()).casefold()
    return any("".join(p.split()).casefold() in squeezed for s in specs for p in s.phrases)
