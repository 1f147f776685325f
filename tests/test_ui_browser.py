"""The chat UI in a real headless chromium: streaming chat, source panel, export, and inert hostile text.

Uses Debian's /usr/bin/chromium through Playwright (never a downloaded browser); saves the README screenshots.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_ui import FOLLOW_UP, HOSTILE_QUESTION, RunningUI, running_ui

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--disable-quic", "--no-first-run",
]
SHOTS = ROOT / "docs" / "screenshots"
FIRST = "How was Bexley rated?"
SOURCE = "click to view in context"


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def page():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed at /usr/bin/chromium (apt-get install -y chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    server = running_ui()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        pg = context.new_page()
        pg.goto(server.url)
        yield pg
        browser.close()


def ask(page, question: str, sources_before: int) -> None:  # type: ignore[no-untyped-def]
    """Type a question, send it, and wait until its answer's sources (or its refusal) are shown."""
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        """([n, q]) => {
            const chat = document.querySelector('#chat');
            const text = chat ? chat.innerText : '';
            return (text.split('click to view in context').length - 1) > n
                || (text.includes(q) && text.includes('Not in the documents'));
        }""",
        arg=[sources_before, question],
        timeout=60_000,
    )


def test_chat_sources_panel_export_and_inert_html(page) -> None:  # type: ignore[no-untyped-def]
    server: RunningUI = running_ui()
    expected = server.assistant.ask(FIRST)
    assert expected.citations, "the engine should cite an answer to the first question"

    # A question, then a follow-up in the same browser session.
    ask(page, FIRST, 0)
    first_sources = page.get_by_text(SOURCE).count()
    ask(page, FOLLOW_UP, first_sources)
    chat = page.locator("#chat").inner_text()
    assert "Good" in chat
    assert re.search(r"\b(5|five)\b", chat.split(FOLLOW_UP, 1)[1], re.I)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat.png"))

    # Clicking the first source opens its paragraph in context with the quote highlighted.
    page.get_by_text(SOURCE).first.click()
    mark = page.locator("#source-panel mark")
    mark.wait_for(timeout=20_000)
    assert squash(mark.inner_text()) == squash(expected.citations[0].quote)
    assert page.locator("#source-panel .para.cited").count() == 1
    assert page.locator("#source-panel .para").count() > 1  # neighbours are shown too
    page.screenshot(path=str(SHOTS / "source-panel.png"))

    # Export: the briefing files appear and download.
    page.locator("#export").click()
    page.locator("#briefing-files a").first.wait_for(timeout=30_000)
    assert ".docx" in page.locator("#briefing-files").inner_text()
    link = page.locator("#briefing-files a").first
    with page.expect_download(timeout=30_000) as download:
        link.click()
    assert download.value.suggested_filename.startswith("briefing-")

    # A document whose text looks like HTML renders as text and runs nothing.
    before = page.get_by_text(SOURCE).count()
    ask(page, HOSTILE_QUESTION, before)
    page.get_by_text(SOURCE).nth(before).click()
    page.locator("#source-panel mark").filter(has_text="Zephyrvale").wait_for(timeout=20_000)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned=1</script>" in page.locator("#chat").inner_text()
    panel = page.locator("#source-panel").inner_text()
    assert "<script>window.__pwned=1</script>" in panel
    assert '<img src=x onerror="window.__pwned=1">' in panel
    assert page.locator("#chat script, #source-panel script, img[onerror]").count() == 0
