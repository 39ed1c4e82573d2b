"""Section 3, indexing: a fresh full build of the corpus, and an incremental run after one
paragraph changed (which must embed that paragraph's chunks only). The first full build is the
index the query sections then use."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Context, Figure, info, log, stats

SECTION = "3 indexing"
TARGET_RATE = 45.0  # chunks embedded per second, 2 cores, default model
EDIT_FROM, EDIT_TO = " became a new impetus ", " became a fresh impetus "


def run(ctx: Context) -> list[Figure]:
    from app.chunking import chunk_corpus

    embedder = ctx.embedder  # loaded outside the timed builds
    chunks = chunk_corpus(ctx.corpus)
    full_reps = 1 if ctx.quick else 3
    builds = [_full_build(ctx, n) for n in range(full_reps)]
    figures = _full_figures(builds, len(chunks))
    figures += _incremental(ctx)
    if not ctx.quick:
        figures.append(_embedding_only(embedder, [c.text for c in chunks]))
        ctx.shared["cpu_embed_rate"] = figures[-1].data["chunks_per_s"]
    return figures


def _full_build(ctx: Context, n: int) -> dict[str, Any]:
    from app.indexer import build_index

    index_dir = ctx.work / f"index-full-{n}"
    start = time.perf_counter()
    report = build_index(ctx.config(index_dir), ctx.corpus, ctx.embedder)
    wall = time.perf_counter() - start
    log(f"full build {n + 1}: {report.embedded} chunks in {wall:.1f} s")
    if ctx.index_dir is None:
        ctx.index_dir = index_dir  # kept for the query sections
    return {"wall_s": wall, "embedded": report.embedded, "paragraphs": report.added}


def _full_figures(builds: list[dict[str, Any]], n_chunks: int) -> list[Figure]:
    walls = [b["wall_s"] for b in builds]
    chunk_rates = [b["embedded"] / b["wall_s"] for b in builds]
    para_rates = [b["paragraphs"] / b["wall_s"] for b in builds]
    wall, rate = stats(walls), stats(chunk_rates)
    para = stats(para_rates)
    return [
        info(
            SECTION,
            "full build: wall time",
            f"median {wall['p50']:.1f} s over {len(builds)} fresh build(s) "
            f"({builds[0]['embedded']} chunks, {builds[0]['paragraphs']} paragraph versions)",
            wall_s=wall,
            chunks=n_chunks,
            paragraph_versions=builds[0]["paragraphs"],
        ),
        Figure(
            SECTION,
            "full build: chunks embedded per second",
            f"median {rate['p50']:.1f} /s (min {rate['min']:.1f})",
            f"≥ {TARGET_RATE:g} /s",
            rate["p50"] >= TARGET_RATE,
            {"chunks_per_s": rate},
        ),
        info(
            SECTION,
            "full build: paragraph versions per second",
            f"median {para['p50']:.2f} /s",
            paragraph_versions_per_s=para,
        ),
    ]


def _edit(path: Path, forward: bool) -> None:
    text = path.read_text(encoding="utf-8")
    old, new = (EDIT_FROM, EDIT_TO) if forward else (EDIT_TO, EDIT_FROM)
    if text.count(old) != 1:
        raise RuntimeError(f"benchmark edit {old!r} not found exactly once in {path}")
    path.write_text(text.replace(old, new), encoding="utf-8")


def _incremental(ctx: Context) -> list[Figure]:
    """Flip one sentence of one paragraph of a corpus copy back and forth, re-indexing the index
    just built each time; an even number of flips leaves it matching the real corpus."""
    from app.chunking import chunk_paragraphs
    from app.corpus import load_corpus
    from app.indexer import build_index

    corpus_dir = ctx.work / "corpus-copy"
    shutil.copytree(ctx.corpus_dir, corpus_dir)
    config = ctx.config(ctx.ensure_index(), corpus_dir)
    target = next(p for p in sorted(corpus_dir.rglob("en.txt")) if EDIT_FROM in p.read_text())
    reps = 2 if ctx.quick else 4
    walls, embedded, changed, expected = [], [], [], 0
    for n in range(reps):
        _edit(target, forward=n % 2 == 0)
        corpus = load_corpus(corpus_dir)
        now = (EDIT_TO if n % 2 == 0 else EDIT_FROM).strip()
        edited = [p for p in corpus.paragraphs() if p.lang == "en" and now in p.text]
        expected = len(list(chunk_paragraphs(edited)))
        start = time.perf_counter()
        report = build_index(config, corpus, ctx.embedder)
        walls.append(time.perf_counter() - start)
        embedded.append(report.embedded)
        changed.append(report.changed)
    start = time.perf_counter()
    noop = build_index(config, load_corpus(corpus_dir), ctx.embedder)
    noop_s = time.perf_counter() - start
    log(f"incremental: embedded {embedded}, {stats(walls)['p50']:.2f} s")
    only_that = all(c == 1 for c in changed) and all(0 < e <= expected for e in embedded)
    wall = stats(walls)
    return [
        Figure(
            SECTION,
            "incremental (1 paragraph changed): chunks embedded",
            f"{max(embedded)} of that paragraph's {expected} chunks "
            f"({report.total_chunks} in the index); changed={changed[0]}",
            "only that paragraph's chunks",
            only_that,
            {"embedded": embedded, "paragraph_chunks": expected, "changed": changed},
        ),
        info(
            SECTION,
            "incremental (1 paragraph changed): wall time",
            f"median {wall['p50']:.2f} s over {reps} run(s); no-change run {noop_s:.2f} s "
            f"(embedded {noop.embedded})",
            wall_s=wall,
            noop_s=round(noop_s, 3),
        ),
    ]


def _embedding_only(embedder: Any, texts: list[str]) -> Figure:
    """The same chunks through ``embed_passages`` alone: the ceiling a build can reach."""
    start = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - start
    rate = len(texts) / seconds
    return info(
        SECTION,
        "embedding alone (CPU, same chunks)",
        f"{rate:.1f} chunks/s ({len(texts)} in {seconds:.1f} s)",
        chunks_per_s=round(rate, 2),
        seconds=round(seconds, 2),
    )
