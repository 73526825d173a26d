"""MOFA Japan's English press releases (www.mofa.go.jp/press/release/) served by the replica.

All releases are synthetic. They mirror the Japanese ones in :mod:`tests.replica.content.mofa`
(the English site translates a selection, often later): the protest by Director-General KANAI
Masaaki to SHI Yong over China's dual-use export ban (2026-01-06, published 2026-01-07) appears
in state 2 as ``The text will be coming soon.`` and gets its translation in state 4 (one
modification); it and its Japanese original link each other with ``<link rel="alternate"
hreflang=…>`` (``mofa.ENGLISH_TRANSLATIONS``). State 5 (as of 2026-02-25) adds the releases
of 2026-01-26..2026-02-25, among them the protest of 2026-02-24 over the 20-entity listings.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

from tests.replica.model import Attachment, MofaRelease, Section, Version
from tests.replica.model import single_version as text

RELEASE_DIR = "/press/release"
TOP = ("/index.html", "Home")
PRESS_CRUMBS = (
    TOP,
    ("/press/index.html", "Press"),
    (f"{RELEASE_DIR}/index.html", "Press Releases"),
)
RELATED = (
    (f"{RELEASE_DIR}/index.html", "Press Releases"),
    ("/press/kaiken/index.html", "Press Conferences"),
    ("/press/statement/index.html", "Statements"),
    ("/policy/oda/index.html", "Official Development Assistance (ODA)"),
)
CHINA_RELATED = (
    ("/region/asia-paci/china/index.html", "China"),
    ("/region/asia-paci/china/relation.html", "Japan-China Relations"),
    ("/press/kaiken/index.html", "Press Conferences"),
    (f"{RELEASE_DIR}/index.html", "Press Releases"),
)
COMING_SOON = "The text will be coming soon."
SECTION_TITLE = "Press Releases"


def english_date(day: date) -> str:
    """``January 7, 2026`` (the detail pages' date line)."""
    return f"{calendar.month_name[day.month]} {day.day}, {day.year}"


def month_day(day: date) -> str:
    """``January 7`` (the index headings: no year)."""
    return f"{calendar.month_name[day.month]} {day.day}"


def files_pdf(number: int, label: str) -> Attachment:
    """An attachment at ``/files/<9 digits>.pdf`` (the English site's file store)."""
    return Attachment(f"/files/{100094000 + number:09d}.pdf", label)


def press(
    number: int,
    day: date,
    title: str,
    versions: tuple[Version, ...],
    *,
    first_state: int = 1,
    related: tuple[tuple[str, str], ...] = RELATED,
    attachments: tuple[Attachment, ...] = (),
) -> MofaRelease:
    """A release at ``/press/release/pressite_000001_<NNNNN>.html``."""
    return MofaRelease(
        path=f"{RELEASE_DIR}/pressite_000001_{number:05d}.html",
        title=title,
        published=datetime(day.year, day.month, day.day, 19, 0),
        versions=versions,
        seq=number,
        section_title=SECTION_TITLE,
        breadcrumb=PRESS_CRUMBS,
        related=related,
        attachments=attachments,
        first_state=first_state,
    )


def december_releases() -> list[MofaRelease]:
    """December 2025: the first two are older than the state-1 index window (archive only)."""
    return [
        press(
            1993,
            date(2025, 12, 2),
            "Third Meeting of the Joint Committee under the Japan-Peru Economic Partnership "
            "Agreement",
            text(
                "1. On December 2, the Third Meeting of the Joint Committee under the Japan-Peru "
                "Economic Partnership Agreement was held in Tokyo.",
                "2. The two sides exchanged views on the implementation of the Agreement.",
            ),
        ),
        press(
            1996,
            date(2025, 12, 3),
            "Dispatch of a Japan Disaster Relief Expert Team to Sri Lanka",
            text(
                "1. In response to a request from the Government of the Democratic Socialist "
                "Republic of Sri Lanka, the Government of Japan decided to dispatch a Japan "
                "Disaster Relief Expert Team following the floods.",
            ),
        ),
        press(
            2001,
            date(2025, 12, 9),
            "Signing and Exchange of Notes concerning Grant Aid to Mongolia",
            text(
                "1. On December 9, Notes concerning grant aid of up to 1.2 billion yen were "
                "signed and exchanged in Ulaanbaatar.",
                "2. The project will improve primary education facilities in Ulaanbaatar.",
            ),
            attachments=(files_pdf(1, "(Reference) Project Outline (PDF)"),),
        ),
        press(
            2008,
            date(2025, 12, 12),
            "Visit of the Parliamentary Vice-Minister for Foreign Affairs to the Kingdom of "
            "Cambodia",
            text(
                "1. The Parliamentary Vice-Minister for Foreign Affairs will visit the Kingdom of "
                "Cambodia from December 14 to 16.",
            ),
        ),
        press(
            2015,
            date(2025, 12, 18),
            "The Seventh Japan-ASEAN Economic Cooperation Consultations",
            text(
                "1. On December 18, the Seventh Japan-ASEAN Economic Cooperation Consultations "
                "were held in Jakarta.",
                "2. The two sides discussed supply chain resilience and digital cooperation.",
            ),
        ),
        press(
            2027,
            date(2025, 12, 26),
            "Japan-Uzbekistan Foreign Ministers' Telephone Talk",
            text(
                "1. On December 26, the Minister for Foreign Affairs held a telephone talk with "
                "the Minister of Foreign Affairs of the Republic of Uzbekistan.",
            ),
        ),
        press(
            2031,
            date(2025, 12, 29),
            "Safety Reminder for Japanese Nationals Travelling Overseas during the Year-End "
            "and New Year Holidays",
            text(
                "1. Japanese nationals travelling overseas are advised to check the latest "
                "safety information for their destinations.",
            ),
        ),
    ]


def january_releases() -> list[MofaRelease]:
    """January 2026 releases of state 1."""
    return [
        press(
            2034,
            date(2026, 1, 5),
            "New Year's Reflection by the Minister for Foreign Affairs",
            text(
                "At the start of the new year, I extend my best wishes to the people of Japan.",
                "This year, too, Japan will pursue a diplomacy that protects its national "
                "interests and contributes to the peace and prosperity of the world.",
            ),
        ),
        press(
            2035,
            date(2026, 1, 5),
            "Signing and Exchange of Notes concerning Grant Aid to the Republic of the Philippines",
            text(
                "1. On January 5, Notes concerning grant aid for the Economic and Social "
                "Development Programme were signed and exchanged in Manila.",
                "2. The grant will provide equipment to enhance coastal security capabilities.",
            ),
        ),
    ]


PROTEST_TITLE = (
    "Protest by Director-General of the Asian and Oceanian Affairs Bureau KANAI Masaaki "
    "against China's Export Control Measures on Dual-Use Items toward Japan"
)
PROTEST_TEXT = (
    "1. On January 6, the Ministry of Commerce of the People's Republic of China announced a "
    "ban on exports of all dual-use items to military users and for military end uses in Japan, "
    "as well as to any other end users or end uses that contribute to enhancing Japan's "
    "military capabilities.",
    "2. In response, on the evening of the same day, Mr. KANAI Masaaki, Director-General of the "
    "Asian and Oceanian Affairs Bureau, Ministry of Foreign Affairs, lodged a strong protest "
    "with Mr. SHI Yong, Deputy Chief of Mission of the Embassy of the People's Republic of "
    "China in Japan, stating that the measure, which targets only Japan, deviates "
    "significantly from international practice, is absolutely unacceptable and extremely "
    "regrettable, and demanded its withdrawal.",
    "3. The Government of Japan will closely examine the content of the measure and its impact "
    "on Japan, and respond appropriately.",
)


def state2_releases() -> list[MofaRelease]:
    """Releases that appear in state 2; the protest's translation only follows in state 4."""
    return [
        press(
            2038,
            date(2026, 1, 6),
            "Japan-Viet Nam Foreign Ministers' Telephone Talk",
            text(
                "1. On January 6, the Minister for Foreign Affairs held a telephone talk with "
                "the Minister of Foreign Affairs of the Socialist Republic of Viet Nam.",
            ),
            first_state=2,
        ),
        press(
            2040,
            date(2026, 1, 7),
            PROTEST_TITLE,
            (
                Version(2, (Section((COMING_SOON,)),)),
                Version(4, (Section(PROTEST_TEXT),)),
            ),
            related=CHINA_RELATED,
            first_state=2,
        ),
        press(
            2041,
            date(2026, 1, 7),
            "Emergency Grant Aid for Winterization Assistance in Ukraine",
            text(
                "1. The Government of Japan decided to extend Emergency Grant Aid of 10 million "
                "US dollars through international organizations for winterization assistance "
                "in Ukraine.",
            ),
            first_state=2,
        ),
        press(
            2044,
            date(2026, 1, 8),
            "Visit of the Parliamentary Vice-Minister for Foreign Affairs to the African Union "
            "(AU) Headquarters",
            text(
                "1. The Parliamentary Vice-Minister for Foreign Affairs will visit the Federal "
                "Democratic Republic of Ethiopia from January 10 to 12.",
            ),
            first_state=2,
        ),
    ]


def state5_releases() -> list[MofaRelease]:
    """Releases of 2026-01-26..2026-02-25 that appear in state 5."""
    return [
        press(
            2101,
            date(2026, 1, 27),
            "Japan-Australia Foreign Ministers' Telephone Talk",
            text(
                "1. On January 27, the Minister for Foreign Affairs held a telephone talk with "
                "the Minister for Foreign Affairs of Australia.",
            ),
            first_state=5,
        ),
        press(
            2118,
            date(2026, 2, 5),
            "Signing and Exchange of Notes concerning Grant Aid to the Republic of Ghana",
            text(
                "1. On February 5, Notes concerning grant aid of up to 800 million yen were "
                "signed and exchanged in Accra.",
            ),
            attachments=(files_pdf(2, "(Reference) Project Outline (PDF)"),),
            first_state=5,
        ),
        press(
            2131,
            date(2026, 2, 12),
            "The Third Japan-Chile Economic Dialogue",
            text(
                "1. On February 12, the Third Japan-Chile Economic Dialogue was held in Santiago.",
                "2. The two sides exchanged views on resilient supply chains for critical "
                "minerals.",
            ),
            first_state=5,
        ),
        press(
            2147,
            date(2026, 2, 24),
            "Protest by Director-General of the Asian and Oceanian Affairs Bureau KANAI Masaaki "
            "against China's Listing of Japanese Entities under Its Export Control Measures",
            text(
                "1. On February 24, the Ministry of Commerce of the People's Republic of China "
                "announced that it would add 20 Japanese entities to its Export Control List "
                "and another 20 Japanese entities to its Watch List.",
                "2. In response, on the same day, Mr. KANAI Masaaki, Director-General of the "
                "Asian and Oceanian Affairs Bureau, lodged a strong protest with Mr. SHI Yong, "
                "Deputy Chief of Mission of the Embassy of the People's Republic of China in "
                "Japan, and demanded the withdrawal of the measures.",
            ),
            related=CHINA_RELATED,
            first_state=5,
        ),
        press(
            2150,
            date(2026, 2, 25),
            "Japan-Philippines Vice-Ministerial Consultations",
            text(
                "1. On February 25, Japan-Philippines Vice-Ministerial Consultations were held "
                "in Tokyo.",
            ),
            first_state=5,
        ),
    ]


def releases() -> tuple[MofaRelease, ...]:
    """Every English release of the replica, newest first (by day, then sequence)."""
    everything = december_releases() + january_releases() + state2_releases() + state5_releases()
    return tuple(sorted(everything, key=lambda r: (r.day, r.seq), reverse=True))


def archive_path(year: int, month: int) -> str:
    """``/press/release/202601_index.html``."""
    return f"{RELEASE_DIR}/{year}{month:02d}_index.html"


def archive_months(as_of: date) -> list[tuple[int, list[tuple[int, str | None]]]]:
    """Archive table rows, newest year first: (year, [(month, path or None if future)])."""
    rows = []
    for year in range(as_of.year, 2023, -1):
        months = [
            (
                month,
                archive_path(year, month) if (year, month) <= (as_of.year, as_of.month) else None,
            )
            for month in range(1, 13)
        ]
        rows.append((year, months))
    return rows
