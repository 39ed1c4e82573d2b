"""Section 1, the warm query path over the dev questions: ``Retriever.search``, answer
composition and the whole ``Answerer.ask``, plus the query embedding alone (the floor).

The same pass records our hit@1 (top paragraph's original contains a gold quote) for the
baseline section, and the question vectors for the scale section."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.common import Context, Figure, info, latency, log, stats

SECTION = "1 query path"
TARGET_ASK_P95 = 60.0


class _Recorder:
    """Stands in for the retriever inside ``Answerer`` to keep each search's own timings."""

    def __init__(self, retriever: Any) -> None:
        self._retriever = retriever
        self.last: Any = None

    def search(self, *args: Any, **kwargs: Any) -> Any:
        self.last = self._retriever.search(*args, **kwargs)
        return self.last

    def __getattr__(self, name: str) -> Any:
        return getattr(self._retriever, name)


def run(ctx: Context) -> list[Figure]:
    from app.answering import Answerer
    from app.retrieval import Retriever

    ctx.ensure_index()
    retriever = Retriever.open(ctx.config(), ctx.corpus, ctx.embedder)
    recorder = _Recorder(retriever)
    answerer = Answerer(recorder)  # type: ignore[arg-type]
    items = ctx.dataset()
    reps = 3 if ctx.quick else 5
    for item in items[: 10 if ctx.quick else len(items)]:  # warm-up, not timed
        answerer.ask(item.question)
    samples: dict[str, list[float]] = {
        k: [] for k in ("ask", "retrieve", "answer", "embed", "dense", "lexical", "sentences")
    }
    hits: dict[str, list[bool]] = {"en": [], "az": []}
    for rep in range(reps):
        for item in items:
            start = time.perf_counter()
            answer = answerer.ask(item.question)
            samples["ask"].append((time.perf_counter() - start) * 1000)
            samples["retrieve"].append(answer.timings_ms["retrieve"])
            samples["answer"].append(answer.timings_ms["answer"])
            for key in ("embed", "dense", "lexical", "sentences"):
                samples[key].append(float(recorder.last.timings_ms.get(key, 0.0)))
            if rep == 0 and item.answerable:
                hits[item.lang].append(_paragraph_hit(ctx.corpus, answer.hits, item.gold_quotes))
        log(f"query path: rep {rep + 1}/{reps} done")
    floor = _embedding_floor(ctx.embedder, [i.question for i in items], 1 if ctx.quick else reps)
    one_thread = _one_thread_floor(
        ctx.embedder, [i.question for i in items[:30]], 1 + (not ctx.quick)
    )
    ctx.shared["ours"] = {"hits": hits, "answerer": answerer}
    ctx.shared["query_vectors"] = ctx.embedder.embed_queries([i.question for i in items])
    ctx.shared["queries"] = [(i.question, i.lang) for i in items]
    n = len(items)
    return [
        latency(
            SECTION, f"whole Answerer.ask ({n} questions × {reps})", samples["ask"], TARGET_ASK_P95
        ),
        latency(SECTION, "retrieval (Retriever.search)", samples["retrieve"]),
        latency(SECTION, "  of which: query embedding + language detection", samples["embed"]),
        latency(SECTION, "  of which: dense (Chroma HNSW)", samples["dense"]),
        latency(SECTION, "  of which: lexical (BM25)", samples["lexical"]),
        latency(SECTION, "  of which: sentence scores (Chroma get)", samples["sentences"]),
        latency(SECTION, "answer composition", samples["answer"]),
        latency(SECTION, "query embedding alone (the floor)", floor),
        one_thread,
    ]


def _paragraph_hit(corpus: Any, hits: Any, quotes: Any) -> bool:
    from app.evaluation.dataset import supporting

    if not hits:
        return False
    top = hits[0]
    version = next(iter(top.versions.values()))
    return supporting(corpus.original_of(version).text, quotes)


def _embedding_floor(embedder: Any, questions: list[str], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        for q in questions:
            start = time.perf_counter()
            embedder.embed_query(q)
            out.append((time.perf_counter() - start) * 1000)
    return out


def _one_thread_floor(embedder: Any, questions: list[str], reps: int) -> Figure:
    """Diagnostic: the floor again with one torch thread (contention on 2 shared cores)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        samples = _embedding_floor(embedder, questions, reps)
    finally:
        torch.set_num_threads(before)
    s = stats(samples)
    return info(
        SECTION,
        f"  diagnostic: floor with 1 torch thread (default {before})",
        f"p50 {s['p50']:.1f} · p95 {s['p95']:.1f} ms (n={s['n']})",
        ms=s,
    )
