"""MOFA Japan (www.mofa.go.jp) releases served by the replica, as data.

All releases are synthetic. The two protests follow the events reported in the news
(research notes section 9, "Japan's response"): 金井アジア大洋州局長 → 施泳次席公使 on
2026-01-06 (a ``pressit`` release, linked with its English translation: see
``ENGLISH_TRANSLATIONS``) and 船越外務事務次官 → 呉江浩大使 on 2026-01-08 (a ``pageit`` page
under the China section); both appear in state 2. State 5 (as of 2026-02-25)
adds the releases of 2026-01-26..2026-02-25, among them 金井局長's protest of 2026-02-24 over
the 20-entity listings.

The 談話 (statements) and 記者会見 (press-conference records) of ``/mofaj/press/danwa/`` and
``/mofaj/press/kaiken/`` are data here too: a 外務報道官談話 and the 外務大臣会見 of
2026-01-07 about China's measure appear in state 2, and one of each in state 5.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tests.replica.model import Attachment, MofaRelease, Section, Version
from tests.replica.model import single_version as text

RELEASE_DIR = "/mofaj/press/release"
DANWA_DIR = "/mofaj/press/danwa"
KAIKEN_DIR = "/mofaj/press/kaiken"
TOP = ("/mofaj/index.html", "トップページ")
PRESS_CRUMBS = (
    TOP,
    ("/mofaj/press/index.html", "会見・発表・広報"),
    (f"{RELEASE_DIR}/index.html", "報道発表"),
)
CHINA_CRUMBS = (
    TOP,
    ("/mofaj/area/index.html", "国・地域"),
    ("/mofaj/area/asia.html", "アジア"),
    ("/mofaj/area/china/index.html", "中華人民共和国"),
)
UZBEK_CRUMBS = (
    TOP,
    ("/mofaj/area/index.html", "国・地域"),
    ("/mofaj/area/europe.html", "欧州"),
    ("/mofaj/area/uzbekistan/index.html", "ウズベキスタン共和国"),
)
PRESS_RELATED = (
    (f"{RELEASE_DIR}/index.html", "報道発表"),
    ("/mofaj/press/kaiken/index.html", "記者会見"),
    ("/mofaj/press/danwa/index.html", "談話"),
    ("/mofaj/gaiko/oda/index.html", "ODA（政府開発援助）"),
)
CHINA_RELATED = (
    ("/mofaj/area/china/index.html", "中華人民共和国"),
    ("/mofaj/area/china/kankei.html", "日中関係"),
    ("/mofaj/press/kaiken/index.html", "記者会見"),
    (f"{RELEASE_DIR}/index.html", "報道発表"),
)
#: Japanese release path → its English translation's path. Both pages carry a
#: ``<link rel="alternate" hreflang=…>`` to the other (crawler.sites.mofa pairs them so).
ENGLISH_TRANSLATIONS = {
    f"{RELEASE_DIR}/pressit_000001_03622.html": "/press/release/pressite_000001_02040.html",
}
BULK_FIRST_NUMBER = 3559
BULK_LIMIT = 3000


def reiwa(day: date) -> str:
    """``令和8年1月6日`` for 2026-01-06."""
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def files_pdf(number: int, label: str) -> Attachment:
    """An attachment at ``/mofaj/files/<9 digits>.pdf``."""
    return Attachment(f"/mofaj/files/{100093000 + number:09d}.pdf", label)


def press(
    number: int, day: date, title: str, versions: tuple[Version, ...], **kw: Any
) -> MofaRelease:
    """A release at ``/mofaj/press/release/pressit_000001_<NNNNN>.html``."""
    return MofaRelease(
        path=f"{RELEASE_DIR}/pressit_000001_{number:05d}.html",
        title=title,
        published=datetime(day.year, day.month, day.day, 17, 0),
        versions=versions,
        seq=number,
        breadcrumb=PRESS_CRUMBS,
        related=kw.pop("related", PRESS_RELATED),
        **kw,
    )


def page(
    path: str, seq: int, day: date, title: str, versions: tuple[Version, ...], **kw: Any
) -> MofaRelease:
    """A meeting/region page (``…/pageit_000001_<NNNNN>.html``) listed in the index."""
    return MofaRelease(
        path=path,
        title=title,
        published=datetime(day.year, day.month, day.day, 17, 0),
        versions=versions,
        seq=seq,
        **kw,
    )


def december_releases() -> list[MofaRelease]:
    """December 2025 (令和7年12月): the first two are older than the state-1 index window."""
    return [
        press(
            3561,
            date(2025, 12, 2),
            "日・ペルー経済連携協定合同委員会第3回会合の開催",
            text(
                "1. 12月2日、東京において、日・ペルー経済"
                "連携協定合同委員会第3回会合が開催されました。",
                "2. 会合では、協定の運用状況及び二国間の経"
                "済関係の強化について意見交換が行われました。",
            ),
        ),
        press(
            3563,
            date(2025, 12, 3),
            "国際緊急援助隊・専門家チームの派遣（スリランカにおける洪水被害）",
            text(
                "1. スリランカ民主社会主義共和国における"
                "洪水被害を受け、同国政府からの要請に基づき、"
                "国際緊急援助隊・専門家チームを派遣することを決定しました。",
                "2. 同チームは、被災地域の復旧に向けた技術的助言を行う予定です。",
            ),
        ),
        press(
            3566,
            date(2025, 12, 5),
            "令和7年度「対日理解促進交流プログラム」による大洋州地域からの招へい",
            text(
                "1. 外務省は、対日理解促進交流プログラムの一"
                "環として、大洋州地域の青年15名を招へいします。",
                "2. 一行は、12月8日から15日まで、東京都及び広島県を訪問する予定です。",
            ),
        ),
        press(
            3571,
            date(2025, 12, 9),
            "モンゴル国に対する無償資金協力「第二次初等教育施設整備計画」に関する書簡の署名・交換",
            text(
                "1. 12月9日、ウランバートルにおいて、在モ"
                "ンゴル日本国大使とモンゴル国財務大臣との間で、"
                "供与限度額12億円の無償資金協力に関する書簡の署名・交換が行われました。",
                "2. この協力は、ウランバートル市内の初等教育施設を整備するものです。",
            ),
            attachments=(files_pdf(1, "（参考）案件概要（PDF）"),),
        ),
        page(
            "/mofaj/a_o/c_m1/cn/pageit_000001_01184.html",
            3572,
            date(2025, 12, 9),
            "日中韓協力事務局（TCS）事務局長による外務副大臣表敬",
            text(
                "1. 12月9日、外務副大臣は、日中韓三国協力"
                "事務局（TCS）事務局長による表敬を受けました。",
                "2. 双方は、日中韓協力の実務的な進展について意見交換を行いました。",
            ),
            section_title="中華人民共和国",
            breadcrumb=CHINA_CRUMBS,
            related=CHINA_RELATED,
        ),
        press(
            3578,
            date(2025, 12, 12),
            "外務大臣政務官のカンボジア王国訪問",
            text(
                "1. 外務大臣政務官は、12月14日から16日まで、カンボジア王国を訪問します。",
                "2. 訪問中、同国政府要人との会談を行い、二"
                "国間関係の強化について意見交換を行う予定です。",
            ),
        ),
        press(
            3585,
            date(2025, 12, 16),
            "人事異動（令和7年12月16日付）",
            text(
                "令和7年12月16日付の外務省人事異動については、別添のとおりです。",
            ),
            attachments=(files_pdf(2, "人事異動（令和7年12月16日付）（PDF）"),),
        ),
        press(
            3590,
            date(2025, 12, 18),
            "第7回日・ASEAN経済協力協議の開催",
            text(
                "1. 12月18日、ジャカルタにおいて、第7回日・ASEAN経済協力協議が開催されました。",
                "2. 双方は、サプライチェーン強靱化及びデジタル分野での協力について議論しました。",
            ),
        ),
        press(
            3592,
            date(2025, 12, 19),
            "ケニア共和国に対する円借款に関する書簡の署名・交換",
            text(
                "1. 12月19日、ナイロビにおいて、供与限度額150億円の円借款に関する書簡の署名・交換が"
                "行われました。",
                "2. この協力は、ナイロビ近郊の送電網を整備するものです。",
            ),
            attachments=(files_pdf(3, "（参考）案件概要（PDF）"),),
        ),
        press(
            3593,
            date(2025, 12, 19),
            "国際刑事裁判所（ICC）締約国会議第24回会合の結果",
            text(
                "1. 12月1日から19日まで、ハーグにおいて、ICC締約国会議第24回会合が開催されました。",
                "2. 我が国からは、在オランダ日本国大使が出席し、ICCへの協力を表明しました。",
            ),
        ),
        press(
            3601,
            date(2025, 12, 24),
            "令和8年度外務省所管予算政府案の概要",
            text(
                "令和8年度外務省所管予算政府案の概要は、別添のとおりです。",
            ),
            attachments=(files_pdf(4, "令和8年度外務省所管予算政府案の概要（PDF）"),),
        ),
        page(
            "/mofaj/erp/ca_c/uz/pageit_000001_01202.html",
            3605,
            date(2025, 12, 26),
            "日・ウズベキスタン外相電話会談",
            text(
                "1. 12月26日、外務大臣は、ウズベキスタン共和国外務大臣と電話会談を行いました。",
                "2. 両外相は、「中央アジア＋日本」対話の成果を踏まえた協力の推進で一致しました。",
            ),
            section_title="ウズベキスタン共和国",
            breadcrumb=UZBEK_CRUMBS,
        ),
        press(
            3609,
            date(2025, 12, 29),
            "年末年始に海外へ渡航される方への注意喚起",
            text(
                "1. 年末年始に海外へ渡航される方は、渡航先の最新の治安情報を確認してください。",
                "2. 「たびレジ」への登録をお願いします。",
            ),
        ),
    ]


PHILIPPINES_BASE = (
    "1. 1月5日、マニラにおいて、在フィリピン日本国大使とフィリピン共和国外務大臣との間で、"
    "無償資金協力「経済社会開発計画」に関する書簡の署名・交換が行われました。",
)
PHILIPPINES_TAIL = ("3. この協力は、同国の沿岸警備能力の向上に必要な機材を供与するものです。",)


def january_releases() -> list[MofaRelease]:
    """January 2026 (令和8年1月) releases of state 1."""
    philippines = (
        Version(
            1, (Section((*PHILIPPINES_BASE, "2. 供与限度額は18億円です。", *PHILIPPINES_TAIL)),)
        ),
        Version(
            2, (Section((*PHILIPPINES_BASE, "2. 供与限度額は16億円です。", *PHILIPPINES_TAIL)),)
        ),
    )
    return [
        press(
            3616,
            date(2026, 1, 5),
            "外務大臣年頭所感",
            text(
                "新年を迎え、国民の皆様に謹んでお慶び申し上げます。",
                "本年も、国益を守り、世界の平和と繁栄に貢献する外交を力強く展開してまいります。",
            ),
        ),
        press(
            3617,
            date(2026, 1, 5),
            "フィリピン共和国に対する無償資金協力「経済社会開発計画」に関する書簡の署名・交換",
            philippines,
            attachments=(files_pdf(5, "（参考）案件概要（PDF）"),),
        ),
        press(
            3618,
            date(2026, 1, 5),
            "人事異動（令和8年1月5日付）",
            text(
                "令和8年1月5日付の外務省人事異動については、別添のとおりです。",
            ),
            attachments=(files_pdf(6, "人事異動（令和8年1月5日付）（PDF）"),),
        ),
        press(
            3619,
            date(2026, 1, 5),
            "日・インドネシア次官級協議の開催",
            text(
                "1. 1月5日、東京において、日・インドネシア次官級協議が開催されました。",
                "2. 双方は、海洋安全保障及びエネルギー分野での協力について意見交換を行いました。",
            ),
        ),
    ]


def state2_releases() -> list[MofaRelease]:
    """Releases that appear in state 2, including both protests over China's measure."""
    protest = (
        "我が国のみをターゲットにした今般の措置は国際的な慣行と大きく異なり、決して許容できず、"
        "極めて遺憾"
    )
    return [
        press(
            3621,
            date(2026, 1, 6),
            "日・ベトナム外相電話会談",
            text(
                "1. 1月6日、外務大臣は、ベトナム社会主義共和国外務大臣と電話会談を行いました。",
                "2. 両外相は、包括的戦略的パートナーシップの下での協力の深化で一致しました。",
            ),
            first_state=2,
        ),
        press(
            3622,
            date(2026, 1, 6),
            "中国による日本向け両用品目の輸出管理措置の発"
            "表について（金井アジア大洋州局長による抗議）",
            text(
                "1. 本6日、中国商務部は、全ての両用品目について、日本の軍事ユーザー及び軍事用途等"
                "向けの輸出を禁止する旨の公告を発表しました。",
                "2. これを受け、同日夜、金井正彰アジア大洋"
                "州局長から施泳在京中国大使館次席公使に対し、"
                f"{protest}である旨強く抗議するとともに、措置の撤回を求めました。",
                "3. 政府としては、措置の内容及び我が国への影響を精査し、適切に対応していきます。",
            ),
            related=CHINA_RELATED,
            first_state=2,
        ),
        press(
            3624,
            date(2026, 1, 7),
            "ウクライナに対する緊急無償資金協力（越冬支援）",
            text(
                "1. 政府は、ウクライナにおける越冬支援のため"
                "、国際機関を通じて1,000万ドルの緊急無償資金"
                "協力を実施することを決定しました。",
                "2. この支援により、発電機及び暖房器具等が供与されます。",
            ),
            first_state=2,
        ),
        press(
            3625,
            date(2026, 1, 7),
            "パラオ共和国に対する無償資金協力に関する書簡の署名・交換",
            text(
                "1. 1月7日、コロールにおいて、供与限度額"
                "5億円の無償資金協力に関する書簡の署名・交換が"
                "行われました。",
            ),
            first_state=2,
        ),
        page(
            "/mofaj/a_o/c_m1/cn/pageit_000001_01215.html",
            3627,
            date(2026, 1, 8),
            "船越外務事務次官による呉江浩駐日中国大使への抗議",
            text(
                "1. 本8日、船越健裕外務事務次官は、呉江浩駐"
                "日中華人民共和国大使に対し、6日に中国商務部が"
                "発表した日本向け両用品目の輸出管理措置につい"
                "て改めて抗議し、措置の撤回を強く求めました。",
                f"2. 船越事務次官からは、{protest}である旨改めて伝えました。",
            ),
            section_title="中華人民共和国",
            breadcrumb=CHINA_CRUMBS,
            related=CHINA_RELATED,
            first_state=2,
        ),
        press(
            3628,
            date(2026, 1, 8),
            "外務大臣政務官のアフリカ連合（AU）本部訪問",
            text(
                "1. 外務大臣政務官は、1月10日から12日まで、エチオピア連邦民主共和国を訪問し、"
                "アフリカ連合（AU）本部を訪れます。",
            ),
            first_state=2,
        ),
    ]


def state5_releases() -> list[MofaRelease]:
    """Releases of 2026-01-26..2026-02-25 that appear in state 5 (the index window then)."""
    return [
        press(
            3702,
            date(2026, 1, 27),
            "日・オーストラリア外相電話会談",
            text(
                "1. 1月27日、外務大臣は、オーストラリア連邦外務大臣と電話会談を行いました。",
                "2. 両外相は、特別な戦略的パートナーシップの下での"
                "安全保障協力の推進で一致しました。",
            ),
            first_state=5,
        ),
        press(
            3711,
            date(2026, 1, 30),
            "人事異動（令和8年1月30日付）",
            text(
                "令和8年1月30日付の外務省人事異動については、別添のとおりです。",
            ),
            attachments=(files_pdf(7, "人事異動（令和8年1月30日付）（PDF）"),),
            first_state=5,
        ),
        press(
            3724,
            date(2026, 2, 5),
            "ガーナ共和国に対する無償資金協力に関する書簡の署名・交換",
            text(
                "1. 2月5日、アクラにおいて、供与限度額8億円の無償資金協力に関する書簡の署名・交換が"
                "行われました。",
                "2. この協力は、同国北部の給水施設を整備するものです。",
            ),
            first_state=5,
        ),
        press(
            3739,
            date(2026, 2, 12),
            "第3回日・チリ経済対話の開催",
            text(
                "1. 2月12日、サンティアゴにおいて、第3回日・チリ経済対話が開催されました。",
                "2. 双方は、重要鉱物のサプライチェーン強靱化について意見交換を行いました。",
            ),
            first_state=5,
        ),
        press(
            3758,
            date(2026, 2, 24),
            "中国による日本の団体に対する輸出管理措置の発"
            "表について（金井アジア大洋州局長による抗議）",
            text(
                "1. 本24日、中国商務部は、日本の20団体を輸出管理上の管控名簿に、別の20団体を"
                "関注名簿に掲載する旨の公告を発表しました。",
                "2. これを受け、同日、金井正彰アジア大洋州局長から"
                "施泳在京中国大使館次席公使に対し、我が国の団体を一方的に対象とする今般の措置は決して受け入れられない旨強く抗議する"
                "とともに、措置の撤回を求めました。",
                "3. 政府としては、関係企業等への影響を精査し、適切に対応していきます。",
            ),
            related=CHINA_RELATED,
            first_state=5,
        ),
        press(
            3760,
            date(2026, 2, 25),
            "日・フィリピン次官級協議の開催",
            text(
                "1. 2月25日、東京において、日・フィリピン次官級協議が開催されました。",
                "2. 双方は、海洋安全保障及び経済安全保障分野での協力について意見交換を行いました。",
            ),
            first_state=5,
        ),
    ]


BULK_COUNTRIES = ("タイ", "ペルー", "ガーナ", "トルコ", "チリ", "ラオス", "ケニア", "ポーランド")
BULK_TITLES = (
    "日・{c}外相電話会談",
    "{c}に対する無償資金協力に関する書簡の署名・交換",
    "駐日{c}大使による外務副大臣表敬",
)


def bulk_releases(count: int) -> list[MofaRelease]:
    """``count`` older releases, one per day back from 2025-11-30 (only in monthly archives)."""
    if count > BULK_LIMIT:
        raise ValueError(f"MOFA bulk is limited to {BULK_LIMIT} releases")
    first = date(2025, 11, 30)
    return [_bulk_release(index, first - timedelta(days=index)) for index in range(count)]


def _bulk_release(index: int, day: date) -> MofaRelease:
    country = BULK_COUNTRIES[index % len(BULK_COUNTRIES)]
    title = BULK_TITLES[index % len(BULK_TITLES)].format(c=country)
    return press(
        BULK_FIRST_NUMBER - index,
        day,
        title,
        text(
            f"1. {reiwa(day)}、{country}との間で標記の行事が行われました。",
            "2. 双方は、二国間関係の一層の強化について意見交"
            f"換を行いました。（整理番号{index + 1}）",
        ),
    )


def releases(bulk: int = 0) -> tuple[MofaRelease, ...]:
    """Every MOFA release of the replica, newest first (by day, then sequence)."""
    everything = (
        december_releases()
        + january_releases()
        + state2_releases()
        + state5_releases()
        + bulk_releases(bulk)
    )
    return tuple(sorted(everything, key=lambda r: (r.day, r.seq), reverse=True))


def archive_path(reiwa_year: int, month: int) -> str:
    """Archive URL with MOFA's inconsistent zero-padding (``3_1``, ``4_1``, ``4_02``, ``7_12``)."""
    if reiwa_year <= 3 or (reiwa_year == 4 and month == 1):
        return f"{RELEASE_DIR}/{reiwa_year}_{month}_index.html"
    return f"{RELEASE_DIR}/{reiwa_year}_{month:02d}_index.html"


def archive_months(as_of: date) -> list[tuple[int, list[tuple[int, str | None]]]]:
    """Archive table rows, newest year first: (令和 year, [(month, path or None if future)])."""
    newest = as_of.year - 2018
    rows = []
    for year in range(newest, 2, -1):
        months = []
        for month in range(1, 13):
            published = (year + 2018, month) <= (as_of.year, as_of.month)
            months.append((month, archive_path(year, month) if published else None))
        rows.append((year, months))
    return rows


def index_window_start(as_of: date) -> date:
    """The oldest day shown on the rolling index: the same day one month earlier."""
    year, month = (as_of.year - 1, 12) if as_of.month == 1 else (as_of.year, as_of.month - 1)
    return date(year, month, min(as_of.day, calendar.monthrange(year, month)[1]))


# -- 談話 (/mofaj/press/danwa/) ----------------------------------------------------------------

DANWA_CRUMBS = (
    TOP,
    ("/mofaj/press/index.html", "会見・発表・広報"),
    (f"{DANWA_DIR}/index.html", "談話"),
)
KAIKEN_CRUMBS = (
    TOP,
    ("/mofaj/press/index.html", "会見・発表・広報"),
    (f"{KAIKEN_DIR}/index.html", "記者会見"),
)


def danwa(seq: int, day: date, title: str, versions: tuple[Version, ...], **kw: Any) -> MofaRelease:
    """A statement at ``/mofaj/press/danwa/pageit_000001_<NNNNN>.html`` (page-single template)."""
    return MofaRelease(
        path=f"{DANWA_DIR}/pageit_000001_{seq:05d}.html",
        title=title,
        published=datetime(day.year, day.month, day.day, 18, 0),
        versions=versions,
        seq=seq,
        section_title="談話",
        breadcrumb=DANWA_CRUMBS,
        related=kw.pop("related", PRESS_RELATED),
        **kw,
    )


def statements() -> tuple[MofaRelease, ...]:
    """Every 談話 of the replica, newest first; the index lists them all (it does not roll)."""
    everything = [
        danwa(
            1181,
            date(2025, 12, 10),
            "人権デーに当たって（外務大臣談話）",
            text(
                "1. 本日12月10日は、世界人権宣言が採択された日であり、人権デーに当たります。",
                "2. 我が国は、全ての人の人権が尊重される国際社会の実現に向け、"
                "引き続き国際社会と連携して取り組んでいきます。",
            ),
        ),
        danwa(
            1208,
            date(2025, 12, 29),
            "中央アフリカ共和国における大統領選挙等の実施について（外務報道官談話）",
            text(
                "1. 12月28日、中央アフリカ共和国において、大統領選挙等が実施されました。",
                "2. 我が国は、選挙が平和裡に実施されたことを歓迎し、同国の平和と安定に向けた"
                "取組を引き続き支援していきます。",
            ),
        ),
        danwa(
            1212,
            date(2026, 1, 7),
            "中国による日本向け両用品目の輸出管理措置について（外務報道官談話）",
            text(
                "1. 1月6日、中国商務部は、全ての両用品目について、日本の軍事ユーザー及び軍事用途等"
                "向けの輸出を禁止する措置を発表しました。",
                "2. 我が国のみを対象とする今般の措置は、国際的な慣行と大きく異なるものであり、"
                "決して許容できず、極めて遺憾です。我が国は、中国側に対し、措置の撤回を強く求めます。",
                "3. 我が国は、措置の内容及び影響を精査し、"
                "関係国とも連携しつつ適切に対応していきます。",
            ),
            related=CHINA_RELATED,
            first_state=2,
        ),
        danwa(
            1290,
            date(2026, 2, 24),
            "中国による日本の団体の輸出管理上の名簿への掲載について（外務報道官談話）",
            text(
                "1. 2月24日、中国商務部は、日本の団体計40団体を輸出管理上の名簿に掲載する旨を"
                "発表しました。",
                "2. 我が国の団体を一方的に対象とする今般の措置は極めて遺憾であり、我が国は、"
                "中国側に対し、措置の撤回を強く求めます。",
            ),
            related=CHINA_RELATED,
            first_state=5,
        ),
    ]
    return tuple(sorted(everything, key=lambda r: (r.day, r.seq), reverse=True))


# -- 記者会見 (/mofaj/press/kaiken/) -------------------------------------------------------------

WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True, kw_only=True)
class MofaKaiken(MofaRelease):
    """A 記者会見 record: ``h3.title3`` gives date, weekday, time and place; sections are topics."""

    speaker: str = "茂木外務大臣"
    place: str = "本省会見室"
    video: str = ""

    @property
    def held(self) -> str:
        """``令和8年1月7日（水曜日）10時30分``."""
        at = self.published
        weekday = WEEKDAYS[at.weekday()]
        return f"{reiwa(at.date())}（{weekday}曜日）{at.hour}時{at.minute:02d}分"

    @property
    def title3(self) -> str:
        """``（令和8年1月7日（水曜日）10時30分 於：本省会見室）``."""
        return f"（{self.held} 於：{self.place}）"

    @property
    def index_label(self) -> str:
        """The index heading: ``茂木外務大臣会見（令和8年1月7日（水曜日）10時30分）``."""
        return f"{self.speaker}会見（{self.held}）"


def kaiken(number: int, held: datetime, topics: tuple[Section, ...], **kw: Any) -> MofaKaiken:
    """A conference record at ``/mofaj/press/kaiken/kaiken4_<NNNNNN>.html``."""
    return MofaKaiken(
        path=f"{KAIKEN_DIR}/kaiken4_{number:06d}.html",
        title=f"{kw.get('speaker', '茂木外務大臣')}会見記録",
        published=held,
        versions=(Version(1, topics),),
        seq=number,
        section_title="記者会見",
        breadcrumb=KAIKEN_CRUMBS,
        related=kw.pop("related", PRESS_RELATED),
        video=f"https://www.youtube.com/watch?v=mofa{number:06d}",
        **kw,
    )


def _qa(question: str, answer: str) -> tuple[str, str]:
    return (f"【記者】{question}", f"【茂木外務大臣】{answer}")


def conferences() -> tuple[MofaKaiken, ...]:
    """Every 記者会見 record of the replica, newest first; the index lists them all."""
    everything = [
        kaiken(
            151,
            datetime(2025, 12, 19, 10, 10),
            (
                Section(
                    ("【茂木外務大臣】本日は冒頭発言はありません。",),
                    "冒頭発言",
                ),
                Section(
                    _qa(
                        "ICC締約国会議の結果についての受け止めをお聞かせください。",
                        "我が国は、引き続きICCの活動を支持していきます。",
                    ),
                    "国際刑事裁判所（ICC）締約国会議",
                ),
            ),
        ),
        kaiken(
            152,
            datetime(2025, 12, 23, 10, 30),
            (
                Section(
                    _qa(
                        "令和8年度予算政府案の外務省所管分についてお聞かせください。",
                        "外交力の強化に必要な予算を計上しました。",
                    ),
                    "令和8年度外務省所管予算政府案",
                ),
            ),
        ),
        kaiken(
            153,
            datetime(2025, 12, 26, 11, 0),
            (
                Section(
                    ("【茂木外務大臣】本日、ウズベキスタン外務大臣と電話会談を行いました。",),
                    "冒頭発言",
                ),
                Section(
                    _qa(
                        "年末年始の邦人保護について伺います。",
                        "渡航される方は最新の安全情報を確認してください。",
                    ),
                    "年末年始の海外渡航",
                ),
            ),
        ),
        kaiken(
            154,
            datetime(2026, 1, 7, 10, 30),
            (
                Section(
                    (
                        "【茂木外務大臣】ウクライナに対し、越冬支援のための緊急無償資金協力を実施します。",
                    ),
                    "冒頭発言（ウクライナに対する越冬支援）",
                ),
                Section(
                    _qa(
                        "中国商務部が6日に発表した日本向けの両用品目の輸出管理措置について、"
                        "受け止めと今後の対応をお聞かせください。",
                        "我が国のみをターゲットにした今般の措置は国際的な慣行と大きく異なり、"
                        "決して許容できず、極めて遺憾です。6日夜、金井アジア大洋州局長から"
                        "施泳在京中国大使館次席公使に対し強く抗議し、措置の撤回を求めました。"
                        "措置の内容及び我が国への影響を精査し、適切に対応していきます。",
                    ),
                    "中国による輸出管理措置",
                ),
            ),
            first_state=2,
        ),
        kaiken(
            165,
            datetime(2026, 2, 24, 10, 20),
            (
                Section(
                    _qa(
                        "中国商務部が本日、日本の団体を輸出管理上の名簿に掲載すると発表しました。"
                        "政府の対応をお聞かせください。",
                        "本日、金井アジア大洋州局長から施泳次席公使に対し強く抗議し、措置の撤回を"
                        "求めました。影響を精査し、適切に対応していきます。",
                    ),
                    "中国による日本の団体の名簿掲載",
                ),
            ),
            first_state=5,
        ),
    ]
    return tuple(sorted(everything, key=lambda k: k.published, reverse=True))
