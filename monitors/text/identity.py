"""Copy keys of unnumbered pages: what makes two URLs one document when no number does.

A numbered document is identified by its number (:mod:`monitors.text.docnumber`). An
unnumbered page published as the same text on several sites (a MOFCOM spokesperson Q&A on
aqygzj and on exportcontrol) is identified by :func:`page_copy_key`: the issuer family, the
publication date and the normalised title, e.g.
``mofcom-page/2026-01-06/商务部新闻发言人就加强两用物项对日本出口管制答记者问``. A title that
says nothing by itself (:func:`is_generic_title`) or a page without a publication date gets no
key: it stays a document of its own.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from monitors.text.normalize import normalize_text

__all__ = ["GENERIC_TITLES", "MIN_TITLE_CHARS", "is_generic_title", "page_copy_key", "title_key"]

#: Titles that name no document by themselves (compared squeezed, unbracketed, casefolded):
#: a page or list republished under the same name ("Modified: 改正情報"). Such pages get no
#: copy key, and an alert about one names what changed in its subject. Keep this the one
#: list: add a title when a source turns out to reuse it for unrelated notices.
GENERIC_TITLES = frozenset(
    {
        # ja
        "改正情報",
        "外国ユーザーリスト",
        "お知らせ",
        "新着情報",
        "更新情報",
        # zh ("公告" without a number)
        "公告",
        "通知",
        "通告",
        "公示",
        # en
        "announcement",
        "announcements",
        "notice",
        "notices",
        "news",
        "update",
        "updates",
    }
)
#: A title shorter than this (after :func:`title_key`) is too short to identify a page.
MIN_TITLE_CHARS = 8
_TITLE_BRACKETS = "【】[]（）()「」〈〉《》<>"


def title_key(title: str) -> str:
    """``title`` as compared between copies: :func:`normalize_text`, then NFKC (full-width
    brackets and colons too), every space removed, casefolded."""
    folded = unicodedata.normalize("NFKC", normalize_text(title))
    return "".join(folded.split()).casefold()


def is_generic_title(title: str) -> bool:
    """True when ``title`` is one of :data:`GENERIC_TITLES` (it says nothing by itself)."""
    squeezed = "".join(title.split()).strip(_TITLE_BRACKETS).casefold()
    return squeezed in GENERIC_TITLES or title_key(squeezed) in GENERIC_TITLES


def page_copy_key(family: str, published: date | None, title: str) -> str | None:
    """``family/YYYY-MM-DD/title`` shared by the copies of one unnumbered page.

    None without a publication date, for a generic title or one shorter than
    :data:`MIN_TITLE_CHARS` (such pages are documents of their own).
    """
    key = title_key(title)
    if published is None or len(key) < MIN_TITLE_CHARS or is_generic_title(title):
        return None
    return f"{family}/{published.isoformat()}/{key}"
