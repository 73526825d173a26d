"""The one Jinja2 environment: templates/ of the checkout, autoescaped HTML, strict undefined."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from monitors.core.config import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared template environment (HTML autoescaped, undefined variables are errors)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "htm", "xml"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context: Any) -> str:
    """Render the template ``name`` (relative to templates/) with ``context``."""
    return environment().get_template(name).render(**context)
