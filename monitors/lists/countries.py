"""Countries and regions: one table of codes and names, read by list rows and party files.

:data:`COUNTRY_NAMES` is the only country table. List rows look names up as written
(:data:`COUNTRIES`, :func:`country_code`); counterparty files fold them first and also
take codes (:func:`monitors.lists.parties.country_code`).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["COUNTRIES", "COUNTRY_NAMES", "country_code"]

#: ISO 3166-1 alpha-2 code → (alpha-3 code, the names Chinese, Japanese and English texts
#: write, in lower case).
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "JP": ("JPN", "japan", "日本", "日本国", "ニッポン", "ニホン"),
    "CN": ("CHN", "china", "prc", "peoples republic of china", "mainland china", "中国",
           "中华人民共和国", "中国大陆", "中華人民共和国"),
    "HK": ("HKG", "hong kong", "hong kong sar", "hong kong china", "香港", "中国香港"),
    "MO": ("MAC", "macau", "macao", "澳门", "中国澳门"),
    "TW": ("TWN", "taiwan", "chinese taipei", "台湾", "中国台湾", "台湾地区", "中国台湾地区"),
    "KR": ("KOR", "korea", "south korea", "republic of korea", "韩国", "大韩民国"),
    "KP": ("PRK", "north korea", "dprk", "朝鲜", "北朝鮮"),
    "US": ("USA", "usa", "u.s.a.", "united states", "united states of america", "america",
           "美国", "米国", "アメリカ", "アメリカ合衆国"),
    "GB": ("GBR", "uk", "united kingdom", "great britain", "britain", "英国", "イギリス"),
    "DE": ("DEU", "germany", "德国", "ドイツ"),
    "FR": ("FRA", "france", "法国", "フランス"),
    "IT": ("ITA", "italy", "意大利", "イタリア"),
    "NL": ("NLD", "netherlands", "the netherlands", "荷兰", "オランダ"),
    "CH": ("CHE", "switzerland", "瑞士", "スイス"),
    "RU": ("RUS", "russia", "russian federation", "俄罗斯", "ロシア"),
    "UA": ("UKR", "ukraine", "乌克兰", "ウクライナ"),
    "BY": ("BLR", "belarus", "白俄罗斯", "ベラルーシ"),
    "IN": ("IND", "india", "印度", "インド"),
    "PK": ("PAK", "pakistan", "巴基斯坦", "パキスタン"),
    "IR": ("IRN", "iran", "伊朗", "イラン"),
    "IL": ("ISR", "israel", "以色列", "イスラエル"),
    "AE": ("ARE", "uae", "united arab emirates", "阿联酋", "阿拉伯联合酋长国", "アラブ首長国連邦"),
    "TR": ("TUR", "turkey", "turkiye", "土耳其", "トルコ"),
    "SG": ("SGP", "singapore", "新加坡", "シンガポール"),
    "MY": ("MYS", "malaysia", "马来西亚", "マレーシア"),
    "TH": ("THA", "thailand", "泰国", "タイ"),
    "VN": ("VNM", "vietnam", "viet nam", "越南", "ベトナム"),
    "ID": ("IDN", "indonesia", "印度尼西亚", "インドネシア"),
    "PH": ("PHL", "philippines", "菲律宾", "フィリピン"),
    "AU": ("AUS", "australia", "澳大利亚", "オーストラリア"),
    "NZ": ("NZL", "新西兰"),
    "CA": ("CAN", "canada", "加拿大", "カナダ"),
    "SE": ("SWE", "sweden", "瑞典", "スウェーデン"),
    "NO": ("NOR", "挪威"),
    "DK": ("DNK", "丹麦"),
    "FI": ("FIN", "芬兰"),
    "BE": ("BEL", "belgium", "比利时", "ベルギー"),
    "ES": ("ESP", "spain", "西班牙", "スペイン"),
    "PL": ("POL", "波兰"),
    "IE": ("IRL", "爱尔兰"),
    "AT": ("AUT", "奥地利"),
    "CZ": ("CZE", "捷克"),
    "LT": ("LTU", "立陶宛"),
    "AF": ("AFG", "afghanistan", "アフガニスタン"),
    "SY": ("SYR", "syria", "シリア"),
    "MM": ("MMR", "myanmar", "ミャンマー"),
    "LB": ("LBN", "lebanon", "レバノン"),
    "IQ": ("IRQ", "iraq", "イラク"),
    "AM": ("ARM", "armenia", "アルメニア"),
    "UZ": ("UZB", "ウズベキスタン"),
    "KZ": ("KAZ", "カザフスタン"),
    "KG": ("KGZ", "キルギス"),
}  # fmt: skip

#: Country and region names as texts write them (no codes) → ISO 3166-1 alpha-2 code.
COUNTRIES: dict[str, str] = {
    name: code for code, (_, *names) in COUNTRY_NAMES.items() for name in names
}

_BY_LENGTH = sorted(COUNTRIES, key=len, reverse=True)
_STRIP = " \t,，.。;；:：()（）"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip(_STRIP).casefold()


def country_code(text: str, *, prefix: bool = False) -> str | None:
    """The ISO code of a country/region name (``日本`` → ``JP``, ``Iran`` → ``IR``), or None.

    With ``prefix`` the text need only start with the name (an address such as
    ``美国弗吉尼亚州阿灵顿市``); an address in Latin script may also end with it
    (``Tokyo, Japan``). The longest name wins (``中国台湾`` before ``中国``).
    """
    folded = _fold(text)
    if not folded:
        return None
    if folded in COUNTRIES:
        return COUNTRIES[folded]
    if not prefix:
        return None
    for name in _BY_LENGTH:
        if not name.isascii() and folded.startswith(name):
            return COUNTRIES[name]
    last = _fold(re.split(r"[,，]", folded)[-1])
    return COUNTRIES.get(last)
