"""Name keys across scripts and conventions, and their scores."""

from __future__ import annotations

import pytest

from monitors.lists.names import (
    DEFAULT_THRESHOLD,
    MINOR_SCORE,
    compare_keys,
    fold_kanji,
    name_keys,
)
from monitors.lists.screen import match_names


def score(a: str, b: str) -> float | None:
    """The score of two names, or None when they cannot match."""
    result = compare_keys(name_keys(a), name_keys(b))
    return None if result is None else result[0]


# --- keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "folded"),
    [
        (("三菱重工業", "三菱重工业", "三菱重工業"), "三菱重工业"),
        (("東京", "东京"), "东京"),
        (("電機", "电机"), "电机"),
        (("機", "机"), "机"),
        (("國", "国"), "国"),
        (("澤", "沢", "泽"), "泽"),
        (("竜", "龍", "龙"), "龙"),
        (("斉", "齊", "齐"), "齐"),
        (("広", "廣", "广"), "广"),
        (("闘", "鬭", "鬥", "斗"), "斗"),
        (("髙", "高"), "高"),
        (("﨑", "崎", "嵜"), "崎"),
        (("邉", "邊", "辺", "边"), "边"),
    ],
)
def test_kanji_variants_fold_to_one_form(variants: tuple[str, ...], folded: str) -> None:
    assert {fold_kanji(v) for v in variants} == {folded}


def test_fold_kanji_leaves_latin_and_kana_alone() -> None:
    assert fold_kanji("Tokyo ニコン") == "Tokyo ニコン"


@pytest.mark.parametrize(
    ("name", "full", "dropped"),
    [
        ("三菱重工業株式会社", "三菱重工业", ("株式会社",)),
        ("株式会社 日立製作所", "日立制作所", ("株式会社",)),
        ("㈱ニコン", "ニコン", ("(株)",)),
        ("（株）ニコン", "ニコン", ("(株)",)),
        ("ニコン㍿", "ニコン", ("株式会社",)),
        ("有限会社サンプル", "サンプル", ("有限会社",)),
        ("合同会社サンプル", "サンプル", ("合同会社",)),
        ("样例科技股份有限公司", "样例科技", ("股份有限公司",)),
        ("样例科技有限責任公司", "样例科技", ("有限责任公司",)),
        ("样例科技有限公司", "样例科技", ("有限公司",)),
        ("样例科技公司", "样例科技", ("公司",)),
        ("公司样例科技", "公司样例科技", ()),  # 公司 only as a suffix
        ("国立研究開発法人宇宙航空研究開発機構", name_keys("宇宙航空研究开发机构").full,
         ("国立研究開発法人",)),
        ("Ｔｏｋｙｏ　Ｋｅｉｋｉ　Ｉｎｃ．", "tokyo keiki", ("Inc.",)),
        ("Mitsubishi Heavy Industries, Ltd.", "mitsubishi heavy industries", ("Ltd.",)),
        ("Example Co., Ltd.", "example", ("Co.", "Ltd.")),
        ("Example Co Ltd", "example", ("Co.", "Ltd.")),
        ("Example Corp.", "example", ("Corp.",)),
        ("Example Limited", "example", ("Limited",)),
        ("Example LLC", "example", ("LLC",)),
        ("Example GmbH", "example", ("GmbH",)),
        ("Example plc", "example", ("plc",)),
        ("K.K. Example Precision", "example precision", ("K.K.",)),
        ("Example Precision Kabushiki Kaisha", "example precision", ("Kabushiki Kaisha",)),
        ("Kabushiki Kaisha Example", "example", ("Kabushiki Kaisha",)),
        ("The Japan Steel Works, Ltd.", "japan steel works", ("Ltd.",)),
        ("Mitsui & Co., Ltd.", "mitsui", ("Co.", "Ltd.")),
        ("Mitsui E&S", "mitsui es", ()),
        ("Société Générale S.A.", "societe generale", ("S.A.",)),
        ("TDK株式会社", "tdk", ("株式会社",)),
        ("Corporation", "corporation", ()),  # never stripped to nothing
        ("株式会社", "株式会社", ()),
    ],
)  # fmt: skip
def test_name_keys_drop_legal_forms(name: str, full: str, dropped: tuple[str, ...]) -> None:
    key = name_keys(name)
    assert key.full == full
    assert key.dropped == dropped


def test_minor_words_are_kept_in_full_but_not_in_core() -> None:
    key = name_keys("三菱重工業グループ")
    assert (key.full, key.core, key.minor) == ("三菱重工业グループ", "三菱重工业", ("グループ",))
    key = name_keys("中国样例（集团）有限公司")
    assert (key.full, key.core) == ("中国样例集团", "中国样例")
    key = name_keys("Example Holdings Co., Ltd.")
    assert (key.full, key.core) == ("example holdings", "example")


def test_scripts_and_compact_forms() -> None:
    cjk, latin = name_keys("東京 計器"), name_keys("Tokyo Keiki Inc.")
    assert (cjk.script, cjk.full) == ("cjk", "东京计器")
    assert (latin.script, latin.full, latin.compact) == ("latin", "tokyo keiki", "tokyokeiki")
    assert name_keys("三井E&S").script == "cjk"
    assert name_keys("・・・").full == ""


def test_short_names() -> None:
    assert name_keys("TDK Corporation").short
    assert name_keys("三菱").short
    assert not name_keys("三菱电机").short
    assert not name_keys("SUBARU").short


# --- scores -------------------------------------------------------------------------------

MATCHES = [
    # (party name, entity name, expected score)
    ("三菱重工業株式会社", "三菱重工业股份有限公司", 100.0),
    ("東京計器", "东京计器", 100.0),
    ("東京計器株式会社", "東京計器（株）", 100.0),
    ("Mitsubishi Heavy Industries, Ltd.", "MITSUBISHI HEAVY INDUSTRIES LTD", 100.0),
    ("K.K. Example Precision", "Example Precision Kabushiki Kaisha", 100.0),
    ("Tokyo Keiki Inc.", "TOKYOKEIKI INC", 100.0),
    ("SUBARU CORPORATION", "SUBARU Corporation", 100.0),
    ("株式会社 サンプル・テック", "サンプルテック株式会社", 100.0),
    ("Example Holdings", "Example Co., Ltd.", MINOR_SCORE),
    ("三菱重工業グループ", "三菱重工业集团", MINOR_SCORE),
    ("Heavy Mitsubishi Industries", "Mitsubishi Heavy Industries", 99.0),
    ("Mitsubishi Heavy Industires", "Mitsubishi Heavy Industries", 96.3),
    ("大阪精密機械製造所", "大阪精密机械制造", 94.1),
]

NEAR_MISSES = [
    # (party name, entity name, expected score or None = cannot match)
    ("三菱電機", "三菱重工業", 44.4),
    ("东京电子", "东京计器", 50.0),
    ("Mitsui E&S", "Mitsui & Co.", 85.7),
    ("Example Precision Industries", "Example Precision Instruments", 87.7),
    ("大阪精密机械制造", "大阪精密机器制造", 87.5),
    ("三菱重工業", "三菱重工", 88.9),
    ("TDK", "TDC", None),
    ("TDK", "TDK Electronics", None),
    ("三菱", "三菱重工業", None),
    ("三菱", "三菱重工業株式会社", None),
    ("東京計器", "Tokyo Keiki Inc.", None),  # different scripts: never fuzzy
    ("斯巴鲁株式会社", "SUBARU Corporation", None),
]


@pytest.mark.parametrize(("party", "entity", "expected"), MATCHES)
def test_true_variants_score_at_least_the_threshold(
    party: str, entity: str, expected: float
) -> None:
    assert score(party, entity) == pytest.approx(expected, abs=0.05)
    assert score(entity, party) == pytest.approx(expected, abs=0.05)
    assert expected >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(("party", "entity", "expected"), NEAR_MISSES)
def test_near_misses_stay_below_the_threshold(
    party: str, entity: str, expected: float | None
) -> None:
    got = score(party, entity)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=0.05)
        assert got < DEFAULT_THRESHOLD
    assert match_names([party], [entity]) is None


def test_other_reasons() -> None:
    assert compare_keys(name_keys("Tokyo Keiki"), name_keys("Tokyo Keiki")) == (
        100.0,
        "identical name",
    )
    assert compare_keys(name_keys("TOKYO KEIKI"), name_keys("tokyo keiki")) == (
        100.0,
        "same name ignoring case, width, punctuation and spacing",
    )
    assert compare_keys(name_keys("Tokyo Keiki"), name_keys("TOKYOKEIKI")) == (
        100.0,
        "same letters apart from spacing",
    )
    assert compare_keys(name_keys("三菱重工業グループ"), name_keys("三菱重工业")) == (
        MINOR_SCORE,
        "same name apart from the minor word(s) グループ after folding kanji variants",
    )
