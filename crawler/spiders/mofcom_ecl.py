"""MOFCOM's export-control site exportcontrol.mofcom.gov.cn (中国出口管制信息网).

The column pages are JavaScript shells. Their rows come from
``POST /edi_ecms_web_front/front/column/getColumnList`` (form ``pageNumber=N&columnID=ID&title=``,
about 20 rows a page, ``{"pageInfo": {"total", "maxPageNum", "rows": [...]}}`` with site-relative
``url``s). The server answers UTF-8 only to requests that look like the site's own XHR; to others
it answers HTTP 200 with every Chinese character replaced by ``?``. Such a response is recorded as
an ``encoding`` failure, never parsed. Several columns are watched (option ``column_ids``), each
walked incrementally on its own.

Detail pages (``/article/<section>/<YYYYMM>/<id>.html``; the month is the posting month, so dates
come from the item) keep their metadata in inline JS variables (``var title = '…'``, ``subTitle``,
``source``, ``publishTime``) and the body inline in ``div.bd`` after that script, up to the
disclaimer box. On some pages the variables are empty: title and date then come from the listing.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import FormRequest
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_one
from crawler.sites.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from crawler.sites.mofcom import copy_key
from monitors.core.errors import ConfigError, ParseError
from monitors.storage.models import Attachment, FetchedNotice
from monitors.text.dates import find_date, parse_datetime_cst
from monitors.text.docnumber import DocNumber, find_effective_date, parse_doc_number
from monitors.text.metadata import lenient
from monitors.text.normalize import collapse_whitespace, html_to_text, normalize_text

#: Three or more ``?`` in a row: Chinese text the server replaced (no XHR headers accepted).
MOJIBAKE = re.compile(r"\?{3,}")
#: ``var name = '…'`` (as seen on the site) or ``"…"``, with backslash escapes.
JS_VAR = re.compile(
    r"""\bvar\s+(?P<name>\w+)\s*=\s*(?:'(?P<single>(?:[^'\\\n]|\\.)*)'|"(?P<double>(?:[^"\\\n]|\\.)*)")"""
)
JS_ESCAPE = re.compile(r"\\(.)")
REQUIRED_VARS = ("title", "publishTime")
#: Where the article body ends inside ``div.bd``: the first element with one of these classes
#: (disclaimer, print links, footer); the element and everything after it go.
BODY_END_CLASSES = frozenset({"u-disclaimer-box", "u-art-box-footer", "ft"})
BODY_NOISE = "script, style, noscript, iframe, .u-share, .bdsharebuttonbox, .u-print"
ARTICLE_PATH = re.compile(r"^/article/(?P<section>.+)/(?P<month>\d{6})/(?P<id>\d+)\.html$")
#: doc_type by section (the path between ``/article/`` and the month).
SECTION_TYPES = {
    "zcfg/gnzcfg/zcfggzqd": "announcement",
    "zcfg/gnzcfg/gzjgfxwj": "regulation",
    "zcfg/gnzcfg/flfg": "regulation",
    "gndt": "news",
    "gjdt": "news",
    "cjwt": "qa",
}
QA_TITLE = re.compile(r"答记者问|答问|问答")
#: Sections whose titles and first body lines state the item's own number (news and Q&As
#: quote the numbers of the announcements they are about).
NUMBERED_SECTIONS = frozenset({"zcfg/gnzcfg/zcfggzqd", "zcfg/gnzcfg/gzjgfxwj", "zcfg/gnzcfg/flfg"})
REGULATION_SECTIONS = frozenset({"zcfg/gnzcfg/gzjgfxwj", "zcfg/gnzcfg/flfg"})
HEAD_LINES = 3
XHR_ACCEPT = "application/json, text/javascript, */*; q=0.01"


class MojibakeError(ParseError):
    """The API answered with ``?`` for every Chinese character (XHR headers not accepted)."""


@dataclass(frozen=True)
class ColumnPage:
    """One page of a column as the API returned it."""

    entries: list[ListedNotice]
    max_page: int


class MofcomEclSpider(DualwatchSpider):
    """Announcements, regulations and 国内动态 on exportcontrol.mofcom.gov.cn."""

    name = "mofcom-ecl"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.column_newest: dict[int, date | None] = {}

    async def start(self) -> Any:
        """The first API page of every configured column."""
        for column in self.column_ids():
            yield self.listing_request(column, 1)

    def column_ids(self) -> tuple[int, ...]:
        """The configured ``column_ids`` (site internals; a non-empty list of integers)."""
        value = self.source.option("column_ids")
        if not isinstance(value, list) or not value or not all(type(v) is int for v in value):
            raise ConfigError(f"source {self.source.name!r}: column_ids must list integers")
        return tuple(dict.fromkeys(value))

    def listing_request(self, column: int, page_no: int) -> FormRequest:
        """The API POST for page ``page_no`` of ``column``, sent like the site's own XHR."""
        return FormRequest(
            self.source.option("api_url"),
            formdata={"pageNumber": str(page_no), "columnID": str(column), "title": ""},
            headers={
                "Accept": XHR_ACCEPT,
                "X-Requested-With": "XMLHttpRequest",
                "Referer": self.source.listing_url,
            },
            callback=self.parse_listing,
            errback=self.on_error,
            cb_kwargs={"column": column, "page_no": page_no},
        )

    @guarded("layout")
    def parse_listing(self, response: Response, column: int, page_no: int) -> Iterator[Request]:
        """Parse one API page and follow details (and the next page) incrementally."""
        try:
            page = parse_column_page(response.text, response.url)
        except MojibakeError as exc:
            self.fail("encoding", response.url, f"column {column} page {page_no}: {exc}")
            return
        yield from self.follow_column(page, column, page_no)

    def follow_column(self, page: ColumnPage, column: int, page_no: int) -> list[Request]:
        """``follow_listing`` for one column, re-checking against that column's newest date."""
        if page_no == 1:
            dated = [e.listed_date for e in page.entries if e.listed_date]
            self.column_newest[column] = max(dated, default=None)
        next_page = None
        if page_no < page.max_page:
            next_page = lambda n: self.listing_request(column, n)  # noqa: E731
        # The whole page is walked at once, with the base's reference date set to this
        # column's newest item (a quiet column must not be judged by a busy one's dates).
        self.newest_listed = self.column_newest.get(column)
        section = f"column {column}"
        return list(self.follow_listing(page.entries, page_no, next_page, section=section))

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read title, dates, number, issuer, body and attachments of a detail page."""
        body = select_one(response, "div.bd", "article body")
        variables = page_variables(body.css("script::text").getall() + _scripts(response))
        title = collapse_whitespace(variables["title"]) or entry.title
        if not title:
            raise ParseError("no title: the page's JS title is empty and the listing had none")
        published = _publish_date(variables["publishTime"], response.url) or entry.listed_date
        content = article_content(body)
        text = html_to_text(content)
        if MOJIBAKE.search(title) or MOJIBAKE.search(text):
            raise ParseError("title or text holds '???': the page was served as mojibake")
        section, article_id = _article_path(response.url)
        sub_title = collapse_whitespace(variables.get("subTitle", ""))
        number = _doc_number(section, title, sub_title, text)
        source = collapse_whitespace(variables.get("source", "")) or None
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            doc_number=str(number) if number else None,
            doc_key=copy_key(number, published, title),
            issuer=" ".join(number.issuers) if number else source,
            listed_date=entry.listed_date,
            attachments=attachments(content, response.url),
            metadata={
                "language": "zh",
                "doc_type": doc_type(section, title, number),
                "effective": _iso(find_effective_date(text, published)),
                "section": section,
                "article_id": article_id,
                "publish_time": variables["publishTime"] or None,
                "sub_title": sub_title or None,
                "content_source": source,
            },
            **self.validators(response),
        )


def parse_column_page(text: str, base_url: str) -> ColumnPage:
    """Entries and page count of one API answer; MojibakeError / ParseError on surprises."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"listing API did not return JSON: {exc}") from None
    page_info = data.get("pageInfo") if isinstance(data, dict) else None
    if not isinstance(page_info, dict) or not isinstance(page_info.get("rows"), list):
        raise ParseError("listing API response has no pageInfo.rows: the API layout changed")
    rows = page_info["rows"]
    if any(MOJIBAKE.search(str(row.get("title", ""))) for row in rows if isinstance(row, dict)):
        raise MojibakeError("titles hold '???' (Chinese replaced): the XHR headers were refused")
    try:
        max_page = int(page_info.get("maxPageNum") or 0)
    except (TypeError, ValueError):
        raise ParseError(f"maxPageNum is not a number: {page_info.get('maxPageNum')!r}") from None
    return ColumnPage([_listed(row, base_url) for row in rows], max_page)


def _listed(row: Any, base_url: str) -> ListedNotice:
    """One API row as a listing entry (title, absolute URL, date of ``publishTimeStr``)."""
    if not isinstance(row, dict):
        raise ParseError(f"listing row is not an object: {row!r}")
    title, url = row.get("title"), row.get("url")
    if not isinstance(title, str) or not isinstance(url, str) or not url.strip():
        raise ParseError(f"listing row without title or url: {row!r}")
    published = str(row.get("publishTimeStr") or "")[:10]
    return ListedNotice(
        url=urljoin(base_url, url.strip()),
        title=collapse_whitespace(title),
        listed_date=find_date(published) if published else None,
    )


def page_variables(scripts: list[str]) -> dict[str, str]:
    """The ``var name = '…'`` values (unescaped) of ``scripts``, the first declaration of a name
    winning; ParseError when the title or publish time variable is missing altogether (an
    empty value is allowed: some real pages have them empty)."""
    found: dict[str, str] = {}
    for script in scripts:
        for match in JS_VAR.finditer(script):
            value = match["single"] if match["single"] is not None else match["double"]
            found.setdefault(match["name"], JS_ESCAPE.sub(_unescape, value))
    missing = [name for name in REQUIRED_VARS if name not in found]
    if missing:
        raise ParseError(f"detail page lacks the JS variable(s) {', '.join(missing)}")
    return found


def _scripts(response: Response) -> list[str]:
    """Every inline script of the page (after ``div.bd``'s own, which are searched first)."""
    return response.css("script::text").getall()


def _unescape(match: re.Match[str]) -> str:
    return {"n": "\n", "r": "\r", "t": "\t"}.get(match.group(1), match.group(1))


def article_content(body: Selector) -> Selector:
    """``div.bd`` up to the disclaimer / print links / footer, without scripts and widgets.

    Cut on a copy of the parsed tree (the page is not parsed again): the first element
    carrying one of BODY_END_CLASSES and everything after it in document order are removed.
    """
    root = copy.deepcopy(body.root)
    root.tail = None
    for element in root.iterdescendants():
        classes = element.get("class", "").split() if isinstance(element.tag, str) else ()
        if BODY_END_CLASSES.intersection(classes):
            _cut_from(element, root)
            break
    return strip_noise(Selector(root=root, type="html"), BODY_NOISE)


def _cut_from(element: Any, root: Any) -> None:
    """Remove ``element`` and what follows it (up to the end of ``root``) from the tree."""
    node = element
    while node is not root:
        parent = node.getparent()
        for following in list(node.itersiblings()):
            parent.remove(following)  # with its tail
        node.tail = None
        node = parent
    element.getparent().remove(element)


def attachments(node: Selector, base_url: str) -> tuple[Attachment, ...]:
    """Document links (by extension) plus the CMS's ``document/download`` links, once each."""
    found = {a.url: a for a in collect_attachments(node, base_url)}
    for link in node.css('a[href*="document/download"]'):
        url = urljoin(base_url, link.attrib["href"].strip())
        name = normalize_text("".join(link.css("::text").getall())) or url.rsplit("/", 1)[-1]
        found.setdefault(url, Attachment(name=name, url=url))
    return tuple(found.values())


def doc_type(section: str, title: str, number: DocNumber | None) -> str:
    """The notice kind from its title (Q&As), its section and its number (orders)."""
    if QA_TITLE.search(title):
        return "qa"
    if section in REGULATION_SECTIONS:
        return "regulation"  # also when promulgated by an order (国务院令第792号)
    if number is not None and number.kind == "令":
        return "order"
    if section in SECTION_TYPES:
        return SECTION_TYPES[section]
    return "announcement" if number is not None else "news"


def _doc_number(section: str, title: str, sub_title: str, text: str) -> DocNumber | None:
    """The item's own document number (``商务部公告2026年第1号``, ``国务院令第792号``).

    subTitle always names the item itself. In the sections of announcements and regulations
    the title and the first body lines do too; elsewhere (news, Q&As, which quote the
    announcements they are about) only a title that begins with a number counts.
    """
    candidates = [sub_title]
    if section in NUMBERED_SECTIONS:
        candidates += [title, *text.splitlines()[:HEAD_LINES]]
    elif _begins_with_number(title):
        candidates.append(title)
    return next((n for c in candidates if c and (n := parse_doc_number(c))), None)


def _begins_with_number(title: str) -> bool:
    """True when ``title`` opens with its number: only issuer names precede 公告/令."""
    number = parse_doc_number(title)
    if number is None:
        return False
    head = normalize_text(title).split(number.kind, 1)[0].removeprefix("中华人民共和国")
    for issuer in number.issuers:
        head = head.replace(issuer, "")
    return not head.strip(" 、,")


def _publish_date(value: str, url: str) -> date | None:
    """publishTime as a date; None (with a warning) when empty or unreadable: it is metadata."""
    stamp = lenient(parse_datetime_cst, value, what="publishTime", url=url)
    return stamp.date() if stamp else None


def _article_path(url: str) -> tuple[str, int | None]:
    """``(section, article id)`` of ``/article/<section>/<YYYYMM>/<id>.html`` (other paths:
    the path itself and None)."""
    path = urlsplit(url).path
    if match := ARTICLE_PATH.match(path):
        return match["section"], int(match["id"])
    return path.strip("/"), None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
