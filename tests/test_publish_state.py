"""After every crawl the feeds and (with ``[publish] site``) the bulletin are rewritten; an
output that cannot be written is said by the crawl and shown by `dualwatch status` as
FAILING since its first failure, until a crawl writes it again — never silently stale; after
three failed attempts in a row the operator is mailed once, and once more when it works."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from tests.conftest import Dualwatch


def test_a_bulletin_that_cannot_be_written_is_reported_until_it_is(dualwatch: Dualwatch) -> None:
    dualwatch.override(publish={"site": "site"})
    foreign = dualwatch.home / "site"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("someone else's files", encoding="utf-8")

    crawled = dualwatch.run("crawl", "mofcom")  # the crawl itself is fine: exit 0
    assert "the bulletin could not be rewritten" in crawled.stderr
    assert "holds no dualwatch bulletin" in crawled.stderr
    assert (foreign / "notes.txt").exists() and not (foreign / "index.html").exists()
    status = dualwatch.run("status").stdout
    [bulletin] = [line for line in status.splitlines() if line.startswith("bulletin")]
    [feeds] = [line for line in status.splitlines() if line.startswith("feeds")]
    assert "FAILING" in bulletin and "never" in bulletin
    assert " ok " in feeds

    dualwatch.run("crawl", "mofcom")
    with dualwatch.store() as store:
        [first] = [s for s in store.publish_states() if s.output == "bulletin"]
    assert not first.ok and first.failing_since and first.failing_since <= first.attempted_at

    (foreign / "notes.txt").unlink()  # the operator makes room
    fixed = dualwatch.run("crawl", "mofcom")
    assert "could not be rewritten" not in fixed.stderr
    assert (foreign / "index.html").is_file()
    with dualwatch.store() as store:
        states = {s.output: s for s in store.publish_states()}
    assert states["bulletin"].ok and states["bulletin"].failing_since is None
    assert states["bulletin"].written_at == states["bulletin"].attempted_at
    assert states["feeds"].ok and states["feeds"].location.endswith("feeds")


def outbox(dualwatch: Dualwatch) -> list[EmailMessage]:
    files = sorted((dualwatch.home / "outbox" / "new").glob("*"))
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def test_the_operator_hears_of_a_bulletin_failing_three_times_and_of_its_recovery(
    dualwatch: Dualwatch,
) -> None:
    dualwatch.override(publish={"site": "site"}, mail={"operator": "ops@example.org"})
    foreign = dualwatch.home / "site"
    foreign.mkdir(parents=True)
    (foreign / "notes.txt").write_text("someone else's files", encoding="utf-8")
    for _ in range(4):  # three failures alert; the fourth adds nothing
        dualwatch.run("crawl", "mofcom")
    notices = [m for m in outbox(dualwatch) if m["To"] == "ops@example.org"]
    assert [str(m["Subject"]) for m in notices] == [
        "[dualwatch] PUBLISHING FAILING: bulletin (3 attempts)"
    ]
    text = notices[0].get_body(("plain",)).get_content()
    assert "holds no dualwatch bulletin" in text and str(foreign) in text
    assert "Last written:  never" in text

    (foreign / "notes.txt").unlink()
    dualwatch.run("crawl", "mofcom")
    notices = [m for m in outbox(dualwatch) if m["To"] == "ops@example.org"]
    assert [str(m["Subject"]) for m in notices][1:] == ["[dualwatch] published again: bulletin"]
    assert notices[1]["In-Reply-To"] == notices[0]["Message-ID"], "threaded under the alert"
    listing = dualwatch.run("alerts").stdout
    for kind in ("failing", "recovered"):
        [row] = [line for line in listing.splitlines() if f"health {kind} publish:bulletin" in line]
        assert "ops@example.org  sent" in row
