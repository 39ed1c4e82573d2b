"""The extractive answerer: sentences in the question's language, numbered citations, abstention,
follow-ups, forced language and the JSON shape — on the real corpus, index and model."""

from __future__ import annotations

import re

import pytest

from app.answer import MAX_QUESTION_CHARS, Answerer, clean_question
from app.errors import QuestionError
from app.messages import message

pytestmark = pytest.mark.slow
AZ_LETTERS = re.compile(r"[əğıöşüçƏĞİÖŞÜÇ]")


@pytest.fixture(scope="module")
def answerer(retriever) -> Answerer:
    return Answerer(retriever)


def markers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


def check_citations(answer) -> None:
    used = markers(answer.text)
    assert used, answer.text
    first_use = list(dict.fromkeys(used))
    assert first_use == list(range(1, len(first_use) + 1))  # numbered in order of first use
    assert [c.n for c in answer.citations] == first_use
    assert len({c.paragraph for c in answer.citations}) == len(
        answer.citations
    )  # one per paragraph
    for c in answer.citations:
        assert c.quote and all(c.text[a:b] in c.quote for a, b in c.spans)
        assert all(c.text[a:b] in answer.text for a, b in c.spans)  # each cited sentence is used


def test_english_answer(answerer: Answerer) -> None:
    answer = answerer.ask("When was the Contract of the Century approved?")
    assert answer.answered and answer.language == "en"
    assert "September 20, 1994" in answer.text
    check_citations(answer)
    first = answer.citations[0]
    assert first.paragraph == "p35" and first.page == 7 and first.lang == "en"
    assert not first.translated
    assert (first.original_lang, first.original_text, first.original_quote) == (
        "en",
        first.text,
        first.quote,
    )
    assert not AZ_LETTERS.search(re.sub(r"\(.*?\)", "", answer.text))


def test_azerbaijani_answer_from_the_translation_with_aligned_original(answerer: Answerer) -> None:
    answer = answerer.ask("Əsrin müqaviləsi nə vaxt təsdiqləndi?")
    assert answer.answered and answer.language == "az"
    assert "20 sentyabr 1994" in answer.text and AZ_LETTERS.search(answer.text)
    check_citations(answer)
    c = answer.citations[0]
    assert c.translated and c.lang == "az" and c.original_lang == "en"
    assert c.title == "Heydər Əliyev dövründə regional dövlətlərlə münasibətlər"
    assert "September 20, 1994" in c.original_quote  # the aligned English sentence
    assert len(c.original_spans) == len(c.spans)


def test_ascii_azerbaijani_question_gets_an_azerbaijani_answer(answerer: Answerer) -> None:
    answer = answerer.ask("Trabzon sazisi ne vaxt qebul edildi?")
    assert answer.language == "az" and answer.answered
    assert "2002" in answer.text and AZ_LETTERS.search(answer.text)


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("What is the recipe for plov?", "en"),
        ("Who won the 2018 FIFA World Cup?", "en"),
        ("Plov necə bişirilir?", "az"),
        ("Paxlava necə hazırlanır?", "az"),
    ],
)
def test_abstains_outside_the_corpus(answerer: Answerer, question: str, lang: str) -> None:
    answer = answerer.ask(question)
    assert not answer.answered and answer.citations == ()
    assert answer.language == lang and answer.text == message("not_found", lang)
    assert 1 <= len(answer.see_also) <= 3 and all(c.n == 0 for c in answer.see_also)


def test_follow_up_in_english(answerer: Answerer) -> None:
    first = answerer.ask("What were Azerbaijan's relations with Armenia like in the conclusion?")
    follow = answerer.ask("And with Georgia?", history=[first.question])
    assert "Georgia" in follow.resolved_question and "Armenia" not in follow.resolved_question
    assert follow.answered and follow.language == "en"
    assert "Georgia" in follow.text


def test_follow_up_in_azerbaijani(answerer: Answerer) -> None:
    follow = answerer.ask("Bəs Gürcüstanla?", history=["Rusiya ilə münasibətlər necə idi?"])
    assert follow.resolved_question == "Gürcüstan ilə münasibətlər necə idi?"
    assert follow.language == "az" and follow.answered
    assert "Gürcüstan" in follow.text


def test_forced_language(answerer: Answerer) -> None:
    answer = answerer.ask("When was the Contract of the Century approved?", lang="az")
    assert answer.language == "az" and "Əsrin müqaviləsi" in answer.text
    back = answerer.ask("Əsrin müqaviləsi nə vaxt təsdiqləndi?", lang="en")
    assert back.language == "en" and "Contract of the Century" in back.text


def test_json_shape(answerer: Answerer) -> None:
    data = answerer.ask("Əsrin müqaviləsi nə vaxt təsdiqləndi?").as_json()
    assert set(data) == {
        "question",
        "language",
        "answered",
        "answer",
        "citations",
        "see_also",
        "timings_ms",
    }
    citation_keys = {
        "n",
        "doc_id",
        "title",
        "page",
        "paragraph",
        "lang",
        "text",
        "quote",
        "translated",
        "original_lang",
        "original_text",
        "original_quote",
    }
    assert all(set(c) == citation_keys for c in data["citations"])
    assert all(set(c) == citation_keys - {"n"} for c in data["see_also"])
    assert set(data["timings_ms"]) == {"retrieve", "answer"}
    assert all(isinstance(v, float) for v in data["timings_ms"].values())


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * (MAX_QUESTION_CHARS + 1)])
def test_bad_questions_are_refused_clearly(answerer: Answerer, bad: str) -> None:
    with pytest.raises(QuestionError, match=r"empty|too long"):
        answerer.ask(bad)


@pytest.mark.parametrize(
    "odd",
    [
        "<script>alert(1)</script> Contract of the Century?",
        "When\x00 was\x07 the Contract\x1b approved?",
        "Türkiyə ilə relations in 1994 ilə?",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_odd_questions_get_a_normal_answer(answerer: Answerer, odd: str) -> None:
    answer = answerer.ask(odd)
    assert answer.language in ("en", "az")
    assert answer.answered or answer.see_also


def test_clean_question_removes_control_characters() -> None:
    assert clean_question("  When\x00 was\x07\nit? ") == "When was it?"
