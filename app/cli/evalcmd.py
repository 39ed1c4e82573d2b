"""``menbe eval``: answer-accuracy evals, per language; ``--from-feedback`` turns readers' 👍/👎
from the chat into dataset candidates instead."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import config_from
from app.cli.query import add_answerer_options, make_answerer

DEFAULT_DATASET = Path("evals/datasets/dev.jsonl")
DEFAULT_OUTPUT = Path("eval-out")
DEFAULT_CANDIDATES = DEFAULT_OUTPUT / "feedback-candidates.jsonl"
_INDEX_LOG = "-"  # --from-feedback without a file: the log beside the configured index


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser("eval", help="run an eval set and write results, summary and report")
    ev.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ev.add_argument(
        "--output",
        type=Path,
        help=f"folder for the outputs (default {DEFAULT_OUTPUT}); with --from-feedback, the "
        f"candidates file (default {DEFAULT_CANDIDATES})",
    )
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
    ev.add_argument(
        "--from-feedback",
        nargs="?",
        const=_INDEX_LOG,
        metavar="FILE",
        help="instead of an eval: turn the chat's 👍/👎 (FILE, default feedback.jsonl in the "
        "index folder) into dataset candidates for review, written to --output",
    )
    add_answerer_options(ev)
    ev.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    if args.from_feedback is not None:
        return _from_feedback(args)
    args.output = args.output or DEFAULT_OUTPUT
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


def _from_feedback(args: argparse.Namespace) -> int:
    """Feedback log in, candidates file out, and what became of each vote on stdout; lines
    that could not be read are listed as ``file:line:`` on stderr and skipped."""
    from app.errors import MenbeError
    from app.evaluation.candidates import to_candidates, write_candidates
    from app.evaluation.feedback import feedback_path, read_feedback
    from app.session import log

    for flag in ("compare", "fit_answerability"):
        if getattr(args, flag):
            raise MenbeError(f"--from-feedback cannot be combined with --{flag.replace('_', '-')}")
    if args.from_feedback == _INDEX_LOG:
        source = feedback_path(config_from(args).index_dir)
    else:
        source = Path(args.from_feedback)
    output = args.output or DEFAULT_CANDIDATES
    if output.is_dir():
        output = output / DEFAULT_CANDIDATES.name
    feedback = read_feedback(source)
    for problem in feedback.problems:
        log(f"{problem} (line skipped)")
    result = to_candidates(feedback.records)
    write_candidates(output, result.candidates)
    print(
        f"Read {feedback.lines} line(s) from {source}: {len(feedback.records)} feedback(s)"
        + (f", {len(feedback.problems)} line(s) skipped" if feedback.problems else "")
    )
    rows = (
        ("👍 on an answer", result.up_answered, "candidate answerable questions"),
        ("👍 on 'not in the corpus'", result.up_abstained, "candidate unanswerable questions"),
        ("👎", result.down, "candidates to label"),
        ("withdrawn", result.withdrawn, "skipped"),
    )
    for what, count, became in rows:
        print(f"  {count:4} {what} → {became}")
    print(
        f'Wrote {len(result.candidates)} candidate(s) to {output}. Each is marked "review": '
        "check it, then remove review, todo, candidate, comment and feedback before adding it "
        "to a dataset (the loader refuses it until then)."
    )
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
    per_lang = ", ".join(f"{lang} {t:.3f}" for lang, t in model.thresholds.items())
    log(f"  weights: {weights}; threshold {model.threshold:.3f} ({per_lang})")
    return Answerer(retriever, model=model)
