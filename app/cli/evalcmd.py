"""``menbe eval``: answer-accuracy evals, per language."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import config_from

DEFAULT_DATASET = Path("evals/datasets/dev.jsonl")


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="run an eval set and write results, summary and report")
    ev.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ev.add_argument("--output", type=Path, default=Path("eval-out"), help="folder for the outputs")
    ev.add_argument(
        "--variant",
        nargs="+",
        choices=("hybrid", "dense", "bm25"),
        default=["hybrid"],
        help="retrieval variant(s) to compare",
    )
    ev.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    from app.answer import Answerer
    from app.evaluation.dataset import check_gold_quotes, load_dataset
    from app.evaluation.report import fmt
    from app.evaluation.runner import run_eval
    from app.session import log, open_retriever

    items = load_dataset(args.dataset)
    retriever = open_retriever(config_from(args))
    for problem in check_gold_quotes(items, retriever.corpus):
        log(f"warning: {problem}")
    variants = list(dict.fromkeys(args.variant))
    summaries = run_eval(Answerer(retriever), args.dataset, items, variants, args.output)
    keys = (
        "hit_at_1",
        "hit_at_5",
        "mrr",
        "answer_accuracy",
        "language_accuracy",
        "abstain_recall",
        "latency_ms_p95",
    )
    print(f"{'variant':8} {'lang':4} " + " ".join(f"{k:>17}" for k in keys))
    for variant, s in summaries.items():
        for group in ("all", "en", "az"):
            m = s["metrics"][group]
            print(f"{variant:8} {group:4} " + " ".join(f"{fmt(m[k]):>17}" for k in keys))
    print(f"Wrote results, summary, report.md and metrics.png to {args.output}")
    return 0
