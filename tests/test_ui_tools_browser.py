"""The reading tools in a real browser (Debian's chromium, Playwright, ``menbe serve``), at a
phone's and a laptop's size: the ``[n]`` preview (hover on a laptop, tap on a phone) with the
tapped card still brought into view, "copy citation" on the clipboard, the words in the pending
bubble, the layout fixes (the marker before a full stop, the phone's switch, question box and
empty chat), the corpus search, its aligned sentences (hover on a laptop, tap on a phone) and
"ask about this paragraph", and an Azerbaijani interface that shows none of these tools' English
words.

The server, the browser, the screenshot folder and the page helper are test_ui_browser's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_ui_browser import (
    AZ_QUESTION,
    EN_QUESTION,
    OVERFLOW,
    SIZES,
    Page,
    browser,
    expect,
    screenshots,
)
from test_ui_cards import NEW_KEYS
from ui_server import Server, ui_server_fixture  # noqa: F401 - the ui_server fixture

from app.ui import browse
from app.ui.static import ui_text

pytestmark = [pytest.mark.browser, pytest.mark.slow]
#: The fixtures taken from test_ui_browser (pytest finds them by these names in this module).
SHARED_FIXTURES = (browser, screenshots)

DOC = "heydar-aliyev-regional-relations"
TITLE = "Relations With Regional States During the Heydar Aliyev Period"
#: corpus/heydar-aliyev-regional-relations/en.txt: the Contract of the Century, approved on
#: 20 September 1994, is told in p35 (page 7); both questions below are answered from it.
SEARCH_EN, SEARCH_AZ, PID, PAGE = "Contract of the Century approved", "Əsrin müqaviləsi", "p35", 7
#: Records every text the pending bubble shows, since an extractive answer comes in a blink.
WATCH_THINKING = """() => {
  window.menbeThinking = [];
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('#menbe-chat .menbe-thinking'))
      window.menbeThinking.push(el.textContent);
  }).observe(document.documentElement, { childList: true, subtree: true });
}"""
#: Every attribute a reader (or a screen reader) can meet, beside the visible text.
ALL_TEXT = """() => {
  const attrs = [];
  for (const el of document.querySelectorAll('*'))
    for (const a of el.attributes)
      if (['title', 'placeholder', 'aria-label', 'alt'].includes(a.name)
          || a.name.startsWith('data-')) attrs.push(a.value);
  return document.body.innerText + '\\n' + attrs.join('\\n');
}"""


class _InContext:
    """What `Page` takes of a browser (``new_page``), opening the page in one prepared context."""

    def __init__(self, context: Any):
        self.context = context

    def new_page(self, viewport: dict) -> Any:
        return self.context.new_page()


class ToolsPage(Page):
    """A `Page` whose context has touch on a phone and may use the clipboard."""

    def __init__(self, browser: Any, server: Server, size: tuple[int, int], query: str = ""):
        self.context = browser.new_context(
            viewport={"width": size[0], "height": size[1]},
            has_touch=size[0] < 720,
            permissions=["clipboard-read", "clipboard-write"],
        )
        super().__init__(_InContext(self.context), server, query, size)
        self.phone = size[0] < 720

    def press(self, locator: Any) -> None:
        """A tap on a phone, a click elsewhere."""
        locator.tap() if self.phone else locator.click()

    def close(self) -> None:
        self.context.close()


def english_words(key: str) -> str:
    """An interface string's English words up to its first placeholder."""
    return ui_text(key, "en").split("{")[0].strip()


def open_by_search(page: ToolsPage, query: str) -> Any:
    """Search the corpus tab for ``query``; returns the results."""
    page.press(page.page.locator('#menbe-tabs button[role="tab"]').nth(1))
    box = page.page.locator("#menbe-search input, #menbe-search textarea").first
    box.fill(query)
    box.press("Enter")
    hits = page.page.locator("#menbe-hits .menbe-hit")
    hits.first.wait_for()
    return hits


@pytest.fixture(scope="module", params=list(SIZES))
def asked(request: pytest.FixtureRequest, browser: Any, ui_server: Server) -> Any:
    """A page at each size where the English question has been answered."""
    page = ToolsPage(browser, ui_server, SIZES[request.param])
    page.page.wait_for_timeout(500)
    page.page.evaluate(WATCH_THINKING)
    bot = page.ask(EN_QUESTION)
    bot.locator('a[href^="#src-1-"]').first.wait_for()
    yield request.param, page, bot
    page.close()


def test_the_pending_bubble_says_the_corpus_is_searched(asked: Any) -> None:
    _, page, _ = asked
    assert "Searching the corpus…" in page.page.evaluate("window.menbeThinking")
    expect(page.page.locator("#menbe-chat .menbe-thinking")).to_have_count(0)  # gone now


def test_a_marker_previews_its_source_and_still_opens_its_card(
    asked: Any, screenshots: Path
) -> None:
    name, page, bot = asked
    marker = bot.locator('a[href^="#src-1-"]').first
    card = page.page.locator(f"#{marker.get_attribute('href')[1:]}")
    cited = card.locator(":scope > .menbe-body > .menbe-para mark")
    marked = " ".join(cited.nth(i).inner_text() for i in range(cited.count()))
    pop = page.page.locator("#menbe-pop")
    if name == "laptop":
        marker.hover()
        expect(pop).to_be_visible()
        page.shot(screenshots, f"20-{name}-preview-hover")
    page.press(marker)
    expect(pop).to_be_visible()
    assert pop.locator(".menbe-pop-title").inner_text() == TITLE
    assert f"p. {PAGE} · ¶ {PID}" in pop.locator(".menbe-pop-where").inner_text()
    quote = pop.locator(".menbe-pop-quote").inner_text()
    assert quote and marked.startswith(quote.rstrip("…")), (quote, marked)
    # the tap still opens the card with its highlight in view, and the preview leaves it visible
    assert card.get_attribute("open") is not None
    expect(cited.first).to_be_in_viewport()
    box, mark = pop.bounding_box(), cited.first.bounding_box()
    width = SIZES[name][0]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    if name == "phone":
        assert "menbe-docked" in (pop.get_attribute("class") or "")
        assert mark["y"] < box["y"]  # the highlight starts above the docked preview
    else:
        expect(marker).to_be_in_viewport()  # beside the marker, which stayed where it was
    page.page.screenshot(path=str(screenshots / f"21-{name}-preview-tapped.png"))
    assert page.page.evaluate(OVERFLOW) <= 0
    page.page.keyboard.press("Escape")
    expect(pop).to_be_hidden()


#: The gap between a marker's "]" and the character after it, in CSS pixels.
MARKER_GAP = """a => {
  const text = a.firstChild, next = a.nextSibling, range = document.createRange();
  range.setStart(text, text.length - 1); range.setEnd(text, text.length);
  const bracket = range.getBoundingClientRect();
  range.setStart(next, 0); range.setEnd(next, 1);
  return [range.getBoundingClientRect().left - bracket.right, next.textContent[0]];
}"""


def test_the_short_answer_reads_marker_then_full_stop(asked: Any) -> None:
    bot = asked[2]
    short = bot.locator("strong").first
    assert re.fullmatch(r"September 20, 1994 \[1\]\.", short.inner_text().strip())
    gap, after = short.locator('a[href^="#src-"]').evaluate(MARKER_GAP)
    assert after == "." and gap < 1.5, gap  # was 3.3 px of the chip's padding: "[1] ."


def test_copy_citation_puts_title_page_paragraph_and_link_on_the_clipboard(
    asked: Any, ui_server: Server, screenshots: Path
) -> None:
    name, page, _ = asked
    button = page.page.locator("#src-1-1 .menbe-copy")
    button.scroll_into_view_if_needed()
    page.press(button)
    expect(button).to_contain_text("Copied")
    expected = f"{TITLE}, p. {PAGE}, ¶ {PID} — {ui_server.url}?p={DOC}/{PID}"
    assert page.page.evaluate("navigator.clipboard.readText()") == expected
    page.page.screenshot(path=str(screenshots / f"22-{name}-citation-copied.png"))


def test_the_bin_icon_covers_no_message_button(asked: Any, screenshots: Path) -> None:
    name, page, _ = asked
    page.ask("How did relations with Iran develop?")  # enough messages to scroll the chat
    bin_icon = page.page.locator("#menbe-chat .top-panel").bounding_box()
    for top in (0, 10_000):
        page.page.evaluate(
            "t => { document.querySelector('#menbe-chat .bubble-wrap').scrollTop = t; }", top
        )
        page.page.wait_for_timeout(150)
        buttons = page.page.locator("#menbe-chat .message-buttons button")
        for i in range(buttons.count()):
            b = buttons.nth(i).bounding_box()
            if b is None:
                continue
            apart = (
                b["y"] >= bin_icon["y"] + bin_icon["height"]
                or b["y"] + b["height"] <= bin_icon["y"]
                or b["x"] >= bin_icon["x"] + bin_icon["width"]
                or b["x"] + b["width"] <= bin_icon["x"]
            )
            assert apart, f"the bin icon covers message button {i} ({b} vs {bin_icon})"
    page.page.locator("#menbe-chat").screenshot(path=str(screenshots / f"23-{name}-chat-bin.png"))


def test_the_document_name_stops_before_the_dropdown_arrow(asked: Any, screenshots: Path) -> None:
    name, page, _ = asked
    page.press(page.page.locator('#menbe-tabs button[role="tab"]').nth(1))
    field = page.page.locator("#menbe-doc input")
    field.wait_for()
    text_end = field.evaluate(
        "el => el.getBoundingClientRect().right - parseFloat(getComputedStyle(el).paddingRight)"
    )
    arrow = page.page.locator("#menbe-doc .icon-wrap").bounding_box()
    assert text_end <= arrow["x"], (text_end, arrow)
    page.page.locator("#menbe-browse-bar").screenshot(
        path=str(screenshots / f"24-{name}-document-dropdown.png")
    )
    assert page.page.evaluate(OVERFLOW) <= 0


def test_the_corpus_search_finds_and_opens_the_paragraph(asked: Any, screenshots: Path) -> None:
    name, page, _ = asked
    hits = open_by_search(page, SEARCH_EN)
    first = hits.first
    assert first.get_attribute("data-ref") == f"{DOC}/{PID}"
    assert "Contract of the Century" in first.inner_text()
    assert f"p. {PAGE} · ¶ {PID}" in first.inner_text() and TITLE in first.inner_text()
    # one document: its title heads the first hit only, every hit says page and paragraph
    expect(page.page.locator("#menbe-hits .menbe-title")).to_have_count(1)
    expect(page.page.locator("#menbe-hits .menbe-loc")).to_have_count(hits.count())
    page.shot(screenshots, f"25-{name}-search-results")
    assert page.page.evaluate(OVERFLOW) <= 0
    page.press(first)
    focus = page.page.locator(f"#para-{DOC}-{PID}.menbe-focus")
    expect(focus).to_be_visible()
    expect(focus.locator("header")).to_be_in_viewport()
    # both language versions, side by side on a laptop and one above the other on a phone
    en = focus.locator('.menbe-col[lang="en"]').bounding_box()
    az = focus.locator('.menbe-col[lang="az"]').bounding_box()
    if name == "phone":
        assert az["y"] >= en["y"] + en["height"] - 1 and abs(az["x"] - en["x"]) < 2
    else:
        assert abs(az["y"] - en["y"]) < 2 and az["x"] > en["x"] + en["width"]
    page.page.screenshot(path=str(screenshots / f"26-{name}-search-opened.png"))
    assert page.page.evaluate(OVERFLOW) <= 0


@pytest.mark.parametrize("name", list(SIZES))
def test_a_sentence_lights_up_its_counterpart_in_the_other_language(
    browser: Any, ui_server: Server, corpus, screenshots: Path, name: str
) -> None:
    """Hover (laptop) or tap (phone) sentence 2 of p35's English version: sentence 2 of the
    Azerbaijani version is lit with it; on a phone, where that version is out of view below,
    the docked preview shows it too. Moving away, or a second tap, puts the light out."""
    page = ToolsPage(browser, ui_server, SIZES[name], f"?p={DOC}/{PID}")
    try:
        focus = page.page.locator(f"#para-{DOC}-{PID}.menbe-focus")
        expect(focus).to_be_visible()
        en = focus.locator('.menbe-col[lang="en"] .menbe-s[data-s="2"]')
        az = focus.locator('.menbe-col[lang="az"] .menbe-s[data-s="2"]')
        assert az.inner_text() == corpus.get(DOC, PID, "az").sentences[2].text
        lit = page.page.locator(".menbe-aligned")
        expect(lit).to_have_count(0)
        if name == "phone":  # ui.js holds a phone's page at its top for 3 s after loading
            page.page.wait_for_timeout(3500)
        en.evaluate("el => el.scrollIntoView({ block: 'end' })")  # the other version below
        en.hover() if name == "laptop" else en.tap()
        expect(az).to_have_class(re.compile(r"\bmenbe-aligned\b"))
        expect(en).to_have_class(re.compile(r"\bmenbe-aligned\b"))
        expect(lit).to_have_count(2)
        pop = page.page.locator("#menbe-pop")
        if name == "phone":
            expect(pop).to_be_visible()
            assert "menbe-docked" in (pop.get_attribute("class") or "")
            assert pop.locator(".menbe-pop-quote").inner_text() == az.inner_text()
            assert pop.locator(".menbe-pop-title").inner_text() == "Azerbaijani"
        else:
            expect(pop).to_be_hidden()  # both columns are side by side: nothing to dock
        page.page.screenshot(path=str(screenshots / f"30-{name}-aligned-sentence.png"))
        assert page.page.evaluate(OVERFLOW) <= 0
        if name == "laptop":  # the other way round, then away
            other = focus.locator('.menbe-col[lang="az"] .menbe-s[data-s="0"]')
            other.hover()
            expect(focus.locator('.menbe-col[lang="en"] .menbe-s[data-s="0"]')).to_have_class(
                re.compile(r"\bmenbe-aligned\b")
            )
            expect(lit).to_have_count(2)
            focus.locator(".menbe-pid").hover()
        else:
            en.tap()
            expect(pop).to_be_hidden()
        expect(lit).to_have_count(0)
    finally:
        page.close()


@pytest.mark.parametrize("name", list(SIZES))
def test_the_empty_chat_and_the_question_box_fit_the_screen(
    browser: Any, ui_server: Server, screenshots: Path, name: str
) -> None:
    """On a phone the interface switch and the question box take the width, and the empty
    chat is only as tall as its prompt, so the box is in view at once; the prompt is centred."""
    page = ToolsPage(browser, ui_server, SIZES[name])
    try:
        width, height = SIZES[name]
        placeholder = page.page.locator("#menbe-chat .placeholder")
        expect(placeholder).to_be_visible()
        assert placeholder.evaluate("el => getComputedStyle(el).textAlign") == "center"
        chat = page.page.locator("#menbe-chat").bounding_box()
        question = page.page.locator("#menbe-question").bounding_box()
        expect(page.page.locator("#menbe-question textarea")).to_be_in_viewport()
        if name == "phone":
            switch = page.page.locator("#menbe-ui-lang").bounding_box()
            assert switch["width"] >= 0.85 * width, switch
            choices = page.page.locator("#menbe-ui-lang .wrap > label")
            a, b = choices.nth(0).bounding_box(), choices.nth(1).bounding_box()
            assert abs(a["width"] - b["width"]) < 2 and a["width"] + b["width"] >= 0.75 * width
            assert question["width"] >= 0.6 * width, question
            assert chat["height"] < 0.35 * height, chat
        else:
            assert chat["height"] >= 0.5 * height  # beside the sources panel, as tall as before
        page.page.screenshot(path=str(screenshots / f"31-{name}-empty-chat.png"))
        assert page.page.evaluate(OVERFLOW) <= 0
    finally:
        page.close()


@pytest.mark.parametrize("name", list(SIZES))
def test_ask_about_a_paragraph_prefills_the_chat(
    browser: Any, ui_server: Server, corpus, screenshots: Path, name: str
) -> None:
    page = ToolsPage(browser, ui_server, SIZES[name], f"?p={DOC}/{PID}")  # opened by a link
    try:
        focus = page.page.locator(f"#para-{DOC}-{PID}.menbe-focus")
        expect(focus).to_be_visible()
        page.press(focus.locator(".menbe-ask"))
        chat_tab = page.page.locator('#menbe-tabs button[role="tab"]').first
        expect(chat_tab).to_have_attribute("aria-selected", "true")
        question = page.page.locator("#menbe-question textarea")
        expect(question).to_have_value(browse.ask_prompt(corpus, DOC, PID, "en"))
        expect(question).to_be_focused()
        page.page.screenshot(path=str(screenshots / f"27-{name}-ask-prefilled.png"))
        bots = page.page.locator("#menbe-chat [data-testid=bot]")
        before = bots.count()
        question.press("Enter")
        expect(bots.nth(before)).to_contain_text(f"¶ {PID}")  # answered from that paragraph
        assert page.outside == []
    finally:
        page.close()


def test_the_azerbaijani_interface_shows_none_of_the_tools_english(
    browser: Any, ui_server: Server, screenshots: Path
) -> None:
    page = ToolsPage(browser, ui_server, SIZES["phone"], "?lang=az")
    try:
        expect(page.page.get_by_role("tab", name="Korpus")).to_have_count(1)
        page.page.wait_for_timeout(500)
        page.page.evaluate(WATCH_THINKING)
        bot = page.ask(AZ_QUESTION)
        assert "Korpusda axtarılır…" in page.page.evaluate("window.menbeThinking")
        page.press(bot.locator('a[href^="#src-1-"]').first)
        pop = page.page.locator("#menbe-pop")
        expect(pop).to_be_visible()
        assert f"s. {PAGE} · ¶ {PID}" in pop.inner_text()
        page.page.screenshot(path=str(screenshots / "28-az-preview-tapped.png"))
        button = page.page.locator("#src-1-1 .menbe-copy")
        button.scroll_into_view_if_needed()
        page.press(button)
        expect(button).to_contain_text("Kopyalandı")
        assert ", s. 7, ¶ p35 — " in page.page.evaluate("navigator.clipboard.readText()")
        seen = [page.page.evaluate(ALL_TEXT)]
        hits = open_by_search(page, SEARCH_AZ)
        assert hits.first.get_attribute("data-ref") == f"{DOC}/{PID}"
        page.press(hits.first)
        expect(page.page.locator(f"#para-{DOC}-{PID}.menbe-focus")).to_be_visible()
        page.shot(screenshots, "29-az-search-opened")
        seen.append(page.page.evaluate(ALL_TEXT))
        for key in NEW_KEYS:
            english = english_words(key)
            for text in seen:
                assert english not in text, f"{key}: {english!r} in the Azerbaijani interface"
    finally:
        page.close()
