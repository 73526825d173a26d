"""MOFCOM www.mofcom.gov.cn 政策发布 (/zwgk/zcfb/) through the jpaas "unit" listing API.

The column page is a JavaScript shell; its articles come from
``/api-gateway/jpaas-publish-server/front/page/build/unit`` (GET, JSON with an HTML
fragment, ``paramJson={"pageNo":N,"pageSize":15}`` for pages after the first). The API IDs
are site internals: the configured ones are a hint, the ones that worked last are stored, and
when the API refuses them the spider reads the current IDs from the column page's
``queryData`` attribute and tries once more (:mod:`crawler.sites.jpaas`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_first, select_many
from crawler.sites.base import collect_attachments, strip_noise
from crawler.sites.jpaas import API_KEYS, JpaasSpider, Unit
from monitors.core.errors import ParseError
from monitors.storage.models import FetchedNotice
from monitors.text.dates import find_date, parse_datetime_cst
from monitors.text.docnumber import DocNumber, find_effective_date, parse_doc_number
from monitors.text.identity import page_copy_key
from monitors.text.metadata import lenient
from monitors.text.normalize import collapse_whitespace, html_to_text

HEADER_FIELD = re.compile(r"【(发布单位|发布文号|发文日期)】[\s:：]*([^\n【]*)")
BODY_NOISE = "script, style, noscript, iframe, .art-fx, .share, .bdsharebuttonbox, .print"
#: Issuer family of unnumbered MOFCOM pages' copy keys (www, aqygzj and exportcontrol alike).
PAGE_FAMILY = "mofcom-page"


class MofcomArticleSpider(JpaasSpider):
    """A jpaas column of MOFCOM articles (www.mofcom.gov.cn's page template), without a source."""

    async def start(self) -> Any:
        """Start with the first listing page of the API (or the column page)."""
        yield self.start_unit(self.column_unit())

    def api_params(self) -> dict[str, str]:
        """The jpaas unit parameters from config (IDs are a hint: :mod:`crawler.sites.jpaas`)."""
        return {
            "parseType": "bulidstatic",
            "webId": self.source.option("web_id"),
            "tplSetId": self.source.option("tpl_set_id"),
            "pageType": "column",
            "tagId": self.source.options.get("tag_id", "分页列表"),
            "editType": "null",
            "pageId": self.source.options.get("page_id", ""),
        }

    def column_unit(self) -> Unit:
        """The 政策发布 column (``listing_url``) with its stored or configured IDs."""
        section = urlsplit(self.source.listing_url).path or "/"
        hint = {key: self.api_params()[key] for key in API_KEYS}
        return self.unit(section, section, self.source.listing_url, hint)

    def unit_request(self, unit: Unit, page_no: int, **context: Any) -> Request:
        """The API request for page ``page_no`` of the column with ``unit``'s IDs."""
        return self.listing_request(page_no, {**self.api_params(), **unit.ids}, unit)

    def listing_request(
        self, page_no: int, params: dict[str, str], unit: Unit | None = None
    ) -> Request:
        """The API request for listing page ``page_no`` (page 1 has no ``paramJson``)."""
        query = dict(params)
        if page_no > 1:
            page_size = int(self.source.options.get("page_size", 15))
            query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": page_size})
        if unit is None:
            unit = replace(self.column_unit(), ids={key: params[key] for key in API_KEYS})
        url = f"{self.source.option('api_url')}?{urlencode(query)}"
        return self.api_request(url, unit, page_no, referer=self.source.listing_url)

    def follow_unit(
        self, response: Response, unit: Unit, page_no: int, fragment: str, **context: Any
    ) -> Iterator[Request]:
        """Follow details (and the next page) of one API page incrementally."""
        entries = parse_listing_fragment(fragment, response.url)
        yield from self.follow_listing(
            entries, page_no, lambda n: self.unit_request(unit, n), section=unit.section
        )

    def discover_ids(
        self, response: Response, unit: Unit | None = None, reason: str | None = None
    ) -> Iterator[Request]:
        """Read the unit IDs from the column page's ``queryData`` and ask the API (once)."""
        return self.read_column_page(response, unit=unit or self.column_unit(), reason=reason)

    def extract_notice(self, response: Response, entry: ListedNotice) -> FetchedNotice:
        """Read title, dates, issuer, number, body and attachments of a detail page."""
        body = select_first(response, ("div.art-con[ergodic=article]", "div.art-con"), "body")
        header = _header_fields(response)
        title = collapse_whitespace(
            response.css('meta[name="ArticleTitle"]::attr(content)').get()
            or " ".join(response.css("div.art-title h1 ::text").getall())
            or entry.title
        )
        pubdate = response.css('meta[name="PubDate"]::attr(content)').get()
        stamp = lenient(parse_datetime_cst, pubdate, what="PubDate", url=response.url)
        published = stamp.date() if stamp else None
        published = published or find_date(header.get("发文日期", "")) or entry.listed_date
        number = parse_doc_number(header.get("发布文号", "")) or parse_doc_number(title)
        content = strip_noise(body, BODY_NOISE)
        text = html_to_text(content)
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            doc_number=str(number) if number else None,
            doc_key=copy_key(number, published, title),
            issuer=header.get("发布单位")
            or response.css('meta[name="ContentSource"]::attr(content)').get(),
            listed_date=entry.listed_date,
            attachments=collect_attachments(content, response.url),
            metadata={
                "column": response.css('meta[name="ColumnName"]::attr(content)').get(),
                "pubdate": pubdate,
                "effective": _iso(find_effective_date(text, published)),
                "language": "zh",
                "doc_type": doc_type(number.kind if number else None, title),
            },
            **self.validators(response),
        )


def copy_key(number: DocNumber | None, published: date | None, title: str) -> str | None:
    """The ``doc_key`` of a page on any MOFCOM site: its number's key; for an unnumbered
    page (a spokesperson Q&A, news) ``mofcom-page/<date>/<normalised title>``, so its copies
    on www, aqygzj and exportcontrol are one document (None: generic title or no date)."""
    if number is not None:
        return number.key
    return page_copy_key(PAGE_FAMILY, published, title)


def doc_type(kind: str | None, title: str) -> str:
    """The document type of a MOFCOM page from its number's kind and its title."""
    if kind == "令":
        return "order"
    if kind == "公告" or title.endswith("公告") or "公告" in title[:30]:
        return "announcement"
    if "答记者问" in title or "答问" in title:
        return "qa"
    if any(word in title for word in ("办法", "规定", "条例", "规则")):
        return "regulation"
    return "news"


def parse_listing_fragment(html: str, base_url: str) -> list[ListedNotice]:
    """Entries of a jpaas listing fragment; raise ParseError when its structure changed."""
    fragment = Selector(text=html)
    if not fragment.css("ul.txtList_01"):
        raise ParseError("listing fragment has no 'ul.txtList_01': the layout changed")
    entries = []
    for item in fragment.css("ul.txtList_01 > li"):
        link = select_many(item, "a[href]", "listing entry link")[0]
        title = link.attrib.get("title") or "".join(link.css("::text").getall())
        entries.append(
            ListedNotice(
                url=_absolute(base_url, link.attrib["href"]),
                title=collapse_whitespace(title),
                listed_date=find_date(" ".join(item.css("span ::text").getall())),
            )
        )
    return entries


def _header_fields(response: Response) -> dict[str, str]:
    """The 【发布单位】/【发布文号】/【发文日期】 lines, tolerant of markup inside a line."""
    fields: dict[str, str] = {}
    for block in response.css("div.art-con-gonggao"):
        lines = ["".join(node.css("::text").getall()) for node in block.css("p, li, div, td")]
        text = "\n".join(lines or block.css("::text").getall())
        for match in HEADER_FIELD.finditer(text):
            if value := collapse_whitespace(match.group(2)):
                fields.setdefault(match.group(1), value)
    return fields


def _absolute(base_url: str, href: str) -> str:
    return urljoin(base_url, href.strip())


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None
