"""Building the index: incremental by content hash, and atomic.

Each build writes a new *generation* (new Chroma collections plus a folder with the lexical index
and the chunk table) and only then switches ``manifest.json`` to it with one atomic rename. A
build that fails or is killed midway leaves the previous generation, and so the previous index,
fully usable; its leftovers are cleaned up by the next build. Unchanged chunks are copied into
the new generation with their stored vectors, so only added or changed text is embedded.

A build holds the writer lock (``app.locking``), moves a broken index aside before starting
(``app.health``) and removes old generations only when no reader leases them
(``app.generations``), so a served app keeps answering from the one it has open.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from app import generations, health, locking, store
from app.chunking import CHUNKER_VERSION, Chunk, chunk_corpus
from app.config import Config
from app.corpus import Corpus
from app.errors import DiskFullError
from app.manifest import FORMAT, MANIFEST, check_compatible, names, read_manifest, write_manifest

Progress = Callable[[int, int], None]  # (done, total)
__all__ = ["MANIFEST", "BuildReport", "build_index", "check_compatible", "read_manifest"]


@dataclass(frozen=True)
class BuildReport:
    added: int  # paragraph versions
    changed: int
    removed: int
    embedded: int  # chunks embedded in this build
    total_chunks: int
    generation: int
    seconds: float = 0.0
    rebuilt: bool = False
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        return f"{self.added} added, {self.changed} changed, {self.removed} removed"


def _paragraph_versions(chunks: dict[str, str]) -> dict[tuple[str, str, str], str]:
    """Fold chunk hashes into one fingerprint per paragraph version, for the user-facing counts."""
    out: dict[tuple[str, str, str], list[str]] = {}
    for chunk_id, digest in sorted(chunks.items()):
        doc_id, pid, lang, _ = chunk_id.rsplit("/", 3)
        out.setdefault((doc_id, pid, lang), []).append(digest)
    return {key: "".join(parts) for key, parts in out.items()}


def _old_hashes(client, manifest: dict[str, Any] | None) -> dict[str, dict[str, str]]:
    if manifest is None:
        return {"passages": {}, "sentences": {}}
    out = {}
    for kind in ("passages", "sentences"):
        got = store.all_records(
            store.get_collection(client, manifest["collections"][kind]), ["metadatas"]
        )
        out[kind] = {i: m["hash"] for i, m in zip(got["ids"], got["metadatas"], strict=True)}
    return out


def build_index(
    config: Config,
    corpus: Corpus,
    embedder,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring the index up to date with ``corpus``; see the module docstring for the guarantees.
    Holds the writer lock throughout: a second build raises ``IndexBusyError`` at once."""
    with locking.hold(config.index_dir):
        return _build(config, corpus, embedder, rebuild, progress)


def _build(config, corpus, embedder, rebuild: bool, progress) -> BuildReport:
    started = datetime.now(UTC)
    notes: list[str] = []
    current = health.heal(config, notes)
    client = health.open_store(config, notes)
    base = None if rebuild else current  # what unchanged chunks are copied from
    old: dict[str, dict[str, str]] = {"passages": {}, "sentences": {}}
    if base is not None:
        check_compatible(base, embedder.identity)
        try:
            old = _old_hashes(client, base)
        except Exception as exc:
            notes.append(f"the previous index could not be read ({exc}); built a new one")
            base = None
    chunks = chunk_corpus(corpus)
    want = {
        kind: {c.chunk_id: c for c in chunks if c.kind == kind[:-1]}
        for kind in ("passages", "sentences")
    }
    added, changed, removed = _diff(old, want)
    generation = _next_generation(config, client, current)
    _collect(config, client, current, notes)  # leftovers of killed builds, unread generations
    if base is not None and added == changed == removed == 0:
        return BuildReport(0, 0, 0, 0, len(chunks), base["generation"], notes=tuple(notes))
    try:
        embedded = _write_generation(
            config, client, base, generation, want, old, embedder, progress
        )
        _switch(config, generation, embedder, want)
    except Exception as exc:
        if not health.disk_full(exc, config.index_dir):
            raise
        _collect(config, client, current, [])
        raise _no_space(config, generation, current) from exc
    _collect(config, client, read_manifest(config.index_dir), notes)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return BuildReport(
        added, changed, removed, embedded, len(chunks), generation, seconds, rebuild, tuple(notes)
    )


def _diff(old: dict[str, dict[str, str]], want: dict[str, dict[str, Chunk]]) -> tuple[int, ...]:
    """(added, changed, removed) paragraph versions between the stored and the wanted chunks."""
    new = {kind: {i: c.content_hash for i, c in want[kind].items()} for kind in want}
    before = _paragraph_versions({**old["passages"], **old["sentences"]})
    after = _paragraph_versions({**new["passages"], **new["sentences"]})
    changed = sum(before[k] != v for k, v in after.items() if k in before)
    return len(after.keys() - before.keys()), changed, len(before.keys() - after.keys())


def _next_generation(config: Config, client, current: dict[str, Any] | None) -> int:
    """One past every generation still around, so a number is never reused while leased."""
    seen = generations.known(config.index_dir, client, config.collection)
    return max([*seen, (current or {}).get("generation", 0)], default=0) + 1


def _collect(config: Config, client, current: dict[str, Any] | None, notes: list[str]) -> None:
    chroma_dir = None if config.chroma_host else config.index_dir / health.CHROMA
    busy = generations.collect(config.index_dir, client, config.collection, current, chroma_dir)
    if busy:
        listed = ", ".join(str(g) for g in busy)
        notes.append(f"generation {listed} is still read by a running app; removed once it is not")


def _no_space(config: Config, generation: int, current: dict[str, Any] | None) -> DiskFullError:
    kept = f"generation {current['generation']} still answers" if current else "nothing was kept"
    return DiskFullError(
        f"no space left on the disk of {config.index_dir} while building generation "
        f"{generation}; its partial files were removed and {kept}; free some space and run "
        "`menbe index` again"
    )


def _write_generation(
    config: Config,
    client,
    manifest: dict[str, Any] | None,
    generation: int,
    want: dict[str, dict[str, Chunk]],
    old: dict[str, dict[str, str]],
    embedder,
    progress: Progress | None,
) -> int:
    collection_names = names(config.collection, generation)
    meta = {
        "menbe_model": embedder.identity,
        "menbe_chunker": CHUNKER_VERSION,
        "menbe_generation": generation,
    }
    gen_dir = config.index_dir / f"gen-{generation}"
    batch = client.get_max_batch_size()
    todo = [c for kind in want for i, c in want[kind].items() if old[kind].get(i) != c.content_hash]
    try:
        collections = {
            kind: store.create_collection(client, name, meta)
            for kind, name in collection_names.items()
        }
        if manifest is not None:
            _copy_unchanged(client, manifest, collections, want, old, batch)
        vectors = (
            embedder.embed_passages([c.text for c in todo], progress=_counter(progress, len(todo)))
            if todo
            else np.zeros((0, embedder.dimension), dtype=np.float32)
        )
        for kind, collection in collections.items():
            rows = [n for n, c in enumerate(todo) if c.kind == kind[:-1]]
            store.add(
                collection,
                [todo[n].chunk_id for n in rows],
                vectors[rows],
                [todo[n].metadata() for n in rows],
                [todo[n].text for n in rows],
                batch,
            )
        _write_lexical(gen_dir, sorted(want["passages"].values(), key=lambda c: c.chunk_id))
    except BaseException:
        generations.drop(client, collection_names.values())
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    return len(todo)


def _counter(progress: Progress | None, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    return step


def _copy_unchanged(client, manifest, collections, want, old, batch) -> None:
    """Carry unchanged chunks over with their stored vectors: nothing is embedded twice."""
    for kind, collection in collections.items():
        keep = [i for i, c in want[kind].items() if old[kind].get(i) == c.content_hash]
        source = store.get_collection(client, manifest["collections"][kind])
        for part in store.batches(len(keep), batch):
            got = source.get(ids=keep[part], include=["embeddings", "metadatas", "documents"])
            collection.add(
                ids=got["ids"],
                embeddings=got["embeddings"],
                metadatas=got["metadatas"],
                documents=got["documents"],
            )


def _write_lexical(gen_dir: Path, passages: list[Chunk]) -> None:
    from app.lexical import LexicalIndex

    gen_dir.mkdir(parents=True, exist_ok=True)
    lexical = LexicalIndex.build([c.text for c in passages], [c.lang for c in passages])
    lexical.save(gen_dir / "lexical")
    with (gen_dir / "passages.jsonl").open("w", encoding="utf-8") as out:
        for c in passages:
            out.write(json.dumps({"id": c.chunk_id, **c.metadata()}, ensure_ascii=False) + "\n")


def _switch(config: Config, generation: int, embedder, want) -> None:
    """Point the manifest at the new generation (atomic rename); the old one is collected after,
    once no reader holds a lease on it."""
    write_manifest(
        config.index_dir,
        {
            "format": FORMAT,
            "generation": generation,
            "collections": names(config.collection, generation),
            "folder": f"gen-{generation}",
            "model": embedder.identity,
            "dimension": embedder.dimension,
            "chunker": CHUNKER_VERSION,
            "store": store.store_label(config),
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "counts": {kind: len(want[kind]) for kind in want},
        },
    )
