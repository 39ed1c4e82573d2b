"""Section 2, the baseline a user would otherwise write, measured in the same run: the tutorial
LangChain pipeline (``RecursiveCharacterTextSplitter(1000, 200)`` over the raw PDF dump, a Chroma
collection with cosine distance, the same embedding model) returning the top-4 chunks as the
answer. Compared with ours on hit@1 per language and on latency."""

from __future__ import annotations

import re
import time
from typing import Any

from benchmarks.common import SEED_TEXT, Context, Figure, info, log, stats

SECTION = "2 vs LangChain baseline"
CHUNK_SIZE, CHUNK_OVERLAP, TOP_K = 1000, 200, 4
_HYPHEN_BREAK = re.compile(r"-[ \t]*\n\s*")  # "1991-\n1993" in the dump is "1991-1993"


def normalize(text: str) -> str:
    """The dump's hyphenated line ends joined, then whitespace runs collapsed."""
    from app.evaluation.dataset import normalize_ws

    return normalize_ws(_HYPHEN_BREAK.sub("-", text))


def build(ctx: Context) -> tuple[Any, list[str], float]:
    """Split, embed and store the raw dump; returns (collection, chunks, seconds)."""
    import chromadb
    from chromadb.config import Settings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    start = time.perf_counter()
    raw = SEED_TEXT.read_text(encoding="utf-8")
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks = splitter.split_text(raw)
    vectors = ctx.embedder.embed_passages(chunks)
    client = chromadb.PersistentClient(
        path=str(ctx.work / "baseline-chroma"), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.create_collection(
        "langchain-baseline", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )
    collection.add(ids=[f"c{i}" for i in range(len(chunks))], embeddings=vectors, documents=chunks)
    return collection, chunks, time.perf_counter() - start


def ask(ctx: Context, collection: Any, question: str) -> list[str]:
    """The baseline's answer: the top-4 chunks for the question."""
    vector = ctx.embedder.embed_query(question)
    got = collection.query(
        query_embeddings=[vector.tolist()], n_results=TOP_K, include=["documents", "distances"]
    )
    return list(got["documents"][0])


def run(ctx: Context) -> list[Figure]:
    if not SEED_TEXT.is_file():
        return [info(SECTION, "baseline", f"skipped: {SEED_TEXT} not found")]
    collection, chunks, build_s = build(ctx)
    items = ctx.dataset()
    reps = 3 if ctx.quick else 5
    for item in items[:10]:
        ask(ctx, collection, item.question)  # warm-up
    ours = ctx.shared.get("ours")
    answerer = ours["answerer"] if ours else None
    samples: list[float] = []
    mine: list[float] = []  # our ask, interleaved so that machine noise hits both alike
    hits: dict[str, list[bool]] = {"en": [], "az": []}
    for rep in range(reps):
        for item in items:
            if answerer is not None:
                start = time.perf_counter()
                answerer.ask(item.question)
                mine.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            answer = ask(ctx, collection, item.question)
            samples.append((time.perf_counter() - start) * 1000)
            if rep == 0 and item.answerable:
                top = normalize(answer[0]) if answer else ""
                hits[item.lang].append(any(normalize(q) in top for q in item.gold_quotes))
    log(f"baseline: {len(chunks)} chunks, {len(samples)} asks")
    figures = [
        info(
            SECTION,
            "baseline index",
            f"{len(chunks)} chunks of ≤{CHUNK_SIZE} chars built in {build_s:.1f} s",
            chunks=len(chunks),
            build_s=round(build_s, 2),
        )
    ]
    figures += _hit_rows(ours["hits"] if ours else None, hits)
    figures.append(_latency_row(mine or None, samples, reps, len(items)))
    return figures


def _rate(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.2f} ({sum(values)}/{len(values)})" if values else "n/a"


def _hit_rows(ours: dict[str, list[bool]] | None, base: dict[str, list[bool]]) -> list[Figure]:
    rows = []
    for lang in ("en", "az", "all"):
        mine = (
            (ours or {}).get(lang, [])
            if lang != "all"
            else [h for v in (ours or {}).values() for h in v]
        )
        theirs = base[lang] if lang != "all" else base["en"] + base["az"]
        rows.append(
            info(
                SECTION,
                f"hit@1 {lang.upper()} answerable: ours (paragraph) · baseline (chunk)",
                f"{_rate(mine) if ours else 'n/a'} · {_rate(theirs)}",
                ours=_frac(mine),
                baseline=_frac(theirs),
                n=len(theirs),
            )
        )
    return rows


def _frac(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _latency_row(ours: list[float] | None, base: list[float], reps: int, n: int) -> Figure:
    b = stats(base)
    if not ours:
        return info(
            SECTION,
            "latency baseline",
            f"p50 {b['p50']:.1f} · p95 {b['p95']:.1f} ms",
            baseline_ms=b,
        )
    o = stats(ours)
    return info(
        SECTION,
        f"latency ours ask · baseline ask ({n} q × {reps})",
        f"p50 {o['p50']:.1f} · {b['p50']:.1f} ms; p95 {o['p95']:.1f} · {b['p95']:.1f} ms; "
        f"ratio p50 {o['p50'] / b['p50']:.2f}×, p95 {o['p95'] / b['p95']:.2f}×",
        ours_ms=o,
        baseline_ms=b,
        ratio_p50=round(o["p50"] / b["p50"], 3),
        ratio_p95=round(o["p95"] / b["p95"], 3),
    )
