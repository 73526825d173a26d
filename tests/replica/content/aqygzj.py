"""aqygzj.mofcom.gov.cn (产业安全与进出口管制局) notices served by the replica, as data.

Real URLs, titles, numbers and dates come from ``shared/research/real-sites.md`` section 9:
the gallium/germanium (2023 No. 23) and antimony (2024 No. 33) announcements under ``qdml``
and 2026 No. 12 (20 Japanese entities to the watch list) under ``flzc/gzjgfxwj``. Every body
text is written for the replica in the announcements' style; the entities of the synthetic
entity-list announcements are fictitious. Other announcements that MOFCOM also publishes on
www.mofcom.gov.cn (2025 Nos. 10, 18, 61, 62, 70, 2023 No. 39, 2024 No. 51, 2026 No. 1) carry
their real numbers at synthetic aqygzj URLs, so copies can be grouped by document number.
The remaining notices, Q&A and work news are synthetic noise.

Columns: ``flzc/gzjgfxwj`` (规章及规范性文件) and ``qdml`` (清单目录) are jpaas columns read
through the unit API; ``zhxx`` (spokesperson Q&A) and ``gzdt`` (work news) are only linked
from the static home page here.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

from tests.replica.content.exportcontrol import CONTROL_LIST_ENTITIES, WATCH_LIST_ENTITIES
from tests.replica.content.mofcom import UNRELIABLE_ENTITY_TEXT, art_path
from tests.replica.model import Attachment, Gonggao, MofcomNotice, Section, Version
from tests.replica.model import single_version as text

GZJ = "flzc/gzjgfxwj"
QDML = "qdml"
ZHXX = "zhxx"
GZDT = "gzdt"

COLUMN_NAMES = {
    GZJ: "规章及规范性文件",
    QDML: "清单目录",
    ZHXX: "综合信息",
    GZDT: "工作动态",
}

BUREAU = "安全与管制局"
NEWS_OFFICE = "商务部新闻办公室"
ISSUER = "安全与管制局"

CONTROL_PREAMBLE = (
    "根据《中华人民共和国出口管制法》《中华人民共和国对外贸易法》《中华人民共和国海关法》"
    "有关规定，为维护国家安全和利益，经国务院批准，决定对{subject}实施出口管制。"
    "现将有关事项公告如下："
)
LICENSING = (
    "二、出口经营者应当按照相关规定办理出口许可手续，通过省级商务主管部门向商务部提出申请，"
    "填写两用物项和技术出口许可申请表，并提交出口合同或者协议、拟出口物项的技术说明或者"
    "检测报告、最终用户和最终用途证明等文件。",
    "三、商务部应当自收到出口申请文件之日起进行审查，或者会同有关部门进行审查，"
    "并在法定期限内作出准予或者不予许可的决定。",
    "四、出口经营者应当向海关出具两用物项和技术出口许可证，依照《中华人民共和国海关法》"
    "的规定办理海关手续，并接受海关监管。",
)
LIST_PREAMBLE = (
    "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》等法律法规"
    "有关规定，为维护国家安全和利益、履行防扩散等国际义务，商务部决定{action}。"
    "现将有关事项公告如下："
)
LIST_RULES = (
    "禁止出口经营者向上述实体出口两用物项；正在开展的相关出口活动应当立即停止。"
    "特殊情况下确需出口的，出口经营者应当向商务部提出申请。"
)


def art_id(slug: str) -> str:
    """A deterministic 32-hex article id for a synthetic aqygzj notice."""
    return hashlib.sha256(f"dualwatch-replica:aqygzj:{slug}".encode()).hexdigest()[:32]


def column_of(path: str) -> str:
    """The column key of a detail path (``/qdml/art/…`` → ``qdml``)."""
    return path.strip("/").split("/art/", 1)[0]


def pdf(published: datetime, slug: str, label: str) -> Attachment:
    """An attachment under ``/cms_files/filemanager/…/<YYYY>/<MM>/<hex>.pdf``."""
    hex_id = art_id(f"attachment:{slug}")
    return Attachment(
        f"/cms_files/filemanager/2087351446/attach/{published:%Y/%m}/{hex_id}.pdf", label
    )


def _real(
    column: str, hex_id: str, published: datetime, title: str, doc_no: str, **kw: Any
) -> MofcomNotice:
    """An announcement with a real URL (or real number) and the bureau's header block."""
    return MofcomNotice(
        path=art_path(column, published.year, hex_id),
        title=title,
        published=published,
        source=BUREAU,
        column=COLUMN_NAMES[column],
        header=Gonggao(ISSUER, doc_no, published.date()),
        **kw,
    )


def _synthetic(
    slug: str, column: str, published: datetime, title: str, doc_no: str | None = None, **kw: Any
) -> MofcomNotice:
    """A notice at a synthetic URL derived from ``slug``; a header when it has ``doc_no``."""
    kw.setdefault("source", NEWS_OFFICE if column == ZHXX else BUREAU)
    return MofcomNotice(
        path=art_path(column, published.year, art_id(slug)),
        title=title,
        published=published,
        column=COLUMN_NAMES[column],
        header=Gonggao(ISSUER, doc_no, published.date()) if doc_no is not None else None,
        **kw,
    )


# -- 清单目录 (qdml) ---------------------------------------------------------------------------


def gallium_germanium() -> MofcomNotice:
    """MOFCOM+GAC 2023 No. 23 at its real URL (issued 2023-07-03, effective 2023-08-01)."""
    return _real(
        QDML,
        "c2ae3d2061e14e97ba608de1ed565f78",
        datetime(2023, 7, 3, 15, 0),
        "商务部 海关总署公告2023年第23号 关于对镓、锗相关物项实施出口管制的公告",
        "商务部 海关总署公告2023年第23号",
        versions=text(
            CONTROL_PREAMBLE.format(subject="镓、锗相关物项"),
            "一、满足以下特性的物项，未经许可，不得出口：",
            "（一）镓相关物项：金属镓（单质）、氮化镓、氧化镓、磷化镓、砷化镓、铟镓砷、硒化镓、"
            "锑化镓。",
            "（二）锗相关物项：金属锗（单质）、区熔锗锭、磷锗锌、锗外延生长衬底、二氧化锗、"
            "四氯化锗。",
            *LICENSING,
            "五、本公告自2023年8月1日起正式实施。",
            "商务部 海关总署",
            "2023年7月3日",
        ),
    )


def antimony() -> MofcomNotice:
    """MOFCOM+GAC 2024 No. 33 at its real URL (issued 2024-08-15, effective 2024-09-15)."""
    return _real(
        QDML,
        "b907a108e35945db9f8b04e1ed77b659",
        datetime(2024, 8, 15, 16, 0),
        "商务部 海关总署公告2024年第33号 关于对锑等物项实施出口管制的公告",
        "商务部 海关总署公告2024年第33号",
        versions=text(
            CONTROL_PREAMBLE.format(subject="锑等物项"),
            "一、满足以下特性的物项，未经许可，不得出口：",
            "（一）锑相关物项：锑矿及原料、金属锑及制品、锑的氧化物、锑的冶炼分离技术。",
            "（二）超硬材料相关物项：六面顶压机关键设备、人造金刚石单晶生产工艺技术。",
            *LICENSING,
            "五、本公告自2024年9月15日起正式实施。",
            "商务部 海关总署",
            "2024年8月15日",
        ),
    )


def dual_use_list_51() -> MofcomNotice:
    """2024 No. 51 (the Dual-use Export Control List) at a synthetic aqygzj URL."""
    published = datetime(2024, 11, 15, 17, 0)
    return _synthetic(
        "2024-no-51",
        QDML,
        published,
        "商务部 工业和信息化部 海关总署 国家密码局公告2024年第51号 "
        "关于发布《中华人民共和国两用物项出口管制清单》的公告",
        "商务部 工业和信息化部 海关总署 国家密码局公告2024年第51号",
        versions=text(
            "为贯彻落实《中华人民共和国两用物项出口管制条例》，商务部会同有关部门制定了"
            "《中华人民共和国两用物项出口管制清单》，现予发布。",
            "本公告自2024年12月1日起正式实施。",
            "商务部 工业和信息化部 海关总署 国家密码局",
            "2024年11月15日",
        ),
        attachments=(pdf(published, "2024-no-51", "中华人民共和国两用物项出口管制清单.pdf"),),
    )


def graphite_39() -> MofcomNotice:
    """2023 No. 39 (graphite) at a synthetic aqygzj URL."""
    return _synthetic(
        "2023-no-39",
        QDML,
        datetime(2023, 10, 20, 16, 0),
        "商务部 海关总署公告2023年第39号 关于优化调整石墨物项临时出口管制措施的公告",
        "商务部 海关总署公告2023年第39号",
        versions=text(
            "为维护国家安全和利益，经国务院批准，决定优化调整石墨物项临时出口管制措施。"
            "现将有关事项公告如下：",
            "一、对高纯度、高强度、高密度的人造石墨材料及其制品，以及天然鳞片石墨及其制品"
            "实施出口管制。",
            "二、取消对5种低敏感石墨物项的临时管制。",
            "三、本公告自2023年12月1日起正式实施。",
            "商务部 海关总署",
            "2023年10月20日",
        ),
    )


# -- 规章及规范性文件 (flzc/gzjgfxwj) -------------------------------------------------------


def annex_rows(heading: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The annex's entities as the body's last paragraphs: a heading, then ``1. NAME`` rows.

    The replica's PDF annexes hold no text a reader could take rows from (ASCII only), so the
    aqygzj copies of 2026 Nos. 11 and 12 show the rows in the body, as the exportcontrol
    copies do (the same names).
    """
    return (heading, *(f"{i}. {name}" for i, name in enumerate(names, 1)))


def watch_list_12() -> MofcomNotice:
    """2026 No. 12 at its real URL: 20 Japanese entities to the watch list (state 5)."""
    published = datetime(2026, 2, 24, 10, 5)
    return _real(
        GZJ,
        "9482ff2a127541ee9989bfd2a3d47dd8",
        published,
        "商务部公告2026年第12号 公布将20家日本实体列入关注名单",
        "商务部公告2026年第12号",
        versions=text(
            LIST_PREAMBLE.format(action="将20家日本实体列入关注名单"),
            "一、将SUBARU（斯巴鲁）、TDK、ENEOS、三菱综合材料等20家日本实体列入关注名单，"
            "实体名称及地址见附件。",
            "二、出口经营者向关注名单中的实体出口两用物项的，应当在申请出口许可时提交风险评估"
            "报告，并提交不擅自改变两用物项最终用途、不向第三方转移的书面承诺。",
            "三、本公告自公布之日起正式实施。",
            "商务部",
            "2026年2月24日",
            *annex_rows("附件：关注名单实体名称", WATCH_LIST_ENTITIES),
        ),
        attachments=(pdf(published, "2026-no-12", "关注名单实体名称及地址.pdf"),),
        first_state=5,
    )


def control_list_11() -> MofcomNotice:
    """2026 No. 11 (20 Japanese entities to the control list) at a synthetic URL (state 5)."""
    published = datetime(2026, 2, 24, 10, 0)
    return _synthetic(
        "2026-no-11",
        GZJ,
        published,
        "商务部公告2026年第11号 公布将20家日本实体列入出口管制管控名单",
        "商务部公告2026年第11号",
        versions=text(
            LIST_PREAMBLE.format(action="将20家日本实体列入出口管制管控名单"),
            "一、将20家日本实体列入出口管制管控名单，实体名称及地址见附件。",
            f"二、{LIST_RULES}",
            "三、本公告自公布之日起正式实施。",
            "商务部",
            "2026年2月24日",
            *annex_rows("附件：管控名单实体名称", CONTROL_LIST_ENTITIES),
        ),
        attachments=(pdf(published, "2026-no-11", "管控名单实体名称及地址.pdf"),),
        first_state=5,
    )


JAPAN_NO1_TEXT = (
    "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》等法律法规"
    "有关规定，为维护国家安全和利益、履行防扩散等国际义务，决定加强两用物项对日本出口管制。"
    "现将有关事项公告如下：",
    "禁止所有两用物项对日本军事用户、军事用途，以及一切有助于提升日本军事实力的其他"
    "最终用户用途出口。",
    "任何国家和地区的组织和个人，违反上述规定，将原产于中华人民共和国的相关两用物项转移或"
    "提供给日本的组织和个人，将依法追究法律责任。",
    "本公告自公布之日起正式实施。",
    "商务部",
    "2026年1月6日",
)
#: State 4: the bureau corrects its contact address under the announcement — a revision
#: that matches no topic (alerted only to whoever follows the document).
JAPAN_NO1_CORRECTION = "（联系地址已更正为：北京市东城区东长安街2号。）"


def japan_2026_1() -> MofcomNotice:
    """2026 No. 1 (toward Japan) at a synthetic aqygzj URL (state 2); the published text,
    revised in state 4 by a contact-address correction (no relevant text changes)."""
    return _synthetic(
        "2026-no-1",
        GZJ,
        datetime(2026, 1, 6, 17, 30),
        "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告",
        "商务部公告2026年第1号",
        versions=(
            Version(1, (Section(JAPAN_NO1_TEXT),)),
            Version(
                4, (Section((*JAPAN_NO1_TEXT[:-2], JAPAN_NO1_CORRECTION, *JAPAN_NO1_TEXT[-2:])),)
            ),
        ),
        first_state=2,
    )


CONTROL_LIST_88_ENTITIES = (
    "1.北岬航空动力公司（Northcape Aero Dynamics Inc.），地址：美国弗吉尼亚州阿灵顿市。",
    "2.灰隼防务系统公司（Greyfalcon Defense Systems LLC），地址：美国亚利桑那州图森市。",
)
CONTROL_LIST_88_SIGNATURE = ("商务部", "2025年12月30日")


def control_list_88() -> MofcomNotice:
    """Fictitious entities; revised in state 2 (an address is corrected, a note added)."""
    original = (
        LIST_PREAMBLE.format(action="将3家美国实体列入出口管制管控名单"),
        "一、将以下3家美国实体列入出口管制管控名单：",
        *CONTROL_LIST_88_ENTITIES,
        "3.蓝脊光电科技公司（Blueridge Photonics Corp.），地址：美国科罗拉多州丹佛市。",
        f"二、{LIST_RULES}",
        "三、本公告自公布之日起正式实施。",
        *CONTROL_LIST_88_SIGNATURE,
    )
    revised = (
        *original[:4],
        "3.蓝脊光电科技公司（Blueridge Photonics Corp.），地址：美国科罗拉多州奥罗拉市。",
        *original[5:7],
        "（第3项实体地址已于2026年1月8日更正。）",
        *CONTROL_LIST_88_SIGNATURE,
    )
    return _synthetic(
        "2025-no-88",
        GZJ,
        datetime(2025, 12, 30, 10, 0),
        "商务部公告2025年第88号 关于将3家美国实体列入出口管制管控名单的公告",
        "商务部公告2025年第88号",
        versions=(Version(1, (Section(original),)), Version(2, (Section(revised),))),
    )


def _watch_list_87() -> MofcomNotice:
    return _synthetic(
        "2025-no-87",
        GZJ,
        datetime(2025, 12, 22, 15, 0),
        "商务部公告2025年第87号 关于将2家外国实体列入关注名单的公告",
        "商务部公告2025年第87号",
        versions=text(
            LIST_PREAMBLE.format(action="将2家外国实体列入关注名单"),
            "1.远帆精密仪器有限公司（Farsail Precision Instruments Ltd.），地址：新加坡。",
            "2.银湾材料贸易公司（Silverbay Materials Trading GmbH），地址：德国汉堡市。",
            "本公告自公布之日起正式实施。",
            "商务部",
            "2025年12月22日",
        ),
    )


def _licence_notice() -> MofcomNotice:
    return _synthetic(
        "licence-2026",
        GZJ,
        datetime(2025, 12, 12, 16, 0),
        "商务部办公厅关于做好2026年度两用物项出口许可证件申领工作的通知",
        versions=text(
            "各省、自治区、直辖市及计划单列市、新疆生产建设兵团商务主管部门：",
            "为做好2026年度两用物项和技术出口许可证件申领工作，现将有关事项通知如下：",
            "一、出口经营者通过商务部业务系统统一平台在线申领许可证件。",
            "二、各地商务主管部门应当加强对出口经营者的政策宣讲和合规指导。",
            "商务部办公厅",
            "2025年12月12日",
        ),
    )


def _compliance_76() -> MofcomNotice:
    published = datetime(2025, 11, 28, 11, 0)
    return _synthetic(
        "2025-no-76",
        GZJ,
        published,
        "商务部公告2025年第76号 关于发布《两用物项出口经营者内部合规指引》的公告",
        "商务部公告2025年第76号",
        versions=text(
            "为指导两用物项出口经营者建立健全出口管制内部合规制度，商务部制定了"
            "《两用物项出口经营者内部合规指引》，现予发布。",
            "本公告自2026年1月1日起施行。",
            "商务部",
            "2025年11月28日",
        ),
        attachments=(pdf(published, "2025-no-76", "两用物项出口经营者内部合规指引.pdf"),),
    )


def _unreliable_entity() -> MofcomNotice:
    return _synthetic(
        "unreliable-entity-suspension",
        GZJ,
        datetime(2025, 11, 10, 11, 0),
        "不可靠实体清单工作机制关于暂停对部分美国实体采取相关措施的公告",
        "",
        versions=text(*UNRELIABLE_ENTITY_TEXT),
    )


def _suspension_70() -> MofcomNotice:
    return _synthetic(
        "2025-no-70",
        GZJ,
        datetime(2025, 11, 7, 19, 0),
        "商务部 海关总署公告2025年第70号 关于暂停实施2025年第55号、第56号、第57号、第58号、"
        "第61号、第62号公告的公告",
        "商务部 海关总署公告2025年第70号",
        versions=text(
            "根据《中华人民共和国出口管制法》等法律法规有关规定，经国务院批准，现将有关事项公告如下：",
            "一、暂停实施商务部 海关总署公告2025年第55号、第56号、第57号、第58号，以及商务部公告"
            "2025年第61号、第62号，暂停至2026年11月10日。",
            "二、本公告自2025年11月10日起实施。",
            "商务部 海关总署",
            "2025年11月7日",
        ),
    )


def _watch_list_68() -> MofcomNotice:
    return _synthetic(
        "2025-no-68",
        GZJ,
        datetime(2025, 10, 20, 10, 0),
        "商务部公告2025年第68号 关于调整出口管制关注名单的公告",
        "商务部公告2025年第68号",
        versions=text(
            "根据《中华人民共和国两用物项出口管制条例》有关规定，经审查，相关实体已按要求提交"
            "最终用户和最终用途证明材料，商务部决定将以下3家实体移出关注名单：",
            "1. 示例微电子有限公司（Example Microelectronics Pte. Ltd.）",
            "地址：新加坡示例大道21号",
            "2. 示例先进材料有限公司（Example Advanced Materials GmbH）",
            "常用名称：示例材料",
            "地址：德国慕尼黑市示例大街10号",
            "3. 示例传感科技公司（Example Sensing Technologies Inc.）",
            "地址：美国马萨诸塞州波士顿市示例街5号",
            "本公告自公布之日起正式实施。",
            "商务部",
            "2025年10月20日",
        ),
    )


def _rare_earth_technology_62() -> MofcomNotice:
    return _synthetic(
        "2025-no-62",
        GZJ,
        datetime(2025, 10, 9, 9, 10),
        "商务部公告2025年第62号 公布对稀土相关技术实施出口管制的决定",
        "商务部公告2025年第62号",
        versions=text(
            CONTROL_PREAMBLE.format(subject="稀土相关技术"),
            "一、稀土开采、冶炼分离、金属冶炼、磁材制造及稀土二次资源回收利用相关技术及其载体，"
            "未经许可，不得出口。",
            "二、本公告自公布之日起正式实施。",
            "商务部",
            "2025年10月9日",
        ),
    )


def _foreign_rare_earth_61() -> MofcomNotice:
    return _synthetic(
        "2025-no-61",
        GZJ,
        datetime(2025, 10, 9, 9, 0),
        "商务部公告2025第61号 公布对境外相关稀土物项实施出口管制的决定",
        "商务部公告2025年第61号",
        versions=text(
            CONTROL_PREAMBLE.format(subject="境外相关稀土物项"),
            "一、境外组织和个人出口含有、集成或者混有原产于中国的相关稀土物项且价值占比达到"
            "0.1%及以上的物项，应当取得商务部颁发的两用物项出口许可证。",
            "二、本公告第一条自2025年12月1日起实施，其余条款自公布之日起实施。",
            "商务部",
            "2025年10月9日",
        ),
    )


def _control_list_52() -> MofcomNotice:
    return _synthetic(
        "2025-no-52",
        GZJ,
        datetime(2025, 9, 25, 15, 0),
        "商务部公告2025年第52号 关于将2家美国实体列入出口管制管控名单的公告",
        "商务部公告2025年第52号",
        versions=text(
            LIST_PREAMBLE.format(action="将2家美国实体列入出口管制管控名单"),
            "1.红杉雷达技术公司（Redwood Radar Technologies Inc.），"
            "地址：美国加利福尼亚州圣何塞市。",
            "2.铁锚海事电子公司（Ironanchor Marine Electronics LLC），"
            "地址：美国弗吉尼亚州诺福克市。",
            LIST_RULES,
            "本公告自公布之日起正式实施。",
            "商务部",
            "2025年9月25日",
        ),
    )


def _licence_review_44() -> MofcomNotice:
    return _synthetic(
        "2025-no-44",
        GZJ,
        datetime(2025, 8, 28, 16, 0),
        "商务部公告2025年第44号 关于两用物项出口许可申请审查有关事项的公告",
        "商务部公告2025年第44号",
        versions=text(
            "为规范两用物项出口许可申请的受理和审查，现将有关事项公告如下：",
            "一、申请材料齐全的，商务部自收到申请之日起45个工作日内作出决定。",
            "二、本公告自2025年10月1日起施行。",
            "商务部",
            "2025年8月28日",
        ),
    )


def _training_notice() -> MofcomNotice:
    return _synthetic(
        "training-2025",
        GZJ,
        datetime(2025, 7, 15, 10, 0),
        "商务部办公厅关于开展2025年两用物项出口管制合规培训的通知",
        versions=text(
            "各省、自治区、直辖市及计划单列市商务主管部门：",
            "为提升出口经营者合规能力，商务部定于2025年下半年分区域开展两用物项出口管制合规培训。",
            "商务部办公厅",
            "2025年7月15日",
        ),
    )


def _watch_list_34() -> MofcomNotice:
    return _synthetic(
        "2025-no-34",
        GZJ,
        datetime(2025, 6, 20, 15, 0),
        "商务部公告2025年第34号 关于将部分实体移出关注名单的公告",
        "商务部公告2025年第34号",
        versions=text(
            "经核查，相关实体已履行承诺，商务部决定将以下2家实体移出关注名单：",
            "1. 示例精密工业有限公司（Example Precision Industries Co., Ltd.）",
            "地址：新加坡示例路8号",
            "2. 示例光电材料公司（Example Photonic Materials S.A.）",
            "地址：法国巴黎市示例街12号",
            "本公告自公布之日起正式实施。",
            "商务部",
            "2025年6月20日",
        ),
    )


def _end_user_26() -> MofcomNotice:
    return _synthetic(
        "2025-no-26",
        GZJ,
        datetime(2025, 5, 9, 16, 0),
        "商务部公告2025年第26号 关于两用物项最终用户和最终用途证明有关事项的公告",
        "商务部公告2025年第26号",
        versions=text(
            "为加强两用物项最终用户和最终用途管理，现将有关事项公告如下：",
            "一、最终用户和最终用途证明应当由最终用户出具并加盖公章。",
            "二、本公告自2025年6月1日起施行。",
            "商务部",
            "2025年5月9日",
        ),
    )


def _rare_earth_18() -> MofcomNotice:
    return _synthetic(
        "2025-no-18",
        GZJ,
        datetime(2025, 4, 4, 16, 0),
        "商务部 海关总署公告2025年第18号 公布对部分中重稀土相关物项实施出口管制的决定",
        "商务部 海关总署公告2025年第18号",
        versions=text(
            CONTROL_PREAMBLE.format(subject="钐、钆、铽、镝、镥、钪、钇等7类中重稀土相关物项"),
            "一、上述物项未经许可，不得出口。",
            "二、本公告自公布之日起正式实施。",
            "商务部 海关总署",
            "2025年4月4日",
        ),
    )


def _control_list_14() -> MofcomNotice:
    return _synthetic(
        "2025-no-14",
        GZJ,
        datetime(2025, 3, 4, 11, 0),
        "商务部公告2025年第14号 关于将2家美国实体列入出口管制管控名单的公告",
        "商务部公告2025年第14号",
        versions=text(
            LIST_PREAMBLE.format(action="将2家美国实体列入出口管制管控名单"),
            "1.晨星无人系统公司（Morningstar Unmanned Systems Inc.），"
            "地址：美国德克萨斯州奥斯汀市。",
            "2.峡谷推进技术公司（Canyon Propulsion Technologies LLC），地址：美国犹他州盐湖城。",
            LIST_RULES,
            "本公告自公布之日起正式实施。",
            "商务部",
            "2025年3月4日",
        ),
    )


def _tungsten_10() -> MofcomNotice:
    return _synthetic(
        "2025-no-10",
        GZJ,
        datetime(2025, 2, 4, 14, 0),
        "商务部 海关总署公告2025年第10号 公布对钨、碲、铋、钼、铟相关物项实施出口管制的决定",
        "商务部 海关总署公告2025年第10号",
        versions=text(
            CONTROL_PREAMBLE.format(subject="钨、碲、铋、钼、铟相关物项"),
            "一、上述物项未经许可，不得出口。",
            "二、本公告自公布之日起正式实施。",
            "商务部 海关总署",
            "2025年2月4日",
        ),
    )


# -- 综合信息 (zhxx): spokesperson Q&A ---------------------------------------------------------


def _qa(slug: str, published: datetime, topic: str, answer: str, **kw: Any) -> MofcomNotice:
    """A spokesperson Q&A page (no header block, no document number)."""
    return _synthetic(
        slug,
        ZHXX,
        published,
        f"商务部新闻发言人就{topic}答记者问",
        versions=text(
            f"问：商务部近日发布了{topic}的相关公告，请问有何考虑？",
            f"答：{answer}",
            "问：相关措施对正常贸易有何影响？",
            "答：对于符合规定的出口申请，商务部将依法依规予以许可，正常贸易不受影响。",
        ),
        **kw,
    )


def japan_qa() -> MofcomNotice:
    """The spokesperson's Q&A on 2026 No. 1 (state 2)."""
    return _qa(
        "qa-2026-japan",
        datetime(2026, 1, 6, 18, 0),
        "加强两用物项对日本出口管制",
        "该措施依据《中华人民共和国出口管制法》等法律法规作出，具体内容以商务部公告"
        "2026年第1号为准。",
        first_state=2,
    )


def _qa_entities_2026() -> MofcomNotice:
    return _qa(
        "qa-2026-japan-entities",
        datetime(2026, 2, 24, 11, 0),
        "将20家日本实体列入出口管制管控名单和关注名单",
        "相关决定依法作出，实体名单详见商务部公告2026年第11号、第12号。",
        first_state=5,
    )


def _qa_routine() -> list[MofcomNotice]:
    answers = "有关措施依法作出，旨在更好地维护国家安全和利益、履行防扩散等国际义务。"
    topics = (
        ("qa-2025-88", datetime(2025, 12, 30, 18, 0), "将3家美国实体列入出口管制管控名单"),
        ("qa-2025-uel", datetime(2025, 11, 10, 18, 0), "不可靠实体清单工作机制暂停相关措施"),
        ("qa-2025-70", datetime(2025, 11, 7, 20, 0), "暂停实施部分出口管制措施"),
        ("qa-2025-61", datetime(2025, 10, 9, 12, 0), "稀土相关物项出口管制措施"),
        ("qa-2025-44", datetime(2025, 8, 28, 18, 0), "两用物项出口许可审查有关事项"),
        ("qa-2025-18", datetime(2025, 4, 4, 18, 0), "对部分中重稀土相关物项实施出口管制"),
    )
    return [_qa(slug, published, topic, answers) for slug, published, topic in topics]


# -- 工作动态 (gzdt): work news ------------------------------------------------------------------


def _news(slug: str, published: datetime, title: str, first_state: int = 1) -> MofcomNotice:
    label = f"{published.month}月{published.day}日"
    return _synthetic(
        slug,
        GZDT,
        published,
        title,
        versions=text(
            f"{label}，{title}。",
            "会议强调，要坚持总体国家安全观，统筹发展和安全，持续提升出口管制治理能力。",
        ),
        first_state=first_state,
    )


WORK_NEWS = (
    ("news-2026-plan", datetime(2026, 1, 7, 10, 0), "安全与管制局召开2026年出口管制工作部署会"),
    ("news-2025-review", datetime(2025, 12, 26, 16, 0),
     "安全与管制局召开2025年度两用物项出口管制工作总结会"),
    ("news-2025-shanghai", datetime(2025, 12, 18, 9, 0), "两用物项出口管制合规培训班在上海举办"),
    ("news-2025-guangdong", datetime(2025, 12, 5, 15, 0),
     "安全与管制局赴广东调研出口管制合规体系建设"),
    ("news-2025-interagency", datetime(2025, 11, 20, 10, 0), "出口管制部际协调机制召开工作会议"),
    ("news-2025-exchange", datetime(2025, 11, 14, 14, 0), "中外企业出口管制合规交流会在京举办"),
    ("news-2025-e-licence", datetime(2025, 10, 28, 10, 0),
     "安全与管制局举办两用物项出口许可电子化政策说明会"),
    ("news-2025-tianjin", datetime(2025, 9, 16, 15, 0), "两用物项出口管制执法协作座谈会在天津召开"),
)  # fmt: skip


def _work_news() -> list[MofcomNotice]:
    """Eight news items; the newest appears in state 2."""
    return [
        _news(slug, published, title, 2 if published.year == 2026 else 1)
        for slug, published, title in WORK_NEWS
    ]


# -- everything --------------------------------------------------------------------------------


def policy_notices() -> list[MofcomNotice]:
    """The 规章及规范性文件 column (newest first is not required here)."""
    return [
        watch_list_12(),
        control_list_11(),
        japan_2026_1(),
        control_list_88(),
        _watch_list_87(),
        _licence_notice(),
        _compliance_76(),
        _unreliable_entity(),
        _suspension_70(),
        _watch_list_68(),
        _rare_earth_technology_62(),
        _foreign_rare_earth_61(),
        _control_list_52(),
        _licence_review_44(),
        _training_notice(),
        _watch_list_34(),
        _end_user_26(),
        _rare_earth_18(),
        _control_list_14(),
        _tungsten_10(),
    ]


def list_notices() -> list[MofcomNotice]:
    """The 清单目录 column."""
    return [dual_use_list_51(), antimony(), graphite_39(), gallium_germanium()]


def bulk_notices(count: int) -> list[MofcomNotice]:
    """``count`` older synthetic 规范性文件 notices, one per day going back from 2025-01-31."""
    first = date(2025, 1, 31)
    return [_bulk_notice(index, first - timedelta(days=index)) for index in range(count)]


def _bulk_notice(index: int, day: date) -> MofcomNotice:
    label = f"{day.year}年{day.month}月{day.day}日"
    return _synthetic(
        f"bulk-{index}",
        GZJ,
        datetime(day.year, day.month, day.day, 9 + index % 8, 0),
        f"商务部办公厅关于做好{label}两用物项出口管制有关工作的通知",
        versions=text(
            "各省、自治区、直辖市及计划单列市商务主管部门：",
            f"现就{label}两用物项出口管制有关工作通知如下，请认真组织实施。（批次{index + 1}）",
            "商务部办公厅",
            label,
        ),
    )


def notices(bulk: int = 0) -> tuple[MofcomNotice, ...]:
    """Every aqygzj notice of the replica, newest first."""
    everything = [
        *policy_notices(),
        *list_notices(),
        *_qa_routine(),
        japan_qa(),
        _qa_entities_2026(),
        *_work_news(),
        *bulk_notices(bulk),
    ]
    return tuple(sorted(everything, key=lambda n: (n.published, n.path), reverse=True))
