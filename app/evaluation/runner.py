"""Running an eval: every question goes through the same path as `menbe ask`, and the record of
what happened (answer, citations, ranked paragraphs, latency) is written for the metrics."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.evaluation.dataset import EvalItem
from app.evaluation.metrics import calibration, generation, summarize, summarize_splits

_MARKER = re.compile(r"\s*\[\d+\]")


def answer_language(text: str) -> str | None:
    """The language the answer is actually written in (markers removed), not the one it claims."""
    from app.langdetect import detect

    plain = _MARKER.sub("", text).strip()
    return detect(plain).lang if plain else None


def run_one(answerer: Any, item: EvalItem, variant: str, k: int = 5) -> dict[str, Any]:
    start = time.perf_counter()
    answer = answerer.ask(item.question, variant=variant, k=k)
    latency = (time.perf_counter() - start) * 1000
    corpus = answerer.retriever.corpus
    retrieved = []
    for hit in answer.hits:
        shown = hit.versions.get(answer.language) or next(iter(hit.versions.values()))
        retrieved.append(
            {
                "doc_id": hit.doc_id,
                "paragraph": hit.pid,
                "lang": shown.lang,
                "text": shown.text,
                "original_text": corpus.original_of(shown).text,
                "score": hit.score,
            }
        )
    return {
        "id": item.id,
        "lang": item.lang,
        "question": item.question,
        "answerable": item.answerable,
        "answered": answer.answered,
        "answer": answer.text,
        "short_answer": answer.short_answer,
        "confidence": answer.confidence,
        "abstain_reason": answer.abstain_reason,
        "signals": answer.signals,
        "answerer": answer.answerer,
        "verification": answer.verification,
        "note": answer.note,
        "generate_ms": answer.timings_ms.get("generate"),
        "first_token_ms": answer.timings_ms.get("first_token"),
        "split": item.split,
        "category": item.category,
        "answer_language": answer_language(answer.text) if answer.answered else None,
        "citations": [c.as_json() for c in answer.citations],
        "retrieved": retrieved,
        "latency_ms": round(latency, 2),
    }


def run_variant(
    answerer: Any,
    items: Sequence[EvalItem],
    variant: str,
    on_item: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    results = []
    for item in items:
        results.append(run_one(answerer, item, variant))
        if on_item:
            on_item()
    return results


def summary(
    dataset: Path, variant: str, items: Sequence[EvalItem], results: Sequence[dict]
) -> dict:
    rows = list(zip(items, results, strict=True))
    held_out = [r for item, r in rows if item.split == "test"]
    return {
        "dataset": str(dataset),
        "variant": variant,
        "n_questions": len(items),
        "metrics": summarize(rows),
        "splits": summarize_splits(rows),
        "calibration": {"test": calibration(held_out)},
        "generation": generation(results),
    }


def write_variant(folder: Path, results: Sequence[dict], summary_: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "results.jsonl").open("w", encoding="utf-8") as out:
        for row in results:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    (folder / "summary.json").write_text(
        json.dumps(summary_, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def run_eval(
    answerer: Any, dataset: Path, items: Sequence[EvalItem], variants: Sequence[str], output: Path
) -> dict[str, dict]:
    """Run every variant; one variant writes flat into ``output``, several into sub-folders,
    with one report and one chart comparing them side by side."""
    from tqdm import tqdm

    from app.evaluation.report import write_report

    summaries: dict[str, dict] = {}
    all_results: dict[str, list[dict]] = {}
    with tqdm(
        total=len(items) * len(variants), desc="Evaluating", unit="q", file=sys.stderr
    ) as bar:
        for variant in variants:
            results = run_variant(answerer, items, variant, on_item=lambda: bar.update(1))
            summaries[variant] = summary(dataset, variant, items, results)
            all_results[variant] = results
            folder = output if len(variants) == 1 else output / variant
            write_variant(folder, results, summaries[variant])
    write_report(output, items, summaries, all_results)
    return summaries
