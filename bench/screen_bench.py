"""Screening speed: 10,000 counterparties against 5,000 list rows
(``.venv/bin/python bench/screen_bench.py [--parties 10000] [--entities 5000] [--seed 12]``).

What runs
    Synthetic, seeded data (no replica, no database). ``--entities`` list rows, each with a
    CJK name (simplified Chinese, as MOFCOM publishes Japanese names: a three-character
    stem, an industry word, a legal form such as 株式会社/有限公司/股份有限公司) and a
    Latin-script name (a made-up romanised stem, an English industry phrase, Co., Ltd./
    Corporation/K.K. …), most in JP, some CN/US/DE. ``--parties`` counterparties written to
    a CSV file (``id,name,other_names,country``) in a temporary directory and read back with
    :func:`monitors.lists.parties.read_parties` (timed): 5 % are *planted variants* of a list
    row — Japanese or traditional kanji with another legal form (``㈱…``, ``…股份有限公司``),
    the Latin name with another legal form, case and punctuation, or one typo in a long
    Latin name — the rest fresh synthetic names from the same vocabulary (so near misses
    such as one different stem character occur naturally). Then
    :func:`monitors.lists.screen.screen` at the default threshold (90) and country penalty.

What is measured
    Wall and CPU time of reading the CSV and of screening (with the name-key cache cleared
    first, so every name is folded inside the timing; OpenCC's converters are built before,
    and their one-off cost is printed separately), hits (pairs), parties with a hit, planted
    variants found (recall) and hits on parties that were not planted: random names that share
    a long industry phrase and differ in a short stem (``Nateko Defense Systems`` /
    ``Tetoko Defense Systems`` score 90), as real names can; with two-syllable stems there
    are five times as many. Peak memory twice: the
    process's peak RSS (``ru_maxrss``, after the timed run) and, in a second untimed run
    under ``tracemalloc`` (which slows Python down several times), the peak of Python
    allocations during screening. The issue's target: screening under 10 s on this machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from monitors.lists.names import DEFAULT_THRESHOLD, fold_kanji, name_keys  # noqa: E402
from monitors.lists.parties import Party, read_parties  # noqa: E402
from monitors.lists.screen import Entity, ScreenHit, screen  # noqa: E402

#: Stem characters (simplified; each has a Japanese and/or traditional form).
STEM = "东京大阪广岛丰田铁钢泽边樱岩崎松竹梅长宫冈泉星光明昌荣兴盛达华汇晶亿德丰泰顺和"
#: Industry words (simplified, as MOFCOM writes them).
INDUSTRY = (
    "重工业", "电机", "精密", "光学", "航空", "宇航", "造船", "化学", "材料", "电子", "机械",
    "通信", "半导体", "系统", "仪器", "制药", "钢铁", "汽车", "电气", "工程", "技术", "防务",
)  # fmt: skip
CJK_LEGAL = ("株式会社", "株式会社", "株式会社", "有限公司", "股份有限公司", "")
SYLLABLES = (
    "ka", "ki", "ku", "ke", "ko", "sa", "shi", "su", "se", "so", "ta", "chi", "tsu", "te", "to",
    "na", "ni", "nu", "ne", "no", "ha", "hi", "fu", "he", "ho", "ma", "mi", "mu", "me", "mo",
    "ya", "yu", "yo", "ra", "ri", "ru", "re", "ro", "wa", "zen", "dai", "tek", "hon",
)  # fmt: skip
LATIN_INDUSTRY = (
    "Heavy Industries", "Electric", "Precision", "Optics", "Aerospace", "Shipbuilding",
    "Chemical", "Materials", "Electronics", "Machinery", "Communications", "Semiconductor",
    "Systems", "Instruments", "Pharmaceutical", "Steel", "Motors", "Engineering",
    "Technologies", "Defense Systems", "Marine", "Photonics",
)  # fmt: skip
LATIN_LEGAL = ("Co., Ltd.", "Corporation", "Limited", "Inc.", "K.K.", "Corp.")
COUNTRIES = ("JP",) * 7 + ("CN", "US", "DE")


def kanji_variants() -> tuple[Callable[[str], str], Callable[[str], str]]:
    """Converters from simplified Chinese to traditional and to Japanese kanji (OpenCC)."""
    import opencc

    s2t, t2jp = opencc.OpenCC("s2t"), opencc.OpenCC("t2jp")

    def traditional(text: str) -> str:
        return str(s2t.convert(text))

    def japanese(text: str) -> str:
        return str(t2jp.convert(s2t.convert(text)))

    return traditional, japanese


def latin_stem(rng: random.Random) -> str:
    """A made-up romanised word of three or four syllables, capitalised."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def make_entities(rng: random.Random, count: int) -> list[Entity[int]]:
    """``count`` synthetic list rows with a CJK and a Latin-script name each."""
    entities = []
    for index in range(count):
        stem = "".join(rng.choice(STEM) for _ in range(3))
        cjk = stem + rng.choice(INDUSTRY) + rng.choice((*INDUSTRY[:8], "")) + rng.choice(CJK_LEGAL)
        words = [latin_stem(rng)] + ([latin_stem(rng)] if rng.random() < 0.3 else [])
        latin = f"{' '.join(words)} {rng.choice(LATIN_INDUSTRY)} {rng.choice(LATIN_LEGAL)}"
        entities.append(Entity(f"e{index}", (cjk, latin), rng.choice(COUNTRIES), index))
    return entities


def cjk_stem(name: str) -> str:
    """A CJK list name without its legal form."""
    for form in sorted(CJK_LEGAL, key=len, reverse=True):
        if form and name.endswith(form):
            return name[: -len(form)]
    return name


def typo(rng: random.Random, text: str) -> str:
    """``text`` with one letter replaced (never the first of a word)."""
    positions = [i for i, c in enumerate(text) if c.isalpha() and i and text[i - 1].isalpha()]
    i = rng.choice(positions)
    return text[:i] + ("x" if text[i] != "x" else "q") + text[i + 1 :]


def variant(
    rng: random.Random, entity: Entity[int], to_trad: Callable[[str], str],
    to_ja: Callable[[str], str],
) -> tuple[str, str]:  # fmt: skip
    """A counterparty's (name, other_names) for a true variant of ``entity``'s names."""
    cjk, latin = entity.names
    stem = cjk_stem(cjk)
    words = latin.rsplit(" ", 2)[0] if latin.endswith("Co., Ltd.") else latin.rsplit(" ", 1)[0]
    kind = rng.randrange(4)
    if kind == 0:  # Japanese kanji, another legal form
        return rng.choice(("㈱", "株式会社")) + to_ja(stem), ""
    if kind == 1:  # traditional kanji, Taiwan's legal form, the Latin name as other name
        return to_trad(stem) + "股份有限公司", f"{words.upper()} CO LTD"
    if kind == 2:  # the Latin name only: another legal form, case, punctuation
        return f"Kabushiki Kaisha {words.replace(' ', '-')}", ""
    return f"{typo(rng, words)} Corporation", ""  # one typo in the Latin name


def make_parties(
    rng: random.Random, count: int, entities: list[Entity[int]], share: float,
    to_trad: Callable[[str], str], to_ja: Callable[[str], str],
) -> tuple[list[list[str]], dict[str, int]]:  # fmt: skip
    """CSV rows (header first) and the planted variants: party id → entity index."""
    rows = [["id", "name", "other_names", "country"]]
    planted: dict[str, int] = {}
    for n in range(count):
        party_id = f"P{n:05d}"
        if rng.random() < share:
            entity = rng.choice(entities)
            name, others = variant(rng, entity, to_trad, to_ja)
            planted[party_id] = entity.payload
            country = entity.country or ""
        else:
            stem = "".join(rng.choice(STEM) for _ in range(3))
            name = to_ja(stem + rng.choice(INDUSTRY)) + "株式会社"
            others = f"{latin_stem(rng)} {rng.choice(LATIN_INDUSTRY)} {rng.choice(LATIN_LEGAL)}"
            country = rng.choice(COUNTRIES)
        rows.append([party_id, name, others, country])
    return rows, planted


def timed(func: Callable[..., Any], *args: Any) -> tuple[Any, float, float]:
    """``func(*args)`` with its wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = func(*args)
    return value, time.perf_counter() - wall, time.process_time() - cpu


def run_screen(parties: list[Party], entities: list[Entity[int]]) -> list[ScreenHit[int]]:
    """Screen with cold name keys (the cache is cleared first)."""
    name_keys.cache_clear()
    return screen(parties, entities)


def main() -> int:
    """Build the data, time reading and screening, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parties", type=int, default=10_000)
    parser.add_argument("--entities", type=int, default=5_000)
    parser.add_argument("--variants", type=float, default=0.05, help="share of true variants")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    _, opencc_wall, _ = timed(fold_kanji, "澤")
    to_trad, to_ja = kanji_variants()
    entities = make_entities(rng, args.entities)
    rows, planted = make_parties(rng, args.parties, entities, args.variants, to_trad, to_ja)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "parties.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
        size = path.stat().st_size
        parties, read_wall, read_cpu = timed(read_parties, path)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    hits, wall, cpu = timed(run_screen, parties, entities)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    _, traced_wall, _ = timed(run_screen, parties, entities)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    found = {h.party.id for h in hits if planted.get(h.party.id) == h.entity.payload}
    others = [h for h in hits if h.party.id not in planted]
    exact = sum(h.match.exact for h in hits)
    print(
        f"screen bench: {len(parties):,} counterparties x {len(entities):,} list rows "
        f"(seed {args.seed}, threshold {DEFAULT_THRESHOLD:g}; "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})"
    )
    print(f"  OpenCC converters built          {opencc_wall:7.2f} s (once per process)")
    print(
        f"  read_parties ({size / 1024:,.0f} KiB CSV)       {read_wall:7.2f} s wall "
        f"{read_cpu:7.2f} s CPU"
    )
    print(f"  screen                           {wall:7.2f} s wall {cpu:7.2f} s CPU")
    print(
        f"  hits {len(hits):,} ({exact:,} exact, {len(hits) - exact:,} fuzzy) on "
        f"{len({h.party.id for h in hits}):,} parties"
    )
    print(
        f"  planted variants found {len(found):,} of {len(planted):,}; hits on parties not "
        f"planted {len(others):,}"
    )
    print(f"  peak RSS of this process {rss_after:,.1f} MiB (before screening {rss_before:,.1f})")
    print(
        f"  peak Python allocations while screening (tracemalloc) {traced_peak / 2**20:,.1f} MiB "
        f"(that run took {traced_wall:.2f} s)"
    )
    missed = sorted(set(planted) - found)
    by_id = {p.id: p for p in parties}
    for party_id in missed[:5]:
        entity = entities[planted[party_id]]
        print(f"  missed: {by_id[party_id].names} ~ {entity.names}")
    print(f"  target < 10 s: {'met' if wall < 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
