"""MOFCOM (www.mofcom.gov.cn) notices served by the replica, as data.

The export-control announcements use the real URLs and titles listed in
``shared/research/real-sites.md`` section 9; every body text is written for the replica in
the announcements' style (2026 No. 1 quotes the published operative text). Everything else is
synthetic noise for relevance filtering. Synthetic ids are derived from a slug, so they are
stable across runs.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from tests.replica.model import (
    Attachment,
    Gonggao,
    MofcomNotice,
    Section,
    SheetAttachment,
    TextPdfAttachment,
    Version,
)
from tests.replica.model import single_version as text

ZCFB = "zwgk/zcfb"
BLGG = "zcfb/blgg"
ZGDW = "zcfb/zgdwjjmywg"
RCXW = "xwfb/rcxwfb"

COLUMN_NAMES = {
    ZCFB: "政策发布",
    BLGG: "部令公告",
    ZGDW: "中国对外经济贸易文告",
    RCXW: "日常新闻发布",
}

SECURITY = "商务部安全与管制局"
TRADE = "商务部对外贸易司"
NEWS = "商务部新闻办公室"
REMEDY = "商务部贸易救济调查局"
MARKET = "商务部市场运行和消费促进司"
SERVICES = "商务部服务贸易和商贸服务业司"
LEGAL = "商务部条约法律司"
INVEST = "商务部对外投资和经济合作司"

PREAMBLE = (
    "根据《中华人民共和国出口管制法》《中华人民共和国对外贸易法》《中华人民共和国海关法》"
    "《中华人民共和国两用物项出口管制条例》有关规定，为维护国家安全和利益、履行防扩散等国际义务，"
    "经国务院批准，决定对{subject}实施出口管制。现将有关事项公告如下："
)
LICENSING = (
    "二、出口经营者应当按照相关规定办理出口许可手续，通过省级商务主管部门向商务部提出申请，"
    "填写两用物项出口申请表，并提交出口合同或者协议、拟出口物项的技术说明或者检测报告、"
    "最终用户和最终用途证明等文件。",
    "三、商务部应当自收到出口申请文件之日起进行审查，或者会同有关部门进行审查，"
    "并在法定期限内作出准予或者不予许可的决定。",
    "四、出口经营者应当向海关出具两用物项出口许可证，依照《中华人民共和国海关法》的规定"
    "办理海关手续，并接受海关监管。出口经营者未经许可擅自出口、超出许可范围出口或者有其他"
    "违法情形的，依照有关法律法规的规定给予行政处罚；构成犯罪的，依法追究刑事责任。",
)


def art_id(slug: str) -> str:
    """A deterministic 32-hex article id for a synthetic notice."""
    return hashlib.sha256(f"dualwatch-replica:mofcom:{slug}".encode()).hexdigest()[:32]


def art_path(column: str, year: int, hex_id: str) -> str:
    """``/<column>/art/<year>/art_<hex>.html``."""
    return f"/{column}/art/{year}/art_{hex_id}.html"


def pdf(published: datetime, slug: str, label: str) -> Attachment:
    """An attachment under ``/cms_files/filemanager/…/<YYYY>/<MM>/<hex>.pdf``."""
    hex_id = art_id(f"attachment:{slug}")
    return Attachment(
        f"/cms_files/filemanager/1514837720/attach/{published:%Y/%m}/{hex_id}.pdf", label
    )


def control_text(
    subject: str, items: tuple[str, ...], effective: str, signers: str, signed: str
) -> tuple[Version, ...]:
    """Body of a "实施出口管制的决定" announcement in MOFCOM's usual layout."""
    return text(
        PREAMBLE.format(subject=subject),
        "一、满足以下特性的物项，未经许可，不得出口：",
        *items,
        *LICENSING,
        f"五、{effective}",
        signers,
        signed,
    )


def real_notices() -> list[MofcomNotice]:
    """The export-control announcements with real URLs and titles (section 9)."""
    return [
        _no_10(),
        _no_18(),
        _no_55(),
        _no_57(),
        _no_61(),
        _no_70(),
        _graphite_39(),
        _japan_2026_1(),
    ]


def _no_10() -> MofcomNotice:
    published = datetime(2025, 2, 4, 14, 0)
    return MofcomNotice(
        path=art_path(ZCFB, 2025, "e623090907fc4e1092f0a4db72f57b95"),
        title="商务部 海关总署公告2025年第10号 公布对钨、碲、铋、钼、铟相关物项实施出口管制的决定",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZCFB],
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第10号", published.date()),
        versions=control_text(
            "钨、碲、铋、钼、铟相关物项",
            (
                "（一）钨相关物项：仲钨酸铵（参考海关商品编号：2841801000）、氧化钨"
                "（参考海关商品编号：2825901200）、部分碳化钨（参考海关商品编号：2849902000）。",
                "（二）碲相关物项：碲锌镉（参考海关商品编号：2842902000）、碲及其化合物。",
                "（三）铋、钼、铟相关物项：铋金属及制品、钼粉、磷化铟及其相关技术。",
            ),
            "本公告自公布之日起正式实施。",
            "商务部 海关总署",
            "2025年2月4日",
        ),
        attachments=(pdf(published, "no-10-list", "附件1.钨、碲、铋、钼、铟相关物项清单.pdf"),),
    )


def _no_18() -> MofcomNotice:
    published = datetime(2025, 4, 4, 16, 0)
    return MofcomNotice(
        path=art_path(ZCFB, 2025, "9c2108ccaf754f22a34abab2fedaa944"),
        title="商务部 海关总署公告2025年第18号 公布对部分中重稀土相关物项实施出口管制的决定",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZCFB],
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第18号", published.date()),
        versions=control_text(
            "钐、钆、铽、镝、镥、钪、钇等7类中重稀土相关物项",
            (
                "（一）钐相关物项：钐金属、钐钴合金、氧化钐（参考海关商品编号：2805301910）。",
                "（二）钆、铽、镝、镥相关物项：相应金属、合金、氧化物及化合物。",
                "（三）钪、钇相关物项：相应金属、合金、氧化物及化合物。",
            ),
            "本公告自公布之日起正式实施。",
            "商务部 海关总署",
            "2025年4月4日",
        ),
    )


def _no_55() -> MofcomNotice:
    published = datetime(2025, 10, 9, 9, 4)
    return MofcomNotice(
        path=art_path(ZCFB, 2025, "949f47563b834dad95b0010f375a892c"),
        title="商务部 海关总署公告2025年第55号 公布对部分超硬材料相关物项实施出口管制的决定",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZCFB],
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第55号", published.date()),
        versions=control_text(
            "部分超硬材料相关物项",
            (
                "（一）人造金刚石微粉、单晶及线锯（参考海关商品编号：7105102000）。",
                "（二）用于生产人造金刚石的直流等离子体喷射化学气相沉积设备及相关技术。",
            ),
            "本公告自2025年11月8日起正式实施。",
            "商务部 海关总署",
            "2025年10月9日",
        ),
    )


def _no_57() -> MofcomNotice:
    published = datetime(2025, 10, 9, 9, 2)
    return MofcomNotice(
        path=art_path(ZCFB, 2025, "59ec4f6bec0b459aa4a30c4bbd0a41c1"),
        title="商务部 海关总署公告2025年第57号 公布对部分中重稀土相关物项实施出口管制的决定",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZCFB],
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第57号", published.date()),
        versions=control_text(
            "钬、铒、铥、铕、镱等5类中重稀土相关物项",
            (
                "（一）钬、铒、铥相关物项：相应金属、合金、氧化物及化合物。",
                "（二）铕、镱相关物项：相应金属、合金、氧化物及化合物。",
            ),
            "本公告自2025年11月8日起正式实施。",
            "商务部 海关总署",
            "2025年10月9日",
        ),
        attachments=(pdf(published, "no-57-list", "附件1.部分中重稀土相关物项清单.pdf"),),
    )


def _no_61() -> MofcomNotice:
    published = datetime(2025, 10, 9, 9, 0)
    return MofcomNotice(
        path=art_path(ZCFB, 2025, "7fc9bff0fb4546ecb02f66ee77d0e5f6"),
        title="商务部公告2025第61号 公布对境外相关稀土物项实施出口管制的决定",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZCFB],
        header=Gonggao("安全与管制局", "商务部公告2025年第61号", published.date()),
        versions=text(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "为维护国家安全和利益，经国务院批准，决定对境外相关稀土物项实施出口管制。"
            "现将有关事项公告如下：",
            "一、境外组织和个人将在境外制造的、含有、集成或者混有原产于中国的本公告所列稀土物项，"
            "且其价值占比达到0.1%及以上的物项，从境外出口至其他国家和地区的，应当向商务部申请"
            "两用物项出口许可。",
            "二、用于军事用途的，原则上不予许可；用于研发和生产14纳米及以下制程芯片等用途的，"
            "逐案审批。",
            "三、本公告第一条自2025年12月1日起实施，其余条款自公布之日起正式实施。",
            "商务部",
            "2025年10月9日",
        ),
    )


def _no_70() -> MofcomNotice:
    published = datetime(2025, 11, 7, 19, 0)
    return MofcomNotice(
        path=art_path(ZCFB, 2025, "b1ec77dd3f0d4762952904df7cdaadec"),
        title="商务部 海关总署公告2025年第70号 关于暂停实施2025年第55号、第56号、第57号、"
        "第58号、第61号、第62号公告的公告",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZCFB],
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第70号", published.date()),
        versions=text(
            "根据《中华人民共和国出口管制法》等法律法规有关规定，经国务院批准，现将有关事项公告如下：",
            "一、暂停实施商务部 海关总署公告2025年第55号、第56号、第57号、第58号，以及商务部公告"
            "2025年第61号、第62号，暂停至2026年11月10日。",
            "二、暂停期间，出口经营者按照此前有关规定办理相关物项的出口手续。",
            "三、本公告自2025年11月10日起实施。",
            "商务部 海关总署",
            "2025年11月7日",
        ),
    )


def _graphite_39() -> MofcomNotice:
    published = datetime(2023, 10, 20, 16, 0)
    return MofcomNotice(
        path=art_path(BLGG, 2023, "f6b1bc49e2c8482f8eb749012bc66dec"),
        title="商务部 海关总署公告2023年第39号 关于优化调整石墨物项临时出口管制措施的公告",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[BLGG],
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2023年第39号", published.date()),
        versions=text(
            "为维护国家安全和利益，根据《中华人民共和国出口管制法》《中华人民共和国对外贸易法》"
            "《中华人民共和国海关法》有关规定，经国务院批准，决定优化调整石墨物项临时出口管制措施。"
            "现将有关事项公告如下：",
            "一、对高纯度（纯度>99.9%）、高强度（抗弯强度>30Mpa）、高密度（密度>1.73g/cm3）的"
            "人造石墨材料及其制品，以及天然鳞片石墨及其制品实施出口管制。",
            "二、取消对5种低敏感石墨物项的临时管制。",
            "三、本公告自2023年12月1日起正式实施。",
            "商务部 海关总署",
            "2023年10月20日",
        ),
    )


def _japan_2026_1() -> MofcomNotice:
    published = datetime(2026, 1, 6, 17, 30)
    return MofcomNotice(
        path=art_path(ZGDW, 2026, "5eb791b008284131855c37cc70d84e26"),
        title="商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告",
        published=published,
        source=SECURITY,
        column=COLUMN_NAMES[ZGDW],
        header=Gonggao("商务部", "商务部公告2026年第1号", published.date()),
        versions=text(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》等法律法规有关规定，"
            "为维护国家安全和利益、履行防扩散等国际义务，决定加强两用物项对日本出口管制。"
            "现将有关事项公告如下：",
            "禁止所有两用物项对日本军事用户、军事用途，以及一切有助于提升日本军事实力的其他"
            "最终用户用途出口。",
            "任何国家和地区的组织和个人，违反上述规定，将原产于中华人民共和国的相关两用物项转移或"
            "提供给日本的组织和个人，将依法追究法律责任。",
            "本公告自公布之日起正式实施。",
            "商务部",
            "2026年1月6日",
        ),
        first_state=2,
    )


def synthetic_notices() -> list[MofcomNotice]:
    """Routine notices (noise for relevance filtering) plus the timeline's other actors."""
    return [
        _routine_2026_2(),
        _services_plan(),
        _import_licence_86(),
        _export_licence_85(),
        _holiday_supply(),
        _fertiliser_80(),
        _order_6(),
        _news_conference(),
        _remedy_78(),
        _unreliable_entity(),
        _crude_75(),
        _investment_guide(),
        _trade_fair(),
        _labour_30(),
        *list_annex_notices(),
    ]


def _notice(
    slug: str, column: str, published: datetime, title: str, source: str, **kw: Any
) -> MofcomNotice:
    """A synthetic notice with an id derived from ``slug``."""
    path = art_path(column, published.year, art_id(slug))
    return MofcomNotice(
        path=path,
        title=title,
        published=published,
        source=source,
        column=COLUMN_NAMES[column],
        **kw,
    )


def _routine_2026_2() -> MofcomNotice:
    published = datetime(2026, 1, 7, 10, 0)
    return _notice(
        "2026-no-2",
        ZCFB,
        published,
        "商务部公告2026年第2号 关于发布《对外贸易经营者备案登记工作指引（2026年版）》的公告",
        TRADE,
        header=Gonggao("商务部", "商务部公告2026年第2号", published.date()),
        versions=text(
            "为进一步便利对外贸易经营者办理备案登记，商务部修订了《对外贸易经营者备案登记工作指引》，"
            "现予发布。",
            "各地商务主管部门应当按照指引要求，做好备案登记的受理、核对和信息报送工作。",
            "本公告自2026年2月1日起施行。",
            "商务部",
            "2026年1月7日",
        ),
        attachments=(pdf(published, "2026-no-2", "附件1.对外贸易经营者备案登记工作指引.pdf"),),
        first_state=2,
    )


def _services_plan() -> MofcomNotice:
    published = datetime(2026, 1, 5, 16, 20)
    return _notice(
        "services-plan-2026",
        ZCFB,
        published,
        "商务部 国家发展改革委关于印发《2026年服务贸易创新发展工作要点》的通知",
        SERVICES,
        versions=text(
            "各省、自治区、直辖市及计划单列市、新疆生产建设兵团商务、发展改革主管部门：",
            "为深入推进服务贸易创新发展，现将《2026年服务贸易创新发展工作要点》印发给你们，"
            "请结合实际认真贯彻落实。",
            "商务部 国家发展改革委",
            "2026年1月5日",
        ),
    )


def _import_licence_86() -> MofcomNotice:
    published = datetime(2025, 12, 31, 17, 0)
    return _notice(
        "2025-no-86",
        ZCFB,
        published,
        "商务部 海关总署公告2025年第86号 公布《2026年自动进口许可管理货物目录》",
        TRADE,
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第86号", published.date()),
        versions=text(
            "根据《中华人民共和国对外贸易法》《货物自动进口许可管理办法》，现公布"
            "《2026年自动进口许可管理货物目录》。",
            "本公告自2026年1月1日起执行。商务部 海关总署公告2024年第60号同时废止。",
            "商务部 海关总署",
            "2025年12月31日",
        ),
    )


EXPORT_LICENCE_BASE = (
    "根据《中华人民共和国对外贸易法》《中华人民共和国货物进出口管理条例》和《货物出口许可证"
    "管理办法》，现公布《2026年出口许可证管理货物目录》（以下简称《目录》）及有关事项：",
    "一、2026年实行出口许可证管理的货物共43种，分别实行出口配额许可证、出口配额招标和"
    "出口许可证管理。",
    "二、对列入《目录》的两用物项，出口经营者应当同时遵守两用物项出口管制的有关规定。",
)


def _export_licence_85() -> MofcomNotice:
    """Revised in state 2: the effective date moves and one sentence is added."""
    published = datetime(2025, 12, 30, 15, 30)
    signature = ("商务部 海关总署", "2025年12月30日")
    original = (*EXPORT_LICENCE_BASE, "三、本公告自2026年1月1日起执行。", *signature)
    revised = (
        *EXPORT_LICENCE_BASE,
        "三、本公告自2026年1月15日起执行。2026年1月15日前已签发的出口许可证在有效期内继续有效。",
        *signature,
    )
    return _notice(
        "2025-no-85",
        ZCFB,
        published,
        "商务部 海关总署公告2025年第85号 公布《2026年出口许可证管理货物目录》",
        TRADE,
        header=Gonggao("商务部 海关总署", "商务部 海关总署公告2025年第85号", published.date()),
        versions=(Version(1, (Section(original),)), Version(2, (Section(revised),))),
        attachments=(
            replace(
                pdf(published, "2025-no-85-a", "附件1.2026年出口许可证管理货物目录.pdf"),
                # state 5: the annex is corrected in place (same URL, new content)
                revisions=((5, "2026 export licence catalogue, corrected: 44 goods"),),
            ),
            pdf(published, "2025-no-85-b", "附件2.2026年出口许可证管理货物分级发证目录.pdf"),
        ),
    )


def _holiday_supply() -> MofcomNotice:
    """Listed from state 1; its detail page answers 404 from state 4."""
    return _notice(
        "holiday-supply-2026",
        ZCFB,
        datetime(2025, 12, 26, 11, 0),
        "商务部办公厅关于做好2026年元旦春节期间生活必需品市场保供稳价工作的通知",
        MARKET,
        versions=text(
            "各省、自治区、直辖市及计划单列市、新疆生产建设兵团商务主管部门：",
            "2026年元旦春节将至，为做好节日期间生活必需品市场供应，现就有关工作通知如下：",
            "一、加强市场监测，及时掌握粮油、肉类、蔬菜等重要商品的供求和价格变化。",
            "二、压实保供责任，组织重点企业增加货源储备，丰富节日市场供应。",
            "商务部办公厅",
            "2025年12月26日",
        ),
        gone_state=4,
    )


def _fertiliser_80() -> MofcomNotice:
    published = datetime(2025, 12, 24, 16, 0)
    return _notice(
        "2025-no-80",
        ZCFB,
        published,
        "商务部公告2025第80号 公布2026年化肥进口关税配额总量、分配原则及相关程序",
        TRADE,
        header=Gonggao("商务部", "商务部公告2025年第80号", published.date()),
        versions=text(
            "根据《化肥进口关税配额管理暂行办法》，现将2026年化肥进口关税配额总量、分配原则及"
            "相关程序公布如下：",
            "一、2026年化肥进口关税配额总量为1365万吨，其中尿素330万吨、磷酸氢二铵690万吨、"
            "复合肥345万吨。",
            "二、申请企业应于2025年12月31日前通过商务部业务系统统一平台提交申请。",
            "商务部",
            "2025年12月24日",
        ),
    )


def _order_6() -> MofcomNotice:
    published = datetime(2025, 12, 19, 10, 0)
    return _notice(
        "order-2025-6",
        ZCFB,
        published,
        "中华人民共和国商务部令二〇二五年第6号 商务部关于修改《对外贸易经营者备案登记办法》的决定",
        LEGAL,
        header=Gonggao("商务部", "中华人民共和国商务部令二〇二五年第6号", published.date()),
        versions=text(
            "《商务部关于修改〈对外贸易经营者备案登记办法〉的决定》已经2025年12月8日商务部第"
            "20次部务会议审议通过，现予公布，自2026年2月1日起施行。",
            "部长",
            "2025年12月19日",
        ),
    )


def _news_conference() -> MofcomNotice:
    """A news item without a document number, in another column (日常新闻发布)."""
    return _notice(
        "news-foreign-trade-symposium",
        RCXW,
        datetime(2025, 12, 15, 18, 30),
        "商务部召开第四季度外贸形势座谈会",
        NEWS,
        versions=text(
            "12月15日，商务部在京召开第四季度外贸形势座谈会，听取外贸企业和行业协会意见建议。",
            "与会企业介绍了订单、物流和汇率等方面情况。商务部表示，将持续优化外贸服务，"
            "帮助企业稳订单、拓市场。",
        ),
    )


def _remedy_78() -> MofcomNotice:
    """Mentions Japan but is a trade-remedy ruling, not an export control."""
    published = datetime(2025, 12, 10, 9, 30)
    return _notice(
        "2025-no-78",
        ZCFB,
        published,
        "商务部公告2025年第78号 关于对原产于日本和美国的进口相关卤化丁基橡胶所适用反倾销措施的"
        "期终复审裁定",
        REMEDY,
        header=Gonggao("商务部", "商务部公告2025年第78号", published.date()),
        versions=text(
            "根据《中华人民共和国反倾销条例》的规定，商务部对原产于日本和美国的进口相关卤化丁基橡胶"
            "所适用的反倾销措施进行了期终复审调查。",
            "调查机关裁定，如果终止反倾销措施，原产于日本和美国的进口相关卤化丁基橡胶对中国的倾销"
            "可能继续或再度发生。自2025年12月11日起，继续按照原税率征收反倾销税，实施期限5年。",
            "商务部",
            "2025年12月10日",
        ),
    )


#: The Unreliable Entity List suspension as published on www and aqygzj: the decision, then
#: the (fictitious) entities it acts on as numbered rows with their addresses.
UNRELIABLE_ENTITY_TEXT = (
    "根据《不可靠实体清单规定》有关规定，不可靠实体清单工作机制决定，自2025年11月10日起"
    "暂停实施对以下3家美国实体采取的相关措施，暂停期限为一年。",
    "1. 示例防务系统公司（Example Defense Systems Inc.）",
    "地址：美国弗吉尼亚州阿灵顿市示例大道100号",
    "2. 示例航空电子公司（Example Avionics LLC）",
    "地址：美国加利福尼亚州圣迭戈市示例路200号",
    "3. 示例海事技术公司（Example Maritime Technologies Corp.）",
    "地址：美国马里兰州巴尔的摩市示例街300号",
    "不可靠实体清单工作机制",
    "2025年11月10日",
)


def _unreliable_entity() -> MofcomNotice:
    """An export-control-relevant announcement with an empty 【发布文号】."""
    published = datetime(2025, 11, 10, 11, 0)
    return _notice(
        "unreliable-entity-suspension",
        ZCFB,
        published,
        "不可靠实体清单工作机制关于暂停对部分美国实体采取相关措施的公告",
        SECURITY,
        header=Gonggao("不可靠实体清单工作机制", "", published.date()),
        versions=text(*UNRELIABLE_ENTITY_TEXT),
    )


def annex_path(published: datetime, slug: str, extension: str) -> str:
    """An attachment path like :func:`pdf`'s, with another file extension."""
    return pdf(published, slug, "").path.removesuffix(".pdf") + f".{extension}"


#: 2026 No. 7 (state 5): 3 synthetic US entities to the control list, its rows only in the
#: Excel annex. Cells: number, name, English name, address.
CONTROL_ANNEX_ROWS: tuple[tuple[int, str, str, str], ...] = (
    (1, "示例光电系统公司", "Example Photonics Systems Inc.", "美国加利福尼亚州示例市光电路101号"),
    (
        2,
        "样本导航技术公司",
        "Sample Navigation Technologies LLC",
        "美国佛罗里达州样本市导航大道202号",
    ),
    (3, "试验推进动力公司", "Trial Propulsion Dynamics Corp.", "美国亚利桑那州试验市动力街303号"),
)
#: 2026 No. 8 (state 5): 2 synthetic US entities to the watch list, its rows only in the
#: PDF annex (text lines, a Latin name wrapped over two lines, one row with 常用名称).
WATCH_ANNEX_LINES = (
    "附件",
    "关注名单",
    "1 示例雷达传感公司（Example Radar Sensing",
    "Technologies Inc.）",
    "地址：美国马萨诸塞州示例市雷达路11号",
    "2 样本复合材料公司（Sample Composites Corporation）",
    "常用名称：样本复材",
    "地址：美国俄亥俄州样本市材料街22号",
    "- 1 -",
)
#: The Unreliable Entity List decision 〔2026〕1号 (state 5): 2 synthetic US entities, rows in
#: the body.
UEL_DECISION_NUMBER = "不可靠实体清单工作机制〔2026〕1号"
UEL_DECISION_TEXT = (
    UEL_DECISION_NUMBER,
    "根据《中华人民共和国对外贸易法》《中华人民共和国国家安全法》等法律以及《不可靠实体清单规定》"
    "有关规定，不可靠实体清单工作机制决定将以下2家美国实体列入不可靠实体清单，"
    "并采取禁止其从事与中国有关的进出口活动、禁止其在中国境内新增投资等处理措施：",
    "1. 示例无人系统公司（Example Unmanned Systems Inc.）",
    "地址：美国弗吉尼亚州示例市无人机大道1号",
    "2. 样本卫星通信公司（Sample Satellite Communications LLC）",
    "地址：美国科罗拉多州样本市卫星路2号",
    "本决定自公布之日起施行。",
    "不可靠实体清单工作机制",
    "2026年1月27日",
)
ANNEX_RULES = (
    "二、禁止出口经营者向上述实体出口两用物项；正在开展的相关出口活动应当立即停止。",
    "三、特殊情况下确需出口的，出口经营者应当向商务部提出申请。",
    "四、本公告自公布之日起正式实施。",
)


def list_annex_notices() -> list[MofcomNotice]:
    """State 5: a control-list and a watch-list addition whose rows are only in an annex
    (XLSX, PDF), and an Unreliable Entity List decision numbered in its own series.

    Dated in January (published after state 4, first listed in state 5): the newest date on
    the listing must stay within 30 days (``revisit_days``) of 2025 No. 85 (2025-12-30), whose
    annex correction in state 5 is found only because the crawl re-checks it.
    """
    return [_control_annex_2026_7(), _watch_annex_2026_8(), _uel_decision_2026_1()]


def _control_annex_2026_7() -> MofcomNotice:
    published = datetime(2026, 1, 20, 16, 0)
    header = ("序号", "实体名称", "英文名称", "地址")
    return _notice(
        "2026-no-7",
        ZCFB,
        published,
        "商务部公告2026年第7号 关于将3家美国实体列入出口管制管控名单的公告",
        SECURITY,
        header=Gonggao("商务部", "商务部公告2026年第7号", published.date()),
        versions=text(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "为维护国家安全和利益、履行防扩散等国际义务，商务部决定将示例光电系统公司等3家美国"
            "实体列入出口管制管控名单。现将有关事项公告如下：",
            "一、将3家美国实体列入出口管制管控名单，实体名称及地址见附件。",
            *ANNEX_RULES,
            "商务部",
            "2026年1月20日",
        ),
        attachments=(
            SheetAttachment(
                annex_path(published, "2026-no-7", "xlsx"),
                "附件.出口管制管控名单.xlsx",
                sheet="Sheet1",
                rows=(("出口管制管控名单",), header, *CONTROL_ANNEX_ROWS),
            ),
        ),
        first_state=5,
    )


def _watch_annex_2026_8() -> MofcomNotice:
    published = datetime(2026, 1, 23, 16, 0)
    return _notice(
        "2026-no-8",
        ZCFB,
        published,
        "商务部公告2026年第8号 关于将2家美国实体列入关注名单的公告",
        SECURITY,
        header=Gonggao("商务部", "商务部公告2026年第8号", published.date()),
        versions=text(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "因无法核实两用物项最终用户和最终用途，商务部决定将示例雷达传感公司等2家美国实体"
            "列入关注名单。现将有关事项公告如下：",
            "一、将2家美国实体列入关注名单，实体名称及地址见附件。出口经营者向上述实体出口"
            "两用物项的，应当逐案申请单项许可，并提交风险评估报告和书面承诺。",
            "二、上述实体按规定履行核查配合义务的，可以向商务部申请移出关注名单。",
            "三、本公告自公布之日起正式实施。",
            "商务部",
            "2026年1月23日",
        ),
        attachments=(
            TextPdfAttachment(
                pdf(published, "2026-no-8", "").path,
                "附件.关注名单.pdf",
                lines=WATCH_ANNEX_LINES,
            ),
        ),
        first_state=5,
    )


def _uel_decision_2026_1() -> MofcomNotice:
    published = datetime(2026, 1, 27, 11, 0)
    return _notice(
        "uel-2026-1",
        ZCFB,
        published,
        "不可靠实体清单工作机制关于将2家美国实体列入不可靠实体清单的决定",
        SECURITY,
        header=Gonggao("不可靠实体清单工作机制", UEL_DECISION_NUMBER, published.date()),
        versions=text(*UEL_DECISION_TEXT),
        first_state=5,
    )


def _crude_75() -> MofcomNotice:
    published = datetime(2025, 11, 28, 15, 0)
    return _notice(
        "2025-no-75",
        ZCFB,
        published,
        "商务部公告2025年第75号 公布《2026年度原油非国营贸易进口允许量总量、申请条件和申请程序》",
        TRADE,
        header=Gonggao("商务部", "商务部公告2025年第75号", published.date()),
        versions=text(
            "根据《原油、成品油、化肥国营贸易进口经营管理试行办法》，现公布2026年度原油非国营贸易"
            "进口允许量总量、申请条件和申请程序。",
            "2026年原油非国营贸易进口允许量总量为2.57亿吨。",
            "商务部",
            "2025年11月28日",
        ),
        attachments=(pdf(published, "2025-no-75", "附件1.申请表.pdf"),),
    )


def _investment_guide() -> MofcomNotice:
    return _notice(
        "investment-guide-2025",
        ZCFB,
        datetime(2025, 10, 30, 16, 0),
        "商务部关于印发《对外投资合作国别（地区）指南（2025年版）》的通知",
        INVEST,
        versions=text(
            "各省、自治区、直辖市及计划单列市商务主管部门，各中央企业：",
            "为帮助企业了解投资合作目的国（地区）的基本情况，商务部组织编写了"
            "《对外投资合作国别（地区）指南（2025年版）》，现印发给你们，供参考使用。",
            "商务部",
            "2025年10月30日",
        ),
    )


def _trade_fair() -> MofcomNotice:
    return _notice(
        "quality-products-tour-2025",
        ZCFB,
        datetime(2025, 8, 20, 15, 0),
        "商务部办公厅关于开展2025年“外贸优品中华行”活动的通知",
        MARKET,
        versions=text(
            "各省、自治区、直辖市及计划单列市商务主管部门：",
            "为支持外贸企业拓展国内市场，商务部决定于2025年9月至12月开展“外贸优品中华行”活动。",
            "商务部办公厅",
            "2025年8月20日",
        ),
    )


def _labour_30() -> MofcomNotice:
    published = datetime(2025, 6, 18, 10, 0)
    return _notice(
        "2025-no-30",
        ZCFB,
        published,
        "商务部公告2025年第30号 关于公布对外劳务合作经营资格核准情况的公告",
        INVEST,
        header=Gonggao("商务部", "商务部公告2025年第30号", published.date()),
        versions=text(
            "根据《对外劳务合作管理条例》，现将2025年上半年对外劳务合作经营资格核准情况公告如下。",
            "名单详见附件。",
            "商务部",
            "2025年6月18日",
        ),
    )


BULK_TOPICS = (
    ("商务部办公厅关于做好{d}批次外贸企业服务工作的通知", MARKET),
    ("商务部关于{d}城市商业体系建设工作的通知", MARKET),
    ("商务部办公厅关于开展{d}电子商务进农村综合示范工作的通知", SERVICES),
    ("商务部召开{d}例行新闻发布会", NEWS),
)


def bulk_notices(count: int) -> list[MofcomNotice]:
    """``count`` older synthetic notices, one per day going back from 2025-11-30."""
    first = date(2025, 11, 30)
    return [_bulk_notice(index, first - timedelta(days=index)) for index in range(count)]


def _bulk_notice(index: int, day: date) -> MofcomNotice:
    template, source = BULK_TOPICS[index % len(BULK_TOPICS)]
    label = f"{day.year}年{day.month}月{day.day}日"
    return _notice(
        f"bulk-{index}",
        ZCFB,
        datetime(day.year, day.month, day.day, 9 + index % 8, 0),
        template.format(d=label),
        source,
        versions=text(
            "各省、自治区、直辖市及计划单列市商务主管部门：",
            f"现就{label}有关工作通知如下，请结合实际认真组织实施。（批次{index + 1}）",
            "商务部",
            label,
        ),
    )


def notices(bulk: int = 0) -> tuple[MofcomNotice, ...]:
    """Every MOFCOM notice of the replica, newest first."""
    everything = real_notices() + synthetic_notices() + bulk_notices(bulk)
    return tuple(sorted(everything, key=lambda n: (n.published, n.path), reverse=True))
