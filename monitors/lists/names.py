"""Name keys and scores: counterparty and list-entity names folded so they can be compared.

Pure functions, no database. A name is turned into a :class:`NameKey` (:func:`name_keys`):

1. **Unicode**: NFKC (full-width Latin and digits, half-width katakana, ``㈱`` → ``(株)``,
   ``㍿`` → ``株式会社``), case-folded, accents dropped from Latin letters (``é`` → ``e``).
2. **Kanji variants**: a few rare variants OpenCC does not know are mapped first
   (:data:`VARIANTS`: ``髙﨑嵜碕邉濵嶋嶌冨𠮷闘鬭鬪篭鉱鑛``), then OpenCC converts Japanese
   shinjitai to traditional (``jp2t``: ``沢`` → ``澤``, ``竜`` → ``龍``, ``広`` → ``廣``) and
   traditional to simplified (``t2s``: ``澤`` → ``泽``), so ``三菱重工業`` (ja), ``三菱重工業``
   (zh-Hant) and ``三菱重工业`` (zh-Hans) all become ``三菱重工业``. The folded form is
   a comparison key, not a spelling: a few Japanese characters fold further than a Chinese
   writer would (``研`` → ``硏``, ``芸`` → ``艺``), the same way on both sides.
3. **Legal forms** are dropped, repeatedly, while something remains
   (:data:`CJK_LEGAL_EITHER`, :data:`CJK_LEGAL_SUFFIX`, :data:`LATIN_LEGAL_SUFFIX`,
   :data:`LATIN_LEGAL_PREFIX`): ``株式会社``/``有限会社``/``合同会社`` and the Japanese
   ``…法人`` forms at either end, ``(株)``/``(有)``/``(合)`` anywhere, ``股份有限公司``,
   ``有限责任公司``, ``有限公司``, ``公司`` only at the end; ``Co., Ltd.``, ``Corporation``,
   ``Corp.``, ``Inc.``, ``Limited``, ``LLC``, ``GmbH``, ``plc`` … at the end, ``K.K.`` and
   ``Kabushiki Kaisha`` at either end; a leading ``The`` and a dangling ``&`` go too.
4. **Punctuation and spacing**: a name with CJK characters keeps only letters and digits
   (``・``, ``·``, spaces, brackets go); a Latin-script name becomes words (``&`` inside a
   word such as ``E&S`` is dropped, a free-standing ``&`` reads ``and``; ``.`` and ``'`` are
   removed so ``K.K.`` = ``KK``; other punctuation separates words) and also has a form
   without spaces (``TOKYOKEIKI`` = ``Tokyo Keiki``).
5. **Minor words** — ``Holdings``/``Holding``/``Group``, ``集团``, ``控股``, ``グループ``,
   ``ホールディングス`` at the end — are *kept* in :attr:`NameKey.full` (they can change
   identity: a holding company is not its operating subsidiary) but dropped from
   :attr:`NameKey.core`; names equal only without them score :data:`MINOR_SCORE`.

Scores (:func:`compare_keys`), 0–100: equal full keys 100; equal without spaces (Latin) 100;
equal cores (only minor words differ) :data:`MINOR_SCORE` (95); otherwise, only for two names
of the same script (a CJK name never fuzzily matches a Latin one — cross-script matches come
from the Latin names a notice gives), and only when neither is short (≤ 2 CJK characters or
≤ 3 Latin letters and digits: ``TDK``, ``NEC``, ``三菱`` need an exact key), the
``rapidfuzz`` similarity of the cores, capped at 99: :func:`rapidfuzz.fuzz.ratio` per
character for CJK names, and for Latin names the better of the ratio on the sorted words
(``token_sort_ratio``) and on the letters without spaces.

**Default threshold: 90** (:data:`DEFAULT_THRESHOLD`). Measured on the cases in
``tests/test_names.py``: every true variant scores 100 or 95 (kanji variants, legal forms,
punctuation, spacing, minor words) and typos in longer names score ≥ 94
(``Mitsubishi Heavy Industires`` 96, one character added to an 8-character CJK name 94);
the near misses all stay below 90: ``Mitsui E&S`` / ``Mitsui & Co.`` 86,
``Example Precision Industries`` / ``Example Precision Instruments`` 88, one character
different in an 8-character CJK name 88 (``三菱重工业`` / ``三菱重工`` 89 — too close to call,
deliberately not a match: the abbreviation is given as a separate name when it is used),
``东京电子`` / ``东京计器`` 50, ``三菱电机`` / ``三菱重工业`` 44; short names never fuzzily
match (``TDK`` / ``TDC``, ``三菱`` / ``三菱重工业``). Lower the threshold for recall (85
catches one-character differences in 7–8-character CJK names and ``Mitsui E&S`` /
``Mitsui & Co.``), raise it to 95 to keep exact and minor-word matches and only the
closest fuzzy ones (a one-letter typo in a long name scores about 96, the same words
reordered 99).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import fuzz

__all__ = [
    "CJK_LEGAL_EITHER",
    "CJK_LEGAL_SUFFIX",
    "DEFAULT_THRESHOLD",
    "FUZZY_CAP",
    "LATIN_LEGAL_PREFIX",
    "LATIN_LEGAL_SUFFIX",
    "MINOR_SCORE",
    "VARIANTS",
    "NameKey",
    "compare_keys",
    "fold_compact",
    "fold_kanji",
    "name_keys",
]

#: Default minimum score of a hit (see the module docstring for the cases behind it).
DEFAULT_THRESHOLD = 90.0
#: Score of two names equal apart from minor words (Holdings, Group, 集团, グループ …).
MINOR_SCORE = 95.0
#: Highest score of a fuzzy (non-equal) comparison: 100 means equal keys.
FUZZY_CAP = 99.0

Script = Literal["cjk", "latin"]

#: Kanji variants mapped before OpenCC, to the form OpenCC then folds (it leaves these alone).
VARIANTS: dict[str, str] = {
    "髙": "高",
    "﨑": "崎",
    "嵜": "崎",
    "碕": "崎",
    "邉": "邊",
    "濵": "濱",
    "嶋": "島",
    "嶌": "島",
    "冨": "富",
    "𠮷": "吉",
    "闘": "鬥",
    "鬭": "鬥",
    "鬪": "鬥",
    "篭": "籠",
    "鉱": "礦",
    "鑛": "礦",
}
_VARIANT_TABLE = str.maketrans(VARIANTS)

#: CJK legal forms dropped at either end of a name.
CJK_LEGAL_EITHER = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "公益社団法人",
    "一般財団法人",
    "公益財団法人",
    "国立研究開発法人",
    "独立行政法人",
    "国立大学法人",
    "学校法人",
)
#: CJK legal forms dropped only at the end of a name (``公司`` is a word elsewhere).
CJK_LEGAL_SUFFIX = (
    "股份有限公司",
    "有限责任公司",
    "股份公司",
    "有限公司",
    "公司",
)
#: Bracketed abbreviations (after NFKC: ``㈱`` → ``(株)``) dropped wherever they are.
CJK_LEGAL_BRACKETED = ("(株)", "(有)", "(合)", "(資)", "(名)", "(社)", "(財)", "(独)")
#: Minor words at the end of a CJK name: kept in the full key, dropped from the core.
CJK_MINOR = ("集团", "控股", "グループ", "ホールディングス", "ホールディング")

#: Latin legal forms (as words after normalisation) dropped at the end, with their display.
LATIN_LEGAL_SUFFIX: dict[tuple[str, ...], str] = {
    ("kabushiki", "kaisha"): "Kabushiki Kaisha",
    ("kabushiki", "gaisha"): "Kabushiki Kaisha",
    ("yugen", "kaisha"): "Yugen Kaisha",
    ("godo", "kaisha"): "Godo Kaisha",
    ("gomei", "kaisha"): "Gomei Kaisha",
    ("goshi", "kaisha"): "Goshi Kaisha",
    ("kabushikikaisha",): "Kabushiki Kaisha",
    ("kabushikigaisha",): "Kabushiki Kaisha",
    ("kk",): "K.K.",
    ("co",): "Co.",
    ("company",): "Company",
    ("ltd",): "Ltd.",
    ("limited",): "Limited",
    ("corporation",): "Corporation",
    ("corp",): "Corp.",
    ("inc",): "Inc.",
    ("incorporated",): "Incorporated",
    ("llc",): "LLC",
    ("llp",): "LLP",
    ("gmbh",): "GmbH",
    ("plc",): "plc",
    ("ag",): "AG",
    ("sa",): "S.A.",
    ("bv",): "B.V.",
    ("nv",): "N.V.",
    ("pte",): "Pte.",
    ("pty",): "Pty.",
}
#: Latin legal forms dropped at the start of a name (Japanese romanisation puts them first).
LATIN_LEGAL_PREFIX: dict[tuple[str, ...], str] = {
    ("kabushiki", "kaisha"): "Kabushiki Kaisha",
    ("kabushiki", "gaisha"): "Kabushiki Kaisha",
    ("yugen", "kaisha"): "Yugen Kaisha",
    ("godo", "kaisha"): "Godo Kaisha",
    ("kabushikikaisha",): "Kabushiki Kaisha",
    ("kabushikigaisha",): "Kabushiki Kaisha",
    ("kk",): "K.K.",
}
#: Minor words at the end of a Latin-script name: kept in the full key, not in the core.
LATIN_MINOR = ("holdings", "holding", "group")

_CJK_RE = re.compile(
    "[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)
_HAN_RE = re.compile(
    "[\u2e80-\u2fdf\u3005\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)
_NON_WORD = re.compile(r"[\W_]+")
_EDGE_NON_WORD = re.compile(r"^[\W_]+|[\W_]+$")
_AMP_IN_WORD = re.compile(r"(?<=[^\W_])&(?=[^\W_])")
_WORD = re.compile(r"[^\W_]+")
_DROPPED_MARKS = re.compile(r"[.'’‘`´]")


def _unique(items: Iterable[str]) -> list[str]:
    """``items`` without duplicates, in order."""
    return list(dict.fromkeys(items))


# --- folding ------------------------------------------------------------------------------


@functools.cache
def _converters() -> tuple[Any, Any]:
    """The OpenCC ``jp2t`` and ``t2s`` converters, built once on first use."""
    import opencc

    return opencc.OpenCC("jp2t"), opencc.OpenCC("t2s")


def fold_kanji(text: str) -> str:
    """``text`` with Japanese and traditional kanji folded to simplified forms.

    >>> fold_kanji("三菱重工業 東京 澤 沢")
    '三菱重工业 东京 泽 泽'
    """
    if not _HAN_RE.search(text):
        return text
    jp2t, t2s = _converters()
    return str(t2s.convert(jp2t.convert(text.translate(_VARIANT_TABLE))))


def _strip_accents(text: str) -> str:
    """Latin letters without their diacritics; every other character unchanged."""
    if text.isascii():
        return text
    out = []
    for char in text:
        if "LATIN" in unicodedata.name(char, ""):
            decomposed = unicodedata.normalize("NFD", char)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(char)
    return "".join(out)


def _base_fold(text: str) -> str:
    """NFKC, case-folded, accents dropped from Latin letters, kanji variants folded."""
    return fold_kanji(_strip_accents(unicodedata.normalize("NFKC", text).casefold()))


def fold_compact(text: str) -> str:
    """``text`` folded as names are (NFKC, case, accents, kanji variants), letters and digits
    only: a look-up form for short labels such as country names."""
    return _NON_WORD.sub("", _base_fold(text))


@functools.cache
def _cjk_forms() -> tuple[dict[str, str], dict[str, str], dict[str, str], tuple[str, ...]]:
    """The CJK legal forms (folded → as listed) and minor words (folded), longest first."""

    def folded(forms: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for form in forms:
            found.setdefault(_base_fold(form), form)
        return {f: found[f] for f in sorted(found, key=len, reverse=True)}

    return (
        folded(CJK_LEGAL_EITHER),
        folded(CJK_LEGAL_SUFFIX),
        folded(CJK_LEGAL_BRACKETED),
        tuple(folded(CJK_MINOR)),
    )


def _strip_cjk_legal(text: str, prefixes: list[str], suffixes: list[str]) -> str:
    """``text`` without CJK legal forms (bracketed anywhere, others at the ends).

    The forms dropped are appended to ``prefixes`` (at the start or inside) and inserted
    at the front of ``suffixes`` (at the end), so both read in the name's order.
    """
    either, suffix, bracketed, _ = _cjk_forms()
    for form, display in bracketed.items():
        if form in text and text.replace(form, "").strip():
            text = text.replace(form, " ")
            prefixes.append(display)
    changed = True
    while changed:
        changed = False
        text = _EDGE_NON_WORD.sub("", text)
        for form, display in either.items():
            if text.startswith(form) and _NON_WORD.sub("", text[len(form) :]):
                text, changed = text[len(form) :], True
                prefixes.append(display)
                break
        text = _EDGE_NON_WORD.sub("", text)
        for form, display in (*either.items(), *suffix.items()):
            if text.endswith(form) and _NON_WORD.sub("", text[: -len(form)]):
                text, changed = text[: -len(form)], True
                suffixes.insert(0, display)
                break
    return text


def _strip_cjk_minor(compact: str, minor: list[str]) -> str:
    """A compact CJK key without minor words (集团, グループ …) at its end."""
    words = _cjk_forms()[3]
    changed = True
    while changed:
        changed = False
        for word in words:
            if compact.endswith(word) and len(compact) > len(word):
                compact, changed = compact[: -len(word)], True
                minor.append(word)
                break
    return compact


def _latin_words(text: str) -> list[str]:
    """The words of a Latin-script name (see the module docstring, step 4)."""
    text = _AMP_IN_WORD.sub("", text).replace("&", " and ")
    return _WORD.findall(_DROPPED_MARKS.sub("", text))


def _strip_latin_legal(words: list[str], prefixes: list[str], suffixes: list[str]) -> list[str]:
    """``words`` without legal forms at the end and the start, a leading "the".

    The forms dropped are recorded as in :func:`_strip_cjk_legal`.
    """
    changed = True
    while changed:
        changed = False
        if len(words) > 1 and words[0] == "the":
            words, changed = words[1:], True
        if len(words) > 1 and words[-1] == "and":
            words, changed = words[:-1], True
        for pattern, display in LATIN_LEGAL_SUFFIX.items():
            n = len(pattern)
            if len(words) > n and tuple(words[-n:]) == pattern:
                words, changed = words[:-n], True
                suffixes.insert(0, display)
                break
        for pattern, display in LATIN_LEGAL_PREFIX.items():
            n = len(pattern)
            if len(words) > n and tuple(words[:n]) == pattern:
                words, changed = words[n:], True
                prefixes.append(display)
                break
    return words


def _strip_latin_minor(words: list[str], minor: list[str]) -> list[str]:
    """``words`` without minor words (holdings, group) at the end."""
    while len(words) > 1 and words[-1] in LATIN_MINOR:
        minor.append(words[-1])
        words = words[:-1]
    return words


# --- keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameKey:
    """The comparable forms of one name (see the module docstring for the rules).

    ``full``: folded, legal forms dropped, minor words kept (CJK: no spaces; Latin: words
    joined by one space); ``core``: ``full`` without minor words; ``compact`` and
    ``core_compact``: the same without spaces; ``sorted_core``: the core's words sorted
    (Latin) or the core (CJK). ``dropped`` and ``minor`` list what was removed (legal forms
    as displayed, minor words as folded); ``kanji_folded`` says whether variant folding
    changed the name. ``full`` is empty for a name without letters or digits.
    """

    name: str
    script: Script
    full: str
    core: str
    compact: str
    core_compact: str
    sorted_core: str
    dropped: tuple[str, ...] = ()
    minor: tuple[str, ...] = ()
    kanji_folded: bool = False

    @property
    def short(self) -> bool:
        """Too short for a fuzzy match: ≤ 2 CJK characters or ≤ 3 Latin letters/digits."""
        return len(self.core_compact) <= (2 if self.script == "cjk" else 3)


@functools.lru_cache(maxsize=65536)
def name_keys(name: str) -> NameKey:
    """The :class:`NameKey` of ``name`` (cached: list rows repeat names).

    >>> name_keys("三菱重工業株式会社").full == name_keys("三菱重工业股份有限公司").full
    True
    >>> name_keys("Mitsubishi Heavy Industries, Ltd.").full
    'mitsubishi heavy industries'
    """
    plain = _strip_accents(unicodedata.normalize("NFKC", name).casefold())
    folded = fold_kanji(plain)
    prefixes: list[str] = []
    suffixes: list[str] = []
    text = _strip_cjk_legal(folded, prefixes, suffixes)
    make_key = _cjk_key if _CJK_RE.search(text) else _latin_key
    return make_key(name, text, prefixes, suffixes, folded != plain)


def _cjk_key(
    name: str, text: str, prefixes: list[str], suffixes: list[str], kanji_folded: bool
) -> NameKey:
    """The key of a name with CJK characters, ``text`` folded and without legal forms."""
    minor: list[str] = []
    full = _NON_WORD.sub("", text)
    core = _strip_cjk_minor(full, minor)
    return NameKey(
        name=name,
        script="cjk",
        full=full,
        core=core,
        compact=full,
        core_compact=core,
        sorted_core=core,
        dropped=tuple(_unique((*prefixes, *suffixes))),
        minor=tuple(minor),
        kanji_folded=kanji_folded,
    )


def _latin_key(
    name: str, text: str, prefixes: list[str], suffixes: list[str], kanji_folded: bool
) -> NameKey:
    """The key of a Latin-script name, ``text`` folded and without CJK legal forms."""
    minor: list[str] = []
    latin_suffixes: list[str] = []
    words = _strip_latin_legal(_latin_words(text), prefixes, latin_suffixes)
    core_words = _strip_latin_minor(list(words), minor)
    return NameKey(
        name=name,
        script="latin",
        full=" ".join(words),
        core=" ".join(core_words),
        compact="".join(words),
        core_compact="".join(core_words),
        sorted_core=" ".join(sorted(core_words)),
        dropped=tuple(_unique((*prefixes, *latin_suffixes, *suffixes))),
        minor=tuple(minor),
        kanji_folded=kanji_folded,
    )


# --- scoring ------------------------------------------------------------------------------


def _equal_reason(a: NameKey, b: NameKey, what: str) -> str:
    """Why two keys are equal: the folding steps that made them so."""
    steps = []
    if a.kanji_folded or b.kanji_folded:
        steps.append("folding kanji variants")
    dropped = _unique((*a.dropped, *b.dropped))
    if dropped:
        steps.append("dropping " + ", ".join(dropped))
    if steps:
        return f"{what} after " + " and ".join(steps)
    if what != "same name":
        return what
    if a.name == b.name:
        return "identical name"
    return "same name ignoring case, width, punctuation and spacing"


def compare_keys(a: NameKey, b: NameKey) -> tuple[float, str] | None:
    """The score (0–100) of two name keys and the reason, or ``None`` when they cannot match.

    Equal keys score 100, equal cores (minor words aside) :data:`MINOR_SCORE`; other pairs
    only score when both have the same script and neither is short (see the module
    docstring), at most :data:`FUZZY_CAP`.
    """
    if not a.full or not b.full:
        return None
    if a.full == b.full:
        return 100.0, _equal_reason(a, b, "same name")
    if a.script == b.script == "latin" and a.compact == b.compact:
        return 100.0, _equal_reason(a, b, "same letters apart from spacing")
    if a.core == b.core or (a.script == b.script == "latin" and a.core_compact == b.core_compact):
        words = ", ".join(_unique((*a.minor, *b.minor)))
        return MINOR_SCORE, _equal_reason(a, b, f"same name apart from the minor word(s) {words}")
    if a.script != b.script or a.short or b.short:
        return None
    if a.script != b.script or a.short or b.short:
        return None
    if a.script == "latin" and a.sorted_core == b.sorted_core:
        return FUZZY_CAP, _equal_reason(a, b, "same words in another order")
    return _fuzzy_score(a, b)


def _fuzzy_score(a: NameKey, b: NameKey) -> tuple[float, str]:
    """The ``rapidfuzz`` score of two different, long-enough cores of one script."""
    if a.script == "cjk":
        score = fuzz.ratio(a.core, b.core)
        how = "per character"
    else:
        score = max(
            fuzz.ratio(a.sorted_core, b.sorted_core), fuzz.ratio(a.core_compact, b.core_compact)
        )
        how = "on sorted words"
    score = min(round(score, 1), FUZZY_CAP)
    return score, f"similar names ({score:.0f}% alike {how}: {a.core!r} ~ {b.core!r})"
