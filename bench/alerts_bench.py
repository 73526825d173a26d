"""Render and deliver 1,000 alerts to a local SMTP server (aiosmtpd on 127.0.0.1).

Builds a scratch store with 1,000 new relevant notices (Chinese and Japanese, with matched
terms) plus 1,000 modifications of them, classifies them with the shipped rules, queues one
alert per change for one subscriber, and delivers them through the real SMTP transport.
Prints wall time per stage, messages per second and peak RSS of this process.

    .venv/bin/python bench/alerts_bench.py [--count 1000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitors.changes import detect  # noqa: E402
from monitors.changes.alerts import classify_pending, queue_immediate  # noqa: E402
from monitors.core.config import load_config  # noqa: E402
from monitors.mail.dispatch import deliver_due  # noqa: E402
from monitors.mail.mailer import SmtpSettings, SmtpTransport  # noqa: E402
from monitors.rules.load import load_rules  # noqa: E402
from monitors.storage.models import FetchedNotice  # noqa: E402
from monitors.storage.store import Store  # noqa: E402
from monitors.tasks import register_subscribers  # noqa: E402
from tests.smtp_server import SmtpServer  # noqa: E402

CONFIG_TEXT = """extends = "{base}"
[mail]
retry_base_seconds = 0
[[subscriptions]]
name = "bench"
email = "bench@example.org"
digest = "none"
"""

ZH = "商务部公告2026年第{n}号 关于加强两用物项对日本出口管制的公告"
JA = "中国による日本向け両用品目の輸出管理措置について（その{n}）"
BODY = (
    "为维护国家安全和利益，履行防扩散等国际义务，"
    "根据《中华人民共和国出口管制法》等法律法规，决定{n}。\n"
)


def notice(n: int, revised: bool = False) -> FetchedNotice:
    """A synthetic relevant notice (odd numbers Japanese, even Chinese)."""
    title = (JA if n % 2 else ZH).format(n=n)
    text = BODY.format(n=n) * 20 + ("\n并将相关两用物项列入出口管制管控名单。" if revised else "")
    return FetchedNotice(
        source="mofcom",
        url=f"https://www.mofcom.gov.cn/bench/art_{n}.html",
        title=title,
        text=text,
        raw_html=b"<html></html>",
        doc_number=None,
        metadata={"language": "ja" if n % 2 else "zh", "doc_type": "announcement"},
    )


def timed(label: str, results: list[tuple[str, float]], func, *args):
    """Run ``func``, record its wall time under ``label``, return its result."""
    started = time.perf_counter()
    value = func(*args)
    results.append((label, time.perf_counter() - started))
    return value


def main() -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    with tempfile.TemporaryDirectory() as tmp, SmtpServer() as server:
        config_path = Path(tmp) / "bench.toml"
        config_path.write_text(CONFIG_TEXT.format(base=ROOT / "tests/replica/dualwatch.toml"))
        config = load_config(config_path, home=Path(tmp) / "home", connect_to="")
        rules = load_rules(config.rules_path)
        results: list[tuple[str, float]] = []
        register_subscribers(config)
        with Store.open(config.db_path) as store:
            store.ensure_source("mofcom", "MOFCOM", "mofcom")
            timed("store 1,000 new notices", results, record_all, store, count, False)
            timed("store 1,000 modifications", results, record_all, store, count, True)
            classified = timed("classify with rules", results, classify_pending, store, rules)
            queued = timed("queue alerts", results, queue_immediate, store, config)
            transport = SmtpTransport(SmtpSettings(host=server.host, port=server.port,
                                                   security="none"))  # fmt: skip
            report = timed("render + deliver over SMTP", results, deliver_due, store, config,
                           transport)  # fmt: skip
            transport.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"alerts bench: {classified} changes classified, {queued} alerts queued")
        for label, seconds in results:
            print(f"  {label:<28} {seconds:7.2f} s")
        deliver = results[-1][1]
        print(f"  delivered {report.sent} ({report.sent / deliver:.0f} messages/s), "
              f"retrying {report.retrying}, failed {report.failed}")  # fmt: skip
        print(f"  SMTP server received {len(server.received)} messages")
        print(f"  peak RSS of this process (incl. the in-process SMTP server): {peak:.1f} MiB")
        ok = report.sent == queued == len(server.received) == 2 * count
        print("result:", "OK" if ok else "FAIL")
        return 0 if ok else 1


def record_all(store: Store, count: int, revised: bool) -> None:
    """Record ``count`` notices (or their revisions) as detected changes."""
    for n in range(count):
        fetched = notice(n, revised)
        detect.record_fetch(store, replace(fetched), run_id=None, baseline=False)


if __name__ == "__main__":
    sys.exit(main())
