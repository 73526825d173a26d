"""``python -m tests.replica --port 8701 [--state 1] [--bulk 0]``: serve until SIGTERM/SIGINT."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from tests.replica.server import Replica
from tests.replica.timeline import STATES


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m tests.replica", description=__doc__)
    parser.add_argument("--port", type=int, default=8701, help="port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--state", type=int, default=1, choices=STATES, help="initial state")
    parser.add_argument("--bulk", type=int, default=0, help="extra synthetic notices per site")
    parser.add_argument("--slow-seconds", type=float, default=5.0, help="delay of the slow fault")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve in the foreground; exit 0 on SIGTERM or SIGINT."""
    args = parse_args(argv)
    replica = Replica(
        port=args.port, state=args.state, bulk=args.bulk, slow_seconds=args.slow_seconds
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    replica.start()
    print(f"replica listening on 127.0.0.1:{replica.port}", flush=True)
    print(f"DUALWATCH_CONNECT_TO={replica.connect_to}", flush=True)
    while not stop.wait(0.2):
        pass
    replica.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
