"""Generative answers, verified sentence by sentence.

The verifier and the fallbacks run on hand-written model outputs through a scripted chat model:
the LLM endpoint is the one external, optional component here, so it is the one thing faked
(``ScriptedModel`` speaks LangChain's ``stream`` interface). Retrieval, the stored sentence
vectors, the embedding model and the answerability decision are the real ones.
`tests/test_generative_server.py` runs the same path against a real model server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from app.answering import Answerer
from app.answering.generative import GenerativeAnswerer
from app.answering.llm import LLMSettings
from app.messages import message

pytestmark = pytest.mark.slow
CONTRACT_EN = "When was the Contract of the Century approved?"
CONTRACT_AZ = "Əsrin müqaviləsi nə vaxt təsdiqləndi?"


@dataclass
class Chunk:
    content: str


class ScriptedModel:
    """Replies with a fixed text, token by token, and records the prompt it was sent."""

    def __init__(self, reply: str = "", fail: Exception | None = None):
        self.reply, self.fail, self.sent = reply, fail, []

    def stream(self, messages):
        self.sent.append(messages)
        if self.fail is not None:
            raise self.fail
        for piece in re.findall(r"\S+\s*", self.reply):
            yield Chunk(piece)


@pytest.fixture(scope="module")
def extractive(retriever) -> Answerer:
    return Answerer(retriever)


def generative(extractive: Answerer, reply: str = "", fail: Exception | None = None):
    settings = LLMSettings("http://127.0.0.1:9/v1", "scripted")
    return GenerativeAnswerer(extractive, settings, model=ScriptedModel(reply, fail))


def test_a_supported_sentence_is_kept_and_cited(extractive: Answerer) -> None:
    reply = "The Contract of the Century was approved on September 20, 1994 [1]."
    answer = generative(extractive, reply).ask(CONTRACT_EN)
    assert answer.answerer == "llm" and answer.answered
    assert answer.text == reply and answer.verification["removed"] == []
    [citation] = answer.citations
    assert citation.n == 1 and citation.paragraph == "p35"
    assert "September 20, 1994" in citation.quote  # the supporting sentence is the highlight
    assert answer.as_json()["verification"]["kept"] == [reply]


def test_a_wrong_date_an_unsent_source_and_a_missing_marker_are_removed(
    extractive: Answerer,
) -> None:
    reply = (
        "The Contract of the Century was approved on September 20, 1994 [1]. "
        "It was approved on May 12, 1997 [1]. "
        "The contract was signed in London [9]. "
        "It was a turning point for the country."
    )
    answer = generative(extractive, reply).ask(CONTRACT_EN)
    assert answer.answerer == "llm"
    assert answer.text == "The Contract of the Century was approved on September 20, 1994 [1]."
    reasons = {r["sentence"]: r["reason"] for r in answer.verification["removed"]}
    assert (
        reasons["It was approved on May 12, 1997 [1]."].startswith("“12”")
        or "1997" in (reasons["It was approved on May 12, 1997 [1]."])
    )
    assert reasons["The contract was signed in London [9]."] == message(
        "verify_bad_marker", "en", n="[9]"
    )
    assert reasons["It was a turning point for the country."] == message("verify_no_marker", "en")


def test_citations_are_renumbered_in_order_of_use(extractive: Answerer) -> None:
    model = generative(extractive, "")
    base = extractive.ask(CONTRACT_EN)
    p35 = next(n for n, h in enumerate(base.hits[:4], start=1) if h.pid == "p35")
    model.model.reply = f"The Contract of the Century was approved on September 20, 1994 [{p35}]."
    answer = model.ask(CONTRACT_EN)
    assert [c.n for c in answer.citations] == [1] and answer.text.endswith("[1].")


def test_an_answer_in_the_wrong_language_falls_back(extractive: Answerer) -> None:
    reply = "The Contract of the Century was approved on September 20, 1994 [1]."
    answer = generative(extractive, reply).ask(CONTRACT_AZ)
    assert answer.answerer == "extractive" and answer.language == "az"
    assert answer.note == message("fallback_language", "az")
    assert "20 sentyabr 1994" in answer.text  # the extractive answer, in Azerbaijani


def test_an_all_invented_answer_falls_back(extractive: Answerer) -> None:
    reply = "Azerbaijan joined NATO on May 12, 1994 [1]. Ilham Aliyev signed it in Paris [2]."
    answer = generative(extractive, reply).ask(CONTRACT_EN)
    assert answer.answerer == "extractive" and answer.note == message("fallback_nothing", "en")
    assert len(answer.verification["removed"]) == 2 and answer.verification["kept"] == []
    assert "September 20, 1994" in answer.text


def test_an_azerbaijani_answer_is_verified_against_the_azerbaijani_version(
    extractive: Answerer,
) -> None:
    reply = "Əsrin müqaviləsi 20 sentyabr 1994-cü ildə təsdiqlənmişdir [1]."
    answer = generative(extractive, reply).ask(CONTRACT_AZ)
    assert answer.answerer == "llm" and answer.text == reply
    assert answer.citations[0].lang == "az"


def test_the_endpoint_down_gives_a_clear_note_and_the_extractive_answer(
    extractive: Answerer,
) -> None:
    import httpx

    down = httpx.ConnectError("[Errno 111] Connection refused")
    answer = generative(extractive, fail=down).ask(CONTRACT_EN)
    assert answer.answerer == "extractive" and answer.answered
    assert answer.note == message(
        "fallback_down", "en", url="http://127.0.0.1:9/v1", error="connection refused"
    )


def test_unanswerable_questions_never_reach_the_model(extractive: Answerer) -> None:
    model = generative(extractive, "Azerbaijan joined NATO in 2004 [1].")
    answer = model.ask("When did Azerbaijan join NATO?")
    assert not answer.answered and model.model.sent == []
    assert answer.note == message("fallback_abstain", "en")


def test_the_prompt_is_in_the_question_language_with_numbered_sources(
    extractive: Answerer,
) -> None:
    model = generative(extractive, "x")
    model.ask(CONTRACT_AZ)
    [(system, user)] = [(m[0][1], m[1][1]) for m in model.model.sent]
    assert "Azərbaycan dilində" in system
    assert "[1] " in user and "Sual: " in user and "20 sentyabr 1994" in user


def test_tokens_stream_as_they_come(extractive: Answerer) -> None:
    pieces: list[str] = []
    reply = "The Contract of the Century was approved on September 20, 1994 [1]."
    answer = generative(extractive, reply).ask(CONTRACT_EN, on_token=pieces.append)
    assert len(pieces) > 5 and "".join(pieces) == reply
    assert answer.timings_ms["first_token"] <= answer.timings_ms["generate"]


def test_settings_come_from_the_environment_and_hide_the_key() -> None:
    env = {"MENBE_LLM_BASE_URL": "http://x/v1", "MENBE_LLM_API_KEY": "sk-secret"}
    settings = LLMSettings.from_env(env, model="m")
    assert settings is not None and settings.model == "m" and "sk-secret" not in repr(settings)
    assert LLMSettings.from_env({}) is None
