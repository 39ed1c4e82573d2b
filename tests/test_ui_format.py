"""The chat app without a browser: the pure formatting functions (escaping, citation links,
highlighting, badges, see-also, trimming, share links), the handlers behind the widgets with a
fake answerer, the corpus browser's HTML, and the app's construction."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import pytest

from app.answering import MAX_QUESTION_CHARS, Answer, Citation
from app.errors import QuestionError
from app.ui import browse
from app.ui.cards import citation_card, sources_html
from app.ui.format import (
    answer_markdown,
    escape_markdown,
    highlight,
    parse_paragraph_ref,
    prepare_question,
    share_link,
    user_markdown,
)
from app.ui.handlers import ChatState, Handlers

DOC = "heydar-aliyev-regional-relations"
AZ_TEXT = (
    "Əsrin müqaviləsi 1994-cü ildə təsdiqləndi. Bəs Gürcüstanla əlaqələr? İlk səfər 1994-də oldu."
)
EN_TEXT = "The contract was approved in 1994. And Georgia? The first visit was in 1994."
XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script>"


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def make_citation(n: int = 1, **changes: object) -> Citation:
    base = Citation(
        n=n,
        doc_id=DOC,
        title="Heydər Əliyev dövründə",
        page=7,
        paragraph="p35",
        lang="az",
        text=AZ_TEXT,
        quote="Bəs Gürcüstanla əlaqələr?",
        translated=True,
        original_lang="en",
        original_text=EN_TEXT,
        original_quote="And Georgia?",
        spans=(span(AZ_TEXT, "Bəs Gürcüstanla əlaqələr?"),),
        original_spans=(span(EN_TEXT, "And Georgia?"),),
    )
    return replace(base, **changes)


def make_answer(text: str = "Bəs Gürcüstanla əlaqələr? [1]", **changes: object) -> Answer:
    base = Answer(
        question="Gürcüstan?",
        resolved_question="Gürcüstan?",
        language="az",
        answered=True,
        text=text,
        citations=(make_citation(),),
        see_also=(),
        timings_ms={"retrieve": 35.4, "answer": 1.0},
    )
    return replace(base, **changes)


# -- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize("markup", [XSS, "<b onmouseover=alert(1)>hi</b>", "&lt;script&gt;"])
def test_markup_in_questions_is_escaped(markup: str) -> None:
    shown = user_markdown(markup)
    assert "<" not in shown and ">" not in shown
    assert "&lt;" in shown or "&amp;lt;" in shown


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("# not a heading", "\\# not a heading"),
        ("1994. a year", "1994\\. a year"),
        ("- item", "\\- item"),
        ("Əsr ğış İÖÜ 1993-2003", "Əsr ğış İÖÜ 1993-2003"),
    ],
)
def test_markdown_syntax_stays_text(text: str, expected: str) -> None:
    assert escape_markdown(text) == expected


def test_corpus_text_in_an_answer_is_escaped() -> None:
    answer = make_answer(f"{XSS} [1]")
    shown = answer_markdown(answer, 1)
    assert "<img" not in shown and "<script" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown


def test_corpus_text_in_the_sources_panel_is_escaped() -> None:
    text = f"Before. {XSS} After."
    card = citation_card(
        make_citation(text=text, spans=(span(text, XSS),)), "src-1-1", "1", "en", opened=True
    )
    assert "<img" not in card and "<script" not in card
    assert (
        "<mark>&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(2)&lt;/script&gt;</mark>"
        in card
    )


# -- the chat message ---------------------------------------------------------------------------


def test_markers_become_links_to_their_source_cards() -> None:
    answer = make_answer(
        "First. [1] Second. [2] Not ours [7].",
        citations=(make_citation(1), make_citation(2, paragraph="p36")),
    )
    shown = answer_markdown(answer, 3)
    assert "First. [\\[1\\]](#src-3-1) Second. [\\[2\\]](#src-3-2)" in shown
    assert "Not ours \\[7\\]." in shown  # no such citation: plain text


def test_the_short_answer_is_set_apart_from_its_evidence() -> None:
    answer = make_answer(
        "20 September 1994 [1]. It was approved on 20 September 1994. [1]",
        short_answer="20 September 1994",
    )
    shown = answer_markdown(answer, 1)
    assert shown.startswith("**20 September 1994 [\\[1\\]](#src-1-1)\\.** It was approved")
    plain = answer_markdown(replace(answer, short_answer=""), 1)
    assert "**" not in plain  # no short answer, nothing in bold


def test_removed_sentences_are_listed_collapsed_and_escaped() -> None:
    removed = [{"sentence": "It was in <b>1997</b> [1].", "reason": "“1997” is not in the source"}]
    answer = make_answer(
        "Kept sentence [1].",
        answerer="llm",
        verification={"kept": ["Kept sentence [1]."], "removed": removed},
    )
    shown = answer_markdown(answer, 1)
    assert '<details class="menbe-removed"><summary>1 cümlə silindi' in shown
    assert "&lt;b&gt;1997&lt;/b&gt;" in shown and "<b>" not in shown
    fallback = make_answer(note="Model azərbaycanca cavab vermədi.")
    assert "\n> Model azərbaycanca cavab vermədi." in answer_markdown(fallback, 1)


def test_chat_message_lists_sources_and_retrieval_time() -> None:
    shown = answer_markdown(make_answer(), 1, ui="en")
    assert "[\\[1\\]](#src-1-1) p. 7 · ¶ p35" in shown  # the interface's page label
    assert "retrieval 35 ms" in shown and "confidence" in shown
    assert "read as" not in shown


def test_the_azerbaijani_interface_has_no_english_meta_line() -> None:
    answer = make_answer(language="en", question="Iran?", resolved_question="Relations with Iran?")
    shown = answer_markdown(answer, 1, ui="az")
    assert "[\\[1\\]](#src-1-1) s. 7 · ¶ p35" in shown
    assert "axtarış 35 ms" in shown and "etibarlılıq" in shown
    assert "belə anlaşıldı: “Relations with Iran?”" in shown
    for english in ("retrieval", "read as", "confidence", "p. 7"):
        assert english not in shown


def test_see_also_labels_follow_the_interface() -> None:
    see = (make_citation(0, paragraph="p10", spans=(), original_spans=()),)
    answer = make_answer("Tapılmadı.", answered=False, citations=(), see_also=see)
    shown = answer_markdown(answer, 1, ui="en")
    assert "**See also:**" in shown and "p. 7 · ¶ p10" in shown


def test_a_completed_follow_up_says_how_it_was_read() -> None:
    answer = make_answer(question="Bəs <Gürcüstan>?", resolved_question="Gürcüstanla *əlaqələr*?")
    shown = answer_markdown(answer, 2, ui="en")
    assert "read as “Gürcüstanla \\*əlaqələr\\*?”" in shown


def test_abstention_shows_the_message_and_see_also_links() -> None:
    see = tuple(
        make_citation(0, paragraph=pid, spans=(), original_spans=()) for pid in ("p10", "p18")
    )
    answer = make_answer(
        "I could not find this in the corpus.",
        answered=False,
        citations=(),
        see_also=see,
        language="en",
    )
    shown = answer_markdown(answer, 4)
    assert shown.startswith("I could not find this in the corpus.")
    assert "**See also:**" in shown
    assert "(#src-4-s1)" in shown and "(#src-4-s2)" in shown
    panel = sources_html([(4, answer)], "en")
    assert '<h4 class="menbe-sub">See also</h4>' in panel
    assert panel.count('class="menbe-card menbe-see"') == 2
    assert 'id="src-4-s1"' in panel and "<mark>" not in panel


def test_trimmed_question_gets_a_visible_notice() -> None:
    shown = answer_markdown(make_answer(language="en"), 1, trimmed=True)
    assert shown.startswith("> ⚠️ Your question was long")
    assert str(MAX_QUESTION_CHARS) in shown
    assert "⚠️" not in answer_markdown(make_answer(), 1)


def test_prepare_question_trims_to_the_limit() -> None:
    question, trimmed = prepare_question("  why   not " + "ask " * 1000)
    assert trimmed and len(question) <= MAX_QUESTION_CHARS
    assert question.startswith("why not ask") and not question.endswith(" ")
    assert prepare_question("  Əsrin  müqaviləsi?\n") == ("Əsrin müqaviləsi?", False)
    exact = "a" * MAX_QUESTION_CHARS
    assert prepare_question(exact) == (exact, False)


# -- the sources panel -------------------------------------------------------------------------


def test_highlight_marks_exact_spans_with_azerbaijani_letters() -> None:
    spans = (span(AZ_TEXT, "İlk səfər 1994-də oldu."), span(AZ_TEXT, "Bəs Gürcüstanla əlaqələr?"))
    html = highlight(AZ_TEXT, spans)
    assert html == (
        "Əsrin müqaviləsi 1994-cü ildə təsdiqləndi. <mark>Bəs Gürcüstanla əlaqələr?</mark> "
        "<mark>İlk səfər 1994-də oldu.</mark>"
    )
    assert highlight(AZ_TEXT, ()) == AZ_TEXT
    assert highlight("abc", ((1, 99), (0, 2))) == "<mark>ab</mark><mark>c</mark>"


def test_card_shows_number_place_badges_paragraph_and_original() -> None:
    card = citation_card(make_citation(), "src-2-1", "1", "en", opened=True)
    assert card.startswith('<details class="menbe-card" id="src-2-1" open>')
    assert '<span class="menbe-num">1</span>' in card
    assert "Heydər Əliyev dövründə" in card and "p. 7 · ¶ p35" in card
    assert '<span class="menbe-badge menbe-lang" title="Azerbaijani">AZ</span>' in card
    assert 'class="menbe-badge menbe-tr" title="translated from English">translation<' in card
    assert "<mark>Bəs Gürcüstanla əlaqələr?</mark>" in card
    assert '<details class="menbe-orig"><summary>Show original (English)</summary>' in card
    assert (
        '<p class="menbe-para" lang="en">The contract was approved in 1994. <mark>And Georgia?'
        in card
    )
    assert f'href="?p={DOC}/p35"' in card


def test_original_paragraphs_get_no_translation_badge() -> None:
    original = make_citation(
        lang="en",
        text=EN_TEXT,
        translated=False,
        original_text=EN_TEXT,
        spans=(span(EN_TEXT, "And Georgia?"),),
    )
    card = citation_card(original, "src-1-1", "1", "en", opened=True)
    assert "menbe-tr" not in card and "menbe-orig" not in card
    assert ">EN</span>" in card


def test_card_labels_follow_the_interface_language() -> None:
    card = citation_card(make_citation(), "src-1-1", "1", "az", opened=False)
    assert ">tərcümə<" in card and "s. 7 · ¶ p35" in card
    assert "Orijinalı göstər (ingilis dili)" in card and "(en)" not in card
    assert 'title="tərcümə, orijinal: ingilis dili"' in card
    assert "Bu paraqrafa keçid" in card and " open>" not in card


def test_panel_shows_the_latest_answer_first_and_folds_earlier_ones() -> None:
    first = make_answer(question="Birinci sual?")
    second = make_answer(question="İkinci <b>sual</b>?")
    panel = sources_html([(1, first), (2, second)], "en")
    assert panel.index('data-turn="2"') < panel.index('data-turn="1"')
    assert '<section class="menbe-turn" data-turn="2">' in panel
    assert '<details class="menbe-turn menbe-older" data-turn="1">' in panel
    assert "İkinci &lt;b&gt;sual&lt;/b&gt;?" in panel and "<b>" not in panel
    assert "retrieval 35 ms" in panel
    empty = sources_html([], "az")
    assert "Mənbələr" in empty and "menbe-empty" in empty


# -- share links ---------------------------------------------------------------------------------


def test_share_link_format_and_parsing() -> None:
    assert share_link(DOC, "p05") == f"?p={DOC}/p05"
    assert parse_paragraph_ref(f"{DOC}/p05") == (DOC, "p05")
    assert parse_paragraph_ref(f"?p={DOC}/p05") == (DOC, "p05")
    assert parse_paragraph_ref(f"http://127.0.0.1:7860/?p={DOC}%2Fp05&lang=az") == (DOC, "p05")
    for bad in ("", None, "p05", f"{DOC}/", "/p05", f"{DOC}/<p05>"):
        assert parse_paragraph_ref(bad) is None


# -- the handlers, with a fake answerer ----------------------------------------------------------


class FakeAnswerer:
    def __init__(self, fail: Exception | None = None):
        self.calls: list[tuple[str, dict]] = []
        self.fail = fail

    def ask(self, question: str, **kwargs: object) -> Answer:
        self.calls.append((question, kwargs))
        if self.fail is not None:
            raise self.fail
        if not question.strip():
            raise QuestionError("the question is empty")
        return make_answer(question=question)


@pytest.fixture()
def fake():
    return FakeAnswerer()


def test_empty_question_gets_a_message_and_no_call(fake: FakeAnswerer, corpus) -> None:
    h = Handlers(fake, corpus)
    for empty in ("", "   ", "\x00\x07", None):
        reply = h.start(empty, ChatState(), "en")
        assert reply.notice == "Please type a question."
        assert reply.state.pending is None and reply.state.messages == []
        assert h.respond(reply.state, "auto", "en").state.messages == []
    assert h.start(" ", ChatState(), "az").notice == "Zəhmət olmasa, sual yazın."
    assert fake.calls == []


def test_question_is_shown_then_answered_with_history(fake: FakeAnswerer, corpus) -> None:
    h = Handlers(fake, corpus)
    state = h.start(XSS, ChatState(), "en").state
    assert state.messages[-1]["role"] == "user" and "<img" not in state.messages[-1]["content"]
    reply = h.respond(state, "auto", "en")
    assert reply.state.messages[-1]["role"] == "assistant"
    assert reply.sources is not None and 'id="src-1-1"' in reply.sources
    reply = h.respond(h.start("Bəs Gürcüstan?", reply.state, "en").state, "az", "en")
    question, kwargs = fake.calls[1]
    assert (question, kwargs["lang"]) == ("Bəs Gürcüstan?", "az")
    # the earlier *answer* goes along, so the follow-up rules know whether it was answered
    [earlier] = kwargs["history"]
    assert earlier.question == XSS and earlier.answered
    assert fake.calls[0][1]["lang"] is None
    assert [t for t, _ in reply.state.turns] == [1, 2]


class StreamingAnswerer(FakeAnswerer):
    streams = True

    def ask(self, question: str, **kwargs: object) -> Answer:
        for piece in ("It was ", "in <b>1994</b> ", "[1]."):
            kwargs["on_token"](piece)
        return super().ask(question, **{k: v for k, v in kwargs.items() if k != "on_token"})


def test_a_model_answer_streams_then_the_verified_answer_replaces_it(corpus) -> None:
    h = Handlers(StreamingAnswerer(), corpus)
    state = h.start("When?", ChatState(), "en").state
    steps = list(h.respond_stream(state, "auto", "en"))
    partial = [s.state.messages[-1]["content"] for s in steps[:-1]]
    assert len(partial) == 3 and partial[-1].startswith("It was in &lt;b&gt;1994&lt;/b&gt;")
    assert all(s.sources is None for s in steps[:-1])  # the sources panel waits for the answer
    final = steps[-1]
    assert final.sources is not None and len(final.state.turns) == 1
    assert len(final.state.messages) == len(state.messages) + 1  # the stream was replaced


def test_closing_the_stream_tells_the_model_to_stop(corpus) -> None:
    seen: list[object] = []

    class Recording(StreamingAnswerer):
        def ask(self, question: str, **kwargs: object) -> Answer:
            seen.append(kwargs["stop"])
            return super().ask(question, **{k: v for k, v in kwargs.items() if k != "stop"})

    h = Handlers(Recording(), corpus)
    steps = h.respond_stream(h.start("When?", ChatState(), "en").state, "auto", "en")
    next(steps)  # the first words are on screen; the user presses Stop
    steps.close()
    assert seen and seen[0].is_set()


def test_an_extractive_answer_is_one_step(fake: FakeAnswerer, corpus) -> None:
    h = Handlers(fake, corpus)
    steps = list(h.respond_stream(h.start("When?", ChatState(), "en").state, "auto", "en"))
    assert len(steps) == 1 and "on_token" not in fake.calls[0][1]


def test_long_question_is_trimmed_then_answered(fake: FakeAnswerer, corpus) -> None:
    h = Handlers(fake, corpus)
    state = h.start("Iran? " + "more " * 1000, ChatState(), "en").state
    assert state.pending is not None and state.pending[1] is True
    reply = h.respond(state, "auto", "en")
    assert len(fake.calls[0][0]) <= MAX_QUESTION_CHARS
    assert "yalnız ilk 2000 simvolu" in reply.state.messages[-1]["content"]  # answer's language


def test_a_failure_becomes_a_friendly_message(corpus) -> None:
    h = Handlers(FakeAnswerer(fail=RuntimeError("chroma exploded <b>")), corpus)
    state = h.start("When?", ChatState(), "en").state
    reply = h.respond(state, "auto", "en")
    message = reply.state.messages[-1]
    assert message["role"] == "assistant"
    assert message["content"].startswith("Something went wrong while answering: RuntimeError")
    assert reply.state.pending is None and reply.state.turns == [] and reply.sources is None


def test_api_ask_gives_the_cli_shape_or_an_error(fake: FakeAnswerer, corpus) -> None:
    h = Handlers(fake, corpus)
    assert h.api_ask("Gürcüstan?") == make_answer(question="Gürcüstan?").as_json()
    assert h.api_ask("  ") == {"question": "  ", "error": "the question is empty"}
    assert set(h.api_ask("x" * (MAX_QUESTION_CHARS + 1))) == {"question", "error"}
    assert set(h.api_ask("Gürcüstan?", "fr")) == {"question", "error"}
    failing = Handlers(FakeAnswerer(fail=RuntimeError("boom")), corpus)
    assert failing.api_ask("When?") == {
        "question": "When?",
        "error": "internal error (RuntimeError)",
    }


# -- the corpus browser --------------------------------------------------------------------------


def test_browser_opens_a_paragraph_by_id(corpus) -> None:
    h = Handlers(FakeAnswerer(), corpus)
    assert h.open_paragraph(f"{DOC}/p05") == (DOC, 3, "p05")
    assert h.open_paragraph(f"{DOC}/p99") is None and h.open_paragraph("nonsense") is None
    html = h.browser_html(DOC, 3, "en", "p05")
    assert html.count('class="menbe-row menbe-focus"') == 1
    assert f'id="para-{DOC}-p05"' in html and f"?p={DOC}/p05" in html
    focus = html[html.index("menbe-focus") : html.index("</article>")]
    assert 'lang="en"' in focus and 'lang="az"' in focus and ">translation<" in focus
    assert "No such document: x." in h.not_found_html(DOC, 3, "en", "x/p99")


def test_a_bad_link_says_what_is_wrong_with_it(corpus) -> None:
    h = Handlers(FakeAnswerer(), corpus)
    missing = h.not_found_html(DOC, 3, "en", f"{DOC}/p99")
    assert f"No such paragraph: {DOC}/p99." in missing and "use the form" not in missing
    assert 'role="alert"' in missing and f'id="para-{DOC}-p05"' in missing  # the page stays
    garbage = browse.ref_problem(corpus, "garbage", "en")
    assert garbage is not None and "use the form document/paragraph" in garbage
    assert "Belə paraqraf yoxdur" in (browse.ref_problem(corpus, f"{DOC}/p99", "az") or "")
    assert browse.ref_problem(corpus, f"{DOC}/p05", "az") is None
    assert "&lt;script&gt;" in h.not_found_html(DOC, 3, "en", "<script>")


def test_a_link_lists_the_paragraphs_page_in_the_requested_language(corpus) -> None:
    h = Handlers(FakeAnswerer(), corpus)
    doc_id, page, pid = h.open_paragraph(f"?p={DOC}/p35&lang=az", "az")
    assert (doc_id, pid) == (DOC, "p35") and page == corpus.get(DOC, "p35", "az").page != 1
    html = h.browser_html(doc_id, page, "az", pid)
    assert f"Səhifə {page}<" in html and html.count("menbe-focus") == 1
    # a paragraph paged differently in its translation is listed under that language's page
    moved = next(
        p
        for p in corpus.document(DOC).in_language("az")
        if p.page != corpus.get(DOC, p.pid, "en").page
    )
    assert browse.paragraph_page(corpus, DOC, moved.pid, "az") == moved.page
    assert browse.paragraph_page(corpus, DOC, moved.pid, "en") != moved.page


def test_switching_the_interface_redraws_the_answers(fake: FakeAnswerer, corpus) -> None:
    h = Handlers(fake, corpus)
    state = h.respond(h.start("Gürcüstan?", ChatState(), "en").state, "auto", "en").state
    assert "retrieval 35 ms" in state.messages[-1]["content"]
    redrawn = h.relabel(state, "az")
    assert "axtarış 35 ms" in redrawn.messages[-1]["content"]
    assert "s. 7" in redrawn.messages[-1]["content"]
    assert redrawn.messages[0] == state.messages[0]  # the question is left as typed
    assert "Mənbələr" in h.panel(redrawn, "az") and "axtarış" in h.panel(redrawn, "az")
    assert h.relabel(redrawn, "en").messages == state.messages


def test_browser_pages_cover_every_paragraph(corpus) -> None:
    pages = browse.pages(corpus, DOC)
    assert pages == sorted(pages) and pages[0] >= 1
    shown = "".join(browse.page_html(corpus, DOC, p, "az") for p in pages)
    pids = {p.pid for p in corpus.document(DOC).paragraphs}
    assert all(f'id="para-{DOC}-{pid}"' in shown for pid in pids)
    assert "Səhifə" in shown


# -- interface strings and the app ---------------------------------------------------------------


def test_interface_strings_exist_in_both_languages() -> None:
    table = json.loads(resources.files("app").joinpath("data/ui.json").read_text("utf-8"))
    assert set(table["en"]) == set(table["az"])
    assert all(value.strip() for lang in table.values() for value in lang.values())


def test_app_builds_and_offers_only_ask_as_api(corpus) -> None:
    from app.ui.app import build_app

    demo = build_app(FakeAnswerer(), corpus)
    endpoints = demo.get_api_info()["named_endpoints"]
    assert list(endpoints) == ["/ask"]
    assert [p["parameter_name"] for p in endpoints["/ask"]["parameters"]] == [
        "question",
        "language",
    ]
