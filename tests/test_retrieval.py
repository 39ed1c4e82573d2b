"""Hybrid retrieval over the real corpus, index and model."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

CASES = [
    ("When was the Contract of the Century approved?", "p35", 1),
    ("Əsrin müqaviləsi nə vaxt təsdiqləndi?", "p35", 1),
    ("Who headed the commission created in January 1996?", "p15", 1),
    ("Cənubi Qafqaz boru kəmərinin uzunluğu nə qədərdir?", "p28", 1),
    # Typed without Azerbaijani letters: the folded lexical side has to carry it.
    ("Trabzon sazisi ne vaxt qebul edildi?", "p30", 2),
    ("Ermenistan ile ateskes sazisi ne vaxt imzalandi?", "p34", 2),
]


@pytest.mark.parametrize(("question", "pid", "within"), CASES)
def test_right_paragraph_first(retriever, question: str, pid: str, within: int) -> None:
    result = retriever.search(question, k=5)
    assert pid in [h.pid for h in result.hits[:within]], [h.pid for h in result.hits]


def test_hits_are_paragraphs_with_both_versions_and_a_sentence_span(retriever) -> None:
    result = retriever.search("Heydar Aliyev's visit to Georgia in 1996", k=8)
    keys = [(h.doc_id, h.pid) for h in result.hits]
    assert len(keys) == len(set(keys)) == 8  # EN and AZ versions of a paragraph count once
    assert [h.rank for h in result.hits] == list(range(1, 9))
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    for hit in result.hits:
        assert set(hit.versions) == {"en", "az"}
        best = hit.best_sentence
        assert best is not None
        text = hit.versions[best.lang].text
        assert text[best.start : best.end] == hit.versions[best.lang].sentences[best.index].text
        assert [s.score for s in hit.sentences] == sorted(
            (s.score for s in hit.sentences), reverse=True
        )


def test_language_detection_is_exposed_and_can_be_forced(retriever) -> None:
    assert retriever.search("Türkiyə ilə münasibətlər necə idi?").detection.lang == "az"
    assert retriever.search("Turkiye ile munasibetler nece idi?").detection.lang == "az"
    assert retriever.search("How were relations with Turkey?").detection.lang == "en"
    forced = retriever.search("How were relations with Turkey?", lang="az")
    assert forced.detection.lang == "az" and forced.detection.method == "forced"


@pytest.mark.parametrize("variant", ["dense", "bm25", "hybrid"])
def test_variants(retriever, variant: str) -> None:
    result = retriever.search("Baku-Tbilisi-Ceyhan oil pipeline", k=5, variant=variant)
    assert result.variant == variant
    assert result.hits and all(h.sentences for h in result.hits)
    if variant == "dense":
        assert all(h.dense is not None for h in result.hits)
    if variant == "bm25":
        assert all(h.lexical is not None for h in result.hits)


def test_unknown_words_only_give_dense_hits(retriever) -> None:
    assert retriever.search("xyzzy qwertz", k=3, variant="bm25").hits == ()


def test_langchain_retriever(retriever) -> None:
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    from app.lc import MenbeRetriever

    lc = MenbeRetriever(retriever=retriever, k=3)
    assert isinstance(lc, BaseRetriever)
    docs = lc.invoke("Əsrin müqaviləsi nə vaxt təsdiqləndi?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert top.metadata["paragraph"] == "p35" and top.metadata["lang"] == "az"
    assert top.metadata["translated"] is True and top.metadata["original_lang"] == "en"
    assert "Contract of the Century" in top.metadata["original_text"]
    assert "Əsrin müqaviləsi" in top.page_content
