"""Section 7, torch vs ONNX: the embedding backends side by side in one process (issue 12).

Each backend embeds the same dev questions and the same corpus chunks, in turns (question by
question, pass by pass), so machine noise hits all of them alike. ``menbe ask`` is started with
``MENBE_EMBED_BACKEND=torch`` and with the default (ONNX fp32) in turns on the shared index, which
both read because they share one model identity. int8 has its own identity, so it has no ask row.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.common import Context, Figure, fmt_ms, info, log, stats

SECTION = "7 torch vs ONNX"
BACKENDS = ("torch", "onnx", "onnx-int8")
TARGET_QUERY_RATIO = 0.4  # query embedding p50, ONNX ÷ torch
TARGET_INDEX_RATIO = 2.0  # chunks embedded per second, ONNX ÷ torch
TARGET_ASK_RATIO = 0.35  # menbe ask process start → answer, ONNX ÷ torch
TARGET_ASK_RSS_MB = 600.0


def _embedders(ctx: Context) -> dict[str, Any]:
    from app.embedding import EmbedSettings, load_embedder

    config = ctx.config()
    return {
        backend: load_embedder(
            EmbedSettings(config.model, config.model_dir, device="cpu", backend=backend),
            report=log,
        )
        for backend in BACKENDS
    }


def _query_ms(embedders: dict[str, Any], questions: list[str], reps: int) -> dict[str, list]:
    samples: dict[str, list[float]] = {b: [] for b in embedders}
    for e in embedders.values():
        e.embed_query(questions[0])  # warm-up
    for _ in range(reps):
        for q in questions:
            for backend, e in embedders.items():
                start = time.perf_counter()
                e.embed_query(q)
                samples[backend].append((time.perf_counter() - start) * 1000)
    return samples


def _chunks_per_s(embedders: dict[str, Any], texts: list[str], reps: int) -> dict[str, Any]:
    rates: dict[str, list[float]] = {b: [] for b in embedders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(reps):
        for backend, e in embedders.items():
            start = time.perf_counter()
            vectors[backend] = e.embed_passages(texts)
            rates[backend].append(len(texts) / (time.perf_counter() - start))
    cosine = {b: float((vectors[b] * vectors["torch"]).sum(1).min()) for b in embedders}
    return {"rates": rates, "min_cosine": cosine}


def _ask(ctx: Context, reps: int) -> dict[str, list[tuple[float, float, bool]]]:
    from benchmarks.startup import _ask_once

    runs: dict[str, list[tuple[float, float, bool]]] = {"torch": [], "onnx": []}
    for _ in range(reps):
        for backend in runs:
            runs[backend].append(_ask_once(ctx, backend=backend))
    return runs


def _ratio(label: str, value: float, target: float, *, at_most: bool, **data) -> Figure:
    met = value <= target if at_most else value >= target
    sign = "≤" if at_most else "≥"
    return Figure(SECTION, label, f"{value:.2f}×", f"{sign} {target:g}× torch", met, data)


def run(ctx: Context) -> list[Figure]:
    from app.chunking import chunk_corpus

    embedders = _embedders(ctx)
    questions = [item.question for item in ctx.dataset()]
    texts = [c.text for c in chunk_corpus(ctx.corpus)]
    query = _query_ms(embedders, questions, 1 if ctx.quick else 3)
    passes = _chunks_per_s(embedders, texts, 1 if ctx.quick else 3)
    figures = []
    for backend in BACKENDS:
        rate = float(np.median(passes["rates"][backend]))
        figures.append(
            info(
                SECTION,
                f"{backend}: query embedding · chunks/s · min cosine to torch",
                f"{fmt_ms(stats(query[backend]))} · {rate:.1f}/s ({len(texts)} chunks) · "
                f"{passes['min_cosine'][backend]:.4f}",
                ms=stats(query[backend]),
                chunks_per_s=passes["rates"][backend],
                min_cosine=passes["min_cosine"][backend],
            )
        )
    p50 = {b: stats(query[b])["p50"] for b in BACKENDS}
    rate = {b: float(np.median(passes["rates"][b])) for b in BACKENDS}
    figures.append(
        _ratio(
            "query embedding p50, onnx ÷ torch",
            p50["onnx"] / p50["torch"],
            TARGET_QUERY_RATIO,
            at_most=True,
            p50=p50,
        )
    )
    figures.append(
        _ratio(
            "chunks/s, onnx ÷ torch",
            rate["onnx"] / rate["torch"],
            TARGET_INDEX_RATIO,
            at_most=False,
            chunks_per_s=rate,
        )
    )
    figures.append(
        _ratio(
            "chunks/s, onnx-int8 ÷ torch",
            rate["onnx-int8"] / rate["torch"],
            TARGET_INDEX_RATIO,
            at_most=False,
            chunks_per_s=rate,
        )
    )
    del embedders  # free the three models before starting subprocesses
    runs = _ask(ctx, 2 if ctx.quick else 3)
    seconds = {b: stats([r[0] for r in runs[b]])["p50"] for b in runs}
    peak = {b: max(r[1] for r in runs[b]) for b in runs}
    figures.append(
        info(
            SECTION,
            "menbe ask start → answer: torch · onnx (median)",
            f"{seconds['torch']:.1f} · {seconds['onnx']:.1f} s; peak RSS "
            f"{peak['torch']:.0f} · {peak['onnx']:.0f} MiB",
            seconds=seconds,
            peak_rss_mb=peak,
        )
    )
    figures.append(
        _ratio(
            "menbe ask start → answer, onnx ÷ torch",
            seconds["onnx"] / seconds["torch"],
            TARGET_ASK_RATIO,
            at_most=True,
        )
    )
    figures.append(
        Figure(
            SECTION,
            "menbe ask peak RSS (onnx)",
            f"{peak['onnx']:.0f} MiB",
            f"≤ {TARGET_ASK_RSS_MB:g} MiB",
            peak["onnx"] <= TARGET_ASK_RSS_MB,
        )
    )
    return figures
