"""Run one crawl process: ``python -m crawler.run [options] SOURCE...``.

`dualwatch crawl` (monitors.ops.runner) starts this in a subprocess so each crawl gets a fresh
Twisted reactor and a crash or hang cannot take the caller down. All results go to the
store; the exit status only says whether the process itself worked.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.spider import iter_spider_classes

from monitors.core.config import load_config
from monitors.core.errors import DualwatchError
from monitors.core.logsetup import configure_logging
from monitors.rules.load import set_cache_dir

#: Scrapy extensions this project's settings switch off but whose modules Scrapy would import
#: anyway to find that out (RemoteControl imports aiohttp: ~0.1 s CPU per crawl), with the
#: setting that switches each on. Measured with bench/startup_bench.py.
UNUSED_EXTENSIONS = {"scrapy.extensions.remote_control.RemoteControl": "REMOTE_CONTROL_ENABLED"}


def build_settings(args: argparse.Namespace) -> Settings:
    """Scrapy settings for this crawl: the project module plus the caller's options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    # Left out of EXTENSIONS_BASE: Scrapy imports every key of EXTENSIONS, even a disabled one.
    extensions = settings.getdict("EXTENSIONS_BASE")
    for path, enabled in UNUSED_EXTENSIONS.items():
        if not settings.getbool(enabled):
            extensions.pop(path, None)
    overrides = {
        "DUALWATCH_CONFIG": args.config or "",
        "DUALWATCH_HOME": args.home or "",
        "DUALWATCH_BATCH": args.batch or "",
        "DUALWATCH_FULL": args.full,
        "LOG_ENABLED": True,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "EXTENSIONS_BASE": extensions,
        # The spider classes are passed to CrawlerProcess (spider_class), so its spider loader
        # need not import every spider module.
        "SPIDER_MODULES": [],
    }
    if args.connect_to is not None:
        overrides["DUALWATCH_CONNECT_TO"] = args.connect_to
    settings.setdict(overrides, priority="cmdline")
    return settings


def main(argv: list[str] | None = None) -> int:
    """Crawl the named sources in one process; return the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m crawler.run")
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--config")
    parser.add_argument("--home")
    parser.add_argument("--connect-to", dest="connect_to")
    parser.add_argument("--batch")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--verbose", "-v", action="count", default=0)
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        config = load_config(args.config, home=args.home, connect_to=args.connect_to)
        sources = [config.source(name) for name in args.sources]
    except DualwatchError as exc:
        logging.getLogger("dualwatch").error("%s", exc)
        return 2
    set_cache_dir(config.home / "cache")  # where the METI spider caches the relevance rules
    settings = build_settings(args)
    try:
        spiders = [(spider_class(source.spider), source) for source in sources]
        for spidercls, source in spiders:
            if check := getattr(spidercls, "check_source", None):
                check(source)  # e.g. the generic spider validates its options up front
    except DualwatchError as exc:
        logging.getLogger("dualwatch").error("%s", exc)
        return 2
    process = CrawlerProcess(settings)
    for spidercls, source in spiders:
        process.crawl(spidercls, source=source.name)
    process.start()
    # Everything is written; what remains is interpreter shutdown, whose garbage collections
    # walk every object Scrapy and its imports created: ~0.1 s of CPU per crawl (measured
    # with bench/startup_bench.py). Frozen objects are skipped; the OS frees the memory.
    gc.freeze()
    return 0


def spider_class(name: str) -> type[Spider]:
    """The spider called ``name``, importing only its module: ``crawler/spiders/mofa_ja.py``
    holds the spider ``mofa-ja`` (the convention :func:`monitors.core.config.known_spiders`
    validates the configuration with; tests/test_config.py checks it against Scrapy's list).
    KeyError, as Scrapy's SpiderLoader raises, when the module has no such spider."""
    module = importlib.import_module(f"crawler.spiders.{name.replace('-', '_')}")
    for spidercls in iter_spider_classes(module):
        if spidercls.name == name:
            return spidercls
    raise KeyError(f"Spider not found: {name}")


if __name__ == "__main__":
    sys.exit(main())
