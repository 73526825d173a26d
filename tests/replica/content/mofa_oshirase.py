"""MOFA その他のお知らせ (www.mofa.go.jp/mofaj/press/oshirase/) served by the replica, as data.

All notices are synthetic (the real page's structure is only known to exist: research notes
section 5 list the link). The listing crosses the new year (12月 and 1月 entries without a
year). State 2 adds the 2026-01-07 consultation desk for the Chinese dual-use export measure
(MOFCOM 2026 No. 1) and revises the year-end office hours notice; later states change noise
only.
"""

from __future__ import annotations

from datetime import date, datetime

from tests.replica.model import Attachment, MofaRelease, Section, Version
from tests.replica.model import single_version as text

OSHIRASE_DIR = "/mofaj/press/oshirase"
INDEX_PATH = f"{OSHIRASE_DIR}/index.html"
BACKNUMBER_PATH = f"{OSHIRASE_DIR}/bn.html"
JSON_PATH = f"{OSHIRASE_DIR}/list.json"
INDEX_SIZE = 6
TOP = ("/mofaj/index.html", "トップページ")
CRUMBS = (
    TOP,
    ("/mofaj/press/index.html", "会見・発表・広報"),
    (INDEX_PATH, "その他のお知らせ"),
)
RELATED = (
    (INDEX_PATH, "その他のお知らせ"),
    ("/mofaj/press/release/index.html", "報道発表"),
    ("/mofaj/press/kaiken/index.html", "記者会見"),
    ("/mofaj/annai/index.html", "外務省について"),
)


def oshirase(
    seq: int, day: date, title: str, versions: tuple[Version, ...], **kw: object
) -> MofaRelease:
    """A notice at ``/mofaj/press/oshirase/page22_<NNNNNN>.html``."""
    return MofaRelease(
        path=f"{OSHIRASE_DIR}/page22_{seq:06d}.html",
        title=title,
        published=datetime(day.year, day.month, day.day, 15, 0),
        versions=versions,
        seq=seq,
        section_title="その他のお知らせ",
        breadcrumb=CRUMBS,
        related=RELATED,
        **kw,  # type: ignore[arg-type]
    )


YEAR_END = (
    "12月29日（月曜日）から1月3日（土曜日）までの間、外務省本省の窓口業務を休止します。",
    "旅券の発給申請・受領につきましては、各都道府県の旅券窓口にお問い合わせください。",
)
YEAR_END_REVISED = (
    *YEAR_END,
    "なお、1月5日（月曜日）は窓口の混雑が予想されるため、受付時間を午後6時まで延長します。",
)


def notices() -> list[MofaRelease]:
    """Every notice, newest first (the listing order)."""
    return [
        oshirase(
            4120,
            date(2026, 1, 7),
            "中国による両用品目の対日輸出管理措置に関する相談窓口の設置について",
            text(
                "1月6日に中国商務部が発表した両用品目の対日輸出管理措置（商務部公告2026年第1号）"
                "に関し、日本企業等からの照会に対応するため、経済局に相談窓口を設置しました。",
                "相談は、電子メールにて受け付けます。措置の解釈については中国側当局の公表資料も"
                "併せて御確認ください。",
            ),
            first_state=2,
        ),
        oshirase(
            4117,
            date(2026, 1, 5),
            "外務省ホームページの一部コンテンツの掲載終了について",
            text(
                "令和8年1月31日をもって、外務省ホームページの一部コンテンツの掲載を終了します。",
                "掲載を終了するコンテンツの一覧は別添のとおりです。",
            ),
            attachments=(
                Attachment("/mofaj/files/100094117.pdf", "掲載終了コンテンツ一覧（PDF）"),
            ),
        ),
        oshirase(
            4116,
            date(2026, 1, 5),
            "外交史料館の臨時休館について",
            text(
                "施設点検のため、令和8年1月13日（火曜日）は外交史料館を臨時休館します。",
                "閲覧室の御利用を予定されている方は御注意ください。",
            ),
        ),
        oshirase(
            4112,
            date(2025, 12, 26),
            "システムメンテナンスに伴う外務省ホームページの一時停止について",
            text(
                "システムメンテナンスのため、12月28日（日曜日）午前1時から午前6時まで、"
                "外務省ホームページを閲覧できなくなります。",
            ),
        ),
        oshirase(
            4111,
            date(2025, 12, 26),
            "海外安全情報メール配信サービスの移行について",
            text(
                "海外安全情報のメール配信サービスは、令和8年2月から新しいシステムに移行します。",
                "現在御登録の方は、移行後も引き続き配信を受けることができます。",
            ),
        ),
        oshirase(
            4108,
            date(2025, 12, 24),
            "年末年始における外務省の窓口業務について",
            (Version(1, (Section(YEAR_END),)), Version(2, (Section(YEAR_END_REVISED),))),
        ),
        oshirase(
            4103,
            date(2025, 12, 19),
            "外務省研修所の施設見学会の開催について",
            text(
                "令和8年2月14日（土曜日）に、外務省研修所（神奈川県相模原市）の施設見学会を"
                "開催します。",
                "参加を希望される方は、1月23日までにお申し込みください。",
            ),
        ),
        oshirase(
            4101,
            date(2025, 12, 17),
            "令和8年度外務省専門職員採用試験の実施日程について",
            text(
                "令和8年度外務省専門職員採用試験の第1次試験は、6月13日（土曜日）及び14日"
                "（日曜日）に実施します。",
                "詳細は別添の実施要項を御覧ください。",
            ),
            attachments=(Attachment("/mofaj/files/100094101.pdf", "実施要項（PDF）"),),
        ),
        oshirase(
            4095,
            date(2025, 12, 8),
            "「外交に関する国内世論調査」の結果の公表について",
            text(
                "外務省が令和7年10月に実施した「外交に関する国内世論調査」の結果を公表します。",
                "調査結果の概要は別添のとおりです。",
            ),
            attachments=(Attachment("/mofaj/files/100094095.pdf", "調査結果の概要（PDF）"),),
        ),
    ]


def attachment_paths() -> tuple[str, ...]:
    """The PDF paths the notices link to (served by this site, not the press-release site)."""
    return tuple(a.path for n in notices() for a in n.attachments)


def reiwa(day: date) -> str:
    """``令和8年1月7日`` for 2026-01-07."""
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"
