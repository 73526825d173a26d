"""Screening: best name pairs, hits, countries, counterparty files."""

from __future__ import annotations

from pathlib import Path

import pytest
from rapidfuzz import fuzz

from monitors.lists.names import DEFAULT_THRESHOLD, MINOR_SCORE
from monitors.lists.parties import Party, country_code, read_parties
from monitors.lists.screen import COUNTRY_PENALTY, Entity, _length_range, match_names, screen
from tests.test_names import MATCHES, NEAR_MISSES

# --- explanations -------------------------------------------------------------------------


def test_exact_short_names_match() -> None:
    match = match_names(["TDK株式会社"], ["TDK Corporation"])
    assert match is not None
    assert match.score == 100.0
    assert match.reason == "same name after dropping 株式会社, Corporation"


def test_match_explains_kanji_and_legal_forms() -> None:
    match = match_names(["三菱重工業株式会社"], ["三菱重工业股份有限公司"])
    assert match is not None
    assert (match.party_name, match.entity_name, match.exact) == (
        "三菱重工業株式会社",
        "三菱重工业股份有限公司",
        True,
    )
    assert match.reason == (
        "same name after folding kanji variants and dropping 株式会社, 股份有限公司"
    )


def test_match_via_the_entitys_latin_name() -> None:
    match = match_names(["SUBARU CORPORATION"], ["斯巴鲁株式会社", "SUBARU Corporation"])
    assert match is not None
    assert (match.party_name, match.entity_name, match.score) == (
        "SUBARU CORPORATION",
        "SUBARU Corporation",
        100.0,
    )
    assert match.reason == "same name after dropping Corporation"


def test_match_via_the_partys_other_name() -> None:
    match = match_names(["SUBARU CORPORATION", "株式会社SUBARU", "スバル"], ["斯巴鲁株式会社"])
    assert match is None
    match = match_names(["Subaru Corp.", "斯巴魯株式會社"], ["斯巴鲁株式会社"])
    assert match is not None
    assert match.party_name == "斯巴魯株式會社"
    assert match.reason == "same name after folding kanji variants and dropping 株式会社"


def test_match_prefers_the_best_pair_and_explains_fuzzy_scores() -> None:
    match = match_names(
        ["Mitsubishi Heavy Industires", "三菱重工"], ["三菱重工业", "Mitsubishi Heavy Industries"]
    )
    assert match is not None
    assert match.entity_name == "Mitsubishi Heavy Industries"
    assert not match.exact
    assert match.reason.startswith("similar names (96% alike on sorted words:")


# --- screening ----------------------------------------------------------------------------


def entity(key: str, *names: str, country: str | None = "JP") -> Entity[dict[str, str]]:
    return Entity(key, names, country, {"list": "control", "action": "add", "doc": key})


ENTITIES = [
    entity("e1", "三菱重工业股份有限公司", "Mitsubishi Heavy Industries, Ltd."),
    entity("e2", "东京计器株式会社", "TOKYO KEIKI INC."),
    entity("e3", "斯巴鲁株式会社", "SUBARU Corporation"),
    entity("e4", "样例精密株式会社", "Example Precision Kabushiki Kaisha", country="日本"),
    entity("e5", "东京电子株式会社"),
    entity("e6", "三井E&S株式会社", "Mitsui E&S Co., Ltd."),
    entity("e7", "TDC株式会社", "TDC Corporation"),
]


def test_screen_finds_the_true_matches_only() -> None:
    parties = [
        Party("1", ("三菱重工業株式会社",), "JP"),
        Party("2", ("東京計器",), None),
        Party("3", ("SUBARU CORPORATION",), "JP"),
        Party("4", ("K.K. Example Precision",), "Japan"),
        Party("5", ("三菱電機株式会社", "Mitsubishi Electric Corporation"), "JP"),
        Party("6", ("Mitsui & Co., Ltd.", "三井物産株式会社"), "JP"),
        Party("7", ("TDK株式会社", "TDK Corporation"), "JP"),
        Party("8", ("三菱",), "JP"),
    ]
    hits = screen(parties, ENTITIES)
    assert [(h.party.id, h.entity.key, h.score) for h in hits] == [
        ("1", "e1", 100.0),
        ("2", "e2", 100.0),
        ("3", "e3", 100.0),
        ("4", "e4", 100.0),
    ]
    by_party = {h.party.id: h for h in hits}
    assert by_party["1"].reason == (
        "'三菱重工業株式会社' ~ '三菱重工业股份有限公司': "
        "same name after folding kanji variants and dropping 株式会社, 股份有限公司"
    )
    assert by_party["3"].match.entity_name == "SUBARU Corporation"
    assert by_party["4"].entity.payload == {"list": "control", "action": "add", "doc": "e4"}


def test_screen_sorts_by_score_and_reports_every_entity() -> None:
    entities = [
        entity("a", "Example Holdings"),
        entity("b", "Example Co., Ltd."),
        entity("c", "Exampel Co., Ltd."),
        entity("d", "Example Co., Ltd."),
    ]
    hits = screen([Party("p", ("Example Corporation",), "JP")], entities, threshold=80)
    assert [(h.entity.key, h.score) for h in hits] == [
        ("b", 100.0),
        ("d", 100.0),
        ("a", MINOR_SCORE),
        ("c", pytest.approx(85.7, abs=0.05)),
    ]
    assert [h.entity.key for h in screen([Party("p", ("Example Corp",))], entities)] == [
        "b",
        "d",
        "a",
    ]


def test_country_mismatch_lowers_the_score() -> None:
    entities = [
        entity("jp", "Mitsubishi Heavy Industries, Ltd.", country="JP"),
        entity("cn", "Mitsubishi Heavy Industries, Ltd.", country="中国"),
        entity("unknown", "Mitsubishi Heavy Industries, Ltd.", country=None),
        entity("cn-group", "Mitsubishi Heavy Industries Group", country="CN"),
    ]
    hits = screen([Party("1", ("MITSUBISHI HEAVY INDUSTRIES LTD",), "日本")], entities)
    assert [(h.entity.key, h.score, h.country_note) for h in hits] == [
        ("jp", 100.0, ""),
        ("unknown", 100.0, ""),
        ("cn", 100.0 - COUNTRY_PENALTY, "country differs: party JP, entity CN (-10)"),
    ]
    assert hits[2].reason.endswith("; country differs: party JP, entity CN (-10)")
    # without a penalty the minor-word match in another country is a hit as well
    keys = [h.entity.key for h in screen([Party("1", ("Mitsubishi Heavy Industries",), "JP")],
                                         entities, country_penalty=0)]  # fmt: skip
    assert keys == ["cn", "jp", "unknown", "cn-group"]
    # a penalty of 100 excludes every match in another country
    keys = [h.entity.key for h in screen([Party("1", ("Mitsubishi Heavy Industries",), "JP")],
                                         entities, country_penalty=100)]  # fmt: skip
    assert keys == ["jp", "unknown"]


@pytest.mark.parametrize("threshold", [80.0, DEFAULT_THRESHOLD, 95.0])
def test_screen_fuzzy_candidates_agree_with_match_names(threshold: float) -> None:
    entities = [entity(f"e{i}", name) for i, name in enumerate(n for _, n, _ in MATCHES)]
    entities += [entity(f"m{i}", name) for i, name in enumerate(n for _, n, _ in NEAR_MISSES)]
    parties = [Party(f"p{i}", (name,)) for i, (name, _, _) in enumerate(MATCHES + NEAR_MISSES)]
    found = {(h.party.id, h.entity.key) for h in screen(parties, entities, threshold)}
    expected = {
        (p.id, e.key)
        for p in parties
        for e in entities
        if match_names(p.names, e.names, threshold) is not None
    }
    assert found == expected
    if threshold == DEFAULT_THRESHOLD:
        assert {(f"p{i}", f"e{i}") for i in range(len(MATCHES))} <= found
        assert not {(f"p{len(MATCHES) + i}", f"m{i}") for i in range(len(NEAR_MISSES))} & found


@pytest.mark.parametrize("cutoff", [0.0, 50.0, 80.0, 85.0, 90.0, 95.0, 99.0])
def test_length_range_never_excludes_a_possible_match(cutoff: float) -> None:
    # equal characters give the highest ratio two strings of these lengths can have
    for a in range(1, 60):
        lengths = _length_range(a, cutoff)
        for b in range(1, 60):
            if fuzz.ratio("x" * a, "x" * b) >= cutoff:
                assert b in lengths, (a, b)


def test_screen_nothing() -> None:
    assert screen([], ENTITIES) == []
    assert screen([Party("1", ("三菱重工業",))], []) == []


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("JP", "JP"),
        ("jp", "JP"),
        ("Japan", "JP"),
        ("日本", "JP"),
        ("ＪＡＰＡＮ", "JP"),
        ("中國", "CN"),
        ("People's Republic of China", "CN"),
        ("台灣", "TW"),
        ("韓国", "KR"),
        ("United States", "US"),
        ("米国", "US"),
        ("DE", "DE"),
        ("", None),
        (None, None),
        ("Atlantis", None),
    ],
)
def test_country_code(value: str | None, code: str | None) -> None:
    assert country_code(value) == code


# --- counterparty files -------------------------------------------------------------------


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "parties.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_read_parties(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "id,name,other_names,country\n"
        "1234,三菱重工業株式会社,Mitsubishi Heavy Industries; MHI | 三菱重工,Japan\n"
        "\n"
        '1235,"Example, Inc.",,\n'
        "1236,東京計器,,日本\n",
        encoding="utf-8-sig",
    )
    parties = read_parties(path)
    assert parties == [
        Party(
            "1234",
            ("三菱重工業株式会社", "Mitsubishi Heavy Industries", "MHI", "三菱重工"),
            "JP",
            2,
        ),
        Party("1235", ("Example, Inc.",), None, 4),
        Party("1236", ("東京計器",), "JP", 5),
    ]
    assert parties[0].name == "三菱重工業株式会社"


def test_read_parties_minimal_columns_any_order(tmp_path: Path) -> None:
    path = write(tmp_path, "Name,ID,notes\nSUBARU Corporation,7,customer since 1999\n")
    assert read_parties(path) == [Party("7", ("SUBARU Corporation",), None, 2)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: empty file"),
        ("id,other_names\n1,x\n", "line 1: no 'name' column"),
        ("name,country\nx,JP\n", "line 1: no 'id' column"),
        ("id,name,contry\n1,x,JP\n",
         "line 1, column 'contry': unknown column (did you mean 'country'?)"),
        ("id,name,name\n1,x,y\n", "line 1, column 'name': duplicate column"),
        ("id,name\n1,Example\n2,\n", "line 3, column 'name': empty name"),
        ("id,name\n1,Example\n,Other\n", "line 3, column 'id': empty id"),
        ("id,name\n1,Example\n2,Other\n1,Third\n",
         "line 4, column 'id': duplicate id '1' (first on line 2)"),
        ("id,name\n1,・・・\n", "line 2, column 'name': name '・・・' has no letters or digits"),
        ("id,name,country\n1,Example,Atlantis\n",
         "line 2, column 'country': unknown country 'Atlantis'"),
        ("id,name\n1,Example,extra\n", "line 2: 3 cells but the header has 2"),
        ('id,name\n1,"multi\nline"\n2,Example,x\n', "line 4: 3 cells but the header has 2"),
    ],
)  # fmt: skip
def test_read_parties_errors(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as caught:
        read_parties(path)
    assert str(caught.value).startswith(f"{path}: {message}")


def test_read_parties_rejects_shift_jis(tmp_path: Path) -> None:
    path = write(tmp_path, "id,name\n1,Example\n2,三菱重工業\n", encoding="cp932")
    with pytest.raises(ValueError, match=r"line 3: not UTF-8 .*save the file as UTF-8 CSV"):
        read_parties(path)
