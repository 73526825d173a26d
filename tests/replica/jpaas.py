"""The Hanweb jpaas "unit" listing API as the replica's MOFCOM sites serve it (www, aqygzj,
english), with the switches tests use to make it misbehave like the real one.

Each site holds one :class:`JpaasUnits`: its ``webId``/``tplSetId``/``tagId``, the current
``pageId`` of every column, the column pages' ``queryData`` and the API envelope. Switches
(plain attributes, set by tests in-process; :meth:`JpaasUnits.reset` restores the defaults):

* ``unknown_ids``: how IDs the site does not know are answered — ``"success-false"`` (HTTP 200,
  ``{"success":false,"message":"栏目不存在",…}``) or ``"http-400"`` (HTTP 400 with the same
  envelope, ``code`` "400");
* ``escaped_query_data``: the column pages write ``queryData`` entity-escaped — ``"apos"``
  (``{&#39;webId&#39;:…}``) or ``"quot"`` (``{&quot;webId&quot;:…}``); None = raw single quotes;
* ``query_data_shown``: False serves the column pages without any ``queryData``;
* ``data_not_object``: successful answers carry ``data`` as a string (the fragment itself)
  instead of ``{"html": …}``;
* :meth:`JpaasUnits.rotate` gives a column a new ``pageId``: the old one is then unknown, the
  column page shows the new one.

:func:`units_of` finds a running replica's switches by host.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup

from tests.replica.model import Page

if TYPE_CHECKING:
    from tests.replica.server import Replica

UNIT_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JSON = "application/json; charset=UTF-8"
PAGE_SIZE = 15
MAX_PAGE_SIZE = 100
UNKNOWN_ID_ANSWERS = ("success-false", "http-400")
ESCAPES = ("apos", "quot")


def parse_paging(param_json: str) -> tuple[int, int]:
    """``(pageNo, pageSize)`` from the ``paramJson`` query parameter (absent = page 1)."""
    if not param_json:
        return 1, PAGE_SIZE
    try:
        value = json.loads(param_json)
        page_no = int(value.get("pageNo", 1))
        page_size = int(value.get("pageSize", PAGE_SIZE))
    except (AttributeError, TypeError, json.JSONDecodeError) as error:
        raise ValueError(f"bad paramJson {param_json!r}") from error
    if page_no < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"paging out of range: {param_json!r}")
    return page_no, page_size


def query_param(params: dict[str, list[str]], name: str) -> str:
    """The first value of a query parameter (empty when absent)."""
    return params.get(name, [""])[0]


@dataclass
class JpaasUnits:
    """One site's jpaas units: IDs, ``queryData``, the API envelope and the test switches."""

    host: str
    web_id: str
    tpl_set_id: str
    tag_id: str
    page_ids: dict[str, str]  # column key -> current pageId
    default_unknown_ids: str = "success-false"
    unknown_ids: str = field(init=False)
    escaped_query_data: str | None = field(init=False, default=None)
    query_data_shown: bool = field(init=False, default=True)
    data_not_object: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self._original = dict(self.page_ids)
        self._trace = random.Random(f"dualwatch-replica|{self.host}|trace")
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Back to the site's own IDs and well-behaved answers."""
        self.page_ids = dict(self._original)
        self.unknown_ids = self.default_unknown_ids
        self.escaped_query_data = None
        self.query_data_shown = True
        self.data_not_object = False

    def rotate(self, column: str) -> str:
        """Give ``column`` a new pageId (the old one is unknown from now on); return it."""
        new = hashlib.md5(f"rotated|{self.page_ids[column]}".encode()).hexdigest()
        self.page_ids[column] = new
        return new

    def check(self) -> None:
        """Raise ValueError when a switch holds an unknown value."""
        if self.unknown_ids not in UNKNOWN_ID_ANSWERS:
            raise ValueError(f"unknown_ids must be one of {', '.join(UNKNOWN_ID_ANSWERS)}")
        if self.escaped_query_data not in (None, *ESCAPES):
            raise ValueError(f"escaped_query_data must be None or one of {', '.join(ESCAPES)}")

    # -- the column page -----------------------------------------------------------------

    def query_data(self, column: str) -> Markup:
        """The ``queryData`` attribute value of ``column``'s page, as the switches say
        (empty when the page carries none)."""
        self.check()
        if not self.query_data_shown:
            return Markup("")
        raw = (
            f"{{'webId':'{self.web_id}','pageId':'{self.page_ids[column]}',"
            f"'tplSetId':'{self.tpl_set_id}','pageType':'column','tagId':'{self.tag_id}',"
            "'editType':'null'}"
        )
        if self.escaped_query_data == "apos":
            raw = raw.replace("'", "&#39;")
        elif self.escaped_query_data == "quot":
            raw = raw.replace("'", "&quot;")
        return Markup(raw)  # single quotes (or entities) inside a double-quoted attribute

    # -- the API -------------------------------------------------------------------------

    def column(self, params: dict[str, list[str]]) -> str | None:
        """The column the request's IDs name, or None when the site does not know them."""
        if query_param(params, "webId") != self.web_id:
            return None
        page_id = query_param(params, "pageId")
        return next((c for c, known in self.page_ids.items() if known == page_id), None)

    def unknown(self) -> Page:
        """The answer to IDs the site does not know (see ``unknown_ids``)."""
        self.check()
        if self.unknown_ids == "http-400":
            return self.envelope(False, "400", "栏目不存在", None, status=400)
        return self.envelope(False, "500", "栏目不存在", None)

    def listing(self, fragment: str) -> Page:
        """A successful answer carrying ``fragment`` (as ``data.html``, unless switched)."""
        data: object = fragment if self.data_not_object else {"html": fragment}
        return self.envelope(True, "200", "操作成功", data)

    def envelope(
        self, success: bool, code: str, message: str, data: object, status: int = 200
    ) -> Page:
        """The API's JSON envelope (its ``traceId`` is random per request)."""
        with self._lock:
            trace_id = f"{self._trace.getrandbits(128):032x}"
        envelope = {
            "roles": None,
            "permissions": None,
            "success": success,
            "message": message,
            "code": code,
            "data": data,
            "traceId": trace_id,
        }
        return Page(status, JSON, json.dumps(envelope, ensure_ascii=False).encode("utf-8"))


def units_of(replica: Replica, host: str) -> JpaasUnits:
    """The jpaas switches of the site serving ``host`` in ``replica``."""
    for site in replica.app.sites:
        units = getattr(site, "jpaas", None)
        if site.host == host and isinstance(units, JpaasUnits):
            return units
    raise ValueError(f"the replica serves no jpaas site on {host!r}")


def reset_all(replica: Replica) -> None:
    """Restore every jpaas site of ``replica`` to its defaults."""
    for site in replica.app.sites:
        units = getattr(site, "jpaas", None)
        if isinstance(units, JpaasUnits):
            units.reset()
