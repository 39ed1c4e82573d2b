"""Wiring the stages together for an entry point: config in, a ready retriever out."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from app.config import Config
from app.corpus import Corpus, load_corpus
from app.errors import IndexBusyError, MenbeError
from app.indexer import BuildReport, Progress, build_index, read_manifest


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


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
    progress, close = tqdm_progress("Embedding") if not quiet else (None, lambda: None)
    try:
        return build_index(config, corpus, embedder, rebuild=rebuild, progress=progress)
    finally:
        close()


def open_retriever(
    config: Config, *, build: bool = False, report: Callable[[str], None] = log
) -> Any:
    """Load corpus, model and index; with ``build``, create or update the index first."""
    from app.retrieval import Retriever

    corpus = load_corpus(config.corpus_dir)
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
    update_index(config, load_corpus(config.corpus_dir), embedder, report)
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
