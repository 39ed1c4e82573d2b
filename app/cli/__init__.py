"""The ``menbe`` command line. Parsing is cheap; each command imports what it needs when it runs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from app.errors import CorpusError, MenbeError

#: Exit codes: 0 fine, 1 a problem found (e.g. validation), 2 bad input or usage.
EXIT_PROBLEM = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    from app.cli import corpus, query

    parser = argparse.ArgumentParser(
        prog="menbe",
        description="Mənbə: answers from a bilingual (English/Azerbaijani) corpus, "
        "with citations to the exact source paragraphs.",
    )
    parser.add_argument("--corpus", dest="corpus_dir", help="corpus folder (MENBE_CORPUS_DIR)")
    parser.add_argument("--index", dest="index_dir", help="index folder (MENBE_INDEX_DIR)")
    parser.add_argument("--model", help="embedding model: name or path (MENBE_EMBED_MODEL)")
    parser.add_argument("--device", help="auto, cpu, cuda, ... (MENBE_DEVICE)")
    parser.add_argument(
        "--backend",
        dest="embed_backend",
        help="embedding runtime: auto, onnx, onnx-int8 or torch (MENBE_EMBED_BACKEND)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    corpus.register(sub)
    query.register(sub)
    for name in ("evalcmd", "serve"):
        module = _optional_module(name)
        if module is not None:
            module.register(sub)
    return parser


def _optional_module(name: str):
    import importlib

    try:
        return importlib.import_module(f"app.cli.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"app.cli.{name}":
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    # With a core busy elsewhere, torch's spinning OpenMP threads turn a 20 ms query embedding
    # into 500-1000 ms; passive waiting keeps it near 30 ms. Must be set before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CorpusError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in the corpus.", file=sys.stderr)
        return EXIT_PROBLEM
    except MenbeError as exc:
        print(f"menbe: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("menbe: interrupted", file=sys.stderr)
        return 130


def config_from(args: argparse.Namespace):
    from app.config import Config

    return Config.from_env(
        corpus_dir=_path(args.corpus_dir),
        index_dir=_path(args.index_dir),
        model=args.model,
        device=args.device,
        embed_backend=args.embed_backend,
    )


def _path(value: str | None):
    from pathlib import Path

    return Path(value) if value else None
