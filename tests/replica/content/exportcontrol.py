"""exportcontrol.mofcom.gov.cn (中国出口管制信息网) notices served by the replica, as data.

The export-control announcements and the State Council regulation use the real URLs, numbers,
issuers and dates of ``shared/research/real-sites.md`` sections 3 and 9 (``/article/<section>/
<YYYYMM>/<id>.html``; the ``YYYYMM`` is the posting month, not the issue date). Every body text
is synthetic, written for the replica in the announcements' style; 2026 No. 1 repeats the
published operative text, identical to the www.mofcom.gov.cn replica's copy. The 国内动态
news items are synthetic noise for relevance filtering, at plausible sequential ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain
from itertools import count as count_from

from tests.replica.model import Attachment, Notice, Section, Version
from tests.replica.model import single_version as text

GNDT = "gndt"
ZCFGGZQD = "zcfg/gnzcfg/zcfggzqd"
GZJGFXWJ = "zcfg/gnzcfg/gzjgfxwj"
FLFG = "zcfg/gnzcfg/flfg"

SECURITY = "安全与管制局"
NEWS = "商务部新闻办公室"
MOFCOM = "商务部"


@dataclass(frozen=True, kw_only=True)
class EclNotice(Notice):
    """An exportcontrol detail page: its integer id, section and the page's JS variables.

    ``blank_vars`` renders the page with empty JS variables (seen on some real pages: the
    title must then come from the listing). ``summary`` is the listing row's ``content``.
    """

    article_id: int
    section: str
    source: str
    sub_title: str = ""
    article_type: str = "1"
    blank_vars: bool = False
    summary: str = ""

    @property
    def posted(self) -> str:
        """The ``YYYYMM`` of the URL (posting month)."""
        return self.path.rsplit("/", 2)[-2]


def ecl(
    section: str, posted: str, article_id: int, published: datetime, title: str, **kw: object
) -> EclNotice:
    """An exportcontrol notice at ``/article/<section>/<posted>/<article_id>.html``."""
    return EclNotice(
        path=f"/article/{section}/{posted}/{article_id}.html",
        article_id=article_id,
        section=section,
        published=published,
        title=title,
        **kw,  # type: ignore[arg-type]
    )


def download(file_id: str, label: str) -> Attachment:
    """An attachment served through the CMS's ``document/download`` endpoint."""
    return Attachment(f"/edi_ecms_web_front/document/download?fileId={file_id}", label)


def upload(month: str, name: str, label: str) -> Attachment:
    """An attachment stored as a file under ``/edi_ecms_web_front/uploadfile/<YYYYMM>/``."""
    return Attachment(f"/edi_ecms_web_front/uploadfile/{month}/{name}.pdf", label)


LICENSING = (
    "出口经营者应当按照相关规定办理两用物项出口许可手续，通过两用物项出口管制信息系统向商务部"
    "提出申请，并提交出口合同或者协议、拟出口物项的技术说明或者检测报告、最终用户和最终用途"
    "证明等文件。",
    "商务部应当自收到出口申请文件之日起进行审查，或者会同有关部门进行审查，并在法定期限内作出"
    "准予或者不予许可的决定。",
)
PREAMBLE = (
    "根据《中华人民共和国出口管制法》《中华人民共和国对外贸易法》《中华人民共和国海关法》"
    "有关规定，为维护国家安全和利益、履行防扩散等国际义务，经国务院批准，决定对{subject}"
    "实施出口管制。现将有关事项公告如下："
)


def control_text(
    subject: str, items: tuple[str, ...], effective: str, signers: str, signed: str
) -> tuple[Version, ...]:
    """Body of a "实施出口管制" announcement in the site's usual layout (synthetic)."""
    return text(
        PREAMBLE.format(subject=subject),
        "一、满足以下特性的物项，未经许可，不得出口：",
        *items,
        "二、" + LICENSING[0],
        "三、" + LICENSING[1],
        f"四、{effective}",
        signers,
        signed,
    )


# -- 管制清单 (column 9): announcements ------------------------------------------------------


def announcements() -> list[EclNotice]:
    """The zcfggzqd announcements (research table, section 9), oldest first."""
    return [
        _gallium_23(),
        _graphite_39(),
        _antimony_33(),
        _dual_use_list_51(),
        _usa_46(),
        _tungsten_10(),
        _rare_earth_tech_62(),
        _foreign_rare_earth_61(),
        *_october_joint(),
        _japan_2026_1(),
        _japan_2026_12(),
        _japan_2026_11(),
    ]


def _gallium_23() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202307",
        847,
        datetime(2023, 7, 3, 15, 30),
        "商务部 海关总署公告2023年第23号 关于对镓、锗相关物项实施出口管制的公告",
        source=SECURITY,
        versions=control_text(
            "镓、锗相关物项",
            (
                "（一）镓相关物项：金属镓、氮化镓、氧化镓、磷化镓、砷化镓、铟镓砷、硒化镓、锑化镓。",
                "（二）锗相关物项：金属锗、区熔锗锭、磷锗锌、锗外延生长衬底、二氧化锗、四氯化锗。",
            ),
            "本公告自2023年8月1日起正式实施。",
            "商务部 海关总署",
            "2023年7月3日",
        ),
    )


def _graphite_39() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202310",
        912,
        datetime(2023, 10, 20, 16, 0),
        "商务部 海关总署公告2023年第39号 关于优化调整石墨物项临时出口管制措施的公告",
        source=SECURITY,
        versions=text(
            "为维护国家安全和利益，根据《中华人民共和国出口管制法》《中华人民共和国对外贸易法》"
            "《中华人民共和国海关法》有关规定，经国务院批准，决定优化调整石墨物项临时出口管制"
            "措施。现将有关事项公告如下：",
            "一、对高纯度（纯度>99.9%）、高强度（抗弯强度>30Mpa）、高密度（密度>1.73g/cm3）"
            "的人造石墨材料及其制品，以及球化石墨、膨胀石墨等天然鳞片石墨及其制品实施出口管制。",
            "二、取消对5种低敏感石墨物项的临时管制。",
            "三、本公告自2023年12月1日起正式实施。",
            "商务部 海关总署",
            "2023年10月20日",
        ),
    )


def _antimony_33() -> EclNotice:
    """The number is only in the body's first line (title without it, empty subTitle)."""
    return ecl(
        ZCFGGZQD,
        "202408",
        1024,
        datetime(2024, 8, 15, 15, 0),
        "关于对锑等物项实施出口管制的公告",
        source=SECURITY,
        versions=text(
            "商务部 海关总署公告2024年第33号",
            PREAMBLE.format(subject="锑、超硬材料相关物项"),
            "一、满足以下特性的物项，未经许可，不得出口：",
            "（一）锑相关物项：锑矿及原料、金属锑及制品、锑化合物（参考海关商品编号：2617101000）。",
            "（二）超硬材料相关物项：六面顶压机关键部件、人造金刚石单晶或立方氮化硼单晶。",
            "二、" + LICENSING[0],
            "三、本公告自2024年9月15日起正式实施。",
            "商务部 海关总署",
            "2024年8月15日",
        ),
    )


def _dual_use_list_51() -> EclNotice:
    """Four issuers; the number only in subTitle; the list as a ``document/download`` file."""
    return ecl(
        ZCFGGZQD,
        "202411",
        1067,
        datetime(2024, 11, 15, 17, 0),
        "关于发布《中华人民共和国两用物项出口管制清单》的公告",
        source=SECURITY,
        sub_title="商务部 工业和信息化部 海关总署 国家密码局公告2024年第51号",
        versions=text(
            "为落实《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》，商务部会同"
            "有关部门制定了《中华人民共和国两用物项出口管制清单》，现予发布。",
            "一、清单所列物项的出口，适用《中华人民共和国两用物项出口管制条例》有关规定。",
            "二、清单自2024年12月1日起施行。此前发布的有关两用物项出口管制清单同时废止。",
            "商务部 工业和信息化部 海关总署 国家密码局",
            "2024年11月15日",
        ),
        attachments=(
            download("8a8081c9934a4b4b01934c2f6e2a0051", "中华人民共和国两用物项出口管制清单.pdf"),
        ),
    )


def _usa_46() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202412",
        1072,
        datetime(2024, 12, 3, 12, 0),
        "商务部公告2024年第46号 关于加强相关两用物项对美国出口管制的公告",
        source=SECURITY,
        versions=text(
            "根据《中华人民共和国出口管制法》等法律法规有关规定，为维护国家安全和利益、履行防扩散"
            "等国际义务，决定加强相关两用物项对美国出口管制。现将有关事项公告如下：",
            "一、禁止两用物项对美国军事用户或军事用途出口。",
            "二、原则上不予许可镓、锗、锑、超硬材料相关两用物项对美国出口；对石墨两用物项对美国出口，"
            "实施更严格的最终用户和最终用途审查。",
            "三、任何国家和地区的组织和个人，违反上述规定，将原产于中华人民共和国的相关两用物项"
            "转移或提供给美国的组织和个人，将依法追究法律责任。",
            "本公告自公布之日起正式实施。",
            "商务部",
            "2024年12月3日",
        ),
    )


def _tungsten_10() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202502",
        1098,
        datetime(2025, 2, 4, 14, 0),
        "商务部 海关总署公告2025年第10号 公布对钨、碲、铋、钼、铟相关物项实施出口管制的决定",
        source=SECURITY,
        versions=control_text(
            "钨、碲、铋、钼、铟相关物项",
            (
                "（一）钨相关物项：仲钨酸铵（参考海关商品编号：2841801000）、氧化钨、部分碳化钨。",
                "（二）碲相关物项：碲锌镉、碲及其化合物。",
                "（三）铋、钼、铟相关物项：铋金属及制品、钼粉、磷化铟及其相关技术。",
            ),
            "本公告自公布之日起正式实施。",
            "商务部 海关总署",
            "2025年2月4日",
        ),
    )


def _rare_earth_tech_62() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202510",
        1170,
        datetime(2025, 10, 9, 10, 0),
        "商务部公告2025第62号 公布对稀土相关技术实施出口管制的决定",
        source=SECURITY,
        versions=text(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "为维护国家安全和利益，经国务院批准，决定对稀土相关技术实施出口管制。",
            "一、稀土开采、冶炼分离、金属冶炼、磁材制造、稀土二次资源回收利用相关技术及其载体，"
            "未经许可，不得出口。",
            "二、本公告自公布之日起正式实施。",
            "商务部",
            "2025年10月9日",
        ),
    )


def _foreign_rare_earth_61() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202510",
        1171,
        datetime(2025, 10, 9, 10, 5),
        "商务部公告2025第61号 公布对境外相关稀土物项实施出口管制的决定",
        source=SECURITY,
        versions=text(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "为维护国家安全和利益，经国务院批准，决定对境外相关稀土物项实施出口管制。",
            "一、境外组织和个人将在境外制造的、含有原产于中国的本公告所列稀土物项且其价值占比"
            "达到0.1%及以上的物项，从境外出口至其他国家和地区的，应当向商务部申请两用物项出口许可。",
            "二、用于军事用途的，原则上不予许可。",
            "三、本公告第一条自2025年12月1日起实施，其余条款自公布之日起正式实施。",
            "商务部",
            "2025年10月9日",
        ),
    )


OCTOBER_JOINT = (
    (
        1175,
        55,
        "部分超硬材料相关物项",
        "人造金刚石微粉、单晶及线锯（参考海关商品编号：7105102000）。",
    ),
    (1176, 56, "部分稀土设备和原辅料相关物项", "稀土冶炼分离设备、稀土金属冶炼设备及相关原辅料。"),
    (1177, 57, "部分中重稀土相关物项", "钬、铒、铥、铕、镱相关金属、合金、氧化物及化合物。"),
    (
        1178,
        58,
        "部分锂电池和人造石墨负极材料相关物项",
        "高能量密度锂电池、正极材料及人造石墨负极。",
    ),
)


def _october_joint() -> list[EclNotice]:
    """MOFCOM+GAC 2025 Nos. 55-58 of 2025-10-09 (ids 1175-1178)."""
    return [
        ecl(
            ZCFGGZQD,
            "202510",
            article_id,
            datetime(2025, 10, 9, 10, 20 + 5 * (article_id - 1175)),
            f"商务部 海关总署公告2025年第{number}号 公布对{subject}实施出口管制的决定",
            source=SECURITY,
            versions=control_text(
                subject,
                (f"（一）{item}",),
                "本公告自2025年11月8日起正式实施。",
                "商务部 海关总署",
                "2025年10月9日",
            ),
        )
        for article_id, number, subject, item in OCTOBER_JOINT
    ]


#: The operative text of 2026 No. 1, as in the www.mofcom.gov.cn replica.
JAPAN_NO_1_TEXT = (
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
)


def _japan_2026_1() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202601",
        1206,
        datetime(2026, 1, 6, 18, 30),
        "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告",
        source=SECURITY,
        versions=text(*JAPAN_NO_1_TEXT),
        first_state=2,
    )


CONTROL_LIST_ENTITIES = (
    "三菱造船株式会社（Mitsubishi Shipbuilding Co., Ltd.）",
    "三菱重工航空发动机株式会社（Mitsubishi Heavy Industries Aero Engines, Ltd.）",
    "三菱重工海洋机械株式会社"
    "（Mitsubishi Heavy Industries Marine Machinery & Equipment Co., Ltd.）",
    "三菱重工发动机与涡轮增压器株式会社（Mitsubishi Heavy Industries Engine & Turbocharger, Ltd.）",
    "三菱重工海事系统株式会社（Mitsubishi Heavy Industries Maritime Systems, Ltd.）",
    "川崎重工航空宇宙系统公司（Kawasaki Heavy Industries Aerospace Systems Company）",
    "川重岐阜工程株式会社（KAWAJU Gifu Engineering Co., Ltd.）",
    "富士通防卫与国家安全株式会社（Fujitsu Defense & National Security Limited）",
    "IHI原动机株式会社（IHI Power Systems Co., Ltd.）",
    "IHI主要金属株式会社（IHI Master Metal Co., Ltd.）",
    "IHI喷气机服务株式会社（IHI Jet Service Co., Ltd.）",
    "IHI宇航株式会社（IHI Aerospace Co., Ltd.）",
    "IHI航空制造株式会社（IHI Aero Manufacturing Co., Ltd.）",
    "IHI宇航工程株式会社（IHI Aerospace Engineering Co., Ltd.）",
    "日本电气网络传感器株式会社（NEC Network and Sensor Systems, Ltd.）",
    "日本电气航空宇宙系统株式会社（NEC Aerospace Systems, Ltd.）",
    "日本海洋联合株式会社（Japan Marine United Corporation）",
    "JMU防务系统株式会社（JMU Defense Systems Co., Ltd.）",
    "防卫大学（National Defense Academy of Japan）",
    "日本宇宙航空研究开发机构（Japan Aerospace Exploration Agency）",
)
WATCH_LIST_ENTITIES = (
    "斯巴鲁株式会社（SUBARU Corporation）",
    "富士航空航天技术株式会社（FUJI Aerospace Technology Co., Ltd.）",
    "引能仕株式会社（ENEOS Corporation）",
    "运输机工业株式会社（Yusoki Co., Ltd.）",
    "伊藤忠航空株式会社（ITOCHU Aviation Co., Ltd.）",
    "俪达集团控股股份有限公司（Leda Group Holdings Co., Ltd.）",
    "东京科学大学（Institute of Science Tokyo）",
    "三菱材料株式会社（Mitsubishi Materials Corporation）",
    "ASPP株式会社（ASPP Co., Ltd.）",
    "八洲电机株式会社（Yashima Denki Co., Ltd.）",
    "住友重机械工业株式会社（Sumitomo Heavy Industries, Ltd.）",
    "TDK株式会社（TDK Corporation）",
    "三井物产航空航天株式会社（Mitsui Bussan Aerospace Co., Ltd.）",
    "日野汽车株式会社（Hino Motors, Ltd.）",
    "东金株式会社（Tokin Corporation）",
    "日新电机株式会社（Nissin Electric Co., Ltd.）",
    "三泰克托株式会社（Sun Tectro Co., Ltd.）",
    "日东电工株式会社（Nitto Denko Corporation）",
    "日油株式会社（NOF Corporation）",
    "半井试剂株式会社（Nacalai Tesque, Inc.）",
)


def _entity_versions(intro: str, measures: tuple[str, ...], names: tuple[str, ...]):
    return (
        Version(
            1,
            (
                Section(
                    (intro, *measures, "本公告自公布之日起正式实施。", "商务部", "2026年2月24日")
                ),
                Section(tuple(f"{i}. {name}" for i, name in enumerate(names, 1)), "附件：名单"),
            ),
        ),
    )


def _japan_2026_12() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202602",
        1208,
        datetime(2026, 2, 24, 15, 0),
        "商务部公告2026年第12号 公布将20家日本实体列入关注名单",
        source=SECURITY,
        versions=_entity_versions(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "因无法核实两用物项最终用户和最终用途，商务部决定将斯巴鲁株式会社等20家日本实体"
            "列入关注名单。现将有关事项公告如下：",
            (
                "一、出口经营者向上述实体出口两用物项的，不得适用通用许可或者以登记填报信息方式"
                "获得出口凭证，应当逐案申请单项许可，并提交风险评估报告和书面承诺。",
                "二、上述实体按规定履行核查配合义务的，可以向商务部申请移出关注名单。",
            ),
            WATCH_LIST_ENTITIES,
        ),
        attachments=(upload("202602", "P020260224581208", "关注名单.pdf"),),
        first_state=5,
    )


def _japan_2026_11() -> EclNotice:
    return ecl(
        ZCFGGZQD,
        "202602",
        1209,
        datetime(2026, 2, 24, 15, 10),
        "商务部公告2026年第11号 公布将20家日本实体列入出口管制管控名单",
        source=SECURITY,
        versions=_entity_versions(
            "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，"
            "为维护国家安全和利益、履行防扩散等国际义务，商务部决定将三菱造船株式会社等20家"
            "日本实体列入出口管制管控名单。现将有关事项公告如下：",
            (
                "一、禁止出口经营者向上述实体出口两用物项；正在开展的相关出口活动应当立即停止。",
                "二、禁止境外组织和个人将原产于中华人民共和国的两用物项转移或提供给上述实体。",
                "三、特殊情况下确需出口的，出口经营者应当向商务部提出申请。",
            ),
            CONTROL_LIST_ENTITIES,
        ),
        attachments=(upload("202602", "P020260224591209", "出口管制管控名单.pdf"),),
        first_state=5,
    )


# -- 国内法规 (column 10): the law and the regulation ----------------------------------------


def regulations() -> list[EclNotice]:
    """The Export Control Law (flfg) and State Council Order No. 792 (gzjgfxwj)."""
    return [
        ecl(
            FLFG,
            "202111",
            226,
            datetime(2020, 10, 17, 18, 0),
            "中华人民共和国出口管制法",
            source="全国人民代表大会常务委员会",
            versions=text(
                "（2020年10月17日第十三届全国人民代表大会常务委员会第二十二次会议通过）",
                "第一章 总则",
                "第一条 为了维护国家安全和利益，履行防扩散等国际义务，加强和规范出口管制，"
                "制定本法。",
                "第二条 国家对两用物项、军品、核以及其他与维护国家安全和利益、履行防扩散等国际义务"
                "相关的货物、技术、服务等物项的出口管制，适用本法。",
                "第四十九条 本法自2020年12月1日起施行。",
            ),
        ),
        ecl(
            GZJGFXWJ,
            "202410",
            1057,
            datetime(2024, 10, 19, 16, 0),
            "中华人民共和国两用物项出口管制条例",
            source="国务院",
            blank_vars=True,
            article_type="2",
            versions=text(
                "中华人民共和国国务院令 第792号",
                "《中华人民共和国两用物项出口管制条例》已经国务院常务会议通过，现予公布，"
                "自2024年12月1日起施行。",
                "总理 李强",
                "2024年9月30日",
                "中华人民共和国两用物项出口管制条例",
                "第一章 总则",
                "第一条 为了维护国家安全和利益，履行防扩散等国际义务，加强和规范两用物项出口管制，"
                "根据《中华人民共和国出口管制法》等法律，制定本条例。",
                "第二条 国家对两用物项的出口管制，适用本条例。",
            ),
        ),
    ]


# -- 国内动态 (column 1): spokesperson Q&As and routine news ---------------------------------


def spokesperson_qas() -> list[EclNotice]:
    """The two Japan-related Q&As of the timeline (states 2 and 5)."""
    return [
        ecl(
            GNDT,
            "202601",
            1204,
            datetime(2026, 1, 6, 18, 20),
            "商务部新闻发言人就加强两用物项对日本出口管制答记者问",
            source=NEWS,
            summary="商务部发布2026年第1号公告，决定加强两用物项对日本出口管制。",
            versions=text(
                "问：商务部发布2026年第1号公告，决定加强两用物项对日本出口管制，请问有何考虑？",
                "答：近期，日本领导人公开发表涉台错误言论，暗示可能武力介入台海。根据《中华人民共和国"
                "出口管制法》等法律法规，商务部发布商务部公告2026年第1号，禁止所有两用物项对日本"
                "军事用户、军事用途以及一切有助于提升日本军事实力的最终用户用途出口。",
                "问：此次措施是否影响中日正常贸易往来？",
                "答：该措施针对的是军事用户、军事用途，正常民用贸易不受影响。",
            ),
            first_state=2,
        ),
        ecl(
            GNDT,
            "202602",
            1207,
            datetime(2026, 2, 24, 15, 20),
            "商务部新闻发言人就将部分日本实体列入出口管制管控名单和关注名单答记者问",
            source=NEWS,
            summary="商务部发布2026年第11号、第12号公告。",
            versions=text(
                "问：商务部今天发布2026年第11号、第12号公告，将部分日本实体分别列入出口管制管控名单"
                "和关注名单，请问有何考虑？",
                "答：商务部依据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》，"
                "将20家参与提升日本军事实力的日本实体列入管控名单，将20家无法核实最终用户和最终用途"
                "的日本实体列入关注名单。",
                "问：相关措施是否影响中日正常经贸往来？",
                "答：措施仅针对名单所列实体和两用物项，守法合规的企业无需担心。",
            ),
            first_state=5,
        ),
    ]


#: (id, posted, published, title, paragraphs) of routine 国内动态 items (synthetic noise).
ROUTINE: tuple[tuple[int, str, datetime, str, tuple[str, ...]], ...] = (
    (
        1202,
        "202601",
        datetime(2025, 12, 31, 10, 0),
        "2025年两用物项出口管制工作综述",
        (
            "2025年，商务部会同有关部门扎实推进两用物项出口管制各项工作。",
            "全年组织出口管制合规培训12期，服务企业4000余家次。",
        ),
    ),
    (
        1201,
        "202512",
        datetime(2025, 12, 30, 16, 0),
        "商务部召开两用物项出口许可便利化措施企业座谈会",
        (
            "12月30日，商务部在京召开两用物项出口许可便利化措施企业座谈会。",
            "与会企业介绍了申请许可、办理通关等方面情况，提出意见建议。",
        ),
    ),
    (
        1199,
        "202512",
        datetime(2025, 12, 24, 15, 0),
        "两用物项出口许可证件电子化申领系统完成升级",
        (
            "两用物项出口许可证件电子化申领系统已完成升级，新增在线补正和进度查询功能。",
            "企业可通过商务部业务系统统一平台登录使用。",
        ),
    ),
    (
        1197,
        "202512",
        datetime(2025, 12, 22, 11, 0),
        "商务部安全与管制局赴江苏调研企业出口管制内部合规工作",
        (
            "近日，商务部安全与管制局赴江苏调研企业出口管制内部合规工作。",
            "调研组走访了多家重点企业，了解内部合规制度建设情况。",
        ),
    ),
    (
        1196,
        "202512",
        datetime(2025, 12, 18, 17, 0),
        "2025年全国出口管制执法工作推进会在京召开",
        (
            "12月18日，2025年全国出口管制执法工作推进会在京召开。",
            "会议总结了年度执法工作，部署下一阶段重点任务。",
        ),
    ),
    (
        1195,
        "202512",
        datetime(2025, 12, 15, 18, 0),
        "商务部新闻发言人就出口管制执法典型案例答记者问",
        (
            "问：商务部近日发布出口管制执法典型案例，请问有何考虑？",
            "答：发布典型案例旨在以案释法，引导企业依法合规开展出口业务。",
        ),
    ),
    (
        1193,
        "202512",
        datetime(2025, 12, 10, 10, 0),
        "商务部举办两用物项出口管制国际研讨会",
        (
            "12月10日，商务部在京举办两用物项出口管制国际研讨会。",
            "来自多个国家和国际组织的代表围绕出口管制合作进行了交流。",
        ),
    ),
    (
        1192,
        "202512",
        datetime(2025, 12, 5, 14, 0),
        "出口管制合规体系建设优秀案例征集活动启动",
        (
            "为推广企业出口管制合规经验，商务部启动合规体系建设优秀案例征集活动。",
            "征集截止日期为2026年3月31日。",
        ),
    ),
    (
        1190,
        "202511",
        datetime(2025, 11, 28, 16, 0),
        "商务部与海关总署召开两用物项出口监管协作会议",
        (
            "11月28日，商务部与海关总署召开两用物项出口监管协作会议。",
            "双方就信息共享、联合核查等工作进行了研究部署。",
        ),
    ),
    (
        1188,
        "202511",
        datetime(2025, 11, 21, 15, 0),
        "商务部通报两用物项出口通用许可实施情况",
        (
            "自两用物项出口通用许可制度实施以来，已有一批企业获得通用许可。",
            "通用许可有效提升了合规企业的出口便利化水平。",
        ),
    ),
    (
        1186,
        "202511",
        datetime(2025, 11, 14, 10, 0),
        "商务部举办2025年第三期出口管制合规培训班",
        (
            "11月14日，商务部举办2025年第三期出口管制合规培训班。",
            "培训围绕两用物项出口管制条例和管制清单进行了系统讲解。",
        ),
    ),
    (
        1184,
        "202511",
        datetime(2025, 11, 7, 16, 0),
        "商务部召开稀土行业出口管制政策宣讲会",
        (
            "11月7日，商务部召开稀土行业出口管制政策宣讲会。",
            "宣讲会介绍了稀土相关物项出口许可申请要求。",
        ),
    ),
    (
        1182,
        "202510",
        datetime(2025, 10, 30, 11, 0),
        "商务部安全与管制局赴广东调研出口管制工作",
        (
            "近日，商务部安全与管制局赴广东调研出口管制工作。",
            "调研组与地方商务主管部门和企业代表进行了座谈。",
        ),
    ),
    (
        1181,
        "202510",
        datetime(2025, 10, 24, 15, 0),
        "第二届出口管制合规论坛在上海举行",
        ("10月24日，第二届出口管制合规论坛在上海举行。", "论坛围绕供应链合规管理等议题开展研讨。"),
    ),
    (
        1179,
        "202510",
        datetime(2025, 10, 17, 10, 0),
        "商务部解读两用物项出口许可审查有关问题",
        (
            "商务部有关负责人就两用物项出口许可审查中企业关心的问题进行了解读。",
            "对符合规定的民用出口申请，商务部将依法予以许可。",
        ),
    ),
    (
        1174,
        "202510",
        datetime(2025, 10, 10, 16, 0),
        "两用物项出口管制政策问答（第三期）",
        (
            "为便于企业理解两用物项出口管制政策，现发布政策问答第三期。",
            "本期问答涉及许可申请材料和最终用户证明等问题。",
        ),
    ),
    (
        1172,
        "202510",
        datetime(2025, 10, 9, 11, 0),
        "商务部新闻发言人就稀土相关物项出口管制措施答记者问",
        (
            "问：商务部今天发布了稀土相关物项出口管制措施，请问有何考虑？",
            "答：相关措施旨在更好维护国家安全和利益，履行防扩散等国际义务。",
        ),
    ),
    (
        1168,
        "202509",
        datetime(2025, 9, 26, 15, 0),
        "商务部举办2025年第二期出口管制合规培训班",
        (
            "9月26日，商务部举办2025年第二期出口管制合规培训班。",
            "来自全国的400余名企业代表参加培训。",
        ),
    ),
    (
        1165,
        "202509",
        datetime(2025, 9, 19, 10, 0),
        "商务部召开两用物项出口经营者座谈会",
        ("9月19日，商务部召开两用物项出口经营者座谈会。", "与会企业反映了许可办理中的问题和建议。"),
    ),
    (
        1162,
        "202509",
        datetime(2025, 9, 12, 16, 0),
        "商务部安全与管制局赴浙江调研企业出口管制内部合规工作",
        (
            "近日，商务部安全与管制局赴浙江调研企业出口管制内部合规工作。",
            "调研组鼓励企业建立健全出口管制内部合规制度。",
        ),
    ),
    (
        1160,
        "202509",
        datetime(2025, 9, 5, 11, 0),
        "两用物项出口许可申请材料填报指南更新说明",
        (
            "商务部更新了两用物项出口许可申请材料填报指南。",
            "更新内容涉及最终用户和最终用途说明的填报要求。",
        ),
    ),
    (
        1157,
        "202508",
        datetime(2025, 8, 29, 15, 0),
        "商务部举办出口管制法律法规宣传周活动",
        (
            "8月25日至29日，商务部举办出口管制法律法规宣传周活动。",
            "活动通过线上线下相结合的方式开展普法宣传。",
        ),
    ),
)

#: The routine item revised in state 2 (a corrected participant count and date).
REVISED_ID = 1200
#: The routine item whose page answers 404 from state 4 (it stays listed).
GONE_ID = 1196


def _revised_training() -> EclNotice:
    original = (
        "12月29日，商务部举办2025年第四期出口管制合规培训班。",
        "来自全国的300余名企业代表参加培训。",
    )
    corrected = (
        "12月26日至29日，商务部举办2025年第四期出口管制合规培训班。",
        "来自全国的350余名企业代表参加培训。",
    )
    return ecl(
        GNDT,
        "202512",
        REVISED_ID,
        datetime(2025, 12, 29, 17, 0),
        "商务部举办2025年第四期出口管制合规培训班",
        source=SECURITY,
        summary=original[0],
        versions=(Version(1, (Section(original),)), Version(2, (Section(corrected),))),
    )


def routine_news() -> list[EclNotice]:
    """The synthetic 国内动态 items listed from state 1."""
    routine = [
        ecl(
            GNDT,
            posted,
            article_id,
            published,
            title,
            source=_routine_source(title),
            summary=paragraphs[0][:40],
            versions=text(*paragraphs),
            gone_state=4 if article_id == GONE_ID else None,
        )
        for article_id, posted, published, title, paragraphs in ROUTINE
    ]
    return [*routine, _revised_training()]


def _routine_source(title: str) -> str:
    return NEWS if "答记者问" in title else SECURITY


def bulk_news(count: int) -> list[EclNotice]:
    """``count`` older synthetic 国内动态 items, one a day back from 2025-08-28.

    Their ids count down from 1156 (skipping the real items' ids); past the 1,149 ids below
    that, items get ids from 100001 up (for bulk sizes beyond 1,149, as in
    bench/cycles_bench.py --bulk 5000)."""
    used = {847, 912, 1024, 1057, 1067, 1072, 1098}
    ids = chain((i for i in range(1156, 0, -1) if i not in used), count_from(100_001))
    first = date(2025, 8, 28)
    return [_bulk_item(index, next(ids), first - timedelta(days=index)) for index in range(count)]


def _bulk_item(index: int, article_id: int, day: date) -> EclNotice:
    label = f"{day.year}年{day.month}月{day.day}日"
    return ecl(
        GNDT,
        f"{day:%Y%m}",
        article_id,
        datetime(day.year, day.month, day.day, 9 + index % 8),
        f"出口管制工作动态（{label}）",
        source=SECURITY,
        versions=text(f"{label}，商务部安全与管制局开展出口管制日常工作。（批次{index + 1}）"),
    )


def notices(bulk: int = 0) -> tuple[EclNotice, ...]:
    """Every exportcontrol notice of the replica, newest first."""
    everything = announcements() + regulations() + spokesperson_qas() + routine_news()
    everything += bulk_news(bulk)
    return tuple(sorted(everything, key=lambda n: (n.published, n.article_id), reverse=True))
