"""Logging to stderr: dualwatch's own progress at INFO, Scrapy's internals only when verbose."""

from __future__ import annotations

import logging
import sys


def configure_logging(verbosity: int = 0) -> None:
    """Send logs to stderr; ``verbosity`` 1 shows Scrapy INFO, 2 shows DEBUG."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
    third_party = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    for name in ("scrapy", "twisted", "py.warnings", "filelock"):
        logging.getLogger(name).setLevel(third_party)
    logging.getLogger("dualwatch").setLevel(logging.DEBUG if verbosity >= 2 else logging.INFO)
