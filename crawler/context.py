"""Bridge between Scrapy settings and the dualwatch configuration.

The runner passes ``DUALWATCH_CONFIG``, ``DUALWATCH_HOME`` and ``DUALWATCH_CONNECT_TO`` as
Scrapy settings; when a spider is started with plain ``scrapy crawl`` they come from the
environment or the default configuration file instead. Nothing here runs at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from monitors.core.config import Config, load_config, parse_connect_to
from monitors.core.version import VERSION

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def config_from_settings(settings: BaseSettings) -> Config:
    """Load the dualwatch configuration named by the Scrapy settings (or the defaults)."""
    return load_config(
        settings.get("DUALWATCH_CONFIG") or None,
        home=settings.get("DUALWATCH_HOME") or None,
        connect_to=settings.get("DUALWATCH_CONNECT_TO"),
    )


def connect_to_from_settings(settings: BaseSettings) -> dict[str, str]:
    """The host → address:port reroutes in force for this crawl."""
    return parse_connect_to(config_from_settings(settings).connect_to)


def apply_crawl_settings(settings: BaseSettings, config: Config) -> None:
    """Copy the politeness and limit settings of ``config`` into Scrapy settings."""
    crawl = config.crawl
    values = {
        "USER_AGENT": f"dualwatch/{VERSION} (+{crawl.contact_url})",
        "ROBOTSTXT_OBEY": crawl.obey_robots,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_per_host,
        "DOWNLOAD_DELAY": crawl.download_delay,
        "DOWNLOAD_TIMEOUT": crawl.download_timeout,
        "DOWNLOAD_MAXSIZE": crawl.max_download_bytes,
        "DOWNLOAD_WARNSIZE": max(crawl.max_download_bytes // 4, 1),
        "RETRY_TIMES": crawl.retry_times,
        "DUALWATCH_RETRY_BACKOFF_BASE": crawl.retry_backoff_base,
        "DUALWATCH_RETRY_BACKOFF_MAX": crawl.retry_backoff_max,
    }
    for key, value in values.items():
        settings.set(key, value, priority="spider")
