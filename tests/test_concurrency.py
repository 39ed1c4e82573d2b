"""``menbe serve`` answers several questions at once: answering from many threads must give
exactly what answering one at a time gives, and nothing may raise. Real model, real index."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from app.config import DEFAULT_CONCURRENCY, Config, parse_concurrency
from app.errors import MenbeError

QUESTIONS = [
    "When was the Contract of the Century approved?",
    "Əsrin müqaviləsi nə vaxt təsdiqləndi?",
    "Who headed the commission created in January 1996?",
    "Cənubi Qafqaz boru kəmərinin uzunluğu nə qədərdir?",
    "Trabzon sazisi ne vaxt qebul edildi?",
    "How did relations with Iran develop?",
    "Bəs Gürcüstanla münasibətlər necə idi?",
    "Turkiye ile munasibetler nece qurulmusdu?",
    "What did Heydar Aliyev say about the Moon landing?",  # not in the corpus: an abstention
    "Heydar Aliyev",
    "NATO",
    "Ermenistan ile ateskes sazisi ne vaxt imzalandi?",
]


def _exact(answer) -> tuple:
    """Everything an answer says, timings aside, plus its hits' raw float scores: a concurrent
    answer must match to the last bit, not only after ``as_json`` rounds it."""
    out = answer.as_json()
    out.pop("timings_ms")
    hits = [
        (h.doc_id, h.pid, h.score, h.dense, h.lexical, h.matched_lang, h.sentences)
        for h in answer.hits
    ]
    return repr(out), tuple(hits)


@pytest.fixture(scope="module")
def live(index_config, embedder):
    from app.live import LiveAnswerer

    answerer = LiveAnswerer(index_config, embedder, report=lambda _m: None)
    yield answerer
    answerer.close()


@pytest.mark.slow
def test_answers_from_many_threads_equal_sequential_answers(live) -> None:
    expected = {q: _exact(live.ask(q)) for q in QUESTIONS}
    work = QUESTIONS * 4
    random.Random(12).shuffle(work)
    with ThreadPoolExecutor(max_workers=DEFAULT_CONCURRENCY) as pool:
        got = list(pool.map(lambda q: (q, _exact(live.ask(q))), work))  # re-raises any error
    assert len(got) == len(work)
    for question, answer in got:
        assert answer == expected[question], question


@pytest.mark.slow
def test_searches_and_query_vectors_from_many_threads_equal_sequential_ones(live, embedder) -> None:
    vectors = {q: embedder.embed_query(q) for q in QUESTIONS}
    hits = {q: [(h.pid, h.score) for h in live.search(q, k=8).hits] for q in QUESTIONS}

    def both(q: str) -> tuple[str, np.ndarray, list]:
        return q, embedder.embed_query(q), [(h.pid, h.score) for h in live.search(q, k=8).hits]

    with ThreadPoolExecutor(max_workers=16) as pool:
        for q, vector, found in pool.map(both, QUESTIONS * 3):
            assert np.array_equal(vector, vectors[q]), q
            assert found == hits[q], q


class _OneAtATime:
    """A model that, like sentence-transformers' tokenizer, breaks when two calls meet."""

    def __init__(self) -> None:
        self.prompts = {"query": "query: "}
        self.inside, self.calls = threading.Lock(), 0

    def get_embedding_dimension(self) -> int:
        return 4

    def encode(self, texts, **_kw) -> np.ndarray:
        if not self.inside.acquire(blocking=False):
            raise RuntimeError("Already borrowed")
        try:
            time.sleep(0.002)
            self.calls += 1
            return np.tile(np.array([1.0, 0, 0, 0], np.float32), (len(texts), 1))
        finally:
            self.inside.release()


def test_torch_backend_calls_take_turns() -> None:
    from app.embedding.model import Embedder

    model = _OneAtATime()
    embedder = Embedder(model, "fake", "cpu", 16, backend="torch")
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(embedder.embed_query, ["q"] * 40))
    assert model.calls == 40


def test_concurrency_setting() -> None:
    assert Config().concurrency == DEFAULT_CONCURRENCY
    assert Config.from_env({"MENBE_CONCURRENCY": "3"}).concurrency == 3
    assert Config.from_env({"MENBE_CONCURRENCY": ""}).concurrency == DEFAULT_CONCURRENCY
    for bad in ("0", "-2", "many", "1.5"):
        with pytest.raises(MenbeError, match="MENBE_CONCURRENCY"):
            Config.from_env({"MENBE_CONCURRENCY": bad})
    assert parse_concurrency(12) == 12


def test_serve_takes_a_concurrency_flag() -> None:
    from app.cli import build_parser

    args = build_parser().parse_args(["serve", "--concurrency", "2"])
    assert args.concurrency == 2
    assert build_parser().parse_args(["serve"]).concurrency is None
