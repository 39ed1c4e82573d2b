"""The researcher's tools in a real browser: a 👎 with a comment lands in the feedback log beside
the index, the conversation downloads as Markdown with its citations and links, both interface
languages, and the new controls cause no sideways scrolling on a phone or a laptop.

Same server, browser and screenshot folder as ``test_ui_browser`` (set $MENBE_SCREENSHOTS to
keep the pictures, e.g. /tmp/shots-feedback)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import test_ui_browser
from test_ui_browser import AZ_QUESTION, EN_QUESTION, OVERFLOW, SIZES, Page, cited_sentences, expect
from ui_server import Server, ui_server_fixture  # noqa: F401 - the ui_server fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: The same fixtures as the chat's browser tests; the chromium itself is shared (`shared_browser`).
browser = test_ui_browser.browser
screenshots = test_ui_browser.screenshots

DOC = "heydar-aliyev-regional-relations"
COMMENT = "The date is right but the paragraph should be p12 — yoxlayın."


def answered(page: Page, question: str) -> Any:
    """Ask, and wait until the reply is the answer (with its markers), not the placeholder."""
    bot = page.ask(question)
    bot.locator('a[href^="#src-"]').first.wait_for()
    return bot


def thumb(page: Page, name: str) -> Any:
    """Gradio's own 👍/👎 under the latest answer."""
    return page.page.locator(f'#menbe-chat button[aria-label="{name}"]').last


def feedback_lines(server: Server, **match: object) -> list[dict]:
    """The log's records with the given field values, waiting briefly for them to appear."""
    log = server.index_dir / "feedback.jsonl"
    deadline = time.monotonic() + 15
    while True:
        lines = log.read_text("utf-8").splitlines() if log.exists() else []
        found = [r for r in map(json.loads, lines) if all(r.get(k) == v for k, v in match.items())]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def download_export(page: Page) -> tuple[str, str]:
    """(suggested file name, text) of the conversation's Markdown download."""
    button = page.page.locator("#menbe-export")
    expect(button).to_be_visible()
    with page.page.expect_download() as caught:
        button.click()
    download = caught.value
    return download.suggested_filename, Path(download.path()).read_text("utf-8")


@pytest.fixture(scope="module")
def chat(browser: Any, ui_server: Server, screenshots: Path) -> dict[str, Any]:
    """One laptop-sized conversation: an English question, then an Azerbaijani one."""
    page = Page(browser, ui_server, size=SIZES["laptop"])
    expect(page.page.locator("#menbe-export")).to_be_hidden()  # nothing to export yet
    english = answered(page, EN_QUESTION).inner_text()
    azerbaijani = answered(page, AZ_QUESTION).inner_text()
    yield {"page": page, "en": english, "az": azerbaijani}
    page.page.close()


def test_thumbs_down_with_a_comment_lands_in_the_log(
    chat: dict, ui_server: Server, screenshots: Path
) -> None:
    page: Page = chat["page"]
    thumb(page, "Dislike").click()
    row = page.page.locator("#menbe-feedback")
    expect(row).to_be_visible()
    expect(row).to_contain_text("👎 saved for answer 2")
    [voted] = feedback_lines(ui_server, question=AZ_QUESTION, vote="down")
    assert voted["comment"] == "" and voted["turn"] == 2 and voted["answer_language"] == "az"
    assert voted["citations"][0]["doc_id"] == DOC and voted["citations"][0]["page"] >= 1
    page.shot(screenshots, "f01-laptop-voted")
    page.page.fill("#menbe-feedback-comment textarea", COMMENT)
    page.page.click("#menbe-feedback-send")
    expect(row).to_contain_text("Thank you: your comment on answer 2 is saved.")
    expect(page.page.locator("#menbe-feedback-comment")).to_be_hidden()
    [commented] = feedback_lines(ui_server, id=voted["id"], comment=COMMENT)
    assert commented["vote"] == "down" and commented["answer"] == voted["answer"]
    assert commented["answerer"] == "extractive" and 0 <= commented["confidence"] <= 1
    page.shot(screenshots, "f02-laptop-commented")
    assert page.page.evaluate(OVERFLOW) <= 0


def test_export_downloads_the_conversation_with_its_citations(
    chat: dict, ui_server: Server
) -> None:
    name, text = download_export(chat["page"])
    assert name.startswith("menbe-conversation-") and name.endswith(".md")
    assert text.startswith("# Mənbə: conversation")
    assert f"## 1. {EN_QUESTION}" in text and f"## 2. {AZ_QUESTION}" in text
    assert "### Sources" in text and "**[1] " in text and "· ¶ p35 ·" in text
    # the cited sentences of both answers, quoted under them, and their share links
    for lang in ("en", "az"):
        for sentences in cited_sentences(chat[lang]).values():
            assert all(f"> {s}" in text for s in sentences), sentences
    assert f"Link to this paragraph: <{ui_server.url}?p={DOC}/p35>" in text
    assert "Original (English):" in text  # the Azerbaijani answer cites a translation


def test_the_tools_follow_the_interface_language(chat: dict, screenshots: Path) -> None:
    page: Page = chat["page"]
    page.page.locator("#menbe-ui-lang label", has_text="AZ").click()
    expect(page.page.locator("#menbe-export")).to_have_text("İxrac (.md)")
    expect(page.page.locator("#menbe-feedback")).to_contain_text("Təşəkkür edirik")
    _, text = download_export(page)
    assert text.startswith("# Mənbə: söhbət") and "### Mənbələr" in text
    assert "Bu paraqrafa keçid: <" in text and "Orijinal (ingilis dili):" in text
    thumb(page, "Like").click()  # the same answer: the vote changes, the comment stays
    expect(page.page.locator("#menbe-feedback")).to_contain_text("👍 2 nömrəli cavab")
    expect(page.page.locator("#menbe-feedback-comment textarea")).to_have_value(COMMENT)
    page.shot(screenshots, "f03-laptop-az")
    page.page.locator("#menbe-ui-lang label", has_text="EN").click()
    expect(page.page.locator("#menbe-export")).to_have_text("Export (.md)")


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Any, ui_server: Server) -> Any:
    page = Page(browser, ui_server, size=SIZES[request.param])
    yield request.param, page
    page.page.close()


def test_the_tools_fit_on_a_phone_and_a_laptop(
    sized: Any, ui_server: Server, screenshots: Path
) -> None:
    name, page = sized
    width = SIZES[name][0]
    answered(page, EN_QUESTION)
    thumb(page, "Dislike").click()
    row = page.page.locator("#menbe-feedback")
    expect(row).to_be_visible()
    page.page.wait_for_timeout(300)
    page.shot(screenshots, f"f04-{name}-tools")
    assert page.page.evaluate(OVERFLOW) <= 0
    for selector in ("#menbe-feedback", "#menbe-feedback-send", "#menbe-export"):
        box = page.page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    chat_box = page.page.locator("#menbe-chat").bounding_box()
    ask_box = page.page.locator("#menbe-ask-row").bounding_box()
    row_box = row.bounding_box()
    assert chat_box["y"] < row_box["y"] < ask_box["y"]  # right under the answer it is about
    row.scroll_into_view_if_needed()
    page.page.screenshot(path=str(screenshots / f"f05-{name}-tools-viewport.png"))
    page.page.click("#menbe-feedback-close")
    expect(row).to_be_hidden()
    assert feedback_lines(ui_server, question=EN_QUESTION, vote="down")
