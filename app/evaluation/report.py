"""The human side of an eval: report.md (tables and failures) and a PNG chart per language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from app.evaluation.dataset import EvalItem
from app.evaluation.metrics import (
    METRIC_KEYS,
    answer_correct,
    first_supporting_rank,
    short_correct,
)

CHART_METRICS = (
    "hit_at_1",
    "hit_at_5",
    "mrr",
    "citation_precision",
    "citation_recall",
    "answer_accuracy",
    "language_accuracy",
    "short_answer_accuracy",
    "abstain_recall",
)


def fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def metrics_table(summaries: Mapping[str, dict], split: str | None = None) -> list[str]:
    """Metrics per variant and language; over one split when ``split`` is given."""
    groups = ("all", "en", "az")
    header = "| metric | " + " | ".join(f"{v} {g}" for v in summaries for g in groups) + " |"
    lines = [header, "|---" * (1 + len(summaries) * len(groups)) + "|"]
    tables = [s["splits"][split] if split else s["metrics"] for s in summaries.values()]
    for key in METRIC_KEYS:
        cells = [fmt(t[g][key]) for t in tables for g in groups]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return lines


def calibration_table(summary: dict) -> list[str]:
    """Confidence bins of the held-out questions against how many were in fact answerable."""
    lines = ["| confidence | questions | mean confidence | answerable share |", "|---|---|---|---|"]
    for row in summary.get("calibration", {}).get("test", []):
        lines.append(
            f"| {row['bin']} | {row['n']} | {fmt(row['mean_confidence'])} | "
            f"{fmt(row['answerable_share'])} |"
        )
    return lines


def _split_sections(summaries: Mapping[str, dict]) -> list[str]:
    first = next(iter(summaries.values()))
    splits = first.get("splits", {})
    lines = []
    for split, title in (
        ("test", "Held-out split (test): the figures we report"),
        ("fit", "Fit split: what the answerability model was fitted on"),
    ):
        if split in splits:
            lines += [f"## {title}", "", *metrics_table(summaries, split), ""]
    if first.get("calibration", {}).get("test"):
        lines += ["## Calibration (held-out split)", "", *calibration_table(first), ""]
    if first.get("generation"):
        lines += ["## Generated answers (--answerer llm)", "", "| figure | value |", "|---|---|"]
        lines += [f"| {k} | {fmt(v)} |" for k, v in first["generation"].items()]
        lines.append("")
    return lines


def failures(items: Sequence[EvalItem], results: Sequence[dict]) -> list[str]:
    lines = []
    for item, row in zip(items, results, strict=True):
        problem = _problem(item, row)
        if problem:
            expected = (
                " / ".join("|".join(g) for g in item.answer_keywords)
                if item.answerable
                else "an abstention"
            )
            lines += [
                f"- **{item.id}** ({item.lang}, {item.split}) {problem}: {item.question}",
                f"  - answer: {row['answer'][:300]}",
                f"  - confidence {fmt(row.get('confidence'))}; short answer: "
                f"{row.get('short_answer') or '–'}; reason: {row.get('abstain_reason') or '–'}",
                f"  - expected: {expected}; evidence: {'; '.join(item.gold_quotes) or '–'}",
            ]
    return lines or ["None."]


def _problem(item: EvalItem, row: dict) -> str | None:
    if not item.answerable:
        return "answered an unanswerable question" if row["answered"] else None
    if not row["answered"]:
        return "abstained"
    if first_supporting_rank(item, row) is None:
        return "evidence not retrieved"
    if not answer_correct(item, row):
        return "wrong or incomplete answer"
    if item.factoid and not short_correct(item, row):
        return "wrong short answer"
    if row.get("answer_language") != item.lang:
        return "answer in the wrong language"
    return None


def write_report(
    output: Path,
    items: Sequence[EvalItem],
    summaries: Mapping[str, dict],
    all_results: Mapping[str, Sequence[dict]],
) -> None:
    output.mkdir(parents=True, exist_ok=True)
    first = next(iter(summaries.values()))
    lines = [
        f"# Eval report: {first['dataset']}",
        "",
        f"{first['n_questions']} questions; variants: {', '.join(summaries)}.",
        "",
        *metrics_table(summaries),
        "",
        "![metrics per language](metrics.png)",
        "",
        *_split_sections(summaries),
    ]
    for variant, results in all_results.items():
        lines += [f"## Failures ({variant})", "", *failures(items, results), ""]
    (output / "report.md").write_text("\n".join(lines), encoding="utf-8")
    chart(output / "metrics.png", summaries)


def chart(path: Path, summaries: Mapping[str, dict]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
    width = 0.8 / len(summaries)
    x = np.arange(len(CHART_METRICS))
    for ax, lang in zip(axes, ("en", "az"), strict=True):
        for i, (variant, s) in enumerate(summaries.items()):
            values = [s["metrics"][lang][m] or 0.0 for m in CHART_METRICS]
            ax.bar(x + i * width, values, width, label=variant)
        ax.set_title({"en": "English questions", "az": "Azerbaijani questions"}[lang])
        ax.set_xticks(x + width * (len(summaries) - 1) / 2, CHART_METRICS, rotation=40, ha="right")
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="upper center", ncol=len(summaries))
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)
