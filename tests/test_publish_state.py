"""After every crawl the feeds and (with ``[publish] site``) the bulletin are rewritten; an
output that cannot be written is said by the crawl and shown by `dualwatch status` as
FAILING since its first failure, until a crawl writes it again — never silently stale."""

from __future__ import annotations

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
