"""`make demo`: dualwatch's main job on the bundled offline replica, start to finish.

Starts the replica, crawls it (the baseline), lets the sites publish new notices and revise
one, crawls again, prints the detected changes, a diff and the alert messages written to the
Maildir outbox, crawls a noise-only state (nothing detected), and stops the replica.

Only the narrative is printed: each command's log (crawl progress, warnings, errors on its
stderr) is appended to :data:`LOG` (``var/demo/demo.log``), and every text cut short ends
with ``…`` and how much was left out (:func:`clipped`).
"""

from __future__ import annotations

import email
import email.policy
import os
import re
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
LOG = HOME / "demo.log"
#: Characters of the first alert's plain text printed (cut at a line end, marked).
ALERT_TEXT_CHARS = 2000
JAPAN_NO_1 = (
    "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
)


def dualwatch(replica: Replica, *args: str) -> int:
    """Show and run one real `dualwatch` command against the replica; its log goes to LOG.

    A failing command gets one line: its exit status and the last line it logged.
    """
    shown = ["dualwatch", "--config", str(CONFIG), "--home", str(HOME), *args]
    print(f"\n$ {shlex.join(shown)}", flush=True)
    env = {**os.environ, "DUALWATCH_CONNECT_TO": replica.connect_to}
    command = [sys.executable, "-m", "monitors", *shown[1:]]
    log_path = ROOT / LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n$ {shlex.join(shown)}\n")
        log.flush()
        start = log.tell()
        code = subprocess.run(command, cwd=ROOT, env=env, stderr=log, check=False).returncode
    if code:
        with log_path.open("rb") as log:
            log.seek(start)
            lines = log.read().decode("utf-8", "replace").strip().splitlines()
        last = f": {lines[-1].strip()}" if lines else ""
        print(f"(exit status {code}{last}; full log in {LOG})", flush=True)
    return code


def clipped(text: str, limit: int, full: str) -> str:
    """``text`` cut to at most ``limit`` characters, at a line end when there is one, marked
    with ``…``, how much was cut and where ``full`` text is."""
    if len(text) <= limit:
        return text
    cut = text.rfind("\n", 0, limit + 1)
    kept = text[:cut] if cut > limit // 2 else text[:limit]
    rest = len(text) - len(kept)
    return f"{kept.rstrip()}\n… ({rest:,} more characters; full text: {full})"


def delivery_order(path: Path) -> tuple[tuple[int, str], ...]:
    """Sort key of a Maildir file in delivery order: its name (``<seconds>.M<microseconds>P
    <pid>Q<count>.<host>``) with the numbers compared as numbers."""
    return tuple(
        (int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", path.name)
    )


def banner(text: str) -> None:
    """Print a step heading."""
    print(f"\n{'=' * 78}\n{text}\n{'=' * 78}", flush=True)


def show_outbox() -> None:
    """List the alert messages in the outbox and print the first one."""
    files = sorted((ROOT / HOME / "outbox" / "new").glob("*"), key=delivery_order)
    print(f"\n{len(files)} message(s) in {HOME / 'outbox' / 'new'}:")
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        print(f"  {path.name}  {message['Subject']}")
    if files:
        first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
        print(f"\n--- {files[0].name} ---")
        for header in ("From", "To", "Subject", "Message-ID", "References"):
            if first[header] is not None:
                print(f"{header}: {first[header]}")
        print()
        text = first.get_body(("plain",)).get_content()
        print(clipped(text, ALERT_TEXT_CHARS, str(HOME / "outbox" / "new" / files[0].name)))


def modified_change_ids() -> list[int]:
    """Ids of the modifications detected so far."""
    with Store.open(ROOT / HOME / "dualwatch.db") as store:
        return [c.id for c in store.list_changes() if c.kind == "modified"]


def main() -> int:
    """Run the demo; return 0 when every step behaved as expected."""
    started = time.monotonic()
    shutil.rmtree(ROOT / HOME, ignore_errors=True)
    (ROOT / HOME).mkdir(parents=True)
    replica = Replica(port=0, state=1)
    replica.start()
    print(f"Replica of {len(replica.app.hosts)} sites on 127.0.0.1:{replica.port}; every command")
    print(f"below runs with DUALWATCH_CONNECT_TO={replica.connect_to}")
    print(f"Their logs (crawl progress, warnings) go to {LOG}")
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
    print(f"\ndemo finished in {time.monotonic() - started:.1f}s; data in {HOME}/, log in {LOG}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
