"""The chat app in a real browser: Debian's chromium driven by Playwright against ``menbe serve``.

Gradio keeps a streaming connection open, so pages never reach "networkidle": the tests wait for
"load" and then for elements. Screenshots go to $MENBE_SCREENSHOTS or a temporary folder, whose
path is printed."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from ui_server import (  # noqa: F401 - the ui_server fixture
    Server,
    report,
    shared_browser,
    ui_server_fixture,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("MENBE_CHROMIUM", "/usr/bin/chromium")  # Debian's, never downloaded
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AZ_LETTERS = re.compile(r"[əƏğĞıİşŞçÇöÖüÜ]")
MARKER = re.compile(r"\s*\[(\d+)\]")
EN_QUESTION = "When was the Contract of the Century approved?"
AZ_QUESTION = "Əsrin müqaviləsi nə vaxt təsdiqləndi?"
XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script>"
SHARED = "heydar-aliyev-regional-relations/p05"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    folder = Path(os.environ.get("MENBE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    report(request, f"UI screenshots: {folder}")
    return folder


def _unavailable(message: str) -> None:
    """Skip on a developer's machine; in CI a missing browser is a failure, not a skip."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")  # session-wide like the server, so it is checked first
def browser(request: pytest.FixtureRequest) -> Any:
    """The session's chromium, shared with the other browser test modules (`shared_browser`)."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"chromium not found at {CHROMIUM} (run `bash .ci/ensure-chromium`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (`make setup`)")
    return shared_browser(request, CHROMIUM, CHROMIUM_ARGS)


def expect(target: Any) -> Any:
    """Playwright's waiting assertions, imported late so a missing package only skips."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


class Page:
    """A page of the app that records dialogs and any request leaving the machine."""

    def __init__(
        self, browser: Any, server: Server, query: str = "", size: tuple[int, int] = (1400, 1000)
    ):
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        self.page.set_default_timeout(TIMEOUT_MS)
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", self._check_request)
        self.base = server.url.rstrip("/")
        self.page.goto(server.url + query, wait_until="load")
        self.page.wait_for_selector("#menbe-ui-lang")  # shown whichever tab a link opens

    def _check_request(self, request: Any) -> None:
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.outside.append(request.url)

    def ask(self, question: str) -> Any:
        """Type a question, press Enter and return the new bot message."""
        bots = self.page.locator("#menbe-chat [data-testid=bot]")
        before = bots.count()
        self.page.fill("#menbe-question textarea", question)
        self.page.press("#menbe-question textarea", "Enter")
        self.page.wait_for_function(
            "n => document.querySelectorAll('#menbe-chat [data-testid=bot]').length > n", arg=before
        )
        return bots.nth(before)

    def shot(self, folder: Path, name: str) -> None:
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def cited_sentences(answer_text: str) -> dict[int, list[str]]:
    """``{n: [sentences followed by [n]]}`` from an answer's visible text; the short answer
    leading a factoid answer ("20 September 1994 [1].") is a span, not a sentence: left out."""
    first_paragraph = answer_text.strip().split("\n")[0]
    out: dict[int, list[str]] = {}
    pos = 0
    for m in MARKER.finditer(first_paragraph):
        lead = pos == 0 and first_paragraph[m.end() : m.end() + 1] == "."
        if not lead:
            out.setdefault(int(m.group(1)), []).append(first_paragraph[pos : m.start()].strip())
        pos = m.end() + lead
    return out


@pytest.fixture(scope="module")
def chat(browser: Any, ui_server: Server, screenshots: Path) -> dict[str, Any]:
    """One conversation: an English question, then an Azerbaijani one."""
    page = Page(browser, ui_server)
    page.shot(screenshots, "01-start")
    english = page.ask(EN_QUESTION).inner_text()
    azerbaijani = page.ask(AZ_QUESTION).inner_text()
    page.shot(screenshots, "02-answers")
    return {"page": page, "en": english, "az": azerbaijani}


def test_english_question_is_answered_in_english_with_citations(chat: dict) -> None:
    text = chat["en"]
    assert "Contract of the Century" in text and "1994" in text
    assert cited_sentences(text), f"no [n] marker in {text!r}"
    links = (
        chat["page"]
        .page.locator("#menbe-chat [data-testid=bot]")
        .first.locator('a[href^="#src-1-"]')
    )
    assert links.count() >= 1


def test_azerbaijani_question_is_answered_in_azerbaijani(chat: dict) -> None:
    text = chat["az"]
    assert AZ_LETTERS.search(text) and "müqavilə" in text
    assert "approved" not in text
    assert cited_sentences(text)


def test_marker_opens_the_source_with_the_cited_sentence_marked(
    chat: dict, screenshots: Path
) -> None:
    page: Page = chat["page"]
    sentences = cited_sentences(chat["az"])
    n = min(sentences)
    bot = page.page.locator("#menbe-chat [data-testid=bot]").nth(1)
    bot.locator(f'a[href="#src-2-{n}"]').first.click()
    card = page.page.locator(f"#src-2-{n}")
    assert card.get_attribute("open") is not None
    marks = card.locator(":scope > .menbe-body > .menbe-para mark")
    assert marks.count() == len(sentences[n])
    expect(marks.first).to_be_in_viewport()
    assert [marks.nth(i).inner_text() for i in range(marks.count())] == sentences[n]
    assert card.locator(".menbe-badge.menbe-lang").first.inner_text() == "AZ"
    assert card.locator(".menbe-badge.menbe-tr").count() == 1
    page.shot(screenshots, "03-source-opened")


def test_original_is_one_click_away_with_the_aligned_sentence(
    chat: dict, screenshots: Path
) -> None:
    page: Page = chat["page"]
    n = min(cited_sentences(chat["az"]))
    original = page.page.locator(f"#src-2-{n} .menbe-orig")
    mark = original.locator("mark").first
    assert not mark.is_visible()
    original.locator("summary").click()
    assert mark.is_visible()
    expect(mark).to_be_in_viewport()
    assert original.locator("summary").inner_text() == "Show original (English)"
    assert original.locator(".menbe-para").get_attribute("lang") == "en"
    # the English original of the Azerbaijani answer is the English answer's sentence
    assert mark.inner_text() == cited_sentences(chat["en"])[1][0]
    page.shot(screenshots, "04-original")


def test_markup_in_a_question_is_shown_as_text_and_never_run(chat: dict, screenshots: Path) -> None:
    page: Page = chat["page"]
    page.ask(XSS)
    page.page.wait_for_timeout(500)
    user = page.page.locator("#menbe-chat [data-testid=user]").last
    assert user.inner_text().strip() == XSS
    assert page.page.locator("#menbe-chat img[src=x]").count() == 0
    assert page.page.locator("#menbe-chat script").count() == 0
    assert page.dialogs == []
    page.shot(screenshots, "05-markup-as-text")


def test_empty_question_gets_a_message_and_no_answer(chat: dict) -> None:
    page: Page = chat["page"]
    bots = page.page.locator("#menbe-chat [data-testid=bot]").count()
    page.page.fill("#menbe-question textarea", "   ")
    page.page.click("#menbe-send")
    notice = page.page.locator("#menbe-notice")
    notice.get_by_text("Please type a question.").wait_for()
    assert page.page.locator("#menbe-chat [data-testid=bot]").count() == bots


def test_nothing_was_fetched_from_outside(chat: dict) -> None:
    assert chat["page"].outside == []


def test_share_link_opens_the_paragraph(browser: Any, ui_server: Server, screenshots: Path) -> None:
    page = Page(browser, ui_server, f"?p={SHARED}")
    focus = page.page.locator("#menbe-browser .menbe-focus")
    focus.wait_for()
    assert focus.get_attribute("id") == "para-heydar-aliyev-regional-relations-p05"
    assert "February 4 to 11, 1994" in focus.locator('[lang="en"]').inner_text()
    assert AZ_LETTERS.search(focus.locator('[lang="az"]').inner_text())
    assert page.page.locator("#menbe-ref input, #menbe-ref textarea").first.input_value() == SHARED
    page.shot(screenshots, "06-shared-paragraph")
    page.page.close()


def test_interface_switches_to_azerbaijani(
    browser: Any,
    ui_server: Server,
    screenshots: Path,
) -> None:
    page = Page(browser, ui_server)
    page.page.locator("#menbe-ui-lang label", has_text="AZ").click()
    expect(page.page.get_by_role("button", name="Soruş")).to_be_visible()
    expect(page.page.get_by_role("tab", name="Korpus")).to_have_count(1)
    expect(page.page.get_by_role("tab", name="Söhbət")).to_have_count(1)
    expect(page.page.locator("#menbe-sources .menbe-panel-title")).to_have_text("Mənbələr")
    question = page.page.locator("#menbe-question textarea")
    expect(question).to_have_attribute("placeholder", "Sualınızı yazın…")
    expect(page.page.locator("#menbe-answer-lang")).to_contain_text("Cavab dili")
    bot = page.ask("Bəs Gürcüstanla münasibətlər necə idi?")
    page.shot(screenshots, "07-interface-az")
    meta = bot.locator("sub").inner_text()
    assert "axtarış" in meta and "etibarlılıq" in meta
    for english in ("retrieval", "confidence", "read as", "p. "):
        assert english not in meta
    expect(page.page.locator("#menbe-footer")).to_contain_text("API ilə istifadə")
    # switching back redraws what is already on screen: the answer's meta line and the panel
    page.page.locator("#menbe-ui-lang label", has_text="EN").click()
    expect(bot.locator("sub")).to_contain_text("retrieval")
    expect(page.page.locator("#menbe-sources .menbe-meta").first).to_contain_text("retrieval")
    expect(page.page.locator("#menbe-sources .menbe-panel-title")).to_have_text("Sources")
    page.page.close()


def test_share_link_in_azerbaijani_lists_the_paragraphs_page(
    browser: Any, ui_server: Server, screenshots: Path
) -> None:
    page = Page(browser, ui_server, "?p=heydar-aliyev-regional-relations/p35&lang=az")
    focus = page.page.locator("#menbe-browser .menbe-focus")
    focus.wait_for()
    assert focus.get_attribute("id") == "para-heydar-aliyev-regional-relations-p35"
    heading = page.page.locator("#menbe-browser h4.menbe-sub", has_text="Səhifə")
    expect(heading).to_have_text("Səhifə 7")
    expect(page.page.locator("#menbe-page input")).to_have_value("7")
    expect(page.page.get_by_role("tab", name="Korpus")).to_have_count(1)
    expect(page.page.locator("#menbe-ref")).to_contain_text("Paraqraf id")
    page.shot(screenshots, "08-shared-az-page")
    page.page.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?p=garbage", "use the form document/paragraph"),
        ("?p=heydar-aliyev-regional-relations/p999", "No such paragraph"),
    ],
)
def test_a_bad_link_shows_a_message_where_the_user_lands(
    browser: Any, ui_server: Server, screenshots: Path, query: str, expected: str
) -> None:
    page = Page(browser, ui_server, query)
    notice = page.page.locator("#menbe-browser .menbe-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(expected)
    if "p999" in query:
        assert "use the form" not in notice.inner_text()
    page.shot(screenshots, f"09-bad-link-{'missing' if 'p999' in query else 'garbage'}")
    page.page.close()


# -- phone and laptop sizes: no sideways scrolling, a tapped marker's card and highlight in view --

SIZES = {"phone": (390, 844), "laptop": (1366, 900)}
OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"


@pytest.fixture(scope="module", params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Any, ui_server: Server) -> Any:
    page = Page(browser, ui_server, size=SIZES[request.param])
    yield request.param, page
    page.page.close()


def test_no_sideways_scrolling_and_a_readable_header(sized: Any, screenshots: Path) -> None:
    name, page = sized
    page.page.wait_for_timeout(3500)  # past the app's mount and its autofocus
    assert page.page.evaluate("window.scrollY") == 0  # the page opens at its header
    page.shot(screenshots, f"10-{name}-start")
    assert page.page.evaluate(OVERFLOW) <= 0
    width = page.page.locator("#menbe-header").bounding_box()["width"]
    assert width >= (0.8 * SIZES[name][0] if name == "phone" else 600)  # not squeezed


def test_a_tapped_marker_shows_its_card_and_highlight(sized: Any, screenshots: Path) -> None:
    name, page = sized
    bot = page.ask(EN_QUESTION)
    marker = bot.locator('a[href^="#src-1-"]').first
    target = marker.get_attribute("href")[1:]
    marker.click()
    page.page.wait_for_timeout(400)
    card = page.page.locator(f"#{target}")
    page.page.screenshot(path=str(screenshots / f"11-{name}-marker-tapped-viewport.png"))
    assert card.get_attribute("open") is not None
    expect(card.locator(":scope > .menbe-body > .menbe-para mark").first).to_be_in_viewport()
    if card.bounding_box()["height"] < SIZES[name][1]:  # a card that fits shows its head too
        expect(card.locator(".menbe-num")).to_be_in_viewport()
    assert page.page.evaluate(OVERFLOW) <= 0
    page.shot(screenshots, f"11-{name}-marker-tapped")
    if name == "phone":  # the sources come right after the chat, before the examples
        side = page.page.locator("#menbe-side").bounding_box()
        examples = page.page.locator("#menbe-examples").bounding_box()
        chat = page.page.locator("#menbe-chat").bounding_box()
        assert chat["y"] < side["y"] < examples["y"]
