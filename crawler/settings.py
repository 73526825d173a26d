"""Scrapy settings for dualwatch's spiders.

Static defaults only: values that come from config/dualwatch.toml (user agent contact, delays,
limits) are applied by each spider's ``update_settings`` when the crawl starts.
"""

from monitors.core.version import VERSION

BOT_NAME = "dualwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = f"dualwatch/{VERSION} (+https://github.com/dualwatch/dualwatch)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
# Items are written to SQLite one at a time; Scrapy's default of 100 parallel item tasks per
# response only costs CPU (measured by bench/crawl_bench.py).
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10_000_000
DOWNLOAD_WARNSIZE = 2_500_000
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# No control ports: a crawler of untrusted pages should not listen on the network.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
COOKIES_ENABLED = True
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.ConnectToDownloadHandler",
    "https": "crawler.handlers.ConnectToDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # Below HttpCompressionMiddleware (590): responses are decoded after decompression.
    "crawler.middlewares.ForcedEncodingMiddleware": 585,
}
SPIDER_MIDDLEWARES = {
    # After HttpErrorMiddleware (50): a response that reaches the callback settles its ticket.
    "crawler.extensions.AccountingSpiderMiddleware": 60,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.RunRecorder": 100,
}

# Read by crawler.context; empty means "environment or default config file".
DUALWATCH_CONFIG = ""
DUALWATCH_HOME = ""
DUALWATCH_CONNECT_TO = None
DUALWATCH_BATCH = ""
DUALWATCH_FULL = False
DUALWATCH_RETRY_BACKOFF_BASE = 2.0
DUALWATCH_RETRY_BACKOFF_MAX = 60.0
