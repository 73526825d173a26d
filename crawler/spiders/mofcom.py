"""MOFCOM www.mofcom.gov.cn 政策发布 (/zwgk/zcfb/) through the jpaas "unit" listing API.

The column page is a JavaScript shell; its articles come from
``/api-gateway/jpaas-publish-server/front/page/build/unit`` (GET, JSON with an HTML
fragment, ``paramJson={"pageNo":N,"pageSize":15}`` for pages after the first). The API IDs
are site internals: the configured ones are a hint, the ones that worked last are stored, and
when the API refuses them the spider reads the current IDs from the column page's
``queryData`` attribute and tries once more (:mod:`crawler.sites.jpaas`).
"""

from __future__ import annotations

from crawler.sites.mofcom import MofcomArticleSpider


class MofcomSpider(MofcomArticleSpider):
    """Announcements and orders listed under 政策发布 on www.mofcom.gov.cn."""

    name = "mofcom"
