"""``menbe eval --compare OLD_DIR``: what changed against an earlier run.

Progress is only visible as a difference: the metric deltas (overall, and on the held-out split
when both runs have one), and the questions that went from right to wrong or back — a rise in
one metric that breaks five questions elsewhere should be seen, not averaged away. Writes
``compare.md`` and ``compare.png`` into the new run's folder and returns the printed lines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from app.errors import EvalError
from app.evaluation.dataset import EvalItem
from app.evaluation.metrics import METRIC_KEYS, answer_correct, answered

GROUPS = ("all", "en", "az")
CHART_KEYS = (
    "hit_at_1",
    "answer_accuracy",
    "short_answer_accuracy",
    "answered_rate",
    "abstain_recall",
    "abstain_recall_near",
    "abstain_recall_off",
)


def load_run(folder: Path) -> tuple[dict, list[dict]]:
    """(summary, results) of one run folder, refused with a clear message when it is not one."""
    summary_path, results_path = folder / "summary.json", folder / "results.jsonl"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        lines = results_path.read_text(encoding="utf-8").splitlines()
        results = [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError as exc:
        raise EvalError(
            f"{folder} is not an eval output folder: {exc.filename} is missing"
        ) from exc
    except (OSError, ValueError) as exc:
        raise EvalError(f"{folder}: cannot read the earlier run ({exc})") from exc
    if not isinstance(summary, dict) or "metrics" not in summary:
        raise EvalError(f"{summary_path}: not an eval summary (no 'metrics')")
    return summary, results


def right(item: EvalItem, record: Mapping[str, Any]) -> bool:
    """What a user would call right: an answerable question answered correctly (its keywords
    matched), an unanswerable one abstained. Judged against today's dataset for both runs."""
    if item.answerable:
        return answer_correct(item, record)
    return not answered(record)


def deltas(old: Mapping, new: Mapping) -> list[tuple[str, str, float | None, float | None]]:
    rows = []
    for group in GROUPS:
        for key in METRIC_KEYS:
            a, b = old.get(group, {}).get(key), new.get(group, {}).get(key)
            if a is not None or b is not None:
                rows.append((group, key, a, b))
    return rows


def flips(
    items: Sequence[EvalItem], old: list[dict], new: list[dict]
) -> tuple[list[dict], list[dict]]:
    """(right → wrong, wrong → right), over the dataset's questions present in both runs."""
    by_id = {item.id: item for item in items}
    before = {r["id"]: r for r in old}
    broke, fixed = [], []
    for record in new:
        was, item = before.get(record["id"]), by_id.get(record["id"])
        if was is None or item is None:
            continue
        if right(item, was) and not right(item, record):
            broke.append(record)
        elif not right(item, was) and right(item, record):
            fixed.append(record)
    return broke, fixed


def compare_runs(old_dir: Path, new_dir: Path, items: Sequence[EvalItem]) -> list[str]:
    old_summary, old_results = load_run(old_dir)
    new_summary, new_results = load_run(new_dir)
    lines = [f"# Compared with {old_dir}", "", *_table("All questions", old_summary, new_summary)]
    old_test = old_summary.get("splits", {}).get("test")
    new_test = new_summary.get("splits", {}).get("test")
    if old_test and new_test:
        lines += _table("Held-out split", {"metrics": old_test}, {"metrics": new_test})
    broke, fixed = flips(items, old_results, new_results)
    lines += [f"## Right → wrong ({len(broke)})", "", *_listing(broke), ""]
    lines += [f"## Wrong → right ({len(fixed)})", "", *_listing(fixed), ""]
    lines += ["![metric deltas](compare.png)", ""]
    (new_dir / "compare.md").write_text("\n".join(lines), encoding="utf-8")
    _chart(new_dir / "compare.png", old_summary["metrics"], new_summary["metrics"])
    return lines


def _table(title: str, old: Mapping, new: Mapping) -> list[str]:
    lines = [f"## {title}", "", "| group | metric | before | after | Δ |", "|---|---|---|---|---|"]
    for group, key, a, b in deltas(old["metrics"], new["metrics"]):
        delta = f"{b - a:+.3f}" if a is not None and b is not None else "–"
        lines.append(f"| {group} | {key} | {_fmt(a)} | {_fmt(b)} | {delta} |")
    return [*lines, ""]


def _listing(records: list[dict]) -> list[str]:
    return [f"- {r['id']} ({r['lang']}): {r['question']}" for r in records] or ["None."]


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) <= 1.0 else f"{value:.1f}"


def _chart(path: Path, old: Mapping, new: Mapping) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    x = np.arange(len(CHART_KEYS))
    for ax, lang in zip(axes, ("en", "az"), strict=True):
        before = [old.get(lang, {}).get(k) or 0.0 for k in CHART_KEYS]
        after = [new.get(lang, {}).get(k) or 0.0 for k in CHART_KEYS]
        ax.bar(x - 0.2, before, 0.4, label="before", color="#bbbbbb")
        ax.bar(x + 0.2, after, 0.4, label="after", color="#2a6f97")
        ax.set_title({"en": "English questions", "az": "Azerbaijani questions"}[lang])
        ax.set_xticks(x, CHART_KEYS, rotation=40, ha="right")
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=2)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)
