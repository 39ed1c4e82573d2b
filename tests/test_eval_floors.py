"""The dev-set eval, end to end, against the floors written in evals/README.md (held-out split)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.answering import Answerer
from app.evaluation.dataset import load_dataset
from app.evaluation.metrics import METRIC_KEYS
from app.evaluation.runner import run_eval

pytestmark = pytest.mark.slow


def floors(readme: Path) -> list[tuple[str, str, str, float]]:
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = re.match(
            r"^\|\s*(hybrid|dense|bm25)\s*\|\s*(\w+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|$", line
        )
        if m:
            rows += [(m[1], m[2], "en", float(m[3])), (m[1], m[2], "az", float(m[4]))]
    return rows


def test_dev_set_meets_the_floors(repo: Path, retriever, tmp_path: Path) -> None:
    dataset = repo / "evals" / "datasets" / "dev.jsonl"
    items = load_dataset(dataset)
    wanted = floors(repo / "evals" / "README.md")
    assert wanted, "no floors found in evals/README.md"
    summaries = run_eval(Answerer(retriever), dataset, items, ["hybrid"], tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {
        "results.jsonl",
        "summary.json",
        "report.md",
        "metrics.png",
    }
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary == json.loads(json.dumps(summaries["hybrid"]))
    assert set(summary["metrics"]) == {"all", "en", "az"}
    assert all(tuple(m) == METRIC_KEYS for m in summary["metrics"].values())
    held_out = summary["splits"]["test"]
    assert set(summary["splits"]) == {"fit", "test"}
    assert summary["calibration"]["test"] and sum(
        r["n"] for r in summary["calibration"]["test"]
    ) == sum(item.split == "test" for item in items)
    rows = [
        json.loads(line)
        for line in (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) == len(items)
    assert set(rows[0]) == {
        "id",
        "lang",
        "question",
        "answerable",
        "answered",
        "answer",
        "short_answer",
        "confidence",
        "abstain_reason",
        "signals",
        "answerer",
        "verification",
        "note",
        "generate_ms",
        "first_token_ms",
        "split",
        "category",
        "answer_language",
        "citations",
        "retrieved",
        "latency_ms",
    }
    assert rows[0]["answerer"] == "extractive" and rows[0]["verification"] is None
    assert summary["generation"] is None  # no model wrote anything in an extractive run
    below = [
        f"{variant} {metric} {lang}: {held_out[lang][metric]} < {floor}"
        for variant, metric, lang, floor in wanted
        if held_out[lang][metric] is None or held_out[lang][metric] < floor
    ]
    print(json.dumps(held_out, indent=1))
    assert not below, below
