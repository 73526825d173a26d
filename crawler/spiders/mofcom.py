"""MOFCOM www.mofcom.gov.cn 政策发布 (/zwgk/zcfb/) through the jpaas "unit" listing API.

The column page is a JavaScript shell; its articles come from
``/api-gateway/jpaas-publish-server/front/page/build/unit`` (GET, JSON with an HTML
fragment, ``paramJson={"pageNo":N,"pageSize":15}`` for pages after the first). The API IDs
are site internals kept in config; when the API refuses them, the spider reads the current
IDs from the column page's ``queryData`` attribute and tries once more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin

from parsel import Selector
from scrapy.http import Request, Response

from crawler.items import ListedNotice
from crawler.selectors import select_first, select_many
from crawler.spiders.base import DualwatchSpider, collect_attachments, guarded, strip_noise
from monitors.dates import find_date, parse_datetime_cst
from monitors.docnumber import find_effective_date, parse_doc_number
from monitors.errors import ParseError
from monitors.models import FetchedNotice
from monitors.normalize import collapse_whitespace, html_to_text

API_KEYS = ("webId", "pageId", "tplSetId", "tagId")
QUERY_DATA = re.compile(r"queryData=\"(\{[^\"]*\})\"")
HEADER_FIELD = re.compile(r"【(发布单位|发布文号|发文日期)】[\s:：]*([^\n【]*)")
BODY_NOISE = "script, style, noscript, iframe, .art-fx, .share, .bdsharebuttonbox, .print"


class MofcomSpider(DualwatchSpider):
    """Announcements and orders listed under 政策发布 on www.mofcom.gov.cn."""

    name = "mofcom"

    async def start(self) -> Any:
        """Start with the first listing page of the API."""
        yield self.listing_request(1, self.api_params())

    def api_params(self) -> dict[str, str]:
        """The jpaas unit parameters from config (IDs are site internals and may change)."""
        return {
            "parseType": "bulidstatic",
            "webId": self.source.option("web_id"),
            "tplSetId": self.source.option("tpl_set_id"),
            "pageType": "column",
            "tagId": self.source.options.get("tag_id", "分页列表"),
            "editType": "null",
            "pageId": self.source.option("page_id"),
        }

    def listing_request(self, page_no: int, params: dict[str, str], discovered: bool = False):
        """The API request for listing page ``page_no``."""
        query = dict(params)
        if page_no > 1:
            page_size = int(self.source.options.get("page_size", 15))
            query["paramJson"] = json.dumps({"pageNo": page_no, "pageSize": page_size})
        return Request(
            f"{self.source.option('api_url')}?{urlencode(query)}",
            callback=self.parse_listing,
            errback=self.on_error,
            headers={
                "Accept": "application/json, text/javascript, */*; q=0.01",
                "X-Requested-With": "XMLHttpRequest",
                "Referer": self.source.listing_url,
            },
            cb_kwargs={"page_no": page_no, "params": params, "discovered": discovered},
        )

    @guarded("layout")
    def parse_listing(
        self, response: Response, page_no: int, params: dict[str, str], discovered: bool
    ) -> Iterator[Request]:
        """Parse one API page and follow details (and the next page) incrementally."""
        payload = self._api_payload(response)
        if payload is None:
            if discovered or page_no > 1:
                raise ParseError("listing API refused the column IDs read from the column page")
            yield Request(
                self.source.listing_url, callback=self.discover_ids, errback=self.on_error
            )
            return
        entries = parse_listing_fragment(payload, response.url)
        yield from self.follow_listing(
            entries, page_no, lambda n: self.listing_request(n, params, discovered)
        )

    @guarded("layout")
    def discover_ids(self, response: Response) -> Iterator[Request]:
        """Read the unit IDs from the column page's ``queryData`` and retry the API once."""
        match = QUERY_DATA.search(response.text)
        if not match:
            raise ParseError("listing API failed and the column page has no queryData")
        found = json.loads(match.group(1).replace("'", '"'))
        missing = [k for k in API_KEYS if not found.get(k)]
        if missing:
            raise ParseError(f"queryData lacks {', '.join(missing)}")
        self.logger.warning("listing API IDs in config are stale; using %s", found)
        params = {**self.api_params(), **{k: found[k] for k in API_KEYS}}
        yield self.listing_request(1, params, discovered=True)

    def _api_payload(self, response: Response) -> str | None:
        try:
            data = json.loads(response.text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"listing API did not return JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ParseError("listing API returned JSON that is not an object")
        if not data.get("success"):
            self.logger.warning("listing API refused: %s", data.get("message"))
            return None
        html = (data.get("data") or {}).get("html")
        if not isinstance(html, str):
            raise ParseError("listing API response has no data.html fragment")
        return html

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
        published = parse_datetime_cst(pubdate).date() if pubdate else None
        published = published or find_date(header.get("发文日期", "")) or entry.listed_date
        number = parse_doc_number(header.get("发布文号", "")) or parse_doc_number(title)
        content = strip_noise(body, BODY_NOISE)
        text = html_to_text(content.get())
        return FetchedNotice(
            source=self.source.name,
            url=response.url,
            title=title,
            text=text,
            raw_html=response.body,
            published=published,
            doc_number=str(number) if number else None,
            doc_key=number.key if number else None,
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
