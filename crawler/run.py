"""Run one crawl process: ``python -m crawler.run [options] SOURCE...``.

`dualwatch crawl` (monitors.runner) starts this in a subprocess so each crawl gets a fresh
Twisted reactor and a crash or hang cannot take the caller down. All results go to the
store; the exit status only says whether the process itself worked.
"""

from __future__ import annotations

import argparse
import logging
import sys

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from monitors.config import load_config
from monitors.errors import DualwatchError
from monitors.logsetup import configure_logging


def build_settings(args: argparse.Namespace) -> Settings:
    """Scrapy settings for this crawl: the project module plus the caller's options."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    overrides = {
        "DUALWATCH_CONFIG": args.config or "",
        "DUALWATCH_HOME": args.home or "",
        "DUALWATCH_BATCH": args.batch or "",
        "DUALWATCH_FULL": args.full,
        "LOG_ENABLED": True,
        "LOG_INSTALL_ROOT_HANDLER": False,
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
    settings = build_settings(args)
    loader = SpiderLoader.from_settings(settings)
    try:
        spiders = [(loader.load(source.spider), source) for source in sources]
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
