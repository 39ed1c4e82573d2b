"""Metrics over one run's result records: pure functions, no I/O, nothing rounded.

A row pairs an `EvalItem` (the truth) with the result record the runner wrote for it::

    {"id", "lang", "question", "answerable", "answered": bool, "answer": str,
     "answer_language": "en"|"az"|None,
     "citations": [{"paragraph", "lang", "text", "original_text", ...}],
     "retrieved": [{"paragraph", "lang", "text", "original_text", "score"}],  # ranked
     "latency_ms": float}

Whether a question is answerable is taken from the dataset item, never from the record.

Conventions, chosen so that a number always means the same thing:

- A paragraph *supports* a question when its ORIGINAL text (``original_text``) contains one of
  the gold quotes after whitespace normalisation. Evidence is judged in the language the author
  wrote, so retrieving or citing a translation counts exactly like its original.
- Retrieval and citation metrics (hit@k, MRR, citation precision and recall) and answer accuracy
  and answered rate are computed over the ANSWERABLE questions only.
- A metric whose denominator is empty is ``None`` (JSON null), never 0: "no unanswerable
  questions in this group" is not "every abstention was wrong". An empty group gives ``n == 0``
  and ``None`` everywhere else.
- Citation precision is pooled: supporting citations / all citations over the answerable
  questions; it is ``None`` when the group has no citations at all (a run that never cites is
  caught by citation recall, which counts a question without citations as 0).
- Answer accuracy: answered AND every keyword group matched; keywords are compared after `fold`
  (NFC, case-folded, Turkic İ/I/ı/i merged) as substrings, so "İRAN", "İran" and "iran" agree.
- Language accuracy is over every ANSWERED question (answerable or not): the answer must be in
  the question's language. Abstain precision/recall treat "not answered" as an abstention.
- Short-answer accuracy is over the answerable FACTOID questions (those with
  ``short_keywords``): answered, and the short answer alone matches every short keyword group.
- Abstain recall is also split by kind of unanswerable question: ``near`` (sounds like the
  corpus) and ``off`` (off-topic).
- Latency percentiles (numpy, linear) are over every row of the group that carries a number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from app.evaluation.dataset import EvalItem, normalize_ws, supporting

Row = tuple[EvalItem, Mapping[str, Any]]
RowTest = Callable[[EvalItem, Mapping[str, Any]], bool]
Metrics = dict[str, float | int | None]

METRIC_KEYS: tuple[str, ...] = (
    "n",
    "hit_at_1",
    "hit_at_5",
    "mrr",
    "citation_precision",
    "citation_recall",
    "answer_accuracy",
    "language_accuracy",
    "answered_rate",
    "short_answer_accuracy",
    "abstain_precision",
    "abstain_recall",
    "abstain_recall_near",
    "abstain_recall_off",
    "latency_ms_p50",
    "latency_ms_p95",
)

# Turkic dotted/dotless i: "İRAN", "İran", "IRAN" and "iran" must all match one another, which
# neither str.lower() ("İ" -> "i̇") nor str.casefold() ("I" -> "i" but "ı" stays) achieves alone.
_TURKIC_I = str.maketrans({"İ": "i", "I": "i", "ı": "i"})
_COMBINING_DOT_ABOVE = "\u0307"


def fold(text: str) -> str:
    """Case- and Turkic-casing-insensitive form for keyword matching (NFC, i-variants merged)."""
    text = unicodedata.normalize("NFC", text).translate(_TURKIC_I).casefold()
    return normalize_ws(text.replace(_COMBINING_DOT_ABOVE, ""))


def keywords_match(answer: str, groups: Sequence[Sequence[str]]) -> bool:
    """Every group has at least one alternative occurring (folded, as a substring) in ``answer``."""
    folded = fold(answer)
    return all(any(fold(k) in folded for k in group) for group in groups)


# --- per-question measurements -----------------------------------------------------------------


def first_supporting_rank(item: EvalItem, result: Mapping[str, Any]) -> int | None:
    """1-based rank of the first retrieved paragraph that supports the item, or None."""
    for rank, hit in enumerate(result.get("retrieved") or (), start=1):
        if supporting(hit.get("original_text", ""), item.gold_quotes):
            return rank
    return None


def supporting_citations(item: EvalItem, result: Mapping[str, Any]) -> tuple[int, int]:
    """(supporting citations, all citations) of one answer."""
    citations = result.get("citations") or ()
    good = sum(supporting(c.get("original_text", ""), item.gold_quotes) for c in citations)
    return good, len(citations)


def quote_recall(item: EvalItem, result: Mapping[str, Any]) -> float:
    """Share of the gold quotes found in some cited paragraph (0 without citations)."""
    cited = [c.get("original_text", "") for c in result.get("citations") or ()]
    found = sum(any(supporting(text, (quote,)) for text in cited) for quote in item.gold_quotes)
    return found / len(item.gold_quotes) if item.gold_quotes else 0.0


def answered(result: Mapping[str, Any]) -> bool:
    """Whether the system gave an answer; anything else (missing, false) is an abstention."""
    return bool(result.get("answered"))


def answer_correct(item: EvalItem, result: Mapping[str, Any]) -> bool:
    """Answered, and every keyword group is matched by the answer text."""
    return answered(result) and keywords_match(result.get("answer") or "", item.answer_keywords)


# --- aggregation -------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    """Mean, or None for nothing to average: an empty denominator is not a score of 0."""
    return float(sum(values) / len(values)) if values else None


def _share(rows: Sequence[Row], test: RowTest) -> float | None:
    """Share of rows passing ``test``; None for no rows."""
    return _mean([1.0 if test(item, result) else 0.0 for item, result in rows])


def _percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q, method="linear")) if values else None


def _retrieval(answerable: Sequence[Row]) -> Metrics:
    ranks = [first_supporting_rank(item, result) for item, result in answerable]
    return {
        "hit_at_1": _mean([1.0 if r is not None and r <= 1 else 0.0 for r in ranks]),
        "hit_at_5": _mean([1.0 if r is not None and r <= 5 else 0.0 for r in ranks]),
        "mrr": _mean([1.0 / r if r is not None else 0.0 for r in ranks]),
    }


def _citations(answerable: Sequence[Row]) -> Metrics:
    counts = [supporting_citations(item, result) for item, result in answerable]
    total = sum(n for _, n in counts)
    return {
        "citation_precision": sum(g for g, _ in counts) / total if total else None,
        "citation_recall": _mean([quote_recall(item, result) for item, result in answerable]),
    }


def _answers(rows: Sequence[Row], answerable: Sequence[Row]) -> Metrics:
    answered_rows = [(item, result) for item, result in rows if answered(result)]
    return {
        "answer_accuracy": _share(answerable, answer_correct),
        "language_accuracy": _share(
            answered_rows, lambda item, result: result.get("answer_language") == item.lang
        ),
        "answered_rate": _share(answerable, lambda _item, result: answered(result)),
    }


def short_correct(item: EvalItem, result: Mapping[str, Any]) -> bool:
    """Answered, and the short answer by itself matches every short keyword group."""
    short = result.get("short_answer") or ""
    return answered(result) and bool(short) and keywords_match(short, item.short_keywords)


def _abstentions(rows: Sequence[Row]) -> Metrics:
    abstained = [(item, result) for item, result in rows if not answered(result)]
    unanswerable = [(item, result) for item, result in rows if not item.answerable]

    def recall(group: Sequence[Row]) -> float | None:
        return _share(group, lambda _item, result: not answered(result))

    return {
        "abstain_precision": _share(abstained, lambda item, _result: not item.answerable),
        "abstain_recall": recall(unanswerable),
        "abstain_recall_near": recall([r for r in unanswerable if r[0].category == "near"]),
        "abstain_recall_off": recall([r for r in unanswerable if r[0].category == "off"]),
    }


def _latency(rows: Sequence[Row]) -> Metrics:
    """Percentiles over the rows that carry a numeric latency (all of them, from the runner)."""
    values = [float(v) for _, r in rows if isinstance(v := r.get("latency_ms"), int | float)]
    return {"latency_ms_p50": _percentile(values, 50), "latency_ms_p95": _percentile(values, 95)}


def compute_metrics(rows: Sequence[Row]) -> Metrics:
    """Every metric in `METRIC_KEYS` for one group of (item, result) rows; see the module doc."""
    answerable = [(item, result) for item, result in rows if item.answerable]
    metrics: Metrics = {"n": len(rows)}
    metrics |= _retrieval(answerable)
    metrics |= _citations(answerable)
    metrics |= _answers(rows, answerable)
    factoid = [(item, result) for item, result in answerable if item.factoid]
    metrics["short_answer_accuracy"] = _share(factoid, short_correct)
    metrics |= _abstentions(rows)
    metrics |= _latency(rows)
    return {key: metrics[key] for key in METRIC_KEYS}


def summarize(rows: Sequence[Row]) -> dict[str, Metrics]:
    """Metrics for all questions and for each question language."""
    return {
        "all": compute_metrics(rows),
        "en": compute_metrics([row for row in rows if row[0].lang == "en"]),
        "az": compute_metrics([row for row in rows if row[0].lang == "az"]),
    }


def summarize_splits(rows: Sequence[Row]) -> dict[str, dict[str, Metrics]]:
    """`summarize` for each split present: "test" is what we report, "fit" what was tuned on."""
    splits = sorted({item.split for item, _ in rows})
    return {split: summarize([row for row in rows if row[0].split == split]) for split in splits}


CALIBRATION_BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def calibration(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per confidence bin: how many questions, and how many were in fact answerable (and, among
    those answered, correctly so) — a calibrated model's rows climb with the bin."""
    table = []
    for lo, hi in pairwise(CALIBRATION_BINS):
        rows = [
            r
            for r in results
            if isinstance(r.get("confidence"), int | float)
            and lo <= r["confidence"] < (hi if hi < 1.0 else 1.01)
        ]
        answerable = [r for r in rows if r.get("answerable")]
        table.append(
            {
                "bin": f"{lo:.1f}–{hi:.1f}",
                "n": len(rows),
                "answerable_share": len(answerable) / len(rows) if rows else None,
                "mean_confidence": float(np.mean([r["confidence"] for r in rows]))
                if rows
                else None,
            }
        )
    return table


def generation(results: Sequence[Mapping[str, Any]]) -> dict[str, float | None] | None:
    """For ``--answerer llm`` runs: how much of what the model wrote survived verification, how
    often the extractive answer replaced it, and how long the model took. None otherwise."""
    asked = [r for r in results if r.get("verification") is not None]
    if not asked:
        return None
    kept = sum(len(r["verification"]["kept"]) for r in asked)
    written = kept + sum(len(r["verification"]["removed"]) for r in asked)
    first = [r["first_token_ms"] for r in asked if r.get("first_token_ms")]
    total = [r["generate_ms"] for r in asked if r.get("generate_ms")]
    return {
        "model_answers": float(len(asked)),
        "sentences_kept_share": kept / written if written else None,
        "fallback_rate": _mean([float(r.get("answerer") != "llm") for r in asked]),
        "first_token_ms_p50": _percentile(first, 50),
        "generate_ms_p50": _percentile(total, 50),
    }
