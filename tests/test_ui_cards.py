"""The reading tools without a browser: source cards (section, page, one title per run of cards
from a document, the stale-translation badge, the citation to copy, the data the ``[n]`` preview
shows), the thinking placeholder, and the corpus browser's search results and "ask about this
paragraph" question, in both interface languages."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources

import pytest

from app.answering import Answer, Citation
from app.corpus import Corpus, Document, Paragraph
from app.errors import MenbeError
from app.retrieval import Hit, SentenceScore
from app.ui import browse
from app.ui.cards import (
    QUOTE_CHARS,
    CardFacts,
    card_facts,
    citation_card,
    citation_reference,
    cited_sentence,
    copy_button,
    sources_html,
)
from app.ui.format import answer_markdown, badges, clip
from app.ui.handlers import Handlers
from app.ui.static import css, head, ui_text

DOC = "heydar-aliyev-regional-relations"
TEXT = "The contract was approved in 1994. It was signed in Baku. The pipeline came later."
XSS = '<img src=x onerror=alert(1)> "quoted"'
#: The strings this change adds to the English interface; none may reach the Azerbaijani one.
NEW_KEYS = (
    "thinking",
    "stale",
    "stale_title",
    "copy_citation",
    "copied",
    "copy_manual",
    "search_label",
    "search_placeholder",
    "search",
    "search_results",
    "search_none",
    "search_unavailable",
    "ask_about",
    "ask_prompt",
    "align_hint",
)


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def cite(n: int = 1, **changes: object) -> Citation:
    base = Citation(
        n=n,
        doc_id=DOC,
        title="Relations With Regional States",
        page=7,
        paragraph="p35",
        lang="en",
        text=TEXT,
        quote="It was signed in Baku.",
        translated=False,
        original_lang="en",
        original_text=TEXT,
        original_quote="It was signed in Baku.",
        spans=(span(TEXT, "It was signed in Baku."),),
        original_spans=(span(TEXT, "It was signed in Baku."),),
    )
    return replace(base, **changes)


def answer(*citations: Citation, **changes: object) -> Answer:
    base = Answer(
        question="Where was it signed?",
        resolved_question="Where was it signed?",
        language="en",
        answered=True,
        text="It was signed in Baku. [1]",
        citations=citations or (cite(),),
        see_also=(),
        timings_ms={"retrieve": 12.0},
    )
    return replace(base, **changes)


def summary_data(card: str) -> dict[str, str]:
    """The ``data-*`` attributes of a card's summary (what the ``[n]`` preview reads)."""
    summary = re.search(r"<summary([^>]*)>", card)
    assert summary is not None
    return dict(re.findall(r' data-([a-z]+)="([^"]*)"', summary.group(1)))


def stale_corpus() -> Corpus:
    """One paragraph, original in English, its Azerbaijani translation made from an older text."""
    en = Paragraph(DOC, "p01", "en", 2, "Research", "original", None, TEXT, ())
    az = replace(
        en,
        lang="az",
        section="Tədqiqat",
        origin="translation",
        source_lang="en",
        text="Müqavilə 1994-cü ildə.",
        source_hash="00000000",
        stale=True,
    )
    doc = Document(
        DOC, {"en": "Title", "az": "Başlıq"}, "", 2024, ("en", "az"), "", "", 9, (en, az)
    )
    return Corpus.of((doc,))


# -- cards: where the paragraph is, and one title per document run -------------------------------


def test_a_card_says_section_page_and_paragraph(corpus) -> None:
    facts = card_facts(corpus, cite())
    assert facts == CardFacts(section="Research", stale=False)
    card = citation_card(cite(), "src-1-1", "1", "en", opened=True, facts=facts)
    assert "Research · p. 7 · ¶ p35" in card
    az = cite(lang="az", translated=True, text="Müqavilə.", spans=())
    az_card = citation_card(az, "src-1-1", "1", "az", opened=True, facts=card_facts(corpus, az))
    assert "Tədqiqat · s. 7 · ¶ p35" in az_card
    assert card_facts(None, cite()) == CardFacts()
    assert card_facts(corpus, cite(paragraph="p999")) == CardFacts()  # lost since: says less


def test_the_title_is_shown_only_when_the_document_changes(corpus) -> None:
    other = cite(3, doc_id="other-doc", title="Another Document", paragraph="p02")
    cards = (cite(1), cite(2, paragraph="p36"), other, cite(4, paragraph="p10"))
    panel = sources_html([(1, answer(*cards))], "en", corpus)
    titles = re.findall(r'<span class="menbe-title">([^<]*)</span>', panel)
    assert titles == ["Relations With Regional States", "Another Document", titles[0]]
    # the preview still knows every card's title
    previews = re.findall(r'<summary[^>]* data-title="([^"]*)"', panel)
    assert previews == [c.title for c in cards]


def test_see_also_cards_name_their_document_again(corpus) -> None:
    see = (cite(0, paragraph="p10", spans=(), quote=""),)
    abstained = answer(answered=False, citations=(cite(),), see_also=see)
    panel = sources_html([(1, abstained)], "en", corpus)
    assert panel.count('<span class="menbe-title">') == 2  # a new group under "See also"
    assert 'data-quote="The contract was approved in 1994.' in panel  # the opening, not a quote


# -- the stale badge -----------------------------------------------------------------------------


def test_a_stale_translation_gets_a_warning_badge_in_both_languages() -> None:
    corpus = stale_corpus()
    az = cite(paragraph="p01", lang="az", translated=True, text="Müqavilə 1994-cü ildə.", spans=())
    facts = card_facts(corpus, az)
    assert facts == CardFacts(section="Tədqiqat", stale=True)
    en_card = citation_card(az, "src-1-1", "1", "en", opened=True, facts=facts)
    az_card = citation_card(az, "src-1-1", "1", "az", opened=True, facts=facts)
    assert ">outdated translation</span>" in en_card
    assert 'title="The original paragraph changed after this translation was made' in en_card
    assert ">köhnəlmiş tərcümə</span>" in az_card and "outdated" not in az_card
    assert card_facts(corpus, cite(paragraph="p01")).stale is False  # the original itself
    assert "menbe-stale" not in badges("en", False, "en", "en", stale=True)  # only translations


def test_the_corpus_browser_shows_the_stale_badge_too() -> None:
    html = browse.paragraph_html(stale_corpus(), DOC, "p01", "en")
    assert html.count("menbe-stale") == 1
    az_column = html[html.index('<div class="menbe-col" lang="az"') :]
    assert "menbe-stale" in az_column


# -- copy citation -----------------------------------------------------------------------------


def test_the_citation_to_copy_names_title_page_paragraph_and_link() -> None:
    expected = f"Relations With Regional States, p. 7, ¶ p35 — ?p={DOC}/p35"
    assert citation_reference(cite(), "en") == expected
    assert citation_reference(cite(), "az") == expected.replace("p. 7", "s. 7")
    button = copy_button(cite(), "en")
    assert f'data-cite="{expected}"' in button and f'data-link="?p={DOC}/p35"' in button
    assert 'data-done="Copied"' in button and ">Copy citation</span>" in button
    card = citation_card(cite(), "src-1-1", "1", "en", opened=True)
    assert card.count('class="menbe-copy"') == 1


def test_a_title_with_markup_stays_text_in_every_attribute() -> None:
    card = citation_card(cite(title=XSS, quote=XSS), "src-1-1", "1", "en", opened=True)
    assert "<img" not in card and '"quoted"' not in card
    data = summary_data(card)
    assert data["title"] == "&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot;"
    assert data["quote"] == data["title"]


# -- the [n] preview's data ---------------------------------------------------------------------


def test_the_preview_carries_title_place_sentence_and_language(corpus) -> None:
    card = citation_card(
        cite(), "src-1-1", "1", "az", opened=True, facts=card_facts(corpus, cite())
    )
    assert summary_data(card) == {
        "title": "Relations With Regional States",
        "where": "Research · s. 7 · ¶ p35",
        "quote": "It was signed in Baku.",
        "lang": "en",
    }


def test_the_cited_sentence_falls_back_and_is_clipped() -> None:
    assert cited_sentence(cite()) == "It was signed in Baku."
    spans_only = cite(quote="", spans=(span(TEXT, "The pipeline came later."),))
    assert cited_sentence(spans_only) == "The pipeline came later."
    assert cited_sentence(cite(quote="", spans=())) == TEXT  # see-also: the paragraph's opening
    long = cite(quote="word " * 200)
    shown = cited_sentence(long)
    assert len(shown) <= QUOTE_CHARS and shown.endswith("word…")
    assert clip("  a   b  ", 10) == "a b"


# -- the answer on its way -----------------------------------------------------------------------


def test_the_panel_carries_the_thinking_words_in_the_interface_language(corpus) -> None:
    for turns in ([], [(1, answer())]):
        en, az = sources_html(turns, "en", corpus), sources_html(turns, "az", corpus)
        assert en.startswith('<div class="menbe-sources" data-thinking="Searching the corpus…">')
        assert 'data-thinking="Korpusda axtarılır…"' in az and "Searching" not in az


# -- ask about this paragraph -------------------------------------------------------------------


def test_ask_about_a_paragraph_quotes_its_opening_in_the_interface_language(corpus) -> None:
    en = browse.ask_prompt(corpus, DOC, "p35", "en")
    assert en == (
        "What does the corpus say about “From a pragmatic point of view, the signing of the "
        "armistice made…”?"
    )
    az = browse.ask_prompt(corpus, DOC, "p35", "az")
    assert az.startswith("“Praqmatik baxımdan atəşkəsin") and az.endswith(
        "haqqında korpus nə deyir?"
    )
    # a list item's number is no topic; a short paragraph is quoted whole, without its full stop
    assert "“The period of mutually effective" in browse.ask_prompt(corpus, DOC, "p12", "en")
    assert browse.topic(replace(corpus.get(DOC, "p35", "en"), text="Iran and Azerbaijan.")) == (
        "Iran and Azerbaijan"
    )
    assert browse.ask_prompt(corpus, DOC, "p999", "en") == ""


def test_every_paragraph_in_the_browser_can_be_asked_about(corpus) -> None:
    html = browse.page_html(corpus, DOC, 7, "az")
    rows = html.count('<article class="menbe-row')
    assert rows > 1 and html.count('class="menbe-ask"') == rows
    assert "Bu paraqraf haqqında soruş" in html and "Ask about" not in html
    assert html.count('<div class="menbe-cols">') == rows  # both versions: two columns
    only_en = Corpus.of(
        (replace(corpus.document(DOC), paragraphs=corpus.document(DOC).in_language("en")),)
    )
    assert '<div class="menbe-cols menbe-one">' in browse.paragraph_html(only_en, DOC, "p35", "en")


# -- corpus search ------------------------------------------------------------------------------


def hit(corpus, pid: str, rank: int = 1, sentence: int | None = 0, lang: str = "en") -> Hit:
    versions = corpus.versions(DOC, pid)
    scores = ()
    if sentence is not None:
        s = versions[lang].sentences[sentence]
        scores = (SentenceScore(lang, s.index, s.start, s.end, 0.9),)
    return Hit(DOC, pid, rank, 0.5, 0.8, 3.0, lang, versions, scores)


def test_search_results_list_title_page_and_the_matching_sentence(corpus) -> None:
    p35 = corpus.get(DOC, "p35", "en")
    contract = next(i for i, s in enumerate(p35.sentences) if "Contract of the Century" in s.text)
    hits = [hit(corpus, "p35", 1, contract), hit(corpus, "p05", 2, None)]
    html = browse.results_html(corpus, hits, "  Contract   of the Century ", "en")
    assert "Paragraphs matching “Contract of the Century” (2)" in html
    first = html[html.index("<li>") : html.index("</li>")]
    assert f'data-ref="{DOC}/p35"' in first and f'href="?p={DOC}/p35"' in first
    assert "Relations With Regional States During the Heydar Aliyev Period" in first
    assert "Research · p. 7 · ¶ p35" in first
    assert "The &quot;Contract of the Century&quot; approved on September 20, 1994" in first
    # no matching sentence in the shown version: the paragraph's opening
    assert "As the President of the Republic of Azerbaijan" in html


def test_search_results_name_a_document_only_when_it_changes(corpus) -> None:
    doc = corpus.document(DOC)
    other = replace(
        doc,
        doc_id="other-doc",
        title={"en": "Another <Document>", "az": "Başqa sənəd"},
        paragraphs=tuple(replace(p, doc_id="other-doc") for p in doc.paragraphs),
    )
    both = Corpus.of((doc, other))
    hits = [hit(corpus, "p35"), hit(corpus, "p05", 2), hit(corpus, "p35", 3), hit(corpus, "p07", 4)]
    hits[2] = replace(hits[2], doc_id="other-doc")
    html = browse.results_html(both, hits, "Contract", "en")
    titles = re.findall(r'<span class="menbe-title">([^<]*)</span>', html)
    first = "Relations With Regional States During the Heydar Aliyev Period"
    assert titles == [first, "Another &lt;Document&gt;", first]
    assert html.count('class="menbe-hit"') == 4  # every hit still says page and paragraph
    assert html.count('class="menbe-loc"') == 4


def test_search_results_follow_the_interface_language(corpus) -> None:
    html = browse.results_html(corpus, [hit(corpus, "p35", lang="en")], "Əsrin müqaviləsi", "az")
    assert 'lang="az"' in html and "Tədqiqat · s. 7 · ¶ p35" in html
    assert "Heydər Əliyev dövründə regional dövlətlərlə münasibətlər" in html
    assert "“Əsrin müqaviləsi” sorğusuna uyğun 1 paraqraf" in html
    assert browse.results_html(corpus, [], "xyz <b>", "en") == (
        '<div class="menbe-hits"><p class="menbe-hits-head">'
        "No paragraph matches “xyz &lt;b&gt;”.</p></div>"
    )
    assert browse.results_html(corpus, [hit(corpus, "p35")], "   ", "en") == ""


class Searching:
    """A fake answerer with the chat's search (the real one is `LiveAnswerer.search`)."""

    def __init__(self, corpus, fail: Exception | None = None):
        self.corpus, self.fail, self.calls = corpus, fail, []

    def ask(self, question: str, **kwargs: object) -> Answer:
        raise AssertionError("search must not answer")

    def search(self, query: str, k: int = 5) -> object:
        self.calls.append((query, k))
        if self.fail:
            raise self.fail

        class Result:
            hits = (hit(self.corpus, "p35"),)

        return Result()


def test_handlers_search_with_the_answerers_search(corpus) -> None:
    fake = Searching(corpus)
    html = Handlers(fake, corpus).search_html(" Contract ", "en")
    assert fake.calls == [("Contract", 8)] and f'data-ref="{DOC}/p35"' in html
    assert Handlers(fake, corpus).search_html("", "en") == "" and len(fake.calls) == 1


def test_handlers_search_failures_are_one_line_notes(corpus) -> None:
    broken = Handlers(Searching(corpus, fail=MenbeError("the index is broken")), corpus)
    assert "The search is not available right now (the index is broken)." in broken.search_html(
        "x", "en"
    )
    crash = Handlers(Searching(corpus, fail=RuntimeError("<boom>")), corpus).search_html("x", "az")
    assert "Axtarış hazırda mümkün deyil (RuntimeError)." in crash and "<boom>" not in crash

    class NoSearch:
        def ask(self, question: str, **kwargs: object) -> Answer:
            raise AssertionError

    assert 'role="alert"' in Handlers(NoSearch(), corpus).search_html("x", "en")


# -- the marker before a full stop ----------------------------------------------------------------


def test_a_full_stop_follows_its_marker_with_no_gap() -> None:
    """ "September 20, 1994 [1]." and not "[1] .": no space in the markdown, and the marker's
    chip gives back on its right what it pads, so the full stop sits against it."""
    short = answer(
        text="September 20, 1994 [1]. It was approved on September 20, 1994. [1]",
        short_answer="September 20, 1994",
    )
    shown = answer_markdown(short, 1)
    assert shown.startswith("**September 20, 1994 [\\[1\\]](#src-1-1)\\.** It was approved")
    rule = re.search(r'#menbe-chat a\[href\^="#src-"\] \{([^}]*)\}', css())
    assert rule is not None
    padding = re.search(r"padding: 0 ([.\d]+)em;", rule.group(1))
    margin = re.search(r"margin-right: -([.\d]+)em;", rule.group(1))
    assert padding and margin, rule.group(1)
    assert float(padding.group(1)) - float(margin.group(1)) <= 0.06  # what is left: a hairline


# -- strings and static files -------------------------------------------------------------------


def test_new_strings_exist_in_both_languages_and_differ() -> None:
    table = json.loads(resources.files("app").joinpath("data/ui.json").read_text("utf-8"))
    for key in NEW_KEYS:
        assert table["en"][key].strip() and table["az"][key].strip(), key
        assert table["en"][key] != table["az"][key], key


@pytest.mark.parametrize("key", NEW_KEYS)
def test_the_azerbaijani_panel_and_browser_show_no_new_english_string(corpus, key: str) -> None:
    english = ui_text(key, "en").split("{")[0].strip()  # the words before any placeholder
    if len(english) < 4:
        return
    panel = sources_html([(1, answer(cite()))], "az", corpus)
    browser = browse.page_html(corpus, DOC, 7, "az")
    results = browse.results_html(corpus, [hit(corpus, "p35")], "Iran", "az")
    for html in (panel, browser, results):
        assert english not in html


def test_the_tools_script_and_style_are_served() -> None:
    assert ".menbe-pop" in css() and "#menbe-chat .top-panel" in css()
    assert head().count("<script>") == 2 and "menbe-copy" in head()
