"""The bulletin: a static HTML site of the store, browsable from a ``file://`` path, an
intranet web server or object storage (relative links only, no JavaScript).

``index.html`` is the timeline of changes (newest first); ``topics/<topic>.html`` and
``sources/<source>.html`` the same timeline filtered; ``documents/d<id>.html`` (or
``n<id>.html``, :mod:`monitors.publish.pages`) a document with every copy and language, each
copy's versions and each change's diff, rendered exactly as in the alert email
(:mod:`monitors.mail.htmldiff`); ``lists/`` the control lists' members; ``feeds/`` the Atom
feeds (:func:`monitors.publish.feeds.write_feeds`).

Scraped text is untrusted: templates are autoescaped, every view is cleaned of invisible
control and format characters (bidi overrides…) before rendering, as for email, and only
``http(s)`` URLs become links.

The site is built in a new directory beside ``directory`` and then swapped in (two renames),
so a reader never sees a half-written site and pages of documents gone from the store
disappear; the new directory takes the mode (and, as root, the owner) of the one it
replaces, and what an interrupted write left beside it is removed by the next one. An
existing ``directory`` is replaced only when it is empty or was written by this module (it
holds :data:`MARKER`): the folder belongs to dualwatch, and anything else put in it is gone
at the next write. Writing needs write access to the folder's parent.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment

from monitors.core.config import Config
from monitors.core.errors import DualwatchError
from monitors.mail.emailrender import email_environment
from monitors.mail.render import TEMPLATE_DIR
from monitors.mail.safetext import clean_view
from monitors.publish.feeds import write_feeds
from monitors.publish.pages import INDEX
from monitors.publish.siteview import TIMELINE_LIMIT, SiteContent, TimelineItem, site_content
from monitors.storage.store import Store

#: The file that marks a directory as a bulletin this module may replace.
MARKER = ".dualwatch-site"
DOCUMENTS_INDEX = "documents/index.html"
LISTS_INDEX = "lists/index.html"
STYLESHEET = "style.css"
ALL_FEED = "feeds/all.xml"


@dataclass(frozen=True)
class SiteReport:
    """What :func:`write_site` wrote: HTML pages and feeds, and where."""

    directory: Path
    index: Path
    pages: int
    feeds: int


def write_site(store: Store, config: Config, directory: Path) -> SiteReport:
    """Write the bulletin of ``store`` into ``directory`` (replacing an earlier one).

    Raises :class:`DualwatchError` when ``directory`` is a non-empty directory that holds no
    bulletin (nothing is touched) or when it cannot be written.
    """
    # A symbolic link (a web server's root, say) keeps pointing at the new site.
    target = directory.resolve() if directory.is_symlink() else directory.absolute()
    _check_replaceable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        build = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    except OSError as exc:
        raise DualwatchError(f"cannot write the bulletin beside {target}: {exc}") from exc
    try:
        feeds = write_feeds(store, config, build / "feeds", pages_at="../")
        content = site_content(store, config, (path.stem for path in feeds))
        pages = write_pages(build, content)
        (build / MARKER).write_text("written by `dualwatch site`\n", encoding="utf-8")
        _take_permissions(build, target)
        _check_replaceable(target)  # again: the build took a while
        _swap(build, target)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return SiteReport(directory=target, index=target / INDEX, pages=pages, feeds=len(feeds))


def _check_replaceable(target: Path) -> None:
    if not target.exists():
        return
    if not target.is_dir():
        raise DualwatchError(f"{target} exists and is not a directory")
    if (target / MARKER).exists() or not any(target.iterdir()):
        return
    raise DualwatchError(
        f"{target} is not empty and holds no dualwatch bulletin; refusing to replace it "
        "(choose a new or empty directory)"
    )


def _swap(build: Path, target: Path) -> None:
    """Put ``build`` in place of ``target``; the previous site is deleted afterwards (and
    put back if anything, even an interrupt, stops the swap half way)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.{os.getpid()}.{time.time_ns()}.old")
    try:
        if old is not None:
            os.rename(target, old)
        try:
            os.rename(build, target)
        except BaseException:
            if old is not None and not target.exists():
                os.rename(old, target)
            raise
    except OSError as exc:
        raise DualwatchError(f"cannot put the bulletin in place at {target}: {exc}") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _take_permissions(build: Path, target: Path) -> None:
    """Give the new site the mode and, when allowed, the owner of the folder it replaces (a
    web root prepared by the operator), else 0755: readable by a web server."""
    try:
        stat = target.stat()
    except FileNotFoundError:
        build.chmod(0o755)
        return
    build.chmod(stat.st_mode & 0o7777)
    with contextlib.suppress(PermissionError):  # not root: the new folder stays ours
        os.chown(build, stat.st_uid, stat.st_gid)


def _remove_leftovers(target: Path) -> None:
    """Delete the half-built (``.NAME.*.new``) and replaced (``.NAME.*.old``) folders an
    interrupted write left beside ``target`` (writes are one at a time: none is in use)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[^/]+\.(new|old)\Z")
    for leftover in target.parent.glob(f".{target.name}.*"):
        if leftover.is_dir() and not leftover.is_symlink() and pattern.match(leftover.name):
            shutil.rmtree(leftover, ignore_errors=True)


def write_pages(directory: Path, content: SiteContent) -> int:
    """Render every page of ``content`` and the stylesheet into ``directory``; the number of
    HTML pages written."""
    content = clean_view(content)  # the one boundary, as for email (monitors.mail.safetext)
    env = site_environment()
    common = {
        "nav": content,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    count = 0
    for page, template, context in _pages(content):
        root = "../" * page.count("/")
        html = env.get_template(f"site/{template}").render(root=root, **common, **context)
        _write(directory / page, html)
        count += 1
    shutil.copyfile(TEMPLATE_DIR / "site" / STYLESHEET, directory / STYLESHEET)
    return count


def _pages(content: SiteContent) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(page, template, context) for every page of the site."""
    yield INDEX, "timeline.html", _timeline("All changes", content.timeline, None)
    for link in content.topics:
        items = content.by_topic(link.name)
        yield link.page, "timeline.html", _timeline(f"Topic: {link.title}", items, link.feed)
    for link in content.sources:
        items = content.by_source(link.name)
        yield link.page, "timeline.html", _timeline(f"Source: {link.title}", items, link.feed)
    yield DOCUMENTS_INDEX, "documents.html", {"documents": content.documents, "feed": None}
    for document in content.documents:
        yield document.page, "document.html", {"document": document, "feed": None}
    if content.lists:
        yield LISTS_INDEX, "lists.html", {"lists": content.lists, "feed": None}
        for view in content.lists:
            yield view.page, "list.html", {"list": view, "feed": None}


def _timeline(heading: str, items: tuple[TimelineItem, ...], feed: str | None) -> dict[str, Any]:
    return {
        "heading": heading,
        "items": items[:TIMELINE_LIMIT],
        "omitted": max(len(items) - TIMELINE_LIMIT, 0),
        "feed": feed,
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def site_environment() -> Environment:
    """The shared template environment (autoescaped, strict) with the email filters and the
    bulletin's own registered (idempotent)."""
    env = email_environment()
    env.filters.update(utc_minute=utc_minute)
    env.globals.update(all_feed=ALL_FEED, documents_index=DOCUMENTS_INDEX, lists_index=LISTS_INDEX)
    return env


def utc_minute(moment: str | None) -> str:
    """An ISO time stamp as ``2026-01-08 12:00 UTC`` (as given when it is not one)."""
    if not moment:
        return ""
    try:
        parsed = datetime.fromisoformat(moment)
    except ValueError:
        return moment
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC)
    return parsed.strftime("%Y-%m-%d %H:%M UTC")
