"""METI (www.meti.go.jp) news releases and 安全保障貿易管理 (anpo) pages served by the replica.

All content is synthetic. The structure follows the research notes (section 7): the
news-release Atom feed ``/ml_index_release_atom.xml`` carries every kind of METI news, of
which only a few are security export control; release pages live at
``/press/<fiscal year>/<MM>/<YYYYMMDDNNN>/<YYYYMMDDNNN>.html`` (METI files January-March
releases under the previous fiscal year's folder, so the calendar date is the 11-digit
number, not the folder); the anpo pages 改正情報 (``law09.html``), the latest amendments
(``law09-2.html``), 外国ユーザーリスト (``law05.html``) and the English End User List page
link their PDFs. A few releases live on METI's agencies' hosts (資源エネルギー庁
``www.enecho.meti.go.jp``, 中小企業庁 ``www.chusho.meti.go.jp``), served by their own
:class:`~tests.replica.sites.meti.MetiSite`.

Many releases have no feed summary (as on the live feed), and titles use the short forms
(外為令, 輸出令, 輸出禁止, リスト規制, キャッチオール) that no title keyword list anticipates; some
are about export control only in their body text. Each release is flagged ``relevant`` by
hand: whether its title and text match the relevance rules (``config/rules.toml``) in the
topics the ``meti`` source uses. Exactly the flagged releases become notices (a test checks
the flags against the rules); every other release is fetched once and filtered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tests.replica.model import Attachment, Notice, Section, Version
from tests.replica.timeline import STATES, state_info

METI_HOST = "www.meti.go.jp"
FEED_PATH = "/ml_index_release_atom.xml"
FEED_SIZE = 20
ANPO = "/policy/anpo"
EUL_DIR = f"{ANPO}/law_document/tutatu/t07sonota"
EUL_EN_DIR = f"{ANPO}/english/law/doc"
LAW09_PATH = f"{ANPO}/law09.html"
LAW09_2_PATH = f"{ANPO}/law09-2.html"
LAW05_PATH = f"{ANPO}/law05.html"
ENECHO_HOST = "www.enecho.meti.go.jp"
CHUSHO_HOST = "www.chusho.meti.go.jp"
#: METI's own host and its agencies' hosts that carry feed releases.
HOSTS = (METI_HOST, ENECHO_HOST, CHUSHO_HOST)
EUL_EN_PATH = f"{EUL_EN_DIR}/EndUserListE.html"
ANPO_CONTACT = (
    "貿易経済安全保障局 安全保障貿易管理課",
    "電話：03-3501-1511（内線 3671）",
    "03-3501-2801（直通）",
)
OTHER_CONTACT = ("大臣官房 広報室", "電話：03-3501-1511（内線 2271）")
TRADE_CONTACT = ("貿易経済安全保障局 貿易管理課", "電話：03-3501-1511（内線 3631）")
SME_CONTACT = ("中小企業庁 経営支援部 技術・経営革新課", "電話：03-3501-1511（内線 5341）")
ENERGY_CONTACT = (
    "資源エネルギー庁 省エネルギー・新エネルギー部",
    "電話：03-3501-1511（内線 4541）",
)


@dataclass(frozen=True, kw_only=True)
class MetiRelease(Notice):
    """A news release: listed in the Atom feed, detail page at its fiscal-year path."""

    number: str
    summary: str  # "" = no <summary> in the feed
    category: str
    relevant: bool
    contact: tuple[str, ...] = OTHER_CONTACT
    host: str = METI_HOST
    table: tuple[tuple[str, ...], ...] = ()  # header row first; after the body sections

    @property
    def day(self) -> date:
        """The release date (also the first 8 digits of ``number``)."""
        return self.published.date()


@dataclass(frozen=True)
class Amendment:
    """One row of 改正情報 (law09.html, law09-2.html), shown from state ``since`` (until
    state ``until``, when the latest-amendments page drops it)."""

    since: int
    promulgated: date
    effective: date | None  # None: 「―」
    title: str
    pdf: Attachment | None = None
    until: int | None = None

    def shown_at(self, state: int) -> bool:
        """True when the row is on its page at ``state``."""
        return self.since <= state and (self.until is None or state < self.until)


@dataclass(frozen=True)
class EulRow:
    """One entity of the End User List: 国名・地域名, 企業名・組織名, 別名 (also known as,
    one name a line in its cell), 懸念区分 (type of WMD concern). Its No. is its position."""

    country: str
    name: str
    aliases: tuple[str, ...]
    concern: str


@dataclass(frozen=True)
class Edition:
    """One edition of the End User List PDF, current from state ``since``; ``sheet`` the
    same list as an Excel file, ``table`` its rows (numbered from 1 in this order)."""

    since: int
    revised: date
    pdf: Attachment
    overview: Attachment | None = None
    sheet: Attachment | None = None
    table: tuple[EulRow, ...] = ()

    def sheet_rows(self) -> list[list[str | int | None]]:
        """The cells of the Excel file: a title row, the header, one row per entity."""
        rows: list[list[str | int | None]] = [
            [f"外国ユーザーリスト（{reiwa(self.revised)}改正）"],
            ["No.", "国名・地域名", "企業名・組織名", "別名", "懸念区分"],
        ]
        for number, row in enumerate(self.table, start=1):
            rows.append(
                [number, row.country, row.name, "\n".join(row.aliases) or None, row.concern]
            )
        return rows


@dataclass(frozen=True, kw_only=True)
class AnpoPage(Notice):
    """An anpo page watched as a notice of its own (its list of rows or PDFs can change)."""

    kind: str  # "law09", "law09-2", "law05" or "eul_en"
    intro: tuple[str, ...]
    amendments: tuple[Amendment, ...] = ()
    editions: tuple[Edition, ...] = ()

    def amendments_at(self, state: int) -> list[Amendment]:
        """The 改正情報 rows shown at ``state``, newest first."""
        rows = [a for a in self.amendments if a.shown_at(state)]
        return sorted(rows, key=lambda a: a.promulgated, reverse=True)

    def edition_at(self, state: int) -> Edition:
        """The End User List edition linked at ``state``."""
        return max((e for e in self.editions if e.since <= state), key=lambda e: e.since)


def reiwa(day: date | None) -> str:
    """``令和8年1月7日`` for 2026-01-07; ``―`` for no date."""
    if day is None:
        return "―"
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def english_date(day: date) -> str:
    """``February 20, 2026``."""
    return f"{day:%B} {day.day}, {day.year}"


def fiscal_year(day: date) -> int:
    """Japan's fiscal year (April to March) of ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def release_path(number: str) -> str:
    """``/press/<fiscal year>/<MM>/<number>/<number>.html`` for an 11-digit number."""
    day = date(int(number[:4]), int(number[4:6]), int(number[6:8]))
    return f"/press/{fiscal_year(day)}/{day.month:02d}/{number}/{number}.html"


def first_state(day: date) -> int:
    """The first replica state whose "today" is on or after ``day``."""
    return min(s for s in STATES if state_info(s).as_of >= day)


def release(
    number: str,
    title: str,
    summary: str,
    body: tuple[str, ...] | tuple[Section, ...],
    *,
    relevant: bool,
    category: str = "対外経済",
    **kw: Any,
) -> MetiRelease:
    """A release numbered ``YYYYMMDDNNN``; hour from the sequence number (for the feed)."""
    day = date(int(number[:4]), int(number[4:6]), int(number[6:8]))
    attachments = tuple(
        Attachment(f"{release_path(number).rsplit('/', 1)[0]}/{number}-{i}.pdf", label)
        for i, label in enumerate(kw.pop("attachment_labels", ()), start=1)
    )
    return MetiRelease(
        path=release_path(number),
        title=title,
        published=datetime(day.year, day.month, day.day, 10 + int(number[8:]) % 8, 0),
        versions=(Version(1, _sections(body)),),
        attachments=attachments,
        first_state=first_state(day),
        number=number,
        summary=summary,
        category=category,
        relevant=relevant,
        **kw,
    )


def _sections(body: tuple[str, ...] | tuple[Section, ...]) -> tuple[Section, ...]:
    """Plain paragraphs become one untitled section; sections are kept as they are."""
    if all(isinstance(part, Section) for part in body):
        return tuple(part for part in body if isinstance(part, Section))
    return (Section(tuple(str(part) for part in body)),)


def december_releases() -> list[MetiRelease]:
    """December 2025: the baseline feed (the 12月3日 release is older than its window)."""
    return [
        release(
            "20251203001",
            "JIS（日本産業規格）を制定・改正しました（12月分）",
            "産業標準化法に基づき、12月分のJISの制定及び改正を行いました。",
            ("産業標準化法に基づき、日本産業規格（JIS）の制定15件及び改正32件を行いました。",),
            relevant=False,
            category="産業技術",
        ),
        release(
            "20251204002",
            "水素社会推進法に基づく価格差支援の認定を行いました",
            "水素社会推進法に基づき、低炭素水素等の供給等事業計画を認定しました。",
            ("脱炭素成長型経済構造への円滑な移行を図るため、供給等事業計画2件を認定しました。",),
            relevant=False,
            category="エネルギー・環境",
        ),
        release(
            "20251205001",
            "第3次産業活動指数（2025年10月分）を公表しました",
            "2025年10月分の第3次産業活動指数を公表します。",
            ("2025年10月の第3次産業活動指数は、前月比0.3%上昇しました。",),
            relevant=False,
            category="統計",
        ),
        release(
            "20251208002",
            "安全保障貿易管理説明会（令和7年度下期）を開催します",
            "輸出者等を対象に、安全保障貿易管理制度の説明会を全国8都市で開催します。",
            (
                "経済産業省は、輸出者等の皆様に安全保障貿易管理制度を正しく御理解いただくため、"
                "令和8年1月から2月にかけて全国8都市で説明会を開催します。",
                "参加を御希望の方は、申込みフォームから事前にお申し込みください。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            attachment_labels=("開催日程及び会場一覧（PDF形式：212KB）",),
        ),
        release(
            "20251209001",
            "「未来人材ビジョン」フォローアップ報告書を取りまとめました",
            "未来人材会議のフォローアップ報告書を取りまとめました。",
            ("産業界と教育界の連携による人材育成の取組状況を報告書に取りまとめました。",),
            relevant=False,
            category="経済産業",
        ),
        release(
            "20251210001",
            "鉱工業指数（2025年10月分確報）を公表しました",
            "2025年10月分の鉱工業生産・出荷・在庫指数（確報）を公表します。",
            ("2025年10月の鉱工業生産指数（確報）は、前月比1.2%上昇しました。",),
            relevant=False,
            category="統計",
        ),
        release(
            "20251211002",
            "日本産酒類の輸出促進に向けた支援事業の公募を開始します",
            "海外市場の開拓に取り組む事業者を支援する事業の公募を開始します。",
            ("日本産酒類の輸出拡大に取り組む事業者を対象に、海外展示会への出展等を支援します。",),
            relevant=False,
            category="対外経済",
        ),
        release(
            "20251212003",
            "中小企業の価格転嫁に関する調査結果を公表しました",
            "価格交渉促進月間（9月）のフォローアップ調査の結果を取りまとめました。",
            ("発注企業との価格交渉の状況について、約30万社を対象に調査を行いました。",),
            relevant=False,
            category="中小企業",
        ),
        release(
            "20251215001",
            "経済安全保障推進法に基づく特定重要物資の安定供給確保に関する取組方針を改定しました",
            "半導体及び蓄電池に係る安定供給確保を図るための取組方針を改定しました。",
            (
                "経済施策を一体的に講ずることによる安全保障の確保の推進に関する法律に基づき、"
                "半導体及び蓄電池に係る取組方針を改定しました。",
            ),
            relevant=False,
            category="経済産業",
        ),
        release(
            "20251216004",
            "GX2040ビジョンの実現に向けた投資促進策を取りまとめました",
            "GX実現に向けた官民投資の促進策を取りまとめました。",
            ("脱炭素と産業競争力強化の同時実現に向けた投資促進策を取りまとめました。",),
            relevant=False,
            category="エネルギー・環境",
        ),
        release(
            "20251217002",
            "「輸出貿易管理令別表第一及び外国為替令別表の規定に基づき貨物又は技術を定める省令」"
            "の一部を改正する省令を公布しました",
            "国際輸出管理レジームでの合意を踏まえ、規制対象の貨物及び技術を見直しました。",
            (
                Section(
                    (
                        "ワッセナー・アレンジメント等の国際輸出管理レジームにおける令和7年の合意を"
                        "踏まえ、規制対象となる貨物及び技術の仕様を見直しました。",
                    ),
                    "1．改正の概要",
                ),
                Section(("本省令は、令和8年1月16日から施行されます。",), "2．施行日"),
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            attachment_labels=("新旧対照表（PDF形式：845KB）",),
        ),
        release(
            "20251218001",
            "特許行政年次報告書2025年版を公表しました",
            "特許・意匠・商標の出願動向等を取りまとめた年次報告書を公表します。",
            ("2024年の特許出願件数は約30万件でした。",),
            relevant=False,
            category="特許",
        ),
        release(
            "20251219003",
            "キャッチオール規制の運用に関するQ&Aを更新しました",
            "補完的輸出規制（キャッチオール規制）に関するよくある質問を更新しました。",
            (
                "輸出者等からの問合せを踏まえ、キャッチオール規制における用途要件及び需要者要件の"
                "確認方法に関するQ&Aを更新しました。",
            ),
            relevant=True,
            category="対外経済",
            contact=ANPO_CONTACT,
        ),
        release(
            "20251222001",
            "第5回日EU産業政策対話を開催しました",
            "サプライチェーン強靱化や輸出管理分野における協力などについて意見交換を行いました。",
            (
                "12月22日、ブリュッセルにおいて第5回日EU産業政策対話を開催し、サプライチェーン"
                "強靱化、重要鉱物、輸出管理分野における協力について意見交換を行いました。",
            ),
            relevant=True,
            category="対外経済",
        ),
        release(
            "20251223002",
            "令和7年度補正予算の事業概要を公表しました",
            "経済産業省関係の令和7年度補正予算の事業概要を公表します。",
            ("令和7年度補正予算のうち経済産業省関係の事業概要は、別添のとおりです。",),
            relevant=False,
            category="経済産業",
        ),
        release(
            "20251224001",
            "「半導体・デジタル産業戦略」の改定案を取りまとめました",
            "半導体・デジタル産業戦略検討会議において改定案を取りまとめました。",
            ("次世代半導体の量産に向けた支援策等を盛り込んだ改定案を取りまとめました。",),
            relevant=False,
            category="商務情報",
        ),
        release(
            "20251225003",
            "年末年始の電力需給の見通しについて",
            "年末年始の電力需給は安定的に推移する見通しです。",
            ("全国の予備率は、年末年始期間を通じて10%以上を確保できる見通しです。",),
            relevant=False,
            category="エネルギー・環境",
            host="www.enecho.meti.go.jp",
        ),
        release(
            "20251226002",
            "対ロシア等制裁関連：輸出禁止措置の対象品目を追加します",
            "外為法に基づき、ロシア及びベラルーシ向けの輸出禁止措置の対象品目を追加します。",
            (
                "ウクライナをめぐる国際情勢に鑑み、外国為替及び外国貿易法に基づき、ロシア及び"
                "ベラルーシ向けの輸出禁止措置の対象品目を追加します。",
                "本措置は、令和8年1月26日から実施します。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            attachment_labels=("追加対象品目一覧（PDF形式：390KB）",),
        ),
        release(
            "20251226005",
            "年末年始における中小企業の資金繰り支援について",
            "年末年始の資金需要に対応するため、政府系金融機関に特別相談窓口を設置します。",
            ("日本政策金融公庫等に年末年始の特別相談窓口を設置します。",),
            relevant=False,
            category="中小企業",
            host="www.chusho.meti.go.jp",
        ),
        release(
            "20251226007",
            "成長志向型カーボンプライシング構想の検討状況を公表しました",
            "排出量取引制度の詳細設計に関する検討状況を公表します。",
            ("2026年度からの排出量取引制度の本格稼働に向けた検討状況を取りまとめました。",),
            relevant=False,
            category="エネルギー・環境",
        ),
    ]


def january_releases() -> list[MetiRelease]:
    """January 2026: 1月5日 is in the baseline, 1月6日-8日 arrive in state 2, the rest in 5."""
    return [
        release(
            "20260105001",
            "経済産業大臣 年頭所感",
            "新年に当たっての経済産業大臣の所感です。",
            ("新年明けましておめでとうございます。本年もよろしくお願い申し上げます。",),
            relevant=False,
            category="経済産業",
        ),
        release(
            "20260106001",
            "令和7年度「地域未来牽引企業」の選定結果を公表します",
            "地域経済の中心的な担い手となる企業を選定しました。",
            ("地域経済への貢献が期待される企業412社を地域未来牽引企業として選定しました。",),
            relevant=False,
            category="地域経済",
        ),
        release(
            "20260106002",
            "「輸出貿易管理令の一部を改正する政令」が閣議決定されました",
            "新興技術に係る規制対象貨物を追加するため、輸出貿易管理令を改正します。",
            (
                Section(
                    (
                        "本日、「輸出貿易管理令の一部を改正する政令」が閣議決定されました。",
                        "量子計算機及び先端半導体製造装置に関連する貨物を、輸出許可を要する貨物に"
                        "追加します。",
                    ),
                    "1．改正の概要",
                ),
                Section(
                    ("本政令は、令和8年1月8日に公布され、令和8年2月1日から施行されます。",),
                    "2．今後のスケジュール",
                ),
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            attachment_labels=("政令案の概要（PDF形式：156KB）", "新旧対照表（PDF形式：502KB）"),
        ),
        release(
            "20260107002",
            "中国による我が国向け両用品目の輸出管理措置について",
            "中国商務部が発表した我が国向け両用品目の輸出管理措置に関する経済産業省の対応です。",
            (
                "1月6日、中国商務部は、我が国の軍事ユーザー及び軍事用途等向けの両用品目の輸出を"
                "禁止する旨の公告を発表しました。",
                "我が国のみを対象とした今般の措置は国際的な慣行と大きく異なり、極めて遺憾です。"
                "経済産業省としては、措置の内容及び我が国産業への影響を精査し、適切に対応して"
                "まいります。",
                "本措置に関する事業者の皆様からの御相談は、下記の窓口で受け付けます。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
        ),
        release(
            "20260107001",
            "中小企業省力化投資補助金（一般型）の第5回公募を開始します",
            "",
            (
                "人手不足に悩む中小企業等が、IoT・ロボット等の設備を導入して省力化を図る取組を"
                "支援するため、中小企業省力化投資補助金（一般型）の第5回公募を開始します。",
                "公募期間は、令和8年1月7日から令和8年2月27日までです。",
            ),
            relevant=False,
            category="中小企業",
            contact=SME_CONTACT,
        ),
        release(
            "20260108002",
            "輸出令別表第3の2及び外為令別表の一部改正案に対する意見募集を開始します",
            "",
            (
                Section(
                    (
                        "経済産業省は、輸出貿易管理令（昭和24年政令第378号。以下「輸出令」という。）"
                        "及び外国為替令（昭和55年政令第260号。以下「外為令」という。）の一部を改正"
                        "する政令案を作成しました。",
                        "国際連合安全保障理事会決議を踏まえ、武器禁輸の対象となる仕向地及び規制対象"
                        "となる技術を見直すものです。本案について、広く御意見を募集します。",
                    ),
                    "1．概要",
                ),
                Section(("改正案の概要は、次のとおりです。",), "2．改正案の概要"),
                Section(
                    ("令和8年1月8日から令和8年2月6日まで（30日間）",),
                    "3．意見募集期間",
                ),
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            table=(
                ("改正対象", "改正の内容", "施行予定日"),
                ("輸出令別表第3の2", "仕向地に1か国を追加", "令和8年4月1日"),
                ("外為令別表", "規制対象となる技術の範囲を明確化", "令和8年4月1日"),
            ),
            attachment_labels=("政令案（PDF形式：88KB）",),
        ),
        release(
            "20260108001",
            "鉱工業指数（2025年11月分確報）を公表しました",
            "2025年11月分の鉱工業生産・出荷・在庫指数（確報）を公表します。",
            ("2025年11月の鉱工業生産指数（確報）は、前月比0.4%低下しました。",),
            relevant=False,
            category="統計",
        ),
        release(
            "20260108003",
            "経済産業大臣がインドを訪問します",
            "経済産業大臣がインドを訪問し、日印経済関係について意見交換を行います。",
            ("1月11日から13日まで、経済産業大臣がインドを訪問します。",),
            relevant=False,
            category="対外経済",
        ),
        release(
            "20260108004",
            "省エネルギー設備への更新を支援する補助金の公募を開始します",
            "",
            (
                "工場・事業場における高効率な省エネルギー設備への更新を支援する補助金の公募を"
                "開始します。",
                "本事業により、年間約120万キロリットル（原油換算）のエネルギー消費量の削減を"
                "見込んでいます。",
            ),
            relevant=False,
            category="エネルギー・環境",
            contact=ENERGY_CONTACT,
        ),
        release(
            "20260115001",
            "第3次産業活動指数（2025年11月分）を公表しました",
            "2025年11月分の第3次産業活動指数を公表します。",
            ("2025年11月の第3次産業活動指数は、前月比0.1%低下しました。",),
            relevant=False,
            category="統計",
        ),
        release(
            "20260120002",
            "中小企業の事業承継に関する実態調査の結果を公表します",
            "中小企業の事業承継の実態に関する調査結果を公表します。",
            ("後継者不在率は前年から2ポイント低下し、52%となりました。",),
            relevant=False,
            category="中小企業",
        ),
        release(
            "20260127001",
            "GXリーグにおける排出量取引の試行結果を公表します",
            "GXリーグ参加企業による排出量取引の試行結果を公表します。",
            ("参加企業747社による排出量取引の試行結果を取りまとめました。",),
            relevant=False,
            category="エネルギー・環境",
        ),
        release(
            "20260130003",
            "鉱工業指数（2025年12月分速報）を公表しました",
            "2025年12月分の鉱工業生産・出荷・在庫指数（速報）を公表します。",
            ("2025年12月の鉱工業生産指数（速報）は、前月比2.1%上昇しました。",),
            relevant=False,
            category="統計",
        ),
    ]


def february_releases() -> list[MetiRelease]:
    """February 2026: all arrive in state 5 (as of 2026-02-25)."""
    return [
        release(
            "20260203002",
            "北朝鮮を仕向地とする貨物の輸出禁止措置を延長します",
            "",
            (
                "本日、北朝鮮に対する我が国独自の措置の期限を延長することが閣議決定されました。",
                "これを受け、外国為替及び外国貿易法に基づき、北朝鮮を仕向地とする全ての貨物の"
                "輸出を禁止する措置を、令和10年4月13日まで2年間延長します。",
            ),
            relevant=True,
            contact=TRADE_CONTACT,
        ),
        release(
            "20260205001",
            "2025年の日本産酒類の輸出額が過去最高を更新しました",
            "2025年の日本産酒類の輸出額を取りまとめました。",
            ("2025年の日本産酒類の輸出額は、前年比8%増の約1,500億円となりました。",),
            relevant=False,
            category="対外経済",
        ),
        release(
            "20260210002",
            "産業構造審議会 安全保障貿易管理小委員会の中間報告を公表します",
            "新興技術の管理の在り方に関する中間報告を取りまとめました。",
            (
                "産業構造審議会通商・貿易分科会安全保障貿易管理小委員会において、新興技術の"
                "管理の在り方に関する中間報告が取りまとめられました。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            attachment_labels=("中間報告（PDF形式：1,204KB）",),
        ),
        release(
            "20260212001",
            "水素等の供給拠点の整備に向けた支援事業の公募を開始します",
            "",
            (
                "水素社会推進法に基づき、低炭素水素等の大規模な供給拠点の整備に向けた支援事業の"
                "公募を開始します。",
            ),
            relevant=False,
            category="エネルギー・環境",
            contact=ENERGY_CONTACT,
            host=ENECHO_HOST,
        ),
        release(
            "20260213001",
            "「ものづくり補助金」第22次公募の採択結果を公表します",
            "ものづくり・商業・サービス生産性向上促進補助金の採択結果を公表します。",
            ("第22次公募では、申請5,812件のうち2,310件を採択しました。",),
            relevant=False,
            category="中小企業",
        ),
        release(
            "20260216002",
            "リスト規制品目の該非判定に関する説明会（オンライン）を開催します",
            "",
            (
                "輸出者等の皆様を対象に、リスト規制品目の該非判定の方法と留意点についての説明会を"
                "オンラインで開催します。",
                "開催日：令和8年3月10日（火曜日）14時00分から16時00分",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
        ),
        release(
            "20260217003",
            "「新規輸出1万者支援プログラム」の登録事業者数が1万者を超えました",
            "",
            (
                "海外展開に挑戦する中小企業等を支援する「新規輸出1万者支援プログラム」の登録"
                "事業者数が、1万者を超えました。",
                "登録事業者には、専門家による伴走支援や商談機会の提供を行っています。",
            ),
            relevant=False,
            category="中小企業",
            contact=SME_CONTACT,
            host=CHUSHO_HOST,
        ),
        release(
            "20260219002",
            "キャッチオール規制の運用に関する通達を改正しました",
            "",
            (
                "「輸出貿易管理令等における補完的輸出規制（キャッチオール規制）の運用について」"
                "を改正し、需要者要件の確認に用いる資料を明確化しました。",
                "改正後の通達は、令和8年3月1日から施行します。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
            attachment_labels=("新旧対照表（PDF形式：214KB）",),
        ),
        release(
            "20260218001",
            "第3次産業活動指数（2025年12月分）を公表しました",
            "2025年12月分の第3次産業活動指数を公表します。",
            ("2025年12月の第3次産業活動指数は、前月比0.6%上昇しました。",),
            relevant=False,
            category="統計",
        ),
        release(
            "20260220002",
            "外国ユーザーリストを改正しました",
            "外国ユーザーリストを改正し、掲載企業・組織数を789に改めました。",
            (
                "経済産業省は、大量破壊兵器等の開発等の懸念が払拭されない外国所在団体の情報を"
                "輸出者に提供するため、外国ユーザーリストを公表しています。",
                "今般、新たに17の企業・組織を追加し、4の企業・組織を削除しました。改正後の"
                "リストは、本日から適用します。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
        ),
        release(
            "20260224003",
            "中国による我が国企業等に対する輸出管理措置について",
            "中国商務部が我が国の20の企業等を輸出管理上のリストに掲載したことへの対応です。",
            (
                "2月24日、中国商務部は、我が国の20の企業等を輸出管理上のリストに掲載する旨の"
                "公告を発表しました。",
                "経済産業省としては、影響を受ける事業者からの相談に応じるとともに、関係省庁と"
                "連携して適切に対応してまいります。",
            ),
            relevant=True,
            contact=ANPO_CONTACT,
        ),
        release(
            "20260225001",
            "鉱工業指数（2026年1月分速報）を公表しました",
            "2026年1月分の鉱工業生産・出荷・在庫指数（速報）を公表します。",
            ("2026年1月の鉱工業生産指数（速報）は、前月比1.5%低下しました。",),
            relevant=False,
            category="統計",
        ),
    ]


def releases() -> list[MetiRelease]:
    """Every release, newest first (the feed order)."""
    every = december_releases() + january_releases() + february_releases()
    return sorted(every, key=lambda r: (r.published, r.number), reverse=True)


def feed_releases(all_releases: list[MetiRelease], state: int) -> list[MetiRelease]:
    """The feed at ``state``: the newest ``FEED_SIZE`` releases published by its "today"."""
    as_of = state_info(state).as_of
    return [r for r in all_releases if r.day <= as_of][:FEED_SIZE]


def eul(name: str, label: str) -> Attachment:
    """A file in the End User List folder."""
    return Attachment(f"{EUL_DIR}/{name}", label)


def amendments() -> tuple[Amendment, ...]:
    """改正情報 rows; the 令和8年1月8日 政令 arrives in state 2."""
    doc = f"{ANPO}/law_document/kaisei"
    return (
        Amendment(
            2,
            date(2026, 1, 8),
            date(2026, 2, 1),
            "輸出貿易管理令の一部を改正する政令（令和8年政令第3号）",
            Attachment(f"{doc}/r8_seirei3_shinkyu.pdf", "新旧対照表（PDF形式：502KB）"),
        ),
        Amendment(
            1,
            date(2025, 12, 17),
            date(2026, 1, 16),
            "輸出貿易管理令別表第一及び外国為替令別表の規定に基づき貨物又は技術を定める省令の"
            "一部を改正する省令（令和7年経済産業省令第88号）",
            Attachment(f"{doc}/r7_shorei88_shinkyu.pdf", "新旧対照表（PDF形式：845KB）"),
        ),
        Amendment(
            1,
            date(2025, 9, 29),
            date(2025, 9, 29),
            "外国ユーザーリストの改正",
            None,
        ),
        Amendment(
            1,
            date(2025, 5, 28),
            date(2025, 10, 9),
            "輸出貿易管理令の一部を改正する政令（令和7年政令第195号）",
            Attachment(f"{doc}/r7_seirei195_shinkyu.pdf", "新旧対照表（PDF形式：311KB）"),
        ),
        Amendment(
            1,
            date(2025, 1, 31),
            date(2025, 4, 1),
            "外国為替及び外国貿易法第二十五条第一項及び外国為替令第十七条第二項の規定に基づき"
            "許可を要する技術を提供する取引又は行為について（役務通達）の一部改正",
            None,
        ),
    )


def latest_amendments() -> tuple[Amendment, ...]:
    """最新の改正情報 (law09-2.html): rows arrive in states 2 and 5, older ones leave in 5."""
    doc = f"{ANPO}/law_document/kaisei"
    return (
        Amendment(
            5,
            date(2026, 2, 20),
            date(2026, 2, 20),
            "外国ユーザーリストの改正（掲載企業・組織数：789）",
            Attachment(
                f"{EUL_DIR}/eul_2026.pdf",
                "外国ユーザーリスト（令和8年2月20日改正）（PDF形式：1,236KB）",
            ),
        ),
        Amendment(
            5,
            date(2026, 2, 19),
            date(2026, 3, 1),
            "輸出貿易管理令等における補完的輸出規制（キャッチオール規制）の運用について"
            "（通達）の一部改正",
            Attachment(f"{doc}/r8_catchall_tsutatsu_shinkyu.pdf", "新旧対照表（PDF形式：214KB）"),
        ),
        Amendment(
            2,
            date(2026, 1, 8),
            date(2026, 2, 1),
            "輸出貿易管理令の一部を改正する政令（令和8年政令第3号）",
            Attachment(f"{doc}/r8_seirei3_shinkyu.pdf", "新旧対照表（PDF形式：502KB）"),
        ),
        Amendment(
            1,
            date(2025, 12, 26),
            date(2026, 1, 26),
            "輸出貿易管理令別表第二の二の規定に基づく輸出禁止措置の対象品目の追加（ロシア及び"
            "ベラルーシ向け）（令和7年経済産業省告示第201号）",
            None,
        ),
        Amendment(
            1,
            date(2025, 12, 19),
            None,
            "キャッチオール規制に関するQ&Aの更新",
            None,
        ),
        Amendment(
            1,
            date(2025, 12, 17),
            date(2026, 1, 16),
            "輸出貿易管理令別表第一及び外国為替令別表の規定に基づき貨物又は技術を定める省令の"
            "一部を改正する省令（令和7年経済産業省令第88号）",
            Attachment(f"{doc}/r7_shorei88_shinkyu.pdf", "新旧対照表（PDF形式：845KB）"),
        ),
        Amendment(
            1,
            date(2025, 9, 29),
            date(2025, 9, 29),
            "外国ユーザーリストの改正（掲載企業・組織数：776）",
            Attachment(
                f"{EUL_DIR}/eul_2025.pdf",
                "外国ユーザーリスト（令和7年9月29日改正）（PDF形式：1,180KB）",
            ),
            until=5,
        ),
        Amendment(
            1,
            date(2025, 5, 28),
            date(2025, 10, 9),
            "輸出貿易管理令の一部を改正する政令（令和7年政令第195号）",
            Attachment(f"{doc}/r7_seirei195_shinkyu.pdf", "新旧対照表（PDF形式：311KB）"),
            until=5,
        ),
    )


#: The End User List of 令和7年9月29日 (state 1): synthetic entities, grouped by country.
EUL_2025: tuple[EulRow, ...] = (
    EulRow(
        "イラン",
        "示例航空工業機構",
        ("Example Aviation Industries Organization", "EAIO"),
        "ミサイル",
    ),
    EulRow("イラン", "示例核技術研究センター", ("Example Nuclear Technology Center",), "核"),
    EulRow("中国", "示例工業公司", ("Example Industries Co., Ltd.",), "ミサイル"),
    EulRow("中国", "示例精密機械有限公司", ("Example Precision Machinery Co., Ltd.",), "核"),
    EulRow(
        "北朝鮮",
        "示例貿易総会社",
        ("Example General Trading Corporation", "Sample Trading"),
        "核、ミサイル",
    ),
    EulRow("北朝鮮", "示例第二経済委員会", (), "ミサイル"),
    EulRow(
        "パキスタン", "示例科学技術研究所", ("Example Institute of Science and Technology",), "核"
    ),
    EulRow("パキスタン", "示例エンジニアリング", ("Example Engineering (Pvt.) Ltd.",), "ミサイル"),
    EulRow("ロシア", "示例化学工場", ("Example Chemical Plant JSC",), "化学"),
    EulRow("ロシア", "示例電子部品", ("Example Electronic Components LLC",), "ミサイル"),
)
#: What the 令和8年2月20日 revision (state 5) does to :data:`EUL_2025`: rows added, removed
#: and amended (an also-known-as name added), by name; every row after the first change is
#: renumbered.
EUL_2026_ADDED = ("示例先端材料有限公司", "示例無人機工業")
EUL_2026_REMOVED = ("示例精密機械有限公司",)
EUL_2026_AMENDED = ("示例工業公司",)
EUL_2026: tuple[EulRow, ...] = (
    EUL_2025[0],
    EUL_2025[1],
    EulRow(
        "中国",
        "示例工業公司",
        ("Example Industries Co., Ltd.", "Example Industrial Group"),
        "ミサイル",
    ),
    EulRow("中国", "示例先端材料有限公司", ("Example Advanced Materials Co., Ltd.",), "ミサイル"),
    *EUL_2025[4:9],
    EulRow("ロシア", "示例無人機工業", ("Example UAV Works",), "ミサイル"),
    EUL_2025[9],
)


def anpo_pages() -> list[AnpoPage]:
    """law09.html (new row in state 2), law09-2.html (new rows in 2; in 5 new rows, and the
    rows older than six months leave), law05.html and the English page (new PDF in 5).

    law05.html links each edition of the End User List as a PDF and as an Excel file whose
    cells are the table (:data:`EUL_2025`, :data:`EUL_2026`); the PDFs are placeholders."""
    editions_ja = (
        Edition(
            1,
            date(2025, 9, 29),
            eul("eul_2025.pdf", "外国ユーザーリスト（令和7年9月29日改正）（PDF形式：1,180KB）"),
            eul("eul_kaisei_2025.pdf", "改正概要（令和7年9月29日）（PDF形式：98KB）"),
            eul("eul_2025.xlsx", "外国ユーザーリスト（令和7年9月29日改正）（Excel形式：52KB）"),
            EUL_2025,
        ),
        Edition(
            5,
            date(2026, 2, 20),
            eul("eul_2026.pdf", "外国ユーザーリスト（令和8年2月20日改正）（PDF形式：1,236KB）"),
            eul("eul_kaisei_2026.pdf", "改正概要（令和8年2月20日）（PDF形式：102KB）"),
            eul("eul_2026.xlsx", "外国ユーザーリスト（令和8年2月20日改正）（Excel形式：55KB）"),
            EUL_2026,
        ),
    )
    editions_en = (
        Edition(
            1,
            date(2025, 9, 29),
            Attachment(
                f"{EUL_EN_DIR}/EndUserList_20250929.pdf",
                "End User List (revised September 29, 2025) (PDF: 1,102KB)",
            ),
        ),
        Edition(
            5,
            date(2026, 2, 20),
            Attachment(
                f"{EUL_EN_DIR}/EndUserList_20260220.pdf",
                "End User List (revised February 20, 2026) (PDF: 1,151KB)",
            ),
        ),
    )
    return [
        _anpo(
            LAW09_PATH,
            "改正情報",
            "law09",
            (
                "安全保障貿易管理に関係する法令等の改正情報を掲載しています。",
                "各改正の詳細は、公布日の官報及び新旧対照表を御確認ください。",
            ),
            amendments=amendments(),
        ),
        _anpo(
            LAW09_2_PATH,
            "最新の改正情報",
            "law09-2",
            (
                "安全保障貿易管理に関係する法令、告示及び通達の最近の改正を掲載しています"
                "（おおむね過去6か月分。それ以前の改正は改正情報の一覧を御覧ください。）。",
                "施行日が「―」のものは、改正と同時に運用を開始しています。",
            ),
            amendments=latest_amendments(),
        ),
        _anpo(
            LAW05_PATH,
            "外国ユーザーリスト",
            "law05",
            (
                "経済産業省は、大量破壊兵器等の開発等の懸念が払拭されない外国所在団体の情報を"
                "輸出者に対し提供するため、「外国ユーザーリスト」を公表しています。",
                "本リストに掲載された企業・組織向けの輸出については、キャッチオール規制の"
                "インフォーム要件に該当しない場合であっても、用途等を十分に確認してください。",
            ),
            editions=editions_ja,
        ),
        _anpo(
            EUL_EN_PATH,
            "End User List",
            "eul_en",
            (
                "METI publishes the End User List to provide exporters with information on "
                "foreign entities of concern for the development of weapons of mass "
                "destruction.",
                "Exporters are requested to confirm the end use carefully before exporting "
                "to the entities on the list.",
            ),
            editions=editions_en,
        ),
    ]


def _anpo(path: str, title: str, kind: str, intro: tuple[str, ...], **kw: Any) -> AnpoPage:
    rows = (*kw.get("amendments", ()), *kw.get("editions", ()))
    changes = {row.since for row in rows} | {
        u for row in rows if (u := getattr(row, "until", None))
    }
    return AnpoPage(
        path=path,
        title=title,
        published=datetime(2025, 9, 29, 17, 0),
        versions=tuple(Version(since, ()) for since in sorted(changes | {1})),
        kind=kind,
        intro=intro,
        **kw,
    )
