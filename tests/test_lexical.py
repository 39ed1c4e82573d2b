"""BM25 ranking on a small bilingual corpus, persistence, and behaviour at 50k passages."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from app import textnorm
from app.errors import IndexError_, IndexMismatchError
from app.lexical import MATRIX_FILE, VOCAB_FILE, LexicalIndex

CORPUS = [
    ("az", "Azərbaycan ilə Türkiyə arasında münasibətlər 1992-ci ildə yeni mərhələyə qədəm qoydu."),
    ("en", "Relations between Azerbaijan and Turkey entered a new phase in 1992."),
    ("az", "Bakı-Tbilisi-Ceyhan boru kəməri 2006-cı ildə istifadəyə verildi."),
    ("en", "The Baku-Tbilisi-Ceyhan pipeline was opened in 2006 after years of construction."),
    ("az", "Gürcüstanla əlaqələr strateji tərəfdaşlıq səviyyəsinə yüksəldi."),
    ("en", "Relations with Georgia rose to the level of a strategic partnership."),
    ("az", "Heydər Əliyev 1993-cü ildə hakimiyyətə qayıtdı."),
    ("en", "Heydar Aliyev returned to power in 1993."),
    ("az", "Əsrin müqaviləsi 1994-cü ilin sentyabrında imzalandı."),
    ("en", "The Contract of the Century was signed in September 1994."),
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build([t for _, t in CORPUS], [lang for lang, _ in CORPUS])


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("Turkiye ile munasibetler nece idi?", "az", 0),
        ("Türkiyə ilə münasibətlər necə idi?", "az", 0),
        ("Gurcustanla elaqeler", "az", 4),
        ("Heyder Eliyev ne vaxt hakimiyyete qayitdi?", "az", 6),
        ("Esrin muqavilesi ne vaxt imzalandi?", "az", 8),
        ("boru kemeri", "az", 2),
        ("Azerbaijan Turkey relations", "en", 1),
        ("When was the BTC pipeline opened?", "en", 3),
        ("Heydar Aliyev return to power", "en", 7),
        ("Tell me about the Contract of the Century", "en", 9),
        ("relations Georgia", None, 5),
        ("munasibetler Turkiye", None, 0),
    ],
)
def test_query_finds_its_paragraph(index: LexicalIndex, query: str, lang, expected: int) -> None:
    hits = index.search(query, lang, 3)
    assert hits[0][0] == expected, hits


def test_scores_descend_and_k_caps_the_list(index: LexicalIndex) -> None:
    hits = index.search("relations 1992 Azerbaijan Turkey pipeline", "en", 100)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    assert len(hits) == len({row for row, _ in hits}) < len(CORPUS)  # only rows that match
    assert index.search("relations 1992 Azerbaijan Turkey pipeline", "en", 2) == hits[:2]


@pytest.mark.parametrize("query", ["", "   ", "?!", "the of and", "və ilə", "zzqx quuxly"])
def test_nothing_to_match_gives_no_hits(index: LexicalIndex, query: str) -> None:
    assert index.search(query, "en", 5) == []
    assert index.search(query, None, 5) == []


def test_k_zero_gives_no_hits(index: LexicalIndex) -> None:
    assert index.search("pipeline", "en", 0) == []


def test_repeating_a_term_does_not_inflate_it(index: LexicalIndex) -> None:
    assert index.search("pipeline pipeline pipeline", "en", 5) == index.search("pipeline", "en", 5)


def test_same_language_reading_outranks_the_other(index: LexicalIndex) -> None:
    hits = dict(index.search("Ceyhan", "en", 5))
    assert hits[3] > hits[2] > 0  # both passages name Ceyhan; the English one wins in English
    hits = dict(index.search("Ceyhan", "az", 5))
    assert hits[2] > hits[3] > 0


def _reference_bm25(texts, langs, query, lang, k1=1.5, b=0.75) -> dict[int, float]:
    """Textbook BM25 over the same terms, one passage at a time."""
    docs = [Counter(textnorm.tokens(t, lg)) for t, lg in zip(texts, langs, strict=True)]
    avg = sum(sum(d.values()) for d in docs) / len(docs)
    weights: dict[str, float] = {}
    for reading, weight in ((lang, 1.0), ("az" if lang == "en" else "en", 0.5)):
        for term in textnorm.tokens(query, reading):
            weights[term] = max(weights.get(term, 0.0), weight)
    scores: dict[int, float] = {}
    for term, weight in weights.items():
        df = sum(term in d for d in docs)
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        for row, d in enumerate(docs):
            if term in d:
                length = sum(d.values())
                tf = d[term]
                part = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avg))
                scores[row] = scores.get(row, 0.0) + weight * part
    return scores


@pytest.mark.parametrize(
    "query", ["rare17 common1", "common1 common2 common3", "rare3", "rare5 rare9 common2"]
)
def test_scores_match_textbook_bm25(query: str) -> None:
    rng = np.random.default_rng(7)
    vocab = [f"common{i}" for i in range(4)] + [f"rare{i}" for i in range(40)]
    p = np.array([30.0] * 4 + [1.0] * 40)
    texts = [" ".join(rng.choice(vocab, rng.integers(3, 15), p=p / p.sum())) for _ in range(400)]
    langs = ["en"] * 400
    index = LexicalIndex.build(texts, langs)
    expected = _reference_bm25(texts, langs, query, "en")
    got = index.search(query, "en", 1000)
    assert {row for row, _ in got} == set(expected)
    for row, score in got:
        assert score == pytest.approx(expected[row], rel=1e-4)


def test_save_load_round_trip(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert len(loaded) == len(index)
    for query, lang in [("Turkiye munasibetler", "az"), ("pipeline 2006", "en"), ("1993", None)]:
        assert loaded.search(query, lang, 5) == index.search(query, lang, 5)
    assert sorted(p.name for p in (tmp_path / "lex").iterdir()) == sorted([MATRIX_FILE, VOCAB_FILE])


def test_save_overwrites_an_older_index(index: LexicalIndex, tmp_path: Path) -> None:
    LexicalIndex.build(["something else entirely"], ["en"]).save(tmp_path)
    index.save(tmp_path)
    assert LexicalIndex.load(tmp_path).search("pipeline", "en", 1)[0][0] == 3


def test_load_missing_index_raises(tmp_path: Path) -> None:
    with pytest.raises(IndexError_):
        LexicalIndex.load(tmp_path / "nowhere")


def test_load_detects_files_from_different_builds(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    doc = json.loads((tmp_path / VOCAB_FILE).read_text(encoding="utf-8"))
    doc["build_id"] = "0" * 32
    (tmp_path / VOCAB_FILE).write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(IndexError_) as caught:
        LexicalIndex.load(tmp_path)
    assert not isinstance(caught.value, IndexMismatchError)


def test_load_refuses_an_index_from_another_tokeniser(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    doc = json.loads((tmp_path / VOCAB_FILE).read_text(encoding="utf-8"))
    doc["analyser"] = -1
    (tmp_path / VOCAB_FILE).write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(IndexMismatchError):
        LexicalIndex.load(tmp_path)


@pytest.mark.parametrize("damage", [lambda b: b"not a zip file", lambda b: b[: len(b) // 2]])
def test_load_reports_a_corrupt_matrix(index: LexicalIndex, tmp_path: Path, damage) -> None:
    index.save(tmp_path)
    matrix = tmp_path / MATRIX_FILE
    matrix.write_bytes(damage(matrix.read_bytes()))
    with pytest.raises(IndexError_):
        LexicalIndex.load(tmp_path)


def test_build_rejects_mismatched_languages() -> None:
    with pytest.raises(ValueError):
        LexicalIndex.build(["a text", "another"], ["en"])


def test_empty_corpus_and_empty_passages() -> None:
    empty = LexicalIndex.build([], [])
    assert len(empty) == 0
    assert empty.search("anything", "en", 5) == []
    index = LexicalIndex.build(["", "the of", "pipeline"], ["en", "en", "en"])
    assert len(index) == 3
    assert index.search("pipeline", "en", 5)[0][0] == 2


def test_rows_stay_aligned_across_languages_and_odd_characters() -> None:
    texts = ["alpha beta", "münasibətlər", "gamma \x00 delta", "epsilon", "zeta"]
    index = LexicalIndex.build(texts, ["en", "az", "en", None, "tr"])
    assert index.search("delta", "en", 1)[0][0] == 2
    assert index.search("epsilon", "en", 1)[0][0] == 3
    assert index.search("zeta", "en", 1)[0][0] == 4
    assert index.search("munasibet", "az", 1)[0][0] == 1


def test_large_corpus_top_hit() -> None:
    rng = np.random.default_rng(0)
    vocab = np.array([f"w{i}" for i in range(5000)])
    n = 50_000
    lengths = rng.integers(8, 30, n)
    ids = rng.integers(0, len(vocab), lengths.sum())
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    texts = [" ".join(vocab[ids[bounds[i] : bounds[i + 1]]]) for i in range(n)]
    langs = ["az" if i % 2 else "en" for i in range(n)]
    # Even rows are English, odd rows Azerbaijani.
    planted = {124: "Ceyhan pipeline", 31_337: "münasibətlərdə Gürcüstanla", 49_998: "xylophone"}
    for row, extra in planted.items():
        texts[row] += " " + extra
    index = LexicalIndex.build(texts, langs)
    assert len(index) == n
    assert [row for row, _ in index.search("xylophone", "en", 10)] == [49_998]
    assert index.search("Gurcustanla munasibetler", "az", 5)[0][0] == 31_337
    assert index.search("Ceyhan pipelines", "en", 5)[0][0] == 124
    common = index.search("w1 w2 w3", "en", 20)
    assert len(common) == 20
    assert [s for _, s in common] == sorted((s for _, s in common), reverse=True)
