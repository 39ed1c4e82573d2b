"""Section 7, torch vs ONNX: the embedding backends side by side in one process (issue 12).

Each backend embeds the same dev questions and the same corpus chunks, in turns (question by
question, batch by batch), so machine noise hits all of them alike. A batch is what
``Embedder.embed_passages`` hands the model: ``batch_size`` chunks, longest first. The ONNX model
re-sorts each by tokens and runs it 4 rows at a time; ``torch (batch 4)``, the same torch model
given the same chunks 4 per call, shows what a torch user gets from smaller batches alone. The
load average before and after each comparison is recorded beside it.

``menbe ask`` is started with ``MENBE_EMBED_BACKEND=torch`` and with the default (ONNX fp32) in
turns on the shared index, which both read because they share one model identity. int8 has its
own identity, so it has no ask row.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from benchmarks.common import Context, Figure, cpu_seconds, fmt_ms, info, loadavg, log, stats

SECTION = "7 torch vs ONNX"
BACKENDS = ("torch", "onnx", "onnx-int8")
TORCH_SMALL = "torch (batch 4)"  # diagnostic: the torch model, 4 chunks per call
TARGET_QUERY_RATIO = 0.4  # query embedding p50, ONNX ÷ torch
TARGET_INDEX_RATIO = 2.0  # chunks embedded per second, ONNX ÷ torch
TARGET_ASK_RATIO = 0.35  # menbe ask process start → answer, ONNX ÷ torch
TARGET_ASK_RSS_MB = 600.0


def _embedders(ctx: Context) -> dict[str, Any]:
    from app.embedding import Embedder, EmbedSettings, load_embedder

    config = ctx.config()
    embedders = {
        backend: load_embedder(
            EmbedSettings(config.model, config.model_dir, device="cpu", backend=backend),
            report=log,
        )
        for backend in BACKENDS
    }
    torch = embedders["torch"]
    embedders[TORCH_SMALL] = Embedder(torch.model, torch.identity, torch.device, 4)
    return embedders


class _Load:
    """Load average and the cores other processes kept busy while one measurement ran."""

    def __enter__(self) -> _Load:
        self.start, self._cpu, self._wall = loadavg()[0], cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *_exc: object) -> None:
        busy, own = (b - a for a, b in zip(self._cpu, cpu_seconds(), strict=True))
        self.end = loadavg()[0]
        self.others = max(0.0, (busy - own) / (time.perf_counter() - self._wall))

    def text(self) -> str:
        return f"load {self.start:.1f}→{self.end:.1f}, others {self.others:.2f} cores"

    def data(self) -> dict[str, float]:
        return {"loadavg_start": self.start, "loadavg_end": self.end, "others": self.others}


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
    """Batch by batch in turns, the batches ``embed_passages`` would make of all ``texts``."""
    size = embedders["torch"].batch_size
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i].strip()))
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    seconds = {b: [0.0] * reps for b in embedders}
    vectors = {b: np.empty((len(texts), embedders[b].dimension), np.float32) for b in embedders}
    for e in embedders.values():
        e.embed_passages(texts[:size])  # warm-up
    for rep in range(reps):
        for batch in batches:
            group = [texts[i] for i in batch]
            for backend, e in embedders.items():
                start = time.perf_counter()
                vectors[backend][batch] = e.embed_passages(group)
                seconds[backend][rep] += time.perf_counter() - start
    rates = {b: [len(texts) / s for s in seconds[b]] for b in embedders}
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
    with _Load() as query_load:
        query = _query_ms({b: embedders[b] for b in BACKENDS}, questions, 1 if ctx.quick else 3)
    with _Load() as chunk_load:
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
    rate = {b: float(np.median(passes["rates"][b])) for b in embedders}
    small = rate[TORCH_SMALL]
    figures.append(
        info(
            SECTION,
            f"diagnostic: {TORCH_SMALL}: chunks/s; onnx · onnx-int8 ÷ it",
            f"{small:.1f}/s ({small / rate['torch']:.2f}× torch at batch 16); "
            f"{rate['onnx'] / small:.2f}× · {rate['onnx-int8'] / small:.2f}×",
            chunks_per_s=passes["rates"][TORCH_SMALL],
        )
    )
    figures.append(
        info(
            SECTION,
            "machine load during the two comparisons: queries · chunks",
            f"{query_load.text()} · {chunk_load.text()}",
            queries=query_load.data(),
            chunks=chunk_load.data(),
        )
    )
    p50 = {b: stats(query[b])["p50"] for b in BACKENDS}
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
        info(
            SECTION,
            "query embedding p50, onnx-int8 ÷ torch",
            f"{p50['onnx-int8'] / p50['torch']:.2f}×",
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
