"""The bulletin in a real browser: headless Chromium opens pages from ``file://`` and shows
the hostile title as text, the diff marks, the stylesheet; no script runs.

Skipped when Chromium is not installed (``apt-get install chromium``).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.test_site import HOSTILE_SHOWN, build_hostile_site

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)
#: style.css: the page background (body), seen at the screenshot's top-left corner.
BACKGROUND = (0xF6, 0xF8, 0xFA)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return build_hostile_site(tmp_path_factory.mktemp("browser"))


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throw-away profile and no network side traffic."""
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def dom(page: Path, profile: Path) -> BeautifulSoup:
    """The page's DOM after Chromium loaded it (and ran whatever it would have run)."""
    html = chromium(profile, "--dump-dom", page.as_uri()).stdout
    assert "</html>" in html
    return BeautifulSoup(html, "html.parser")


def test_the_document_page_shows_the_hostile_title_as_text(site, tmp_path: Path) -> None:
    directory, pages = site
    rendered = dom(directory / pages["document"], tmp_path / "profile")
    assert rendered.h1.get_text() == HOSTILE_SHOWN
    assert rendered.body.get("data-pwned") is None, "no script ran"
    assert rendered.find("script") is None and rendered.find("img") is None
    inserted = [ins.get_text() for ins in rendered.select("div.diff ins")]
    assert any("新增<script>alert(7)</script>一行" in text for text in inserted)
    assert rendered.select("p.legend del") and rendered.select("p.legend ins")


def test_the_index_links_the_document_in_the_browser(site, tmp_path: Path) -> None:
    directory, pages = site
    rendered = dom(directory / "index.html", tmp_path / "profile")
    link = rendered.select_one("li.item h2 a")
    assert link.get_text() == HOSTILE_SHOWN
    assert link["href"].split("#")[0] == pages["document"]
    assert rendered.body.get("data-pwned") is None


def test_a_screenshot_shows_a_styled_page(site, tmp_path: Path) -> None:
    directory, pages = site
    shot = tmp_path / "shot.png"
    chromium(
        tmp_path / "profile",
        f"--screenshot={shot}",
        "--window-size=1200,900",
        "--hide-scrollbars",
        (directory / pages["document"]).as_uri(),
    )
    width, height, pixels = read_png(shot.read_bytes())
    assert (width, height) == (1200, 900)
    assert shot.stat().st_size > 10_000 and len(set(pixels)) > 50, "not a blank page"
    assert top_left(pixels) == BACKGROUND, "style.css loaded through its relative link"


def read_png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the decompressed (still filtered) image data of an 8-bit RGB(A)
    PNG; the first row's first pixel is stored as is whatever the row's filter."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), (depth, color)
    return width, height, zlib.decompress(idat)


def top_left(pixels: bytes) -> tuple[int, int, int]:
    """The RGB of the first pixel (after the first row's filter byte)."""
    return pixels[1], pixels[2], pixels[3]
