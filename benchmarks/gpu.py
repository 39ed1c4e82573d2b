"""Section 6, GPU (never required): embedding throughput on CUDA through the app's own code path
(``EmbedSettings(device="cuda")``), beside the CPU figure measured in this run."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.common import Context, Figure, info

SECTION = "6 GPU"


def run(ctx: Context) -> list[Figure]:
    if ctx.device == "cpu":
        return [info(SECTION, "GPU embedding", "skipped (--device cpu)")]
    import torch

    if not torch.cuda.is_available():
        return [info(SECTION, "GPU embedding", "no GPU here")]
    from app.chunking import chunk_corpus
    from app.embedding import EmbedSettings, load_embedder

    config = ctx.config()
    settings = EmbedSettings(model=config.model, model_dir=config.model_dir, device="cuda")
    gpu = load_embedder(settings, report=lambda _: None)
    texts = [c.text for c in chunk_corpus(ctx.corpus)]
    gpu.embed_passages(texts[:64])  # warm-up: kernels, allocator
    rates = [_rate(gpu, texts) for _ in range(3)]
    query_ms = _query_ms(gpu, [t[:120] for t in texts[:50]])
    cpu = ctx.shared.get("cpu_embed_rate") or _rate(ctx.embedder, texts)
    best = sorted(rates)[len(rates) // 2]
    return [
        info(
            SECTION,
            f"embedding throughput GPU · CPU ({torch.cuda.get_device_name(0)})",
            f"{best:.0f} · {cpu:.1f} chunks/s (×{best / cpu:.0f})",
            gpu_chunks_per_s=round(best, 1),
            cpu_chunks_per_s=round(cpu, 1),
        ),
        info(
            SECTION,
            "query embedding on GPU",
            f"p50 {query_ms:.1f} ms",
            gpu_query_ms_p50=round(query_ms, 2),
        ),
    ]


def _rate(embedder: Any, texts: list[str]) -> float:
    import torch

    start = time.perf_counter()
    embedder.embed_passages(texts)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return len(texts) / (time.perf_counter() - start)


def _query_ms(embedder: Any, texts: list[str]) -> float:
    times = []
    for t in texts:
        start = time.perf_counter()
        embedder.embed_query(t)
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]
