"""One size of the scale section, in a process of its own so its memory figures are its own.

``python -m benchmarks.scaleworker SEEDS.npz SEEDS.json SIZE DENSE OUT.json [BUDGET_S]``

Synthetic passages are perturbed copies of the real ones: a vector is a real passage or sentence
vector mixed a little with another and with Gaussian noise, renormalised; a text is 2–5 real
sentences of one language with their words shuffled. Retrieval is timed through the app's own
code: ``Retriever._dense`` (Chroma HNSW query, cosine) and ``Retriever._bm25`` (LexicalIndex) on
a retriever holding those stores, then ``app.retrieval._fuse``. DENSE is ``chroma``, ``exact``
(numpy brute force, when Chroma cannot be filled in time) or ``none`` (lexical only).
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import rss_mb, stats

NOISE, MIX, BATCH = 0.03, 0.3, 5000


def vectors(seeds: np.ndarray, start: int, n: int) -> np.ndarray:
    """Rows ``start .. start+n`` of the synthetic set; the same rows always come out the same."""
    rng = np.random.default_rng([7, start])
    a = seeds[rng.integers(0, len(seeds), n)]
    b = seeds[rng.integers(0, len(seeds), n)]
    w = rng.uniform(0, MIX, (n, 1)).astype(np.float32)
    v = (1 - w) * a + w * b + NOISE * rng.standard_normal(a.shape).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def langs_of(seed_langs: np.ndarray, start: int, n: int) -> np.ndarray:
    rng = np.random.default_rng([7, start])  # the same draw as ``vectors``' first seed pick
    return seed_langs[rng.integers(0, len(seed_langs), n)]


def row(i: int, lang: str) -> dict[str, Any]:
    """The metadata the indexer stores for a passage chunk (also the retriever's row table)."""
    return {
        "kind": "passage",
        "doc_id": f"doc{i // 200}",
        "pid": f"p{(i % 200) // 2:03d}",
        "lang": lang,
        "start": 0,
        "end": 600,
        "first_sentence": 0,
        "last_sentence": 4,
        "hash": f"{i:016x}",
    }


def write_table(path: Path, langs: np.ndarray) -> None:
    """``passages.jsonl`` as the indexer writes it: one row per lexical passage."""
    with path.open("w", encoding="utf-8") as out:
        for i, lang in enumerate(langs):
            out.write(json.dumps({"id": f"s{i}", **row(i, str(lang))}) + "\n")


def texts(sentences: dict[str, list[list[str]]], langs: np.ndarray, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for lang in langs:
        pool = sentences[str(lang)]
        words = [w for k in rng.integers(0, len(pool), rng.integers(2, 6)) for w in pool[k]]
        rng.shuffle(words)
        out.append(" ".join(words))
    return out


def trimmed_rss_mb() -> float:
    """RSS after a collection and glibc's ``malloc_trim``: what is really still held."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    return rss_mb()


def peak_rss_mb() -> float:
    """This process's high-water RSS (VmHWM: per address space, so not the parent's at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return rss_mb()


class ExactCollection:
    """Brute-force cosine search with Chroma's ``query`` shape, for the 1M fallback."""

    def __init__(self, matrix: np.ndarray, langs: np.ndarray) -> None:
        self.matrix, self.langs = matrix, langs

    def query(self, query_embeddings: list[list[float]], n_results: int, include: Any) -> dict:
        sims = self.matrix @ np.asarray(query_embeddings[0], dtype=np.float32)
        top = np.argpartition(-sims, n_results)[:n_results]
        top = top[np.argsort(-sims[top])]
        return {
            "metadatas": [[row(int(i), str(self.langs[i])) for i in top]],
            "distances": [[float(1 - sims[i]) for i in top]],
        }


def fill_chroma(
    path: Path, seeds: np.ndarray, langs: np.ndarray, size: int, budget_s: float
) -> tuple[Any, int, float]:
    import chromadb
    from chromadb.config import Settings

    from app import store

    client = chromadb.PersistentClient(
        path=str(path), settings=Settings(anonymized_telemetry=False)
    )
    collection = store.create_collection(client, "scale-passages", {"menbe_generation": 1})
    batch = BATCH
    assert client.get_max_batch_size() >= BATCH
    start, done = time.perf_counter(), 0
    while done < size and time.perf_counter() - start < budget_s:
        n = min(batch, size - done)
        lang = langs[done : done + n]
        collection.add(
            ids=[f"s{i}" for i in range(done, done + n)],
            embeddings=vectors(seeds, done, n),
            metadatas=[row(done + k, str(lang[k])) for k in range(n)],
        )
        done += n
    return collection, done, time.perf_counter() - start


def recall_at_10(collection: Any, seeds: np.ndarray, size: int, queries: np.ndarray) -> float:
    """How many of the exact top-10 the HNSW query returns, over a few questions."""
    best = np.full((len(queries), 10), -2.0, dtype=np.float32)
    ids = np.zeros((len(queries), 10), dtype=np.int64)
    for start in range(0, size, BATCH):  # the same batches as the insert: the same vectors
        n = min(BATCH, size - start)
        sims = queries @ vectors(seeds, start, n).T
        merged = np.concatenate([best, sims], axis=1)
        merged_ids = np.concatenate(
            [ids, np.arange(start, start + n)[None].repeat(len(queries), 0)], axis=1
        )
        top = np.argsort(-merged, axis=1)[:, :10]
        best, ids = np.take_along_axis(merged, top, 1), np.take_along_axis(merged_ids, top, 1)
    found = 0
    for q, exact in zip(queries, ids, strict=True):
        got = collection.query(query_embeddings=[q.tolist()], n_results=10, include=[])
        found += len({int(i[1:]) for i in got["ids"][0]} & set(exact.tolist()))
    return found / ids.size


def main(argv: list[str]) -> int:
    from app.lexical import LexicalIndex
    from app.retrieval import Retriever, _fuse, _read_table

    seeds_npz, seeds_json, size, dense, out = argv[:5]
    size, budget = int(size), float(argv[5]) if len(argv) > 5 else 1e9
    arrays = np.load(seeds_npz)
    meta = json.loads(Path(seeds_json).read_text(encoding="utf-8"))
    seeds, queries = arrays["seeds"], arrays["queries"]
    seed_langs = np.array(meta["seed_langs"])
    result: dict[str, Any] = {"size": size, "dense": dense, "rss_mb": {"base": rss_mb()}}
    langs = np.concatenate(
        [langs_of(seed_langs, s, min(BATCH, size - s)) for s in range(0, size, BATCH)]
    )
    t = time.perf_counter()
    corpus_texts = texts(meta["sentences"], langs, 11)
    lexical = LexicalIndex.build(corpus_texts, [str(x) for x in langs])
    result["lexical_build_s"] = round(time.perf_counter() - t, 2)
    result["lexical_mb"] = round(lexical.nbytes / 2**20, 1)
    del corpus_texts
    result["rss_mb"]["after_lexical"] = trimmed_rss_mb()
    table = Path(meta["work"]) / f"passages-{size}.jsonl"
    write_table(table, langs)
    t = time.perf_counter()
    rows = _read_table(table)  # the retriever's own row table, loaded as it loads it
    result["row_table_load_s"] = round(time.perf_counter() - t, 2)
    result["rss_mb"]["after_row_table"] = trimmed_rss_mb()
    retriever = Retriever.__new__(Retriever)
    retriever._lexical, retriever._rows = lexical, rows
    retriever.manifest = {"counts": {"passages": size}}
    if dense == "chroma":
        collection, done, seconds = fill_chroma(
            Path(meta["work"]) / f"chroma-{size}", seeds, langs, size, budget
        )
        result.update(
            inserted=done, insert_s=round(seconds, 1), insert_rate=round(done / seconds, 1)
        )
        result["recall_at_10"] = round(recall_at_10(collection, seeds, done, queries[:20]), 3)
    elif dense == "exact":
        t = time.perf_counter()
        collection = ExactCollection(
            np.concatenate(
                [vectors(seeds, s, min(BATCH, size - s)) for s in range(0, size, BATCH)]
            ),
            langs,
        )
        result.update(inserted=size, insert_s=round(time.perf_counter() - t, 1))
    retriever._passages = collection if dense != "none" else None
    result["rss_mb"]["after_dense"] = trimmed_rss_mb()
    result["ms"] = measure(
        retriever, _fuse, queries, meta["queries"], dense != "none", int(meta["reps"])
    )
    result["rss_mb"]["peak"] = peak_rss_mb()
    result["rss_mb"] = {k: round(v, 1) for k, v in result["rss_mb"].items()}
    Path(out).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


def measure(
    retriever: Any,
    fuse: Any,
    vectors_: np.ndarray,
    queries: list[list[str]],
    with_dense: bool,
    reps: int,
) -> dict[str, Any]:
    """Per question: dense, lexical and fusion, each timed, after one warm-up pass."""
    times: dict[str, list[float]] = {"dense": [], "lexical": [], "fusion": [], "total": []}
    for rep in range(reps + 1):
        for vector, (question, lang) in zip(vectors_, queries, strict=True):
            candidates: dict = {}
            t0 = time.perf_counter()
            if with_dense:
                retriever._dense(vector, candidates)
            t1 = time.perf_counter()
            retriever._bm25(question, lang, candidates)
            t2 = time.perf_counter()
            fuse(candidates, "hybrid" if with_dense else "bm25")[:5]
            t3 = time.perf_counter()
            if rep:  # rep 0 warms caches
                for key, ms in (
                    ("dense", t1 - t0),
                    ("lexical", t2 - t1),
                    ("fusion", t3 - t2),
                    ("total", t3 - t0),
                ):
                    times[key].append(ms * 1000)
    return {key: stats(values) for key, values in times.items()}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
