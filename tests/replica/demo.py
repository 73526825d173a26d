"""`make demo`: dualwatch's main job on the bundled offline replica, start to finish.

Starts the replica, crawls it (the baseline), lets the sites publish new notices and revise
one, crawls again, prints the detected changes, a diff and the alert messages written to the
Maildir outbox, crawls a noise-only state (nothing detected); then lets exportcontrol publish
two list announcements (state 5), crawls that one source, prints the rows of one of them
from its alert, the control lists' state, and a screening of the bundled example
counterparty file (:data:`PARTIES`); and ends where analysts look: the same alerts as chat
messages (received by a local webhook the demo runs), a full-text search, and the bulletin
and the Atom feeds it writes, with where to open them. Then it stops the replica.

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
from collections.abc import Collection
from pathlib import Path

from monitors.storage.store import Store
from tests.replica import Replica
from tests.webhook_server import WebhookServer

ROOT = Path(__file__).resolve().parents[2]
#: The replica configuration; :func:`main` uses one extending it (:func:`write_config`).
CONFIG = Path("tests/replica/dualwatch.toml")
HOME = Path("var/demo")
LOG = HOME / "demo.log"
#: Characters of the first alert's plain text printed (cut at a line end, marked).
ALERT_TEXT_CHARS = 2000
#: The bundled example counterparty file screened at the end (one true match, one near miss).
PARTIES = Path("config/parties.example.csv")
#: List rows of the list announcement's alert printed (the rest is counted).
LIST_ROWS = 8
JAPAN_NO_1 = (
    "https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html"
)


def dualwatch(replica: Replica, *args: str, expected: Collection[int] = (0,)) -> int:
    """Show and run one real `dualwatch` command against the replica; its log goes to LOG.

    A command exiting with a status not in ``expected`` gets one line: its exit status and
    the last line it logged.
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
    if code not in expected:
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


def list_rows(text: str, limit: int) -> str:
    """The list-row blocks of an alert's plain text (``---- +20 on 出口管制管控名单, …`` and
    the ``+``/``-`` rows under it), each cut after ``limit`` rows with how many were left out."""
    blocks: list[tuple[str, list[str]]] = []
    in_block = False
    for line in text.splitlines():
        if re.match(r"-{4} [+-]\d+ on ", line):
            blocks.append((line, []))
            in_block = True
        elif in_block and re.match(r"[+-] \d+\. ", line):
            blocks[-1][1].append(line)
        else:
            in_block = False
    shown = []
    for heading, rows in blocks:
        left = len(rows) - limit
        cut = [f"… ({left} more row{'s' if left > 1 else ''})"] if left > 0 else []
        shown.append("\n".join([heading, *rows[:limit], *cut]))
    return "\n\n".join(shown)


def show_list_alert(number: str) -> None:
    """Print the subject and list rows of the alert about announcement ``number``."""
    for path in sorted((ROOT / HOME / "outbox" / "new").glob("*"), key=delivery_order):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if number in str(message["Subject"]):
            print(f"\n--- {path.name} ---\nSubject: {message['Subject']}\n")
            print(list_rows(message.get_body(("plain",)).get_content(), LIST_ROWS))
            return
    print(f"\n(no alert about {number} in the outbox)")


def write_config(webhook_port: int) -> Path:
    """The demo's configuration: the replica's, the analyst's alerts also sent to a local
    chat webhook (Apprise's json://), the bulletin rewritten after every crawl."""
    path = HOME / "dualwatch.toml"
    (ROOT / path).write_text(
        "# `make demo`: the replica configuration, with the analyst's alerts also sent to a\n"
        "# chat webhook (a local endpoint the demo runs) and the bulletin in var/demo/site.\n"
        f'extends = "{ROOT / CONFIG}"\n\n'
        '[publish]\nsite = "site"\n\n'
        '[[subscriptions]]\nname = "analyst"\nemail = "analyst@localhost"\n'
        'digest = "daily"\ntimezone = "Asia/Tokyo"\n'
        f'notify = ["json://127.0.0.1:{webhook_port}/dualwatch"]\n',
        encoding="utf-8",
    )
    return path


def show_chat(hook: WebhookServer) -> None:
    """The chat messages the webhook received, the first one whole."""
    print(f"\n{len(hook.received)} chat message(s) POSTed to the demo's webhook (Apprise json://):")
    for received in hook.received:
        print(f"  {received.body.get('title', '')}")
    if hook.received:
        print(f"\n--- the first one ---\n{hook.received[0].body.get('message', '')}")


def where_analysts_look(replica: Replica) -> int:
    """Step 6: search, the bulletin and the feeds, and where to open them; 1 on failure."""
    banner(
        "6. Where analysts look: full-text search over every version, the bulletin\n"
        "   (static HTML: timeline, a page per document with its versions and diffs,\n"
        "   a page per list) and the Atom feeds"
    )
    failures = dualwatch(replica, "search", "两用物项", "--source", "mofcom") != 0
    failures += dualwatch(replica, "site", str(HOME / "site")) != 0
    failures += dualwatch(replica, "feeds") != 0
    site = (ROOT / HOME / "site" / "index.html").resolve()
    feeds = (ROOT / HOME / "feeds").resolve()
    print(f"\nOpen the bulletin: {site.as_uri()}")
    print(f"Subscribe to the feeds: {feeds.as_uri()}/all.xml (and topic-*.xml, source-*.xml)")
    return 1 if failures else 0


def modified_change_ids() -> list[int]:
    """Ids of the modifications detected so far."""
    with Store.open(ROOT / HOME / "dualwatch.db") as store:
        return [c.id for c in store.list_changes() if c.kind == "modified"]


def control_lists(replica: Replica) -> int:
    """Step 4: list announcements read as rows, the lists' state, a screening; 1 on failure."""
    replica.set_state(5)
    banner(
        "4. Control lists as data: exportcontrol publishes 2026 No. 11 and No. 12\n"
        "   (2026-02-24), 20 Japanese entities each to 出口管制管控名单 and 关注名单.\n"
        "   The crawl reads their rows; each alert states them"
    )
    failures = dualwatch(replica, "crawl", "mofcom-ecl") != 0
    show_list_alert("2026年第11号")
    print("\nEach list's state, rebuilt from every list announcement stored (earlier ones too):")
    failures += dualwatch(replica, "lists") != 0
    banner(
        f"5. Screening our counterparties ({PARTIES}) against every list\n"
        "   entity, current or past, across scripts and legal forms"
    )
    print((ROOT / PARTIES).read_text(encoding="utf-8").rstrip())
    code = dualwatch(replica, "screen", str(PARTIES), expected=(1,))
    print(
        "(exit status 1 means matches found. C-1001 is the listed 三菱重工航空发动机株式会社\n"
        " in Japanese kanji (発動機) with ㈱ in front instead of 株式会社 after; C-1002\n"
        " IHI宇航工業株式会社, another company, is a near miss of the listed IHI宇航工程株式会社\n"
        " that stays below the default threshold of 90)"
    )
    failures += code != 1
    print("\nA lower threshold catches more variants, and more near misses:")
    failures += dualwatch(replica, "screen", str(PARTIES), "--threshold", "85", expected=(1,)) != 1
    return 1 if failures else 0


def main() -> int:
    """Run the demo; return 0 when every step behaved as expected."""
    global CONFIG
    started = time.monotonic()
    shutil.rmtree(ROOT / HOME, ignore_errors=True)
    (ROOT / HOME).mkdir(parents=True)
    hook = WebhookServer().__enter__()
    CONFIG = write_config(hook.port)
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
        show_chat(hook)
        replica.set_state(3)
        banner("3. Only page noise changes: nothing is detected")
        failures += dualwatch(replica, "crawl") != 0
        dualwatch(replica, "sources")
        failures += control_lists(replica)
        failures += where_analysts_look(replica)
    finally:
        replica.stop()
        hook.__exit__()
    print(f"\ndemo finished in {time.monotonic() - started:.1f}s; data in {HOME}/, log in {LOG}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
