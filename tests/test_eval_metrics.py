"""Eval metrics on small hand-made results whose expected values are worked out by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from app.evaluation.dataset import EvalItem
from app.evaluation.metrics import (
    METRIC_KEYS,
    compute_metrics,
    fold,
    keywords_match,
    summarize,
)

QUOTE_A = "Ties with Turkey were particularly strong"
QUOTE_B = "which began on May 12, 1994"
PARA_A = f"{QUOTE_A}, rooted in shared interests."
PARA_B = f"Armenia signed a ceasefire agreement, {QUOTE_B}."
OTHER = "Relations with Iran were marked by caution."


def item(
    qid: str,
    *quotes: str,
    lang: str = "en",
    keywords: Sequence[Sequence[str]] = (("1994",),),
) -> EvalItem:
    """An answerable item when quotes are given, an unanswerable one otherwise."""
    answerable = bool(quotes)
    groups = tuple(tuple(g) for g in keywords) if answerable else ()
    return EvalItem(qid, lang, "?", answerable, tuple(quotes), groups)


def hit(original_text: str, text: str | None = None) -> dict[str, Any]:
    return {
        "paragraph": "p",
        "lang": "en",
        "text": text or original_text,
        "original_text": original_text,
    }


def result(
    *,
    answered: bool = True,
    answer: str = "",
    answer_language: str | None = "en",
    citations: Sequence[str] = (),
    retrieved: Sequence[str] = (),
    latency_ms: float = 10.0,
) -> dict[str, Any]:
    return {
        "answered": answered,
        "answer": answer,
        "answer_language": answer_language if answered else None,
        "citations": [hit(t) | {"n": n} for n, t in enumerate(citations, start=1)],
        "retrieved": [hit(t) | {"score": 1.0} for t in retrieved],
        "latency_ms": latency_ms,
    }


# --- retrieval ---------------------------------------------------------------------------------


def test_hit_at_k_and_mrr_with_a_supporting_paragraph_at_rank_3() -> None:
    rows = [
        (item("q1", QUOTE_A), result(retrieved=[PARA_A, OTHER])),  # rank 1
        (item("q2", QUOTE_A), result(retrieved=[OTHER, PARA_B, PARA_A])),  # rank 3
        (item("q3", QUOTE_A), result(retrieved=[OTHER] * 5)),  # never
        (item("q4", QUOTE_A), result(retrieved=[OTHER] * 5 + [PARA_A])),  # rank 6
        (item("u1"), result(retrieved=[PARA_A])),  # unanswerable: not counted
    ]
    m = compute_metrics(rows)
    assert m["hit_at_1"] == pytest.approx(1 / 4)
    assert m["hit_at_5"] == pytest.approx(2 / 4)
    assert m["mrr"] == pytest.approx((1 + 1 / 3 + 0 + 1 / 6) / 4)  # 0.375


def test_support_is_judged_on_the_original_text_not_the_translation() -> None:
    translated = hit(PARA_A, text="Türkiyə ilə əlaqələr xüsusilə güclü idi.")
    quote_only_in_text = hit(OTHER, text=PARA_A)
    rows = [
        (item("q1", QUOTE_A), {"answered": False, "retrieved": [translated]}),
        (item("q2", QUOTE_A), {"answered": False, "retrieved": [quote_only_in_text]}),
    ]
    assert compute_metrics(rows)["hit_at_1"] == pytest.approx(1 / 2)


def test_whitespace_in_original_text_does_not_hide_a_quote() -> None:
    text = "Armenia signed it,\nwhich began on   May 12,\n1994."
    rows = [(item("q1", QUOTE_B), result(retrieved=[text]))]
    assert compute_metrics(rows)["hit_at_1"] == 1.0


# --- citations ---------------------------------------------------------------------------------


def test_citation_precision_is_pooled_and_recall_counts_each_gold_quote() -> None:
    rows = [
        # two gold quotes from two paragraphs, both cited, plus one stray citation
        (item("q1", QUOTE_A, QUOTE_B), result(citations=[PARA_A, PARA_B, OTHER])),
        (item("q2", QUOTE_A), result(citations=[OTHER])),
        # two gold quotes, only one of them cited
        (item("q3", QUOTE_A, QUOTE_B), result(citations=[PARA_B])),
        (item("q4", QUOTE_A), result(answered=False)),  # no citations: recall 0
        (item("u1"), result(citations=[OTHER, OTHER])),  # unanswerable: not counted
    ]
    m = compute_metrics(rows)
    assert m["citation_precision"] == pytest.approx(3 / 5)
    assert m["citation_recall"] == pytest.approx((1 + 0 + 0.5 + 0) / 4)


def test_no_citations_at_all_gives_no_precision_and_zero_recall() -> None:
    rows = [(item("q1", QUOTE_A), result()), (item("q2", QUOTE_B), result(answered=False))]
    m = compute_metrics(rows)
    assert m["citation_precision"] is None
    assert m["citation_recall"] == 0.0


# --- answers -----------------------------------------------------------------------------------


def test_answer_accuracy_and_answered_rate() -> None:
    groups = (("1994",), ("May", "may"))
    rows = [
        (item("q1", QUOTE_B, keywords=groups), result(answer="It began on May 12, 1994.")),
        (
            item("q2", QUOTE_B, keywords=groups),
            result(answer="It began in 1994."),
        ),  # a group missing
        # right words, but an abstention is never a correct answer
        (item("q3", QUOTE_B, keywords=groups), result(answered=False, answer="May 1994?")),
        (item("q4", QUOTE_B, keywords=groups), result(answer="12 may 1994-cü il")),
        (item("u1"), result(answer="something")),  # unanswerable: not counted
    ]
    m = compute_metrics(rows)
    assert m["answer_accuracy"] == pytest.approx(2 / 4)
    assert m["answered_rate"] == pytest.approx(3 / 4)


@pytest.mark.parametrize("answer", ["İRAN ilə", "İranla", "iranla", "IRAN", "Iran", "I\u0307ran"])
@pytest.mark.parametrize("keyword", ["İRAN", "İran", "iran"])
def test_keyword_match_ignores_turkic_casing(answer: str, keyword: str) -> None:
    assert keywords_match(answer, [[keyword]])


def test_keyword_match_needs_every_group() -> None:
    assert keywords_match("İran, 1994", [["İRAN"], ["1994"]])
    assert not keywords_match("İran", [["İRAN"], ["1994"]])
    assert keywords_match("Rusiya ilə", [["Russia", "Rusiya"]])
    assert fold("ŞƏKİ  Iğdır") == "şəki iğdir"


def test_language_accuracy_counts_every_answered_question() -> None:
    rows = [
        (item("q1", QUOTE_A), result(answer_language="en")),
        (item("q2", QUOTE_A, lang="az"), result(answer_language="en")),  # wrong language
        (item("u1", lang="az"), result(answer_language="az")),  # unanswerable, answered: counts
        (item("u2"), result(answered=False)),  # abstained: not counted
    ]
    assert compute_metrics(rows)["language_accuracy"] == pytest.approx(2 / 3)


# --- abstention --------------------------------------------------------------------------------


def test_abstention_precision_and_recall() -> None:
    rows = [
        (item("u1"), result(answered=False)),  # correct abstention
        (item("u2"), result(answered=True)),  # false positive: answered the unanswerable
        (item("q1", QUOTE_A), result(answered=False)),  # wrong abstention
        (item("q2", QUOTE_A), result(answered=True)),
    ]
    m = compute_metrics(rows)
    assert m["abstain_precision"] == pytest.approx(1 / 2)
    assert m["abstain_recall"] == pytest.approx(1 / 2)


def test_metrics_with_empty_denominators_are_none() -> None:
    only_answered = [(item("q1", QUOTE_A), result(answer="1994"))]
    m = compute_metrics(only_answered)
    assert m["abstain_precision"] is None  # nobody abstained
    assert m["abstain_recall"] is None  # no unanswerable questions
    only_abstained_unanswerable = [(item("u1"), result(answered=False))]
    m = compute_metrics(only_abstained_unanswerable)
    assert m["language_accuracy"] is None  # nothing answered
    assert m["hit_at_1"] is None and m["answer_accuracy"] is None  # nothing answerable
    assert m["abstain_precision"] == 1.0 and m["abstain_recall"] == 1.0


def test_empty_group_is_all_none() -> None:
    m = compute_metrics([])
    assert list(m) == list(METRIC_KEYS)
    assert m["n"] == 0
    assert all(m[key] is None for key in METRIC_KEYS if key != "n")


# --- latency and grouping ----------------------------------------------------------------------


def test_latency_percentiles_are_linear() -> None:
    rows = [(item(f"q{v}", QUOTE_A), result(latency_ms=v)) for v in (40.0, 10.0, 30.0, 20.0)]
    m = compute_metrics(rows)
    assert m["latency_ms_p50"] == pytest.approx(25.0)
    assert m["latency_ms_p95"] == pytest.approx(38.5)  # 30 + 0.85 * (40 - 30)


def test_keys_are_exactly_the_documented_ones_and_plain_numbers() -> None:
    m = compute_metrics([(item("q1", QUOTE_A), result(retrieved=[PARA_A], citations=[PARA_A]))])
    assert tuple(m) == METRIC_KEYS
    assert all(v is None or type(v) in (int, float) for v in m.values())


def test_summarize_groups_by_question_language() -> None:
    rows = [
        (item("q1", QUOTE_A), result(retrieved=[PARA_A])),
        (item("q2", QUOTE_A, lang="az"), result(retrieved=[OTHER], answer_language="az")),
        (item("u1", lang="az"), result(answered=False)),
    ]
    s = summarize(rows)
    assert set(s) == {"all", "en", "az"}
    assert (s["all"]["n"], s["en"]["n"], s["az"]["n"]) == (3, 1, 2)
    assert s["all"]["hit_at_1"] == pytest.approx(1 / 2)
    assert s["en"]["hit_at_1"] == 1.0 and s["az"]["hit_at_1"] == 0.0
    assert s["en"]["abstain_recall"] is None and s["az"]["abstain_recall"] == 1.0
