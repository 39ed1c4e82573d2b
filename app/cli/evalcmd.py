"""``menbe eval``: answer-accuracy evals, per language."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import config_from
from app.cli.query import add_answerer_options, make_answerer

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
    ev.add_argument(
        "--fit-answerability",
        type=Path,
        metavar="MODEL_JSON",
        help="first fit the answerability model on the dataset's fit split and write it here "
        "(app/data/answerability.json is the packaged one); the eval then uses it",
    )
    ev.add_argument(
        "--compare",
        type=Path,
        metavar="OLD_DIR",
        help="compare with an earlier run's output folder: metric deltas and changed questions",
    )
    add_answerer_options(ev)
    ev.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    from app.answering import Answerer
    from app.evaluation.dataset import check_gold_quotes, load_dataset
    from app.evaluation.report import fmt
    from app.evaluation.runner import run_eval
    from app.session import log, open_retriever

    items = load_dataset(args.dataset)
    retriever = open_retriever(config_from(args))
    for problem in check_gold_quotes(items, retriever.corpus):
        log(f"warning: {problem}")
    variants = list(dict.fromkeys(args.variant))
    answerer = _fit(retriever, args, items) if args.fit_answerability else Answerer(retriever)
    answerer = make_answerer(args, retriever, answerer)
    summaries = run_eval(answerer, args.dataset, items, variants, args.output)
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
    if args.compare:
        from app.evaluation.compare import compare_runs

        for line in compare_runs(args.compare, _single(args.output, variants), items):
            print(line)
    return 0


def _single(output: Path, variants: list[str]) -> Path:
    """The folder holding the (first) variant's run: flat for one variant, a sub-folder else."""
    return output if len(variants) == 1 else output / variants[0]


def _fit(retriever, args: argparse.Namespace, items):
    from app.answering import Answerer
    from app.answering.answerability import AnswerabilityModel
    from app.evaluation.calibrate import fit_from_answers, write_model
    from app.session import log

    gatherer = Answerer(retriever, model=AnswerabilityModel.neutral())
    model, n = fit_from_answers(gatherer, items, args.variant[0])
    provenance = {"dataset": str(args.dataset), "split": "fit", "questions": n}
    write_model(model, args.fit_answerability, provenance)
    weights = ", ".join(f"{k} {v:+.2f}" for k, v in model.weights.items())
    log(f"Answerability model fitted on {n} questions, written to {args.fit_answerability}")
    log(f"  weights: {weights}; threshold {model.threshold:.3f}")
    return Answerer(retriever, model=model)
