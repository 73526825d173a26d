"""Per-page CPU of detail-page extraction + normalisation, per spider
(``.venv/bin/python bench/page_bench.py [--iterations 20] [--state 2] [--profile 25]``).

What runs
    The offline replica's application (``tests.replica.app.ReplicaApp``, no sockets) renders
    every detail page the spiders read at ``--state`` (default 2): the notices each replica
    site monitors, plus for METI every feed release (on METI's and its agencies' hosts) and
    the anpo pages. Each page is routed to its source (``bench/bench.toml``: mofcom,
    mofcom-bis, mofcom-ecl, mofcom-en, mofa-ja, mofa-en, meti, and the generic spider's
    mofa-oshirase) and read as the crawler reads it: a fresh ``HtmlResponse`` (real
    ``https://`` URL, the source's forced encoding) handed to the spider's ``detail_item``
    (``extract_notice``, or ``extract_offsite`` for a METI agency page). METI's relevance
    classification is skipped (every URL counts as known), so only extraction and
    normalisation are timed. The real saved MOFA page-single page (37 KB, in
    ``../shared/reference-pages``, read in place when present) is read by mofa-ja too and
    reported on a row of its own, outside the all-pages figure.

What is measured
    ``time.process_time`` (CPU of this process) over ``--iterations`` passes over every page,
    after one warm-up pass; a fresh response per pass, so the page's first parse (the
    response's selector) is included, as in a crawl. It prints ms/page per spider and over
    all pages, the HTML parses per page (calls of parsel's ``create_root_node`` — every
    ``Selector(text=...)`` and response selector — and of ``BeautifulSoup``), and, with
    ``--profile N``, the N costliest functions of one profiled pass (cProfile, cumulative).

``--root DIR`` imports the project (spiders, normaliser and replica) from DIR instead of this
checkout (for instance an unmodified tree from ``git archive HEAD | tar -x -C DIR``), so the
same bench measures an earlier version: ``python bench/page_bench.py --root DIR``. The
configuration is this checkout's ``bench/bench.toml`` either way.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import platform
import pstats
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    """One detail page as the replica serves it, and the source that reads it."""

    source: str
    group: str  # the row it is reported in
    url: str
    title: str
    listed: date | None
    headers: dict[str, str]
    body: bytes


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--iterations", type=int, default=20, help="timed passes (default 20)")
    parser.add_argument("--state", type=int, default=2, help="replica state (default 2)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="top-N cProfile")
    parser.add_argument("--root", type=Path, default=HERE, help="project tree to import")
    return parser.parse_args(argv)


#: Replica site module -> the source whose spider reads its detail pages.
SITE_SOURCES = {
    "mofcom": "mofcom",
    "aqygzj": "mofcom-bis",
    "exportcontrol": "mofcom-ecl",
    "english_mofcom": "mofcom-en",
    "mofa": "mofa-ja",
    "mofa_press": "mofa-ja",
    "mofa_en": "mofa-en",
    "mofa_oshirase": "mofa-oshirase",
    "meti": "meti",
}


def collect_pages(state: int) -> list[Page]:
    """Every HTML detail page the spiders read at ``state``, rendered in-process."""
    from crawler.sites.base import is_file_url
    from tests.replica.app import ReplicaApp
    from tests.replica.content import meti
    from tests.replica.protocol import Request

    app = ReplicaApp(state=state)
    wanted: dict[tuple[str, str], tuple[str, str, date | None]] = {}
    for site in app.sites:
        source = SITE_SOURCES[type(site).__module__.rsplit(".", 1)[-1]]
        for notice in site.monitored_notices():
            if notice.served_at(state):
                key = (site.host, notice.path)
                wanted[key] = (source, notice.title, notice.published.date())
    for release in meti.releases():  # the feed's releases (most are filtered as irrelevant)
        if release.served_at(state):
            key = (release.host, release.path)
            wanted[key] = ("meti", release.title, release.published.date())
    for anpo in meti.anpo_pages():
        wanted[(meti.METI_HOST, anpo.path)] = ("meti", anpo.title, None)
    pages = []
    for (host, path), (source, title, listed) in sorted(wanted.items()):
        url = f"https://{host}{path}"
        if is_file_url(url):
            continue
        answer = app.handle(Request("GET", host, path))
        if answer.status != 200:
            raise SystemExit(f"{url}: HTTP {answer.status} at state {state}")
        headers = dict(answer.headers)
        pages.append(Page(source, source, url, title, listed, headers, answer.body))
    return pages


#: The real saved MOFA page-single page (read in place; skipped when absent).
REFERENCE = HERE.parent / "shared" / "reference-pages" / "mofa"
REFERENCE_SINGLE = "mofaj-gaiko-terro-kyoryoku_05_page-single_2026-09-10.html"


def reference_pages() -> list[Page]:
    """The real MOFA page-single page (38 KB), read by mofa-ja, when it is there."""
    path = REFERENCE / REFERENCE_SINGLE
    if not path.is_file():
        return []
    url = "https://www.mofa.go.jp/mofaj/gaiko/terro/kyoryoku_05.html"
    headers = {"Content-Type": "text/html; charset=utf-8"}
    return [Page("mofa-ja", "real mofa-ja", url, "", None, headers, path.read_bytes())]


def make_spiders(pages: list[Page]) -> dict[str, Any]:
    """One spider per source, bound to its configuration without a store."""
    from crawler.spiders import (
        generic,
        meti,
        mofa_en,
        mofa_ja,
        mofcom,
        mofcom_bis,
        mofcom_ecl,
        mofcom_en,
    )
    from monitors.core.config import load_config

    config = load_config(HERE / "bench" / "bench.toml")
    classes = {
        "mofcom": mofcom.MofcomSpider,
        "mofcom-bis": mofcom_bis.MofcomBisSpider,
        "mofcom-ecl": mofcom_ecl.MofcomEclSpider,
        "mofcom-en": mofcom_en.MofcomEnSpider,
        "mofa-ja": mofa_ja.MofaJaSpider,
        "mofa-en": mofa_en.MofaEnSpider,
        "meti": meti.MetiSpider,
        "mofa-oshirase": generic.GenericSpider,
    }
    spiders = {}
    for name, cls in classes.items():
        spider = cls(source=name)
        spider.config = config
        spider.source = config.source(name)
        spider.forced_encoding = spider.source.encoding
        # Known: METI skips its relevance rules (classification is not what is measured).
        spider.known = {p.url: None for p in pages if p.source == name}
        if name == "mofa-oshirase":
            spider.options = generic.parse_options(spider.source)
        spiders[name] = spider
    return spiders


def read_page(spider: Any, page: Page) -> Any:
    """What the crawler does with a detail page's body: a response, then the item."""
    from scrapy.http import HtmlResponse

    from crawler.items import ListedNotice

    response = HtmlResponse(
        url=page.url,
        status=200,
        headers=page.headers,
        body=page.body,
        encoding=spider.source.encoding,
    )
    entry = ListedNotice(url=page.url, title=page.title, listed_date=page.listed)
    return spider.detail_item(response, entry)


class ParseCounter:
    """Counts HTML parses: parsel's create_root_node and BeautifulSoup constructions."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._undo: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> ParseCounter:
        import parsel.selector

        self._wrap(parsel.selector, "create_root_node", "parsel create_root_node")
        try:
            import bs4
        except ImportError:  # pragma: no cover - bs4 is a test dependency
            return self
        original = bs4.BeautifulSoup.__init__

        def counted_init(soup: Any, *args: Any, **kwargs: Any) -> None:
            self.counts["BeautifulSoup"] += 1
            original(soup, *args, **kwargs)

        self._undo.append((bs4.BeautifulSoup, "__init__", original))
        bs4.BeautifulSoup.__init__ = counted_init
        return self

    def _wrap(self, owner: Any, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[label] += 1
            return original(*args, **kwargs)

        self._undo.append((owner, attr, original))
        setattr(owner, attr, counted)

    def __exit__(self, *exc: object) -> None:
        for owner, attr, original in reversed(self._undo):
            setattr(owner, attr, original)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(args.root.resolve()))
    import monitors.text.normalize

    pages = collect_pages(args.state)
    real = reference_pages()
    spiders = make_spiders(pages + real)
    by_group: dict[str, list[Page]] = {}
    for page in pages + real:
        by_group.setdefault(page.group, []).append(page)

    print(f"project: {Path(monitors.text.normalize.__file__).resolve().parent.parent}")
    print(f"python {platform.python_version()}, {platform.machine()}; replica state {args.state}")
    print(f"{len(pages)} detail pages; {args.iterations} timed passes after one warm-up\n")

    for page in pages + real:  # warm-up (imports, caches, css->xpath translation)
        read_page(spiders[page.source], page)
    with ParseCounter() as counter:
        for page in pages:
            read_page(spiders[page.source], page)

    print(f"{'source':<15}{'pages':>6}{'ms/page':>10}")
    total_cpu = 0.0
    real_line = ""
    for name, group in by_group.items():
        start = time.process_time()
        for _ in range(args.iterations):
            for page in group:
                read_page(spiders[page.source], page)
        cpu = time.process_time() - start
        line = f"{name:<15}{len(group):>6}{cpu / args.iterations / len(group) * 1000:>10.3f}"
        if group[0] in real:
            real_line = line + f"   ({len(group[0].body) // 1024} KB real page, not in 'all')"
            continue
        total_cpu += cpu
        print(line)
    per_page = total_cpu / args.iterations / len(pages) * 1000
    print(f"{'all replica':<15}{len(pages):>6}{per_page:>10.3f}")
    if real_line:
        print(real_line)
    parses = ", ".join(f"{n / len(pages):.2f} {what}" for what, n in sorted(counter.counts.items()))
    print(f"\nHTML parses per page: {parses or 'none counted'}")

    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        for page in pages:
            read_page(spiders[page.source], page)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(args.profile)
        print("\ncProfile, one pass over every page (cumulative):")
        print(out.getvalue().split("\n", 4)[-1].rstrip())
    print(f"\nper-page CPU: {per_page:.3f} ms (replica detail pages, {args.root})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
