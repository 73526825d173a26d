"""`make demo`: dualwatch's main job on the bundled offline replica, start to finish.

Starts the replica, crawls it (the baseline), lets the sites publish new notices and revise
one, crawls again, prints the detected changes, a diff and the alert messages written to the
Maildir outbox, crawls a noise-only state (nothing detected), and stops the replica.
"""

from __future__ import annotations

import email
import email.policy
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from monitors.storage.store import Store
from tests.replica import Replica

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path("tests/replica/dualwatch.toml")
HOME = Path("var/demo")
JAPAN_NO_1 = (
    "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
)


def dualwatch(replica: Replica, *args: str) -> int:
    """Show and run one real `dualwatch` command against the replica."""
    shown = ["dualwatch", "--config", str(CONFIG), "--home", str(HOME), *args]
    print(f"\n$ {shlex.join(shown)}", flush=True)
    env = {**os.environ, "DUALWATCH_CONNECT_TO": replica.connect_to}
    command = [sys.executable, "-m", "monitors", *shown[1:]]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def banner(text: str) -> None:
    """Print a step heading."""
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}", flush=True)


def show_outbox() -> None:
    """List the alert messages in the outbox and print the first one."""
    files = sorted((ROOT / HOME / "outbox" / "new").glob("*"))
    print(f"\n{len(files)} message(s) in {HOME / 'outbox' / 'new'}:")
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        print(f"  {path.name[:24]}…  {message['Subject']}")
    if files:
        first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        print(f"\n--- {files[0].name} ---")
        for header in ("From", "To", "Subject", "Message-ID", "References"):
            print(f"{header}: {first[header]}")
        print()
        print(first.get_body(("plain",)).get_content()[:1500])


def modified_change_ids() -> list[int]:
    """Ids of the modifications detected so far."""
    with Store.open(ROOT / HOME / "dualwatch.db") as store:
        return [c.id for c in store.list_changes() if c.kind == "modified"]


def main() -> int:
    """Run the demo; return 0 when every step behaved as expected."""
    started = time.monotonic()
    shutil.rmtree(ROOT / HOME, ignore_errors=True)
    replica = Replica(port=0, state=1)
    replica.start()
    print(f"Replica of {len(replica.app.hosts)} sites on 127.0.0.1:{replica.port}; every command")
    print(f"below runs with DUALWATCH_CONNECT_TO={replica.connect_to}")
    failures = 0
    try:
        banner("1. Baseline: the first crawl records every notice and alerts on nothing")
        failures += dualwatch(replica, "crawl") != 0
        replica.set_state(2)
        banner(
            "2. MOFCOM publishes 2026 No. 1 (dual-use items to Japan) on four sites; MOFA and\n"
            "   METI respond; several notices are revised; page noise changes everywhere.\n"
            "   The four copies of No. 1 are one document: one alert."
        )
        failures += dualwatch(replica, "crawl") != 0
        dualwatch(replica, "changes")
        for change_id in modified_change_ids()[:2]:
            dualwatch(replica, "diff", str(change_id))
        dualwatch(replica, "show", JAPAN_NO_1, "--no-text")
        show_outbox()
        replica.set_state(3)
        banner("3. Only page noise changes: nothing is detected")
        failures += dualwatch(replica, "crawl") != 0
        dualwatch(replica, "sources")
    finally:
        replica.stop()
    print(f"\ndemo finished in {time.monotonic() - started:.1f}s; data in {HOME}/")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
