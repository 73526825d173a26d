"""Where the bulletin (:mod:`monitors.publish.site`) puts its pages, relative to its root —
shared by the site, the Atom feeds and the chat messages that link to it."""

from __future__ import annotations

from urllib.parse import urljoin

INDEX = "index.html"


def document_page(document_id: int | None, notice_id: int) -> str:
    """The page of a document (all its copies and languages), or of a notice that belongs
    to no document: ``documents/d12.html`` / ``documents/n34.html``."""
    if document_id is not None:
        return f"documents/d{document_id}.html"
    return f"documents/n{notice_id}.html"


def list_page(list_name: str) -> str:
    """The page of one control list's current members: ``lists/<name>.html``."""
    return f"lists/{list_name}.html"


def page_url(base_url: str | None, page: str) -> str | None:
    """``page`` as an absolute URL under the bulletin's published ``base_url``; None when
    the bulletin's address is not configured."""
    if not base_url:
        return None
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", page)
