"""Alert and digest emails rendered from their views: golden files, escaping, subjects, sizes.

``UPDATE_GOLDEN=1 pytest tests/test_emailrender.py`` (re)writes ``tests/golden/email_*``;
read the diff (and open the HTML in a browser) before committing it. Each ``.txt`` golden
holds the subject line, a blank line and the text part; each ``.html`` golden the HTML part.
"""

from __future__ import annotations

import difflib
import email
import email.policy
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from jinja2 import nodes as jinja_nodes
from markupsafe import Markup

from monitors.changes import detect
from monitors.changes.alerts import classify_pending, matchable_parts
from monitors.core.config import Config, load_config
from monitors.mail.alertview import alert_view
from monitors.mail.emailrender import (
    ALERT_DIFF_MAX_LINES,
    DIGEST_MAX_ITEMS,
    RenderedMessage,
    clip_chars,
    digest_summary_chars,
    email_environment,
    is_generic_title,
    period_label,
    render_alert,
    render_digest,
    safe_url,
    shorten,
)
from monitors.mail.emailviews import (
    AlertView,
    AttachmentView,
    CopyView,
    DigestGroup,
    DigestView,
    ListChangeView,
    ListRowView,
    MatchView,
    SourceHealthView,
)
from monitors.mail.htmldiff import DEL_STYLE, INS_STYLE, MARK_STYLE, diff_table, highlight
from monitors.mail.messages import build_email
from monitors.mail.render import environment
from monitors.mail.safetext import is_invisible
from monitors.rules.load import load_rules
from monitors.storage.ledger import Ledger
from monitors.storage.models import Attachment, FetchedFile, FetchedNotice
from monitors.storage.store import Store
from monitors.text.diff import TextDiff, diff_texts
from monitors.text.normalize import normalize_text
from tests.conftest import REPLICA_CONFIG

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
GMAIL_CLIP_BYTES = 102 * 1024

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"商务部公告{XSS_SCRIPT}{XSS_IMG}"

# ---- fixtures: realistic notices from the replica ------------------------------------------

NO1_TITLE = "商务部公告2026年第1号 关于加强两用物项对日本出口管制的公告"
NO1_TEXT = (
    "根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》等法律法规有关规定，"
    "为维护国家安全和利益、履行防扩散等国际义务，决定加强两用物项对日本出口管制。"
    "现将有关事项公告如下：\n"
    "禁止所有两用物项对日本军事用户、军事用途，以及一切有助于提升日本军事实力的其他最终用户"
    "用途出口。\n"
    "任何国家和地区的组织和个人，违反上述规定，将原产于中华人民共和国的相关两用物项转移或提供"
    "给日本的组织和个人，将依法追究法律责任。\n"
    "本公告自公布之日起正式实施。\n"
    "商务部\n"
    "2026年1月6日"
)
DANWA_OLD = (
    "1. 1月6日、中国商務部は、全ての両用品目について、日本の軍事ユーザー及び軍事用途等向けの"
    "輸出を禁止する措置を発表しました。\n"
    "2. 我が国のみを対象とする今般の措置は、国際的な慣行と大きく異なるものであり、決して許容"
    "できず、極めて遺憾です。我が国は、中国側に対し、措置の撤回を強く求めます。\n"
    "3. 我が国は、措置の内容及び影響を精査し、関係国とも連携しつつ適切に対応していきます。"
)
DANWA_NEW = DANWA_OLD.replace("措置を発表しました", "措置を公表しました")
ANNEX_OLD = "2026年出口许可证管理货物目录\n一、稀土\n二、钨、锑\n三、锡\n四、白银\n五、钼"
ANNEX_NEW = (
    "2026年出口许可证管理货物目录\n一、稀土（含稀土永磁体）\n二、钨、锑\n三、锡\n四、白银\n五、钼"
)


def alert(**fields: object) -> AlertView:
    """An alert view with neutral defaults, overridden by ``fields``."""
    base = AlertView(
        change_id=1,
        kind="new",
        source="mofcom",
        source_title="MOFCOM 政策发布",
        url="https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_1.html",
        title="商务部公告",
        detected_at="2026-01-06T09:40:12+00:00",
        doc_number=None,
        issuer=None,
        published=None,
        effective=None,
        doc_type=None,
        language="zh",
        copies=(),
        matches=(),
        excerpt="",
        title_diff=None,
        body_diff=None,
        attachments=(),
        http_status=None,
    )
    return replace(base, **fields)


def new_chinese_announcement() -> AlertView:
    """MOFCOM 2026 No. 1 as first seen, matched by two topics, with its three copies."""
    return alert(
        change_id=41,
        url="https://www.mofcom.gov.cn/zcfb/zgdwjjmywg/art/2026/art_5eb791b008284131855c37cc70d84e26.html",
        title=NO1_TITLE,
        doc_number="商务部公告2026年第1号",
        issuer="商务部",
        published="2026-01-06",
        effective="2026-01-06",
        doc_type="announcement",
        copies=(
            CopyView(
                "mofcom-bis", "zh", "https://aqygzj.mofcom.gov.cn/gzjgfxwj/art/2026/art_1.html"
            ),
            CopyView(
                "mofcom-ecl", "zh", "https://exportcontrol.mofcom.gov.cn/article/gnfg/202601/1.html"
            ),
            CopyView(
                "mofcom-en",
                "en",
                "https://english.mofcom.gov.cn/Policies/Announcements/art/2026/art_1.html",
            ),
        ),
        matches=(
            MatchView(
                "dual-use",
                "Dual-use items",
                "两用物项",
                "关于加强两用物项对日本出口管制的公告",
                "title",
            ),
            MatchView(
                "dual-use",
                "Dual-use items",
                "出口管制",
                "…决定加强两用物项对日本出口管制。现将…",
                "text",
            ),
            MatchView(
                "japan", "Japan", "日本", "…禁止所有两用物项对日本军事用户、军事用途…", "text"
            ),
        ),
        excerpt=NO1_TEXT,
        remaining_chars=0,
    )


def modified_japanese_notice() -> AlertView:
    """MOFA's 談話 revised by one character (発表 → 公表)."""
    body = diff_texts(normalize_text(DANWA_OLD), normalize_text(DANWA_NEW))
    return alert(
        change_id=57,
        kind="modified",
        source="mofa-ja",
        source_title="外務省 報道発表",
        url="https://www.mofa.go.jp/mofaj/press/danwa/pageit_000001_01212.html",
        title="中国による日本向け両用品目の輸出管理措置について（外務報道官談話）",
        detected_at="2026-01-08T02:15:00+00:00",
        issuer="外務報道官",
        published="2026-01-07",
        doc_type="statement",
        language="ja",
        copies=(
            CopyView(
                "mofa-en", "en", "https://www.mofa.go.jp/press/release/pressite_000001_01234.html"
            ),
        ),
        matches=(
            MatchView(
                "dual-use",
                "Dual-use items",
                "両用品目",
                "…中国商務部は、全ての両用品目について、日本の…",
                "text",
            ),
        ),
        body_diff=body,
    )


def attachment_change() -> AlertView:
    """MOFCOM 2025 No. 85: annex 1 corrected, a correction notice added, an old file removed."""
    annex = diff_texts(ANNEX_OLD, ANNEX_NEW)
    base = "https://www.mofcom.gov.cn/cms_files/filemanager/1514837720/attach/2025/12/"
    return alert(
        change_id=88,
        kind="modified",
        url="https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_d7507c40739d6b87c152102ce5c2a158.html",
        title="商务部 海关总署公告2025年第85号 公布《2026年出口许可证管理货物目录》",
        detected_at="2026-02-25T01:02:03+00:00",
        doc_number="商务部 海关总署公告2025年第85号",
        issuer="商务部 海关总署",
        published="2025-12-30",
        effective="2026-01-15",
        doc_type="announcement",
        matches=(
            MatchView(
                "rare-earths",
                "Rare earths and critical minerals",
                "稀土",
                "一、稀土（含稀土永磁体）",
                "attachment",
            ),
        ),
        attachments=(
            AttachmentView(
                "附件1.2026年出口许可证管理货物目录.pdf",
                base + "73b76ba0.pdf",
                48213,
                "changed",
                annex,
            ),
            AttachmentView(
                "附件2.2026年出口许可证管理货物分级发证目录.pdf", base + "a7a9ad67.pdf", 30712, None
            ),
            AttachmentView("附件3.更正说明.pdf", base + "c0ffee01.pdf", 812, "added"),
            AttachmentView("附件1（旧）.pdf", base + "0ld0ld00.pdf", None, "removed"),
        ),
    )


def removed_notice() -> AlertView:
    """A MOFCOM notice whose page now answers 404."""
    return alert(
        change_id=93,
        kind="removed",
        url="https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_0c6f1e3a.html",
        title="商务部公告2025年第61号 关于对部分稀土相关物项实施出口管制的决定",
        detected_at="2026-02-10T06:00:00+00:00",
        doc_number="商务部公告2025年第61号",
        issuer="商务部",
        published="2025-10-09",
        doc_type="announcement",
        http_status=404,
    )


def restored_notice() -> AlertView:
    """The notice removed above, served again a week later with its effective date added."""
    old = (
        "商务部公告2025年第61号\n决定对部分稀土相关物项实施出口管制。\n本公告自公布之日起正式实施。"
    )
    new = old.replace("自公布之日起", "自2025年12月1日起")
    return replace(
        removed_notice(),
        change_id=97,
        kind="restored",
        detected_at="2026-02-17T06:00:00+00:00",
        http_status=None,
        removed_at="2026-02-10T06:00:00+00:00",
        matches=(
            MatchView(
                "rare-earths",
                "Rare earths and critical minerals",
                "稀土",
                "关于对部分稀土相关物项实施出口管制的决定",
                "title",
            ),
        ),
        body_diff=diff_texts(old, new),
        attachments=(
            AttachmentView(
                "附件.稀土相关物项清单.pdf",
                "https://www.mofcom.gov.cn/cms_files/filemanager/attach/2025/10/0c6f1e3a.pdf",
                None,
                None,
                unavailable=True,
            ),
        ),
    )


def modified_generic_page() -> AlertView:
    """METI's 改正情報 page (a generic title): one line rewritten, one date edited."""
    old = (
        "改正情報\n令和8年1月5日更新\n輸出貿易管理令の一部を改正する政令が公布されました。\n"
        "施行日は令和8年2月1日です。"
    )
    new = (
        "改正情報\n令和8年1月8日更新\n外国ユーザーリストを改正し、中国の12団体を追加しました。\n"
        "施行日は令和8年2月1日です。"
    )
    return alert(
        change_id=120,
        kind="modified",
        source="meti-law",
        source_title="経済産業省 安全保障貿易管理",
        url="https://www.meti.go.jp/policy/anpo/law_document/kaisei.html",
        title="改正情報",
        detected_at="2026-01-08T03:00:00+00:00",
        language="ja",
        matches=(
            MatchView(
                "entity-lists",
                "Entity lists",
                "外国ユーザーリスト",
                "外国ユーザーリストを改正し、中国の12団体を追加しました。",
                "text",
            ),
            MatchView(
                "entity-lists", "Entity lists", "団体", "…中国の12団体を追加しました。", "text"
            ),
        ),
        body_diff=diff_texts(old, new),
    )


def modified_in_two_languages() -> AlertView:
    """MOFCOM 2025 No. 85 revised in Chinese and in English in one crawl: one alert, headlined
    in Chinese, the English copy's change below it."""
    english = alert(
        change_id=12,
        kind="modified",
        source="mofcom-en",
        source_title="MOFCOM English",
        url="https://english.mofcom.gov.cn/Policies/AnnouncementsOrders/art/2026/art_85.html",
        title="MOFCOM and GAC Announcement No. 85, 2025",
        language="en",
        body_diff=diff_texts(
            "III. This announcement shall come into force on January 1, 2026.",
            "III. This announcement shall come into force on January 15, 2026.",
        ),
        attachments=(
            AttachmentView("Annex 1.pdf", "https://english.mofcom.gov.cn/a1.pdf", 1024, "added"),
        ),
    )
    return alert(
        change_id=11,
        kind="modified",
        title="商务部 海关总署公告2025年第85号 公布《2026年出口许可证管理货物目录》",
        doc_number="商务部 海关总署公告2025年第85号",
        copies=(CopyView("mofcom-en", "en", english.url),),
        matches=(
            MatchView("licences", "Export licences", "出口许可证", "…已签发的出口许可证…", "text"),
        ),
        body_diff=diff_texts(
            "三、本公告自2026年1月1日起执行。", "三、本公告自2026年1月15日起执行。"
        ),
        also=(english,),
    )


def new_list_announcement() -> AlertView:
    """MOFCOM 2026 No. 11: entities added to the control list, shown as rows."""
    rows = (
        ListRowView("+", "add", 1, "示例造船株式会社", ("Example Shipbuilding Co., Ltd.",), "JP"),
        ListRowView("+", "add", 2, "示例航空发动机株式会社", ("Example Aero Engines, Ltd.",), "JP"),
        ListRowView("+", "add", 3, "示例<研究所>", (), None),
    )
    return alert(
        change_id=31,
        title="商务部公告2026年第11号 公布将3家日本实体列入出口管制管控名单",
        doc_number="商务部公告2026年第11号",
        published="2026-02-24",
        effective="2026-02-24",
        doc_type="announcement",
        excerpt="商务部决定将示例造船株式会社等3家日本实体列入出口管制管控名单。",
        lists=(ListChangeView("control-list", "出口管制管控名单", "add", "2026-02-24", rows),),
    )


ALERTS = {
    "alert_new_list": new_list_announcement,
    "alert_modified_copies": modified_in_two_languages,
    "alert_modified_generic": modified_generic_page,
    "alert_new_zh": new_chinese_announcement,
    "alert_modified_ja": modified_japanese_notice,
    "alert_attachments": attachment_change,
    "alert_removed": removed_notice,
    "alert_restored": restored_notice,
}

HEALTHY: tuple[SourceHealthView, ...] = ()
BLOCKED = (
    SourceHealthView(
        "mofa-ja", "MOFA 報道発表", "blocked", "2026-01-08 03:00", "HTTP 403 from www.mofa.go.jp"
    ),
)


def digest(groups: tuple[DigestGroup, ...], failing=HEALTHY, **fields: object) -> DigestView:
    """A daily digest for 2026-01-08 over seven sources."""
    view = DigestView(
        recipient="analyst@example.com",
        period="daily",
        start="2026-01-08 00:00",
        end="2026-01-09 00:00",
        timezone="Asia/Shanghai",
        groups=groups,
        failing_sources=failing,
        total=sum(len(group.items) for group in groups),
        source_count=7,
    )
    return replace(view, **fields)


DIGESTS = {
    "digest_empty": lambda: digest(()),
    "digest_one": lambda: digest(
        (DigestGroup("Dual-use items", "MOFCOM 政策发布", (new_chinese_announcement(),)),), BLOCKED
    ),
    "digest_modified": lambda: digest(
        (
            DigestGroup("Entity lists", "経済産業省 安全保障貿易管理", (modified_generic_page(),)),
            DigestGroup("Dual-use items", "外務省 報道発表", (modified_japanese_notice(),)),
            DigestGroup(None, "MOFCOM 政策发布", (attachment_change(),)),
        )
    ),
}

# ---- helpers -------------------------------------------------------------------------------

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "source", "wbr"}


class StrictHtml(HTMLParser):
    """Checks that tags balance and records every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def parse_html(html: str) -> StrictHtml:
    """Parse ``html`` and assert it is balanced and email-safe (no script, image, handler)."""
    parser = StrictHtml()
    parser.feed(html)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    for tag, attrs in parser.tags:
        assert tag not in {"script", "img", "style", "link", "iframe", "object", "form"}, tag
        assert not [name for name in attrs if name.startswith("on") or name == "src"], attrs
        if tag == "a":
            assert re.match(r"https?://", attrs["href"] or ""), attrs
    return parser


def check_golden(name: str, content: str) -> None:
    """Compare ``content`` with ``tests/golden/email_<name>`` (write it under UPDATE_GOLDEN=1)."""
    path = GOLDEN / f"email_{name}"
    if UPDATE:
        path.write_text(content, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if content != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                content.splitlines(keepends=True),
                str(path),
                "rendered",
            )
        )
        pytest.fail(f"{path.name} differs (UPDATE_GOLDEN=1 to accept):\n{diff}")


def check_rendered(name: str, rendered: RenderedMessage) -> None:
    """Golden check of both parts, plus the invariants every email keeps."""
    check_golden(f"{name}.txt", f"Subject: {rendered.subject}\n\n{rendered.text}")
    check_golden(f"{name}.html", rendered.html)
    parse_html(rendered.html)
    assert "\n" not in rendered.subject and len(rendered.subject) <= 180
    assert '<meta charset="utf-8">' in rendered.html and '<html lang="en">' in rendered.html
    assert "&amp;amp;" not in rendered.html and "&lt;" not in rendered.text


def ins_del(html: str) -> tuple[list[str], list[str]]:
    """The texts inside the ``<del>`` and ``<ins>`` of diff markup (the legend excluded)."""
    deleted = re.findall(rf'<del style="{DEL_STYLE}">(.*?)</del>', html)
    inserted = re.findall(rf'<ins style="{INS_STYLE}">(.*?)</ins>', html)
    return [d for d in deleted if d != "deleted"], [i for i in inserted if i != "inserted"]


def mark(text: str) -> str:
    return f'<mark style="{MARK_STYLE}">{text}</mark>'


# ---- golden emails ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ALERTS))
def test_alert_golden(name: str) -> None:
    check_rendered(name, render_alert(ALERTS[name]()))


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_digest_golden(name: str) -> None:
    check_rendered(name, render_digest(DIGESTS[name]()))


# ---- what the alerts must show ---------------------------------------------------------------


def test_new_notice_shows_metadata_copies_and_highlighted_excerpt() -> None:
    rendered = render_alert(new_chinese_announcement())
    assert rendered.subject == f"[dualwatch][dual-use] New: {NO1_TITLE}"
    for needle in (
        "商务部公告2026年第1号",
        "2026-01-06",
        "Announcement",
        "Chinese (zh)",
        "https://english.mofcom.gov.cn/Policies/Announcements/art/2026/art_1.html",
    ):
        assert needle in rendered.text and needle in rendered.html
    assert f"决定加强{mark('两用物项')}对{mark('日本')}{mark('出口管制')}。" in rendered.html
    assert '<h1 lang="zh"' in rendered.html
    assert NO1_TEXT in rendered.text


def test_modified_japanese_notice_marks_exactly_the_changed_character() -> None:
    view = modified_japanese_notice()
    rendered = render_alert(view)
    assert ins_del(rendered.html) == (["発"], ["公"])
    assert (
        f'措置を<del style="{DEL_STYLE}">発</del><ins style="{INS_STYLE}">公</ins>表しました'
        in rendered.html
    )
    assert "措置を[-発-]{+公+}表しました" in rendered.text
    assert 'lang="ja"' in diff_table(view.body_diff, lang="ja")
    assert rendered.subject.startswith("[dualwatch][dual-use] Modified: 中国による日本向け")


def test_attachment_change_shows_each_file_and_the_changed_text() -> None:
    rendered = render_alert(attachment_change())
    assert ins_del(rendered.html) == ([], [f"（含{mark('稀土')}永磁体）"])
    assert "~ 一、稀土{+（含稀土永磁体）+}" in rendered.text
    assert "+ added   附件3.更正说明.pdf (812 bytes)" in rendered.text
    assert "- removed 附件1（旧）.pdf" in rendered.text
    assert "附件2.2026年出口许可证管理货物分级发证目录.pdf (30.0 KB)" in rendered.text
    assert "The text did not change; the attachments did (below)." in rendered.text


def test_removed_notice_shows_status_and_that_the_last_version_is_kept() -> None:
    rendered = render_alert(removed_notice())
    assert rendered.subject.startswith("[dualwatch] Removed: 商务部公告2025年第61号")
    for part in (rendered.text, rendered.html):
        assert "HTTP 404" in part and "keeps the last version it stored" in part


def test_restored_notice_says_when_it_was_removed_and_shows_the_diff() -> None:
    rendered = render_alert(restored_notice())
    assert rendered.subject == f"[dualwatch][rare-earths] Restored: {removed_notice().title}"
    for part in (rendered.text, rendered.html):
        assert "is served and listed again" in part and "2026-02-10" in part
        assert "Changed since it was removed" in part
        assert "(unavailable: could not be downloaded yet)" in part
        assert "HTTP" not in part and "same as when it was removed" not in part
    assert (
        "The notice, reported removed or delisted on 2026-02-10, is served and listed again."
        in rendered.text
    )
    assert "~ 本公告自[-公布之-]{+2025年12月1+}日起正式实施。" in rendered.text
    assert ins_del(rendered.html) == (["公布之"], ["2025年12月1"])
    assert "background-color:#ddf4ff" in rendered.html  # its own badge


def test_long_diffs_are_cut_and_counted() -> None:
    old = "\n".join(f"第{i}条 原文" for i in range(400))
    new = "\n".join(f"第{i}条 新文" for i in range(400))
    rendered = render_alert(alert(kind="modified", body_diff=diff_texts(old, new)))
    omitted = 400 - ALERT_DIFF_MAX_LINES
    assert f"[… {omitted} more changed lines not shown]" in rendered.text
    assert f"… {omitted} more changed lines not shown" in rendered.html
    assert rendered.html.count('<tr><td width="14"') == ALERT_DIFF_MAX_LINES


def test_excerpt_cut_says_how_much_is_left() -> None:
    rendered = render_alert(alert(excerpt="两用物项", remaining_chars=1234))
    assert "[… 1,234 more characters on the original page]" in rendered.text
    assert "1,234 more characters on the" in rendered.html


# ---- alerts built from the store ------------------------------------------------------------

STORED_URL = "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_0c6f1e3a.html"
STORED_TITLE = "商务部公告2025年第61号 关于对部分稀土相关物项实施出口管制的决定"
STORED_TEXT = "决定对部分稀土相关物项实施出口管制。\n本公告自公布之日起正式实施。"
ANNEX_URL = "https://www.mofcom.gov.cn/cms_files/filemanager/attach/2025/10/0c6f1e3a.pdf"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "dualwatch.db")
    opened.ensure_source("mofcom", "MOFCOM", "mofcom")
    yield opened
    opened.close()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return load_config(REPLICA_CONFIG, home=tmp_path, connect_to="")


def fetched(text: str = STORED_TEXT, **fields: object) -> FetchedNotice:
    base = FetchedNotice(
        source="mofcom",
        url=STORED_URL,
        title=STORED_TITLE,
        text=text,
        raw_html=b"<html>raw</html>",
        doc_number="商务部公告2025年第61号",
        issuer="商务部",
        metadata={"language": "zh", "doc_type": "announcement"},
    )
    return replace(base, **fields)


def annex(data: bytes | None, text: str = "") -> tuple[Attachment, tuple[FetchedFile, ...]]:
    """The annex as stored: downloaded (``data``) or unavailable (None)."""
    name = "附件.稀土相关物项清单.pdf"
    if data is None:
        return Attachment(name, ANNEX_URL), ()
    sha = hashlib.sha256(data).hexdigest()
    file = FetchedFile(ANNEX_URL, sha, len(data), "application/pdf", data, text, "pdf")
    return Attachment(name, ANNEX_URL, sha, len(data), "application/pdf"), (file,)


def render_stored(store: Store, config: Config, change_id: int) -> RenderedMessage:
    """Classify pending changes with the shipped rules, then render the alert of one."""
    classify_pending(store, load_rules(config.rules_path, known_sources=config.sources))
    change = store.get_change(change_id)
    view = alert_view(store, config, change, Ledger(store).matches_of(change_id))
    rendered = render_alert(view)
    parse_html(rendered.html)
    assert "None" not in rendered.text and "None" not in rendered.html
    return rendered


def restore(store: Store, again: FetchedNotice) -> int:
    """Record the notice, its removal (404), then ``again``; return the restored change id."""
    detect.record_fetch(store, fetched(), run_id=None, baseline=True)
    detect.record_gone(store, "mofcom", STORED_URL, run_id=None, status=404)
    outcome = detect.record_fetch(store, again, run_id=None, baseline=False)
    assert outcome.kind == "restored"
    return outcome.change_id


def test_stored_restored_notice_unchanged(store: Store, config: Config) -> None:
    change_id = restore(store, fetched())
    change = store.get_change(change_id)
    assert change.diff is None
    removed = next(c for c in store.changes_of(change.notice_id) if c.kind == "removed")
    # matched on its whole current text, like a new notice: an immediate alert again
    assert matchable_parts(store, change)[:2] == (STORED_TITLE, STORED_TEXT)
    rendered = render_stored(store, config, change_id)
    assert rendered.subject.startswith("[dualwatch][")
    assert f"] Restored: {STORED_TITLE}" in rendered.subject
    day = removed.detected_at[:10]
    assert (
        f"The notice, reported removed or delisted on {day}, is served and listed again."
        in rendered.text
    )
    assert (
        f"reported removed or delisted on <b>{day}</b>, is served and listed again."
        in rendered.html
    )
    for part in (rendered.text, rendered.html):
        assert "Its content is the same as when it was removed." in part
        assert "Changed since it was removed" not in part and "Restored" in part
    assert detect.format_change_diff(change.diff).startswith("(no diff:")


def test_stored_restored_notice_with_a_diff(store: Store, config: Config) -> None:
    text = STORED_TEXT.replace("自公布之日起", "自2025年12月1日起")
    change_id = restore(store, fetched(text))
    change = store.get_change(change_id)
    assert change.version_id != change.previous_version_id and change.diff
    rendered = render_stored(store, config, change_id)
    assert "Restored: " in rendered.subject
    assert "---- Changed since it was removed ([-deleted-] {+inserted+})" in rendered.text
    assert "本公告自[-公布之-]{+2025年12月1+}日起正式实施。" in rendered.text
    assert ins_del(rendered.html) == (["公布之"], ["2025年12月1"])
    assert "same as when it was removed" not in rendered.text
    assert "{+2025年12月1+}" in detect.format_change_diff(change.diff)


def test_stored_attachment_now_available(store: Store, config: Config) -> None:
    missing, _ = annex(None)
    meta = {"language": "zh", "attachments_unavailable": [ANNEX_URL]}
    first = fetched(attachments=(missing,), metadata=meta)
    detect.record_fetch(store, first, run_id=None, baseline=True)
    arrived, files = annex(b"%PDF-1.7 annex", "一、稀土\n二、两用物项")
    later = fetched(attachments=(arrived,), files=files, metadata={"language": "zh"})
    outcome = detect.record_fetch(store, later, run_id=None, baseline=False)
    assert outcome.kind == "modified"
    change = store.get_change(outcome.change_id)
    # the arrived file's whole text is what the modification added: matched
    assert "二、两用物项" in matchable_parts(store, change)[1]
    rendered = render_stored(store, config, outcome.change_id)
    assert "+ now available 附件.稀土相关物项清单.pdf (14 bytes)" in rendered.text
    assert ">Now available</span>" in rendered.html
    for part in (rendered.text, rendered.html):
        assert "an attachment that could not be downloaded before is now available" in part
        assert "unavailable" not in part and "→" not in part and "no extractable" not in part
    assert "Attachment now available: 附件.稀土相关物项清单.pdf" in detect.format_change_diff(
        change.diff
    )


def test_stored_unavailable_attachment_is_marked(store: Store, config: Config) -> None:
    missing, _ = annex(None)
    meta = {"language": "zh", "attachments_unavailable": [ANNEX_URL]}
    offsite = Attachment("别处.pdf", "https://www.gov.cn/files/a.pdf")  # never fetched
    notice = fetched(attachments=(missing, offsite), metadata=meta)
    outcome = detect.record_fetch(store, notice, run_id=None, baseline=False)
    rendered = render_stored(store, config, outcome.change_id)
    assert "附件.稀土相关物项清单.pdf (unavailable: could not be downloaded yet)" in rendered.text
    assert "别处.pdf\n" in rendered.text  # not fetched by design: not "unavailable"
    assert (
        '附件.稀土相关物项清单.pdf</a></span> <span style="color:#57606a">'
        "(unavailable: could not be downloaded yet)</span>" in rendered.html
    )
    assert rendered.html.count("(unavailable:") == 1 and rendered.text.count("(unavailable:") == 1


def test_stored_notice_recorded_from_the_listing(store: Store, config: Config) -> None:
    title = "高市内閣総理大臣記者会見（中国の輸出規制について）"
    notice = FetchedNotice(
        source="mofcom",
        url="https://www.kantei.go.jp/jp/104/statement/2026/0107kaiken.html",
        title=title,
        text=title,
        raw_html=b"",
        metadata={"from_listing": True, "host": "www.kantei.go.jp"},
    )
    outcome = detect.record_fetch(store, notice, run_id=None, baseline=False)
    rendered = render_stored(store, config, outcome.change_id)
    line = (
        "Recorded from the listing: the page is on www.kantei.go.jp, which dualwatch does not fetch"
    )
    assert line in rendered.text
    assert line.replace("www.kantei.go.jp", "<b>www.kantei.go.jp</b>") in rendered.html
    assert "This entry is a file" not in rendered.text


@pytest.mark.parametrize(
    ("metadata", "url", "line"),
    [
        (
            {"doc_type": "file", "content_type": "application/pdf", "extraction_error": None},
            "https://www.mofcom.gov.cn/attach/0/a.pdf",
            "This entry is a file (PDF); its text was extracted.",
        ),
        (
            {"doc_type": "file", "content_type": None, "extraction_error": None},
            "https://www.mofcom.gov.cn/attach/0/b.docx",
            "This entry is a file (DOCX); its text was extracted.",
        ),
        (
            {
                "doc_type": "file",
                "content_type": "application/octet-stream",
                "extraction_error": "pdf has no extractable text (scanned?)",
            },
            "https://www.mofcom.gov.cn/attach/0/download",
            "This entry is a file; no text could be extracted from it "
            "(pdf has no extractable text (scanned?)).",
        ),
    ],
)
def test_stored_file_notice(
    store: Store, config: Config, metadata: dict, url: str, line: str
) -> None:
    notice = fetched("一、稀土", url=url, raw_html=b"", metadata=metadata)
    outcome = detect.record_fetch(store, notice, run_id=None, baseline=False)
    rendered = render_stored(store, config, outcome.change_id)
    assert line in rendered.text and line in rendered.html
    assert "Type:       File" in rendered.text
    assert "Recorded from the listing" not in rendered.text


def test_provenance_lines_are_escaped() -> None:
    view = alert(
        listing_host=HOSTILE,
        doc_type="file",
        file_format=XSS_IMG,
        file_text_error=XSS_SCRIPT,
        kind="restored",
        removed_at=XSS_SCRIPT,
        attachments=(AttachmentView(HOSTILE, "javascript:alert(1)", None, None, None, True),),
    )
    rendered = render_alert(view)
    parse_html(rendered.html)
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert rendered.html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # host, error, file
    assert "delisted on <b>&lt;script&gt;al</b>" in rendered.html  # the date part only
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in rendered.html  # file format
    assert f"the page is on {HOSTILE}, which" in rendered.text


def test_digest_counts_and_lists_restored_changes_after_removed() -> None:
    kinds = ("restored", "removed", "new", "restored")
    views = tuple(
        alert(change_id=i, kind=kind, title=f"公告{i}", url=f"https://www.mofcom.gov.cn/{i}.html")
        for i, kind in enumerate(kinds)
    )
    rendered = render_digest(digest((DigestGroup(None, "MOFCOM 政策发布", views),)))
    assert "4 changes: 1 new, 1 removed, 2 restored" in rendered.text
    assert "<b>4 changes</b>: 1 new, 1 removed, 2 restored" in rendered.html
    assert "- Restored: 公告0 <https://www.mofcom.gov.cn/0.html>" in rendered.text
    assert '<b style="color:#0550ae">Restored</b>' in rendered.html
    parse_html(rendered.html)


# ---- hostile scraped text --------------------------------------------------------------------


def hostile_alert(kind: str) -> AlertView:
    """Every scraped field of an alert carrying script and attribute-breaking payloads."""
    return alert(
        kind=kind,
        title=HOSTILE,
        source_title=HOSTILE,
        doc_number=HOSTILE,
        issuer=HOSTILE,
        published=XSS_IMG,
        doc_type=XSS_SCRIPT,
        language=XSS_IMG,
        url=f"https://www.mofcom.gov.cn/a.html?q={XSS_IMG}",
        copies=(CopyView(XSS_SCRIPT, XSS_IMG, "javascript:alert(1)"),),
        matches=(MatchView(XSS_SCRIPT, HOSTILE, XSS_SCRIPT, HOSTILE, XSS_IMG),),
        excerpt=HOSTILE,
        title_diff=diff_texts("商务部公告", HOSTILE),
        body_diff=diff_texts("旧", XSS_IMG),
        attachments=(
            AttachmentView(HOSTILE, "javascript:alert(1)", 5, "changed", diff_texts("a", HOSTILE)),
        ),
        http_status=404,
    )


@pytest.mark.parametrize("kind", ["new", "modified", "removed", "restored"])
def test_hostile_text_is_escaped_everywhere_in_html(kind: str) -> None:
    rendered = render_alert(hostile_alert(kind))
    parser = parse_html(rendered.html)  # no script/img element, no on* attribute, http(s) links
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in rendered.html
    assert not [attrs for tag, attrs in parser.tags if attrs.get("lang") not in (None, "en", "zh")]
    assert HOSTILE in rendered.text  # plain text is not HTML: shown as is, never entity-escaped


def test_hostile_text_of_another_copy_is_escaped() -> None:
    view = replace(alert(kind="modified"), also=(hostile_alert("modified"), hostile_alert("new")))
    rendered = render_alert(view)
    parse_html(rendered.html)
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert 'href="javascript:' not in rendered.html
    assert HOSTILE in rendered.text


def test_hostile_text_is_escaped_in_the_digest() -> None:
    item = hostile_alert("new")
    failing = (SourceHealthView(XSS_SCRIPT, HOSTILE, XSS_IMG, XSS_IMG, HOSTILE),)
    rendered = render_digest(digest((DigestGroup(HOSTILE, HOSTILE, (item,)),), failing))
    parse_html(rendered.html)
    assert "<script>" not in rendered.html and "<img" not in rendered.html
    assert rendered.html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("两用物项出口管制", ["两用物项"], mark("两用物项") + "出口管制"),
        ("Dual-Use items", ["dual-use"], mark("Dual-Use") + " items"),
        ("R&D and AMP", ["amp"], "R&amp;D and " + mark("AMP")),
        ("a &lt; b", ["lt"], "a &amp;" + mark("lt") + "; b"),
        ("x <script> y", ["<script>"], "x " + mark("&lt;script&gt;") + " y"),
        (
            HOSTILE,
            ["img"],
            "商务部公告&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;"
            + mark("img")
            + " src=x onerror=alert(1)&gt;",
        ),
        ("两用物项出口", ["两用", "两用物项"], mark("两用物项") + "出口"),
        ("export  control", ["export control"], mark("export  control")),
        ("1C902xa 1C902.a", ["1C902.a"], "1C902xa " + mark("1C902.a")),
        ("两用物项", ["", "  "], "两用物项"),
        ("", ["两用"], ""),
    ],
)
def test_highlight(text: str, terms: list[str], expected: str) -> None:
    result = highlight(text, terms)
    assert isinstance(result, Markup)
    assert str(result) == expected
    parse_html(str(result))


def test_diff_table_escapes_and_highlights_only_inserted_text() -> None:
    diff = diff_texts(
        "甲\n乙\n丙\n丁\n两用物项\n<b>旧</b>条款内容",
        "甲\n乙\n丙\n丁\n两用物项\n<b>两用物项</b>条款内容",
    )  # a small edit: shown inline
    html = str(diff_table(diff, lang="zh", terms=["两用物项"]))
    parse_html(html)
    gap_row = r'<tr><td width="14" style="[^"]*"></td><td style="[^"]*">…</td></tr>'
    assert len(re.findall(gap_row, html)) == 1  # 甲乙丙, out of context
    assert html.count(mark("两用物项")) == 1  # not in the unchanged context line
    assert ">两用物项</td>" in html
    assert ins_del(html) == (["旧"], [mark("两用物项")])
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert html.startswith('<table role="presentation"') and ' lang="zh"' in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.mofcom.gov.cn/a.pdf", "https://www.mofcom.gov.cn/a.pdf"),
        ("http://www.meti.go.jp/x", "http://www.meti.go.jp/x"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
    ],
)
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


# ---- subjects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "subject"),
    [
        ({"kind": "new", "title": "标题"}, "[dualwatch] New: 标题"),
        ({"kind": "modified", "title": "標題"}, "[dualwatch] Modified: 標題"),
        ({"kind": "removed", "title": "T"}, "[dualwatch] Removed: T"),
        ({"kind": "restored", "title": "T"}, "[dualwatch] Restored: T"),
        (
            {"title": "商务部公告\r\nBcc: victim@example.com\r\n\r\nbody"},
            "[dualwatch] New: 商务部公告 Bcc: victim@example.com body",
        ),
        ({"title": "a\u2028b\x00c\td"}, "[dualwatch] New: a b c d"),
        (
            {
                "matches": (
                    MatchView("entity-lists", "Entity lists", "出口管制管控名单", "…", "title"),
                )
            },
            "[dualwatch][entity-lists] New: 商务部公告",
        ),
    ],
)
def test_alert_subject(fields: dict, subject: str) -> None:
    assert render_alert(alert(**fields)).subject == subject


# ---- invisible control and format characters ---------------------------------------------

SPOOF_TITLE = (
    "\ufeff商务部公告\u200b2026年第1号\u202e告公的制管口出\u202c\u2066关于两用物项\u2069"
    "\r\nBcc: victim@example.com\r\n\r\n\u2028body\x00\x85"
)


def invisible(text: str) -> list[str]:
    """The invisible control and format characters in ``text`` (tab and newline are fine)."""
    return [f"U+{ord(char):04X}" for char in text if is_invisible(char)]


def test_invisible_characters_reach_no_header_and_no_body() -> None:
    view = alert(
        title=SPOOF_TITLE,
        source_title="MOFCOM\u200f 政策发布",
        excerpt="第一段\u202e落\u200b。\r\n第二段",
        matches=(MatchView("dual-use", "Dual\u2066-use", "两用物项", "两用\u200b物项", "title"),),
        body_diff=diff_texts("旧", "新\u202e"),
    )
    rendered = render_alert(view)
    message = build_email(
        rendered, sender="dw@example.org", recipient="a@example.org", message_id="<m@x>"
    )
    raw = message.as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    subject = parsed["Subject"]
    assert subject == (
        "[dualwatch][dual-use] New: 商务部公告2026年第1号告公的制管口出关于两用物项 "
        "Bcc: victim@example.com body"
    )
    assert parsed["Bcc"] is None and parsed.get_all("To") == ["a@example.org"]
    header_block = raw.split(b"\n\n", 1)[0].decode("ascii")  # encoded words: all ASCII
    assert not [line for line in header_block.splitlines() if line.lower().startswith("bcc")]
    for name, value in parsed.items():
        assert not invisible(str(value)), name
        assert "\r" not in str(value) and "\n" not in str(value), name
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    for part in (rendered.text, rendered.html, text, html):
        assert not invisible(part), invisible(part)
        assert "\u2028" not in part and "\u2029" not in part
    assert "第一段落。\n第二段" in rendered.text  # the excerpt keeps its lines
    assert "\nBcc: victim@example.com" not in rendered.text  # the title stays one line
    assert mark("两用物项") in rendered.html  # highlighted across the removed U+200B


def test_clean_cjk_titles_are_left_exactly_as_they_are() -> None:
    titles = (
        NO1_TITLE,
        "中国による日本向け両用品目の輸出管理措置について",
        "輸出令別表\u3000第3の2",
    )
    for title in titles:
        rendered = render_alert(alert(title=title, language="ja"))
        assert rendered.subject == f"[dualwatch] New: {title}"
        assert f"\n{title}\n" in rendered.text and f">{title}</a>" in rendered.html
        message = build_email(
            rendered, sender="dw@example.org", recipient="a@example.org", message_id="<m@x>"
        )
        parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
        assert parsed["Subject"] == rendered.subject


def test_a_long_source_message_is_cut_with_a_count() -> None:
    message = "KeyError: 'title'\n" + "x" * 1282
    failing = (SourceHealthView("meti", "METI", "failed", "2026-01-08 03:00", message),)
    rendered = render_digest(digest((), failing))
    assert "KeyError: 'title' xxx" in rendered.text  # on one line
    assert "x… (1,000 more characters)\n" in rendered.text
    assert "x… (1,000 more characters)</span>" in rendered.html
    assert clip_chars("短い", 300) == "短い"


def test_long_title_gives_a_bounded_single_line_subject() -> None:
    subject = render_alert(alert(title="两用物项\n" * 100)).subject
    assert len(subject) == 180 and subject.endswith("…") and "\n" not in subject


def items(count: int, topic: str | None, source: str) -> tuple[AlertView, ...]:
    matches = (MatchView(topic, topic.title(), "两用物项", "…", "text"),) if topic else ()
    return tuple(
        alert(
            change_id=i,
            title=f"{source} {i}",
            matches=matches,
            url=f"https://www.mofcom.gov.cn/{source}/{i}.html",
        )
        for i in range(count)
    )


@pytest.mark.parametrize(
    ("groups", "failing", "subject"),
    [
        ((), HEALTHY, "[dualwatch] Daily digest 2026-01-08: no changes; all 7 sources healthy"),
        ((), BLOCKED, "[dualwatch] Daily digest 2026-01-08: no changes; 1 of 7 sources failing"),
        (
            (DigestGroup(None, "MOFCOM", items(1, None, "m")),),
            HEALTHY,
            "[dualwatch] Daily digest 2026-01-08: 1 change",
        ),
        (
            (
                DigestGroup("Dual-use", "MOFCOM", items(5, "dual-use", "m")),
                DigestGroup(None, "MOFA", items(21, None, "j")),
            ),
            HEALTHY,
            "[dualwatch] Daily digest 2026-01-08: 26 changes (5 dual-use)",
        ),
        (
            (DigestGroup("Dual-use", "MOFCOM", items(2, "dual-use", "m")),),
            BLOCKED,
            "[dualwatch] Daily digest 2026-01-08: 2 changes (2 dual-use); 1 of 7 sources failing",
        ),
    ],
)
def test_digest_subject(groups, failing, subject: str) -> None:
    assert render_digest(digest(groups, failing)).subject == subject


def test_digest_subject_without_source_count() -> None:
    view = digest(
        (), source_count=None, period="weekly", start="2026-01-05 00:00", end="2026-01-12 00:00"
    )
    assert render_digest(view).subject == (
        "[dualwatch] Weekly digest 2026-01-05 – 2026-01-11: no changes; all sources healthy"
    )


@pytest.mark.parametrize(
    ("period", "start", "end", "label"),
    [
        ("daily", "2026-01-08 00:00", "2026-01-09 00:00", "2026-01-08"),
        ("daily", "2026-01-08", "2026-01-08", "2026-01-08"),
        ("weekly", "2026-01-05 00:00", "2026-01-12 00:00", "2026-01-05 – 2026-01-11"),
        ("weekly", "2026-01-05", "2026-01-11", "2026-01-05 – 2026-01-11"),
        ("daily", "2026-01-08 08:00", "2026-01-09 08:00", "2026-01-08 – 2026-01-09"),
    ],
)
def test_period_label(period: str, start: str, end: str, label: str) -> None:
    assert period_label(digest((), period=period, start=start, end=end)) == label


# ---- big digests -----------------------------------------------------------------------------

TOPICS = (("dual-use", "Dual-use items"), ("rare-earths", "Rare earths"), ("japan", "Japan"))
SOURCES = ("MOFCOM 政策发布", "MOFCOM 安全与管制局", "外務省 報道発表")


def big_digest(per_group: int) -> DigestView:
    """Topics × sources groups plus "other changes" per source, ``per_group`` changes each."""
    groups = []
    serial = 0
    for topic, title in (*TOPICS, (None, None)):
        for source in SOURCES:
            views = []
            for _ in range(per_group):
                serial += 1
                matches = (MatchView(topic, title, "两用物项", "…", "text"),) if topic else ()
                views.append(
                    alert(
                        change_id=serial,
                        kind=("new", "modified", "removed")[serial % 3],
                        title=f"商务部公告2026年第{serial}号 关于对部分两用物项实施出口管制的公告",
                        doc_number=f"商务部公告2026年第{serial}号",
                        matches=matches,
                        url=f"https://www.mofcom.gov.cn/zwgk/zcfb/art/2026/art_{serial:032x}.html",
                    )
                )
            groups.append(DigestGroup(title, source, tuple(views)))
    return digest(tuple(groups))


def test_digest_of_200_changes_fits_and_groups() -> None:
    full = big_digest(17)  # 12 groups × 17 = 204 changes: drop 4 from the last group
    last = replace(full.groups[-1], items=full.groups[-1].items[:13])
    view = digest((*full.groups[:-1], last))
    assert view.total == 200
    rendered = render_digest(view)
    parse_html(rendered.html)
    assert len(rendered.html.encode()) < GMAIL_CLIP_BYTES
    assert rendered.subject == "[dualwatch] Daily digest 2026-01-08: 200 changes (51 dual-use)"
    for item in view.items:  # every change listed exactly once, in both parts
        assert rendered.text.count(f"<{item.url}>") == 1
        assert rendered.html.count(f'href="{item.url}"') == 1
    headings = re.findall(r"^==== (.+) ====$", rendered.text, re.MULTILINE)
    assert headings == [
        "Dual-use items (51)",
        "Rare earths (51)",
        "Japan (51)",
        "Other changes (47)",
    ]
    html_order = [
        rendered.html.index(f">{title} <span")
        for title in ("Dual-use items", "Rare earths", "Japan", "Other changes")
    ]
    assert html_order == sorted(html_order)
    assert rendered.text.count("\nMOFCOM 政策发布 (17)\n") == 4
    assert "66 new, 67 modified, 67 removed" in rendered.text
    assert "not listed here" not in rendered.text


def test_digest_beyond_the_limit_lists_the_most_relevant_and_counts_the_rest() -> None:
    view = big_digest(25)  # 12 groups × 25 = 300 changes
    rendered = render_digest(view)
    omitted = view.total - DIGEST_MAX_ITEMS
    assert f"[… {omitted} more changes not listed here" in rendered.text
    assert f"… {omitted} more changes not listed here" in rendered.html
    assert rendered.text.count("\n- ") == DIGEST_MAX_ITEMS
    assert "Other changes" not in rendered.text  # the least relevant group is the one cut
    assert len(rendered.html.encode()) < GMAIL_CLIP_BYTES
    assert rendered.subject.startswith(
        "[dualwatch] Daily digest 2026-01-08: 300 changes (75 dual-use)"
    )


# ---- strictness ------------------------------------------------------------------------------


def test_missing_field_fails_loudly() -> None:
    env = email_environment()
    assert env is environment()
    with pytest.raises(UndefinedError):
        env.from_string("{{ view.no_such_field }}").render(view=alert())
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing }}").render()
    with pytest.raises(UndefinedError):
        env.from_string("{% for x in view.matches %}{{ x.topik }}{% endfor %}").render(
            view=new_chinese_announcement()
        )


def test_html_templates_never_call_unescaped_text_macros() -> None:
    """A macro from a .txt template is not escaped when an HTML template calls it."""
    for path in (Path(__file__).resolve().parent.parent / "templates" / "email").glob("*.html"):
        calls = set(re.findall(r"\bL\.(\w+)\(", path.read_text(encoding="utf-8")))
        assert calls <= {"health"}, (path.name, calls)  # health() prints numbers only


def test_every_filter_the_email_templates_use_is_registered() -> None:
    """A filter a template names but the environment lacks fails only when that branch
    renders: check every template's parse tree instead."""
    env = email_environment()
    templates = sorted((Path(__file__).resolve().parent.parent / "templates" / "email").glob("*"))
    assert templates
    for path in templates:
        tree = env.parse(path.read_text(encoding="utf-8"))
        used = {node.name for node in tree.find_all(jinja_nodes.Filter)}
        assert used <= set(env.filters), (path.name, used - set(env.filters))


def test_views_reject_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="alert kind"):
        alert(kind="changed")
    with pytest.raises(ValueError, match="attachment change"):
        AttachmentView("a.pdf", "https://x/a.pdf", 1, "modified")
    with pytest.raises(ValueError, match="digest period"):
        digest((), period="monthly")


def test_empty_diff_and_views_render() -> None:
    rendered = render_alert(alert(kind="modified", body_diff=TextDiff(lines=())))
    assert "The text did not change." in rendered.text
    parse_html(rendered.html)


# ---- issue 11: shorter "Why this alert", rewritten lines, generic titles, digest summaries ---

THREE_TOPICS = (
    MatchView(
        "dual-use", "Dual-use items", "出口管制", "…决定加强两用物项对日本出口管制。…", "text"
    ),
    MatchView(
        "dual-use", "Dual-use items", "两用物项", "关于加强两用物项对日本出口管制的公告", "title"
    ),
    MatchView("dual-use", "Dual-use items", "军事用途", "…军事用户、军事用途，以及…", "text"),
    MatchView("japan", "Japan", "日本", "…禁止所有两用物项对日本军事用户…", "text"),
    MatchView("japan", "Japan", "对日", "…转移或提供给日本的组织和个人…", "text"),
    MatchView("rare-earths", "Rare earths", "稀土", "…稀土相关物项…", "text"),
    MatchView("rare-earths", "Rare earths", "永磁体", "…含稀土永磁体…", "attachment"),
)


def test_why_this_alert_shows_each_topic_once_and_the_rest_at_the_end() -> None:
    view = alert(matches=THREE_TOPICS)
    assert [group.best.snippet for group in view.topic_groups] == [
        "关于加强两用物项对日本出口管制的公告",  # the title match beats an earlier text match
        "…禁止所有两用物项对日本军事用户…",  # else the earliest
        "…稀土相关物项…",
    ]
    rendered = render_alert(view)
    why = rendered.text.split("---- Why this alert")[1].split("\n\n")[0].splitlines()[1:]
    assert why == [
        "Dual-use items: 出口管制, 两用物项, 军事用途",
        "  [title] 关于加强两用物项对日本出口管制的公告",
        "Japan: 日本, 对日",
        "  [text] …禁止所有两用物项对日本军事用户…",
        "Rare earths: 稀土, 永磁体",
        "  [text] …稀土相关物项…",
    ]
    more = rendered.text.split("\nMore matches:\n")[1].split("\n\n")[0].splitlines()
    assert more == [
        "- Dual-use items [text] …决定加强两用物项对日本出口管制。…",
        "- Dual-use items [text] …军事用户、军事用途，以及…",
        "- Japan [text] …转移或提供给日本的组织和个人…",
        "- Rare earths [attachment] …含稀土永磁体…",
    ]
    assert rendered.text.index("More matches:") > rendered.text.index("Why this alert")
    html = rendered.html
    parse_html(html)
    why_html = html.split(">Why this alert<")[1].split("</td></tr>")[0]
    assert why_html.count("border-left:3px") == 3
    assert html.index(">More matches<") > html.index(">Why this alert<")
    assert html.count("[text]</span>") == 3 and html.count("[attachment]</span>") == 1
    assert "<details" not in html and "<script" not in html


def test_one_match_per_topic_has_no_more_matches_section() -> None:
    rendered = render_alert(alert(matches=THREE_TOPICS[1:2]))
    assert "More matches" not in rendered.text and "More matches" not in rendered.html


def test_more_matches_are_capped() -> None:
    matches = tuple(
        MatchView("dual-use", "Dual-use items", f"词{i}", f"…片段{i}…", "text") for i in range(14)
    )
    rendered = render_alert(alert(matches=matches))
    assert rendered.text.count("\n- Dual-use items [text]") == 10
    assert "[… 3 more matches]" in rendered.text and "… 3 more matches</div>" in rendered.html


def test_rewritten_line_is_a_removed_row_and_an_added_row_in_html() -> None:
    old, new = (
        "输出管理令的一部分修改已于本月公布，详见附件。",
        "根据外汇法第16条，许可申请应于三月底前提交。",
    )
    html = str(diff_table(diff_texts(old, new), lang="zh"))
    parse_html(html)
    assert ins_del(html) == ([old], [new])
    assert [m for m in re.findall(r'<td width="14" style="[^"]*">(.?)</td>', html)] == ["-", "+"]
    small = str(diff_table(diff_texts("会议在丹佛举行。", "会议在奥罗拉举行。")))
    assert ins_del(small) == (["丹佛"], ["奥罗拉"])
    assert re.findall(r'<td width="14" style="[^"]*">(.?)</td>', small) == ["~"]


GENERIC_BODY = diff_texts(
    "令和8年1月5日\n外国ユーザーリストを公表しました。",
    "令和8年1月8日\n外国ユーザーリストを改正しました。新たに中国の12団体を追加し、"
    "ロシアの3団体の記載を修正しました。詳細は別添を参照してください。",
)


@pytest.mark.parametrize(
    ("fields", "subject"),
    [
        (
            {"kind": "modified", "title": "改正情報", "body_diff": GENERIC_BODY},
            # the rewritten paragraph, not the date edited above it
            "[dualwatch] Modified: 改正情報 — "
            "外国ユーザーリストを改正しました。新たに中国の12団体を追加し、ロシアの3団体…",
        ),
        (
            {
                "kind": "modified",
                "title": "【お知らせ】",
                "body_diff": diff_texts(
                    "a", "a\n" + "新たに中国の12団体を追加し、ロシアの3団体の記載を修正しました。"
                ),
            },
            "[dualwatch] Modified: 【お知らせ】 — "
            "新たに中国の12団体を追加し、ロシアの3団体の記載を修正しました。",
        ),
        (
            {
                "kind": "modified",
                "title": "外国ユーザーリスト",
                "body_diff": diff_texts(
                    "a",
                    "a\n本リストは、大量破壊兵器等の開発等の懸念が"
                    "払拭されない外国所在団体の情報を提供するものです。",
                ),
            },
            "[dualwatch] Modified: 外国ユーザーリスト — "
            "本リストは、大量破壊兵器等の開発等の懸念が払拭されない外国所在団体の情報を提供…",
        ),
        (
            {"kind": "modified", "title": "Announcement", "body_diff": diff_texts("a\nb", "a")},
            "[dualwatch] Modified: Announcement — 1 line removed",
        ),
        (
            {
                "kind": "modified",
                "title": "公告",
                "attachments": (
                    AttachmentView("附件1.pdf", "https://x.example/1.pdf", 1, "changed"),
                ),
            },
            "[dualwatch] Modified: 公告 — attachment 附件1.pdf changed",
        ),
        (
            {"kind": "new", "title": "お知らせ", "excerpt": "お知らせ\n輸出令の改正について"},
            "[dualwatch] New: お知らせ — 輸出令の改正について",
        ),
        # a specific title is left alone, and so is a generic one with nothing to add
        (
            {
                "kind": "modified",
                "title": "外国ユーザーリストの改正について",
                "body_diff": GENERIC_BODY,
            },
            "[dualwatch] Modified: 外国ユーザーリストの改正について",
        ),
        ({"kind": "removed", "title": "公告"}, "[dualwatch] Removed: 公告"),
        ({"kind": "modified", "title": "公告"}, "[dualwatch] Modified: 公告"),
    ],
)
def test_generic_title_subject_names_what_changed(fields: dict, subject: str) -> None:
    assert render_alert(alert(**fields)).subject == subject


def test_generic_titles() -> None:
    for title in ("改正情報", "お知らせ", "【お知らせ】", "ANNOUNCEMENT", " 公 告 ", "Notice"):
        assert is_generic_title(title), title
    for title in (
        "商务部公告2026年第1号",
        "公告2026年第1号",
        "改正情報（輸出令）",
        "Notice of revision",
    ):
        assert not is_generic_title(title), title
    assert shorten("一二三四五", 5) == "一二三四五" and shorten("一二三四五六", 5) == "一二三四…"


def modified_with(change_id: int, **fields: object) -> AlertView:
    return alert(
        change_id=change_id,
        kind="modified",
        url=f"https://www.meti.go.jp/policy/anpo/{change_id}.html",
        **fields,
    )


def test_digest_modified_entries_say_what_changed() -> None:
    long_line = "新たに中国の12団体を追加し、ロシアの3団体の記載を修正しました。" * 3
    views = (
        modified_with(1, title="改正情報", body_diff=diff_texts("旧\n旧二", f"旧\n{long_line}")),
        modified_with(2, title="通知", body_diff=diff_texts("a\nb\nc", "a")),
        modified_with(3, title="T3", title_diff=diff_texts("T", "T3")),
        modified_with(
            4,
            title="T4",
            attachments=(
                AttachmentView("附件1.pdf", "https://x.example/1.pdf", 1, None),
                AttachmentView("附件2.pdf", "https://x.example/2.pdf", 1, "changed"),
                AttachmentView("附件3.pdf", "https://x.example/3.pdf", 1, "added"),
            ),
        ),
        modified_with(5, title="T5"),
        replace(modified_with(6, title="T6", body_diff=GENERIC_BODY), kind="new"),
    )
    rendered = render_digest(digest((DigestGroup(None, "METI 安全保障貿易管理", views),)))
    summaries = [
        "    " + shorten(long_line, 80),
        "    2 lines removed",
        "    title changed",
        "    attachment 附件2.pdf changed (+ 1 more file)",
    ]
    lines = rendered.text.splitlines()
    for summary in summaries:
        assert summary in lines
        assert f'<br><small style="color:#57606a">{summary.strip()}</small>' in rendered.html
    assert len(shorten(long_line, 80)) == 80 and shorten(long_line, 80).endswith("…")
    item = lines.index("- Modified: T5 <https://www.meti.go.jp/policy/anpo/5.html>")
    assert lines[item + 1].startswith("- New: T6")  # no diff, no summary; new: none
    parse_html(rendered.html)


def test_digest_of_200_modifications_with_summaries_fits() -> None:
    line = "根据《中华人民共和国出口管制法》有关规定，决定对下列物项实施出口管制。" * 3
    view = big_digest(17)
    groups = tuple(
        replace(
            group,
            items=tuple(
                replace(item, kind="modified", body_diff=diff_texts("旧", line))
                for item in group.items
            ),
        )
        for group in view.groups
    )
    rendered = render_digest(digest(groups))
    assert digest_summary_chars(DIGEST_MAX_ITEMS) == 20 and digest_summary_chars(50) == 80
    assert rendered.html.count(f'<small style="color:#57606a">{shorten(line, 20)}</small>') == 200
    assert rendered.text.count(f"\n    {shorten(line, 80)}\n") == DIGEST_MAX_ITEMS
    assert len(rendered.html.encode()) < GMAIL_CLIP_BYTES
