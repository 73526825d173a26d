"""english.mofcom.gov.cn notices served by the replica, as data.

The English site mirrors only some of the Chinese announcements, usually a day or more later.
2025 No. 18 sits at its real URL (``shared/research/real-sites.md`` sections 4 and 9); every
other id is derived from a slug (stable across runs). All English titles and bodies are
written for the replica in the style of MOFCOM's English translations, and the document
numbers deliberately use the several spellings the English site is known to mix
(``MOFCOM Announcement No. 61 of 2025``, ``Announcement No. 18 [2025] of the Ministry of
Commerce and ...``, ``MOFCOM and GAC Announcement No. 57, 2025``, ``Order No. 6 of 2025 of the
Ministry of Commerce``, ``Ministry of Commerce Announcement 2026 No. 11``, ``Announcement
No.12, 2026``).

Timeline: state 2 adds the English 2026 No. 1 (2026-01-07, a day after the Chinese) and the
press conference of 2026-01-08, and revises the English 2025 No. 85; state 5 adds 2026
Nos. 11 and 12 (2026-02-25).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tests.replica.model import Attachment, Notice, Section, Version
from tests.replica.model import single_version as text

ANNOUNCEMENTS = "Policies/AnnouncementsOrders"
PRESS = "News/PressConference"
COLUMN_NAMES = {ANNOUNCEMENTS: "Announcements & Orders", PRESS: "Press Conference"}

MOFCOM = "MOFCOM"
SECURITY = "Bureau of Industry Security, Import and Export Control"
NEWS_OFFICE = "MOFCOM News Office"

LAWS = (
    "In accordance with the relevant provisions of the Export Control Law of the People's "
    "Republic of China, the Foreign Trade Law of the People's Republic of China, the Customs "
    "Law of the People's Republic of China and the Regulations of the People's Republic of "
    "China on the Export Control of Dual-use Items, in order to safeguard national security "
    "and interests and fulfill international obligations such as non-proliferation, with the "
    "approval of the State Council, it is decided to implement export control on {subject}. "
    "The relevant matters are hereby announced as follows:"
)
LICENSING = (
    "II. Exporters shall go through the export license formalities in accordance with the "
    "relevant provisions, apply to the Ministry of Commerce through the provincial competent "
    "commerce departments, and submit the export contract or agreement, the technical "
    "description or test report of the items to be exported, and the certificates of the end "
    "user and end use.",
    "III. The Ministry of Commerce shall examine the application from the date of receipt, or "
    "examine it together with the relevant departments, and decide within the statutory time "
    "limit whether to grant the license.",
)
MOFCOM_GAC = ("Ministry of Commerce", "General Administration of Customs")


@dataclass(frozen=True)
class EnglishHeader:
    """The optional bracketed header block some English pages carry (``div.art-con-gonggao``)."""

    issuer: str
    doc_no: str
    issued: date


@dataclass(frozen=True, kw_only=True)
class EnglishNotice(Notice):
    """An english.mofcom.gov.cn detail page (``/<column>/art/<YYYY>/art_<hex>.html``)."""

    column: str
    source: str
    header: EnglishHeader | None = None

    @property
    def column_name(self) -> str:
        """The column's display name (``meta[name=ColumnName]``)."""
        return COLUMN_NAMES[self.column]


def art_id(slug: str) -> str:
    """A deterministic 32-hex article id for a synthetic English notice."""
    return hashlib.sha256(f"dualwatch-replica:english:{slug}".encode()).hexdigest()[:32]


def art_path(column: str, year: int, hex_id: str) -> str:
    """``/<column>/art/<year>/art_<hex>.html``."""
    return f"/{column}/art/{year}/art_{hex_id}.html"


def _day(moment: date) -> str:
    return f"{moment:%B} {moment.day}, {moment.year}"


def control_text(
    subject: str, items: tuple[str, ...], effective: str, signers: tuple[str, ...], signed: date
) -> tuple[Version, ...]:
    """Body of an English "export control on ... items" announcement."""
    return text(
        LAWS.format(subject=subject),
        "I. The following items shall not be exported without permission:",
        *items,
        *LICENSING,
        f"IV. {effective}",
        *signers,
        _day(signed),
    )


def announcement(
    slug: str,
    published: datetime,
    title: str,
    versions: tuple[Version, ...],
    *,
    header: EnglishHeader | None = None,
    attachments: tuple[Attachment, ...] = (),
    first_state: int = 1,
) -> EnglishNotice:
    """A notice in Announcements & Orders with an id derived from ``slug``."""
    return EnglishNotice(
        path=art_path(ANNOUNCEMENTS, published.year, art_id(slug)),
        title=title,
        published=published,
        versions=versions,
        column=ANNOUNCEMENTS,
        source=MOFCOM,
        header=header,
        attachments=attachments,
        first_state=first_state,
    )


# -- Announcements & Orders ------------------------------------------------------------------


def announcements() -> list[EnglishNotice]:
    """The English announcements and orders, oldest measures first."""
    return [
        _gallium_23(),
        _graphite_39(),
        _list_51(),
        _united_states_46(),
        _no_10(),
        _no_18(),
        _no_55(),
        _no_56(),
        _no_57(),
        _no_58(),
        _no_61(),
        _no_62(),
        _no_70(),
        _remedy_78(),
        _order_6(),
        _licence_85(),
        _japan_2026_1(),
        _japan_2026_11(),
        _japan_2026_12(),
    ]


def _gallium_23() -> EnglishNotice:
    return announcement(
        "2023-no-23",
        datetime(2023, 7, 4, 10, 0),
        "Announcement No. 23 of 2023 of the Ministry of Commerce and the General Administration "
        "of Customs on Implementing Export Control on Gallium and Germanium Related Items",
        control_text(
            "gallium and germanium related items",
            (
                "(1) Gallium related items: metal gallium, gallium nitride, gallium oxide, "
                "gallium phosphide, gallium arsenide and indium gallium arsenide.",
                "(2) Germanium related items: metal germanium, zone-melted germanium ingots, "
                "germanium dioxide and germanium tetrachloride.",
            ),
            "This announcement shall come into force on August 1, 2023.",
            MOFCOM_GAC,
            date(2023, 7, 3),
        ),
    )


def _graphite_39() -> EnglishNotice:
    return announcement(
        "2023-no-39",
        datetime(2023, 10, 23, 9, 30),
        "MOFCOM and GAC Announcement No. 39, 2023 on Optimizing and Adjusting Temporary "
        "Export Control Measures on Graphite Items",
        control_text(
            "high-purity, high-strength and high-density synthetic graphite and natural flake "
            "graphite items",
            (
                "(1) Synthetic graphite materials and products with a purity above 99.9%, a "
                "flexural strength above 30 MPa and a density above 1.73 g/cm3.",
                "(2) Natural flake graphite and its products.",
            ),
            "This announcement shall come into force on December 1, 2023.",
            MOFCOM_GAC,
            date(2023, 10, 20),
        ),
    )


def _list_51() -> EnglishNotice:
    published = datetime(2024, 11, 18, 15, 0)
    slug = "2024-no-51"
    return announcement(
        slug,
        published,
        "Announcement No. 51 of 2024 of the Ministry of Commerce, the Ministry of Industry and "
        "Information Technology, the General Administration of Customs and the State "
        "Cryptography Administration on Releasing the Dual-use Items Export Control List of "
        "the People's Republic of China",
        text(
            "In accordance with the Regulations of the People's Republic of China on the Export "
            "Control of Dual-use Items, the Dual-use Items Export Control List of the People's "
            "Republic of China is hereby released.",
            "The List shall come into force on December 1, 2024.",
            "Annex: Dual-use Items Export Control List of the People's Republic of China",
            "Ministry of Commerce",
            "Ministry of Industry and Information Technology",
            "General Administration of Customs",
            "State Cryptography Administration",
            "November 15, 2024",
        ),
        attachments=(
            Attachment(
                f"/cms_files/filemanager/en/attach/{published:%Y/%m}/{art_id('2024-no-51-list')}"
                ".pdf",
                "Dual-use Items Export Control List.pdf",
            ),
        ),
    )


def _united_states_46() -> EnglishNotice:
    return announcement(
        "2024-no-46",
        datetime(2024, 12, 4, 11, 0),
        "MOFCOM Announcement No. 46 of 2024 on Strengthening Export Control of Relevant "
        "Dual-use Items to the United States",
        text(
            "In accordance with the Export Control Law of the People's Republic of China and "
            "other relevant laws and regulations, in order to safeguard national security and "
            "interests and fulfill international obligations such as non-proliferation, it is "
            "decided to strengthen export control of relevant dual-use items to the United States.",
            "I. The export of dual-use items to U.S. military users or for military purposes is "
            "prohibited.",
            "II. In principle, the export of gallium, germanium, antimony and superhard materials "
            "related dual-use items to the United States shall not be permitted.",
            "III. This announcement shall come into force on the date of promulgation.",
            "Ministry of Commerce",
            "December 3, 2024",
        ),
    )


def _no_10() -> EnglishNotice:
    return announcement(
        "2025-no-10",
        datetime(2025, 2, 5, 10, 0),
        "Announcement No. 10, 2025 of MOFCOM and GAC on Implementing Export Control on Items "
        "Related to Tungsten, Tellurium, Bismuth, Molybdenum and Indium",
        control_text(
            "items related to tungsten, tellurium, bismuth, molybdenum and indium",
            (
                "(1) Tungsten related items: ammonium paratungstate, tungsten oxides and certain "
                "tungsten carbides.",
                "(2) Tellurium, bismuth, molybdenum and indium related items, including indium "
                "phosphide and related technologies.",
            ),
            "This announcement shall come into force on the date of promulgation.",
            MOFCOM_GAC,
            date(2025, 2, 4),
        ),
    )


NO_18_PATH = f"/{ANNOUNCEMENTS}/art/2025/art_0dd87cbee7b045bf93fabe6ab2faceee.html"


def _no_18() -> EnglishNotice:
    """At its real URL; the English page went up on the day of the announcement."""
    return EnglishNotice(
        path=NO_18_PATH,
        title="Announcement No. 18 [2025] of the Ministry of Commerce and the General "
        "Administration of Customs on Implementing Export Control on Some Medium and Heavy "
        "Rare Earth Related Items",
        published=datetime(2025, 4, 4, 20, 15),
        column=ANNOUNCEMENTS,
        source=MOFCOM,
        versions=control_text(
            "items related to seven medium and heavy rare earths: samarium, gadolinium, "
            "terbium, dysprosium, lutetium, scandium and yttrium",
            (
                "(1) Samarium related items: samarium metal, samarium-cobalt alloys and samarium "
                "oxide.",
                "(2) Gadolinium, terbium, dysprosium and lutetium related items: the metals, "
                "alloys, oxides and compounds.",
                "(3) Scandium and yttrium related items: the metals, alloys, oxides and compounds.",
            ),
            "This announcement shall come into force on the date of promulgation.",
            MOFCOM_GAC,
            date(2025, 4, 4),
        ),
    )


def _october(slug: str, hour: int, title: str, versions: tuple[Version, ...]) -> EnglishNotice:
    return announcement(slug, datetime(2025, 10, 10, hour, 0), title, versions)


def _no_55() -> EnglishNotice:
    return _october(
        "2025-no-55",
        10,
        "MOFCOM and GAC Announcement No. 55, 2025 on Implementing Export Control on Items "
        "Related to Superhard Materials",
        control_text(
            "items related to superhard materials",
            (
                "(1) Synthetic diamond micropowder, single crystals and wire saws.",
                "(2) DC arc plasma jet chemical vapor deposition equipment for producing synthetic "
                "diamonds and related technologies.",
            ),
            "This announcement shall come into force on November 8, 2025.",
            MOFCOM_GAC,
            date(2025, 10, 9),
        ),
    )


def _no_56() -> EnglishNotice:
    return _october(
        "2025-no-56",
        11,
        "Announcement No. 56 of 2025 of the Ministry of Commerce and the General Administration "
        "of Customs on Implementing Export Control on Items Related to Certain Rare Earth "
        "Equipment and Raw and Auxiliary Materials",
        control_text(
            "items related to certain rare earth equipment and raw and auxiliary materials",
            (
                "(1) Centrifugal extraction equipment and special kilns for rare earth smelting.",
                "(2) Extraction agents and raw and auxiliary materials for rare earth separation.",
            ),
            "This announcement shall come into force on November 8, 2025.",
            MOFCOM_GAC,
            date(2025, 10, 9),
        ),
    )


def _no_57() -> EnglishNotice:
    """A joint announcement whose English number names only MOFCOM; the signature names both."""
    return _october(
        "2025-no-57",
        12,
        "MOFCOM Announcement No. 57 of 2025 on Implementing Export Control on Some Medium and "
        "Heavy Rare Earth Related Items",
        control_text(
            "items related to five medium and heavy rare earths: holmium, erbium, thulium, "
            "europium and ytterbium",
            (
                "(1) Holmium, erbium and thulium related items: the metals, alloys, oxides and "
                "compounds.",
                "(2) Europium and ytterbium related items: the metals, alloys, oxides and "
                "compounds.",
            ),
            "This announcement shall come into force on November 8, 2025.",
            MOFCOM_GAC,
            date(2025, 10, 9),
        ),
    )


def _no_58() -> EnglishNotice:
    return _october(
        "2025-no-58",
        13,
        "MOFCOM and GAC Announcement No. 58, 2025 on Implementing Export Control on Items "
        "Related to Lithium Batteries and Artificial Graphite Anode Materials",
        control_text(
            "items related to lithium batteries and artificial graphite anode materials",
            (
                "(1) Lithium-ion batteries with an energy density of 300 Wh/kg or more.",
                "(2) Artificial graphite anode materials and their production equipment.",
            ),
            "This announcement shall come into force on November 8, 2025.",
            MOFCOM_GAC,
            date(2025, 10, 9),
        ),
    )


def _no_61() -> EnglishNotice:
    """Carries the bracketed header block; parts take effect at different times."""
    return announcement(
        "2025-no-61",
        datetime(2025, 10, 10, 9, 0),
        "MOFCOM Announcement No. 61 of 2025 on Implementing Export Control on Relevant Overseas "
        "Rare Earth Items",
        text(
            "In accordance with the Export Control Law of the People's Republic of China and the "
            "Regulations of the People's Republic of China on the Export Control of Dual-use "
            "Items, with the approval of the State Council, it is decided to implement export "
            "control on relevant overseas rare earth items.",
            "I. Overseas organizations and individuals shall obtain a dual-use items export "
            "license from the Ministry of Commerce before exporting items manufactured overseas "
            "that contain, integrate or are mixed with Chinese-origin rare earth items listed in "
            "this announcement where their value accounts for 0.1% or more.",
            "II. Applications for military end uses shall in principle not be approved; "
            "applications for the research, development and production of logic chips of 14 "
            "nanometers and below shall be reviewed case by case.",
            "III. Article I of this announcement shall come into force on December 1, 2025, and "
            "the other provisions shall come into force on the date of promulgation.",
            "Ministry of Commerce",
            "October 9, 2025",
        ),
        header=EnglishHeader(SECURITY, "MOFCOM Announcement No. 61 of 2025", date(2025, 10, 9)),
    )


def _no_62() -> EnglishNotice:
    return _october(
        "2025-no-62",
        14,
        "MOFCOM Announcement No. 62 of 2025 on Implementing Export Control on Rare Earth "
        "Related Technologies",
        text(
            "In accordance with the Export Control Law of the People's Republic of China and other "
            "relevant laws and regulations, it is decided to implement export control on rare "
            "earth related technologies.",
            "I. Technologies and their carriers related to rare earth mining, smelting and "
            "separation, metal smelting, magnetic material manufacturing and secondary resource "
            "recycling shall not be exported without permission.",
            "II. This announcement shall come into force on the date of promulgation.",
            "Ministry of Commerce",
            "October 9, 2025",
        ),
    )


def _no_70() -> EnglishNotice:
    return announcement(
        "2025-no-70",
        datetime(2025, 11, 8, 10, 0),
        "Announcement No. 70 of 2025 of MOFCOM and GAC on Suspending the Implementation of "
        "Announcements No. 55, 56, 57, 58, 61 and 62 of 2025",
        text(
            "In accordance with the Export Control Law of the People's Republic of China and other "
            "relevant laws and regulations, with the approval of the State Council, the relevant "
            "matters are hereby announced as follows:",
            "I. The implementation of MOFCOM and GAC Announcements No. 55, 56, 57 and 58 of 2025 "
            "and MOFCOM Announcements No. 61 and 62 of 2025 is suspended until November 10, 2026.",
            "II. This announcement shall come into force on November 10, 2025.",
            *MOFCOM_GAC,
            "November 7, 2025",
        ),
    )


def _remedy_78() -> EnglishNotice:
    """Mentions Japan, but is a trade-remedy ruling, not an export control."""
    return announcement(
        "2025-no-78",
        datetime(2025, 12, 12, 16, 0),
        "MOFCOM Announcement No. 78 of 2025 on the Final Ruling of the Expiry Review of the "
        "Anti-dumping Measures on Imports of Halogenated Butyl Rubber Originating in Japan and "
        "the United States",
        text(
            "In accordance with the Anti-dumping Regulations of the People's Republic of China, "
            "the Ministry of Commerce conducted an expiry review of the anti-dumping measures on "
            "imports of halogenated butyl rubber originating in Japan and the United States.",
            "With effect from December 11, 2025, the anti-dumping duties shall continue to be "
            "levied at the original rates for five years.",
            "Ministry of Commerce",
            "December 10, 2025",
        ),
    )


def _order_6() -> EnglishNotice:
    return announcement(
        "order-2025-6",
        datetime(2025, 12, 23, 15, 0),
        "Order No. 6 of 2025 of the Ministry of Commerce: Decision on Amending the Measures for "
        "the Record-filing and Registration of Foreign Trade Operators",
        text(
            "The Decision of the Ministry of Commerce on Amending the Measures for the "
            "Record-filing and Registration of Foreign Trade Operators, adopted at the 20th "
            "ministerial meeting of the Ministry of Commerce on December 8, 2025, is hereby "
            "promulgated and shall come into force on February 1, 2026.",
            "Minister of Commerce",
            "December 19, 2025",
        ),
    )


LICENCE_BASE = (
    "In accordance with the Foreign Trade Law of the People's Republic of China and the "
    "Regulations of the People's Republic of China on the Administration of the Import and "
    "Export of Goods, the 2026 Catalogue of Goods Subject to Export Licence Administration is "
    "hereby released.",
    "I. In 2026, 43 kinds of goods are subject to export licence administration.",
    "II. Exporters of dual-use items listed in the Catalogue shall also comply with the "
    "provisions on the export control of dual-use items.",
)


def _licence_85() -> EnglishNotice:
    """Revised in state 2, like its Chinese original: the effective date moves."""
    signature = (*MOFCOM_GAC, "December 30, 2025")
    original = (*LICENCE_BASE, "III. This announcement shall come into force on January 1, 2026.")
    revised = (
        *LICENCE_BASE,
        "III. This announcement shall come into force on January 15, 2026. Export licences "
        "issued before January 15, 2026 remain valid during their term of validity.",
    )
    return announcement(
        "2025-no-85",
        datetime(2026, 1, 4, 10, 30),
        "MOFCOM and GAC Announcement No. 85, 2025 on Releasing the 2026 Catalogue of Goods "
        "Subject to Export Licence Administration",
        (
            Version(1, (Section((*original, *signature)),)),
            Version(2, (Section((*revised, *signature)),)),
        ),
    )


def _japan_2026_1() -> EnglishNotice:
    """The English version of 2026 No. 1, published a day after the Chinese."""
    return announcement(
        "2026-no-1",
        datetime(2026, 1, 7, 9, 30),
        "MOFCOM Announcement No. 1 of 2026 on Strengthening Export Control of Dual-use Items "
        "to Japan",
        text(
            "In accordance with the Export Control Law of the People's Republic of China, the "
            "Regulations of the People's Republic of China on the Export Control of Dual-use Items "
            "and other relevant laws and regulations, in order to safeguard national security and "
            "interests and fulfill international obligations such as non-proliferation, it is "
            "decided to strengthen export control of dual-use items to Japan. The relevant "
            "matters are hereby announced as follows:",
            "The export of all dual-use items to Japanese military users, for military uses, "
            "and for any other end users or end uses that help enhance Japan's military "
            "capabilities is prohibited.",
            "Organizations and individuals of any country or region that, in violation of the "
            "above provisions, transfer or provide relevant dual-use items originating in the "
            "People's Republic of China to organizations and individuals of Japan shall be held "
            "legally liable in accordance with the law.",
            "This announcement shall come into force on the date of promulgation.",
            "Ministry of Commerce",
            "January 6, 2026",
        ),
        first_state=2,
    )


def _entities(listing: str, paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    return (
        "In accordance with the Export Control Law of the People's Republic of China and the "
        "Regulations of the People's Republic of China on the Export Control of Dual-use Items, "
        f"it is decided to add 20 Japanese entities to the {listing}.",
        *paragraphs,
        "This announcement shall come into force on the date of promulgation.",
        "Ministry of Commerce",
        "February 24, 2026",
    )


def _japan_2026_11() -> EnglishNotice:
    return announcement(
        "2026-no-11",
        datetime(2026, 2, 25, 10, 0),
        "Ministry of Commerce Announcement 2026 No. 11 on Adding 20 Japanese Entities to the "
        "Export Control Control List",
        text(
            *_entities(
                "Export Control Control List",
                (
                    "I. The export of dual-use items to the entities listed in the annex is "
                    "prohibited; ongoing exports shall be stopped immediately.",
                    "II. Organizations and individuals outside China shall not transfer or "
                    "provide dual-use items originating in China to the listed entities.",
                ),
            )
        ),
        first_state=5,
    )


def _japan_2026_12() -> EnglishNotice:
    return announcement(
        "2026-no-12",
        datetime(2026, 2, 25, 10, 5),
        "Announcement No.12, 2026 on Adding 20 Japanese Entities to the Watch List",
        text(
            *_entities(
                "Watch List",
                (
                    "I. Exporters exporting dual-use items to the entities listed in the annex "
                    "shall submit a risk assessment report and a written commitment with their "
                    "license applications.",
                    "II. The listed entities include SUBARU Corporation, TDK Corporation, ENEOS "
                    "Corporation and Mitsubishi Materials Corporation.",
                ),
            )
        ),
        first_state=5,
    )


# -- Press Conference ------------------------------------------------------------------------


def press(moment: datetime, paragraphs: tuple[str, ...], first_state: int = 1) -> EnglishNotice:
    """A regular press conference transcript held on ``moment``'s day."""
    return EnglishNotice(
        path=art_path(PRESS, moment.year, art_id(f"press-{moment:%Y-%m-%d}")),
        title=f"MOFCOM Regular Press Conference ({_day(moment)})",
        published=moment,
        versions=text(*paragraphs),
        column=PRESS,
        source=NEWS_OFFICE,
        first_state=first_state,
    )


def press_conferences() -> list[EnglishNotice]:
    """The English press conference transcripts."""
    return [
        press(
            datetime(2025, 12, 11, 19, 0),
            (
                "Spokesperson: Good afternoon. Today I will brief you on the consumption data "
                "of the past month.",
                "Q: Could you comment on the progress of the trade-in programme for consumer "
                "goods?",
                "A: The programme has continued to support the recovery of consumption.",
            ),
        ),
        press(
            datetime(2025, 12, 18, 19, 0),
            (
                "Spokesperson: Good afternoon. The Ministry of Commerce held a symposium on "
                "foreign trade in the fourth quarter.",
                "Q: What measures will be taken to stabilize foreign trade next year?",
                "A: We will keep optimizing services for foreign trade enterprises.",
            ),
        ),
        press(
            datetime(2025, 12, 25, 19, 0),
            (
                "Spokesperson: Good afternoon. Today's topics are the 2026 export licence "
                "catalogue and the year-end market supply.",
                "Q: Have the tariff quotas for fertilizer imports in 2026 been released?",
                "A: Yes, MOFCOM Announcement No. 80 of 2025 released the quotas and procedures.",
            ),
        ),
        press(
            datetime(2026, 1, 8, 18, 30),
            (
                "Spokesperson: Good afternoon. Let me start with the export control of dual-use "
                "items to Japan.",
                "Q: On January 6, MOFCOM issued Announcement No. 1 of 2026 on strengthening "
                "export control of dual-use items to Japan. Japan has protested. What is your "
                "comment?",
                "A: The measures are lawful, legitimate and reasonable. They target Japanese "
                "military users and military uses and do not affect normal civilian trade. "
                "Compliant exporters have nothing to worry about.",
                "Q: Will the measures affect rare earth exports to Japan?",
                "A: Exports for civilian uses will continue to be licensed in accordance with "
                "the law.",
            ),
            first_state=2,
        ),
    ]


# -- bulk --------------------------------------------------------------------------------------


def bulk_notices(count: int) -> list[EnglishNotice]:
    """``count`` older synthetic announcements, one per day going back from 2023-06-30."""
    first = date(2023, 6, 30)
    return [_bulk_notice(index, first - timedelta(days=index)) for index in range(count)]


def _bulk_notice(index: int, day: date) -> EnglishNotice:
    number = 1000 + index
    return announcement(
        f"bulk-{index}",
        datetime(day.year, day.month, day.day, 9 + index % 8, 0),
        f"MOFCOM Announcement No. {number} of {day.year} on Routine Trade Administration "
        f"Matters (Batch {index + 1})",
        text(
            f"The relevant matters of batch {index + 1} are hereby announced.",
            "Ministry of Commerce",
            _day(day),
        ),
    )


def notices(bulk: int = 0) -> tuple[EnglishNotice, ...]:
    """Every English notice of the replica, newest first."""
    everything = announcements() + press_conferences() + bulk_notices(bulk)
    return tuple(sorted(everything, key=lambda n: (n.published, n.path), reverse=True))
