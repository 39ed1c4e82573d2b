"""Wiring the stages together for an entry point: config in, a ready retriever out."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from app.config import Config
from app.corpus import Corpus, SkippedDocument, lastgood, load_corpus
from app.errors import IndexBusyError, MenbeError
from app.indexer import BuildReport, Progress, build_index, read_manifest

#: How many of a skipped document's problems are printed; `menbe corpus validate` lists all.
SHOWN_PROBLEMS = 5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def skipped_lines(skipped: SkippedDocument) -> list[str]:
    """What a curator is told about a document left out because its files have errors: which,
    why (``file:line: problem``), and whether its last indexed version still answers."""
    errors = len(skipped.problems)
    if skipped.indexed_at:
        when = skipped.indexed_at[:16].replace("T", " ")
        fate = f"answering from its version indexed on {when} until it is fixed"
    else:
        fate = "left out until it is fixed (no earlier version of it was indexed)"
    lines = [f"menbe: skipped document {skipped.doc_id!r} ({errors} error(s)); {fate}:"]
    lines += [f"  {problem}" for problem in skipped.problems[:SHOWN_PROBLEMS]]
    if errors > SHOWN_PROBLEMS:
        more = errors - SHOWN_PROBLEMS
        lines.append(f"  ... and {more} more; `menbe corpus validate` lists them all")
    return lines


def report_skipped(corpus: Corpus, report: Callable[[str], None] = log) -> None:
    for skipped in corpus.skipped:
        for line in skipped_lines(skipped):
            report(line)


def read_corpus(config: Config, report: Callable[[str], None] = log) -> Corpus:
    """The corpus to index and answer from, saying which documents were skipped and why."""
    corpus = load_corpus(config.corpus_dir)
    report_skipped(corpus, report)
    return corpus


def load_embedder(config: Config, report: Callable[[str], None] = log) -> Any:
    from app.embedding import EmbedSettings
    from app.embedding import load_embedder as load

    settings = EmbedSettings(
        model=config.model,
        model_dir=config.model_dir,
        device=config.device,
        backend=config.embed_backend,
    )
    return load(settings, report=report)


def tqdm_progress(description: str) -> tuple[Progress, Callable[[], None]]:
    """A progress bar on stderr for embedding; returns (callback, close)."""
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=description, unit="chunk", file=sys.stderr)
        bar.update(done - bar.n)

    def close() -> None:
        if bar is not None:
            bar.close()

    return update, close


def index(
    config: Config, corpus: Corpus, embedder: Any, *, rebuild: bool = False, quiet: bool = False
) -> BuildReport:
    """Build the index, then record what was indexed (`app.corpus.lastgood`) so that a document
    that breaks later keeps answering from this version."""
    progress, close = tqdm_progress("Embedding") if not quiet else (None, lambda: None)
    try:
        result = build_index(config, corpus, embedder, rebuild=rebuild, progress=progress)
    finally:
        close()
    try:
        lastgood.remember(config.corpus_dir, corpus)
    except OSError as exc:
        note = (
            f"could not record the indexed version of the documents in "
            f"{config.corpus_dir / lastgood.STORE} ({exc.strerror or exc}); a document that "
            "breaks later will be left out instead of answering from this version"
        )
        result = replace(result, notes=(*result.notes, note))
    return result


def open_retriever(
    config: Config, *, build: bool = False, report: Callable[[str], None] = log
) -> Any:
    """Load corpus, model and index; with ``build``, create or update the index first."""
    from app.retrieval import Retriever

    corpus = read_corpus(config, report)
    embedder = load_embedder(config, report)
    if build:
        update_index(config, corpus, embedder, report)
    return Retriever.open(config, corpus, embedder)


def open_live(
    config: Config, report: Callable[[str], None] = log, wrap: Callable[[Any], Any] | None = None
) -> Any:
    """For ``serve``: update (or heal) the index, then answer from whichever generation is
    current, following later builds without a restart."""
    from app.live import LiveAnswerer

    embedder = load_embedder(config, report)
    update_index(config, read_corpus(config, report), embedder, report)
    return LiveAnswerer(config, embedder, report, wrap)


def update_index(config: Config, corpus: Corpus, embedder: Any, report: Callable[[str], None]):
    """Build what changed; while another build runs, use the index as it is (when there is
    one) — the served app switches to the new generation once that build finishes."""
    try:
        if read_manifest(config.index_dir) is None:
            report(f"No index yet in {config.index_dir}: building it (one-time)...")
    except MenbeError:
        report(f"The index in {config.index_dir} is unreadable: rebuilding it...")
    try:
        result = index(config, corpus, embedder)
    except IndexBusyError as exc:
        if read_manifest(config.index_dir) is None:
            raise
        report(f"Index: {exc}; using the current index meanwhile.")
        return
    for note in result.notes:
        report(f"Index: {note}.")
    report(f"Index: {result.summary()}.")
