"""Logging to stderr: dualwatch's own progress at INFO, Scrapy's internals only when verbose."""

from __future__ import annotations

import logging
import sys

THIRD_PARTY = (
    "scrapy",
    "twisted",
    "py.warnings",
    "filelock",
    "hpack",
    "asyncio",
    "protego",
    "apscheduler",
    "apprise",
)


class ThirdPartyFilter(logging.Filter):
    """Drop library records below a threshold, whatever levels the libraries set themselves."""

    def __init__(self, threshold: int) -> None:
        super().__init__()
        self.threshold = threshold

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep dualwatch's records; keep a library's only at or above the threshold."""
        if record.name.split(".", 1)[0] in THIRD_PARTY:
            return record.levelno >= self.threshold
        return True


def configure_logging(verbosity: int = 0) -> None:
    """Send logs to stderr; ``verbosity`` 1 shows Scrapy INFO, 2 shows everything at DEBUG."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S"))
    threshold = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler.addFilter(ThirdPartyFilter(threshold))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    logging.captureWarnings(True)
