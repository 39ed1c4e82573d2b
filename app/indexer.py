"""Building the index: incremental by content hash, and atomic.

Each build writes a new *generation* (new Chroma collections plus a folder with the lexical index
and the chunk table) and only then switches ``manifest.json`` to it with one atomic rename. A
build that fails or is killed midway leaves the previous generation, and so the previous index,
fully usable; its leftovers are cleaned up by the next build. Unchanged chunks are copied into
the new generation with their stored vectors, so only added or changed text is embedded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from app import store
from app.chunking import CHUNKER_VERSION, Chunk, chunk_corpus
from app.config import Config
from app.corpus import Corpus
from app.errors import IndexError_, IndexMismatchError

MANIFEST = "manifest.json"
FORMAT = 1
Progress = Callable[[int, int], None]  # (done, total)


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


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexError_(f"{path} is unreadable ({exc}); run `menbe index --rebuild`") from exc


def _current_manifest(index_dir: Path, *, tolerant: bool) -> dict[str, Any] | None:
    try:
        return read_manifest(index_dir)
    except IndexError_:
        if tolerant:
            return None
        raise


def check_compatible(manifest: dict[str, Any], model_identity: str) -> None:
    """Refuse an index built with another model or chunker, with the fix in the message."""
    if manifest.get("format") != FORMAT or manifest.get("chunker") != CHUNKER_VERSION:
        raise IndexMismatchError(
            f"the index was built by another version of Mənbə's chunker "
            f"({manifest.get('chunker')!r}, now {CHUNKER_VERSION!r}); run `menbe index --rebuild`"
        )
    if manifest.get("model") != model_identity:
        raise IndexMismatchError(
            f"the index was built with the embedding model {manifest.get('model')!r}, but the "
            f"configured model is {model_identity!r}; run `menbe index --rebuild` to re-index "
            "(or configure the model the index was built with)"
        )


def _names(config: Config, generation: int) -> dict[str, str]:
    prefix = f"{config.collection}-g{generation}"
    return {"passages": f"{prefix}-passages", "sentences": f"{prefix}-sentences"}


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
    """Bring the index up to date with ``corpus``; see the module docstring for the guarantees."""
    started = datetime.now(UTC)
    client = store.open_client(config)
    current = _current_manifest(config.index_dir, tolerant=rebuild)
    base = None if rebuild else current  # what unchanged chunks are copied from
    old: dict[str, dict[str, str]] = {"passages": {}, "sentences": {}}
    if base is not None:
        check_compatible(base, embedder.identity)
        try:
            old = _old_hashes(client, base)
        except Exception as exc:
            print(f"The previous index could not be read ({exc}); building a new one.")
            base = None
    chunks = chunk_corpus(corpus)
    want = {
        kind: {c.chunk_id: c for c in chunks if c.kind == kind[:-1]}
        for kind in ("passages", "sentences")
    }
    new_hashes = {kind: {i: c.content_hash for i, c in want[kind].items()} for kind in want}
    old_versions = _paragraph_versions({**old["passages"], **old["sentences"]})
    new_versions = _paragraph_versions({**new_hashes["passages"], **new_hashes["sentences"]})
    added = len(new_versions.keys() - old_versions.keys())
    removed = len(old_versions.keys() - new_versions.keys())
    changed = sum(old_versions[k] != v for k, v in new_versions.items() if k in old_versions)
    generation = (current or {}).get("generation", 0) + 1
    _clean_leftovers(config, client, current)
    if base is not None and added == changed == removed == 0:
        return BuildReport(0, 0, 0, 0, len(chunks), generation - 1)
    embedded = _write_generation(config, client, base, generation, want, old, embedder, progress)
    _switch(config, client, current, generation, embedder, want)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return BuildReport(
        added, changed, removed, embedded, len(chunks), generation, seconds, rebuilt=rebuild
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
    names = _names(config, generation)
    meta = {
        "menbe_model": embedder.identity,
        "menbe_chunker": CHUNKER_VERSION,
        "menbe_generation": generation,
    }
    gen_dir = config.index_dir / f"gen-{generation}"
    batch = client.get_max_batch_size()
    todo = [c for kind in want for i, c in want[kind].items() if old[kind].get(i) != c.content_hash]
    try:
        collections = {kind: store.create_collection(client, names[kind], meta) for kind in names}
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
        _drop(client, names.values())
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


def _switch(config, client, manifest, generation, embedder, want) -> None:
    """Point the manifest at the new generation (atomic rename), then drop the old one."""
    new_manifest = {
        "format": FORMAT,
        "generation": generation,
        "collections": _names(config, generation),
        "folder": f"gen-{generation}",
        "model": embedder.identity,
        "dimension": embedder.dimension,
        "chunker": CHUNKER_VERSION,
        "store": store.store_label(config),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {kind: len(want[kind]) for kind in want},
    }
    tmp = config.index_dir / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(new_manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, config.index_dir / MANIFEST)
    if manifest is not None:
        _drop(client, manifest["collections"].values())
        shutil.rmtree(config.index_dir / manifest.get("folder", "-"), ignore_errors=True)


def _clean_leftovers(config: Config, client, manifest: dict[str, Any] | None) -> None:
    """Remove what an interrupted build left behind (never the current generation)."""
    current = set((manifest or {}).get("collections", {}).values())
    prefix = f"{config.collection}-g"
    stale = [n for n in store.collection_names(client) if n.startswith(prefix) and n not in current]
    _drop(client, stale)
    keep = (manifest or {}).get("folder")
    for folder in config.index_dir.glob("gen-*"):
        if folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)


def _drop(client, names) -> None:
    for name in names:
        with contextlib.suppress(Exception):  # already gone is fine
            client.delete_collection(name)
