"""Reader leases on generations, and removing the generations nobody reads any more.

A reader (``menbe ask``, a served app) holds a *shared* ``flock`` on ``leases/gen-N.lock`` for as
long as it may read generation N. Removing a generation takes an *exclusive* flock on the same
file without waiting: if any reader holds it, the generation stays and is removed by a later
cleanup (the next build, or the served app once it has moved on). A reader takes its lease and
then checks that the manifest still names that generation, and removal happens only after the
manifest has moved on, so a reader never opens a generation that is being removed. Locks die
with their process, so a killed reader never pins a generation.

Removal itself runs only under the writer lock (``app.locking``): a build in progress creates
collections and HNSW folders that are in no manifest yet, and must not be mistaken for garbage.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app.manifest import read_manifest

LEASES = "leases"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GEN = re.compile(r"gen-([1-9][0-9]*)(?:\.lock)?")


class Lease:
    """A shared lock on one generation; ``release`` (or process exit) ends it."""

    def __init__(self, index_dir: Path, generation: int):
        self.generation = generation
        self._fd: int | None = None
        path = lease_path(index_dir, generation)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:  # a read-only or full index folder: read unleased rather than not at all
            return
        fcntl.flock(self._fd, fcntl.LOCK_SH)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def lease_path(index_dir: Path, generation: int) -> Path:
    return index_dir / LEASES / f"gen-{generation}.lock"


def lease_current(index_dir: Path) -> tuple[dict[str, Any], Lease] | None:
    """The current manifest with a lease on its generation; None when there is no index."""
    for _ in range(10):  # each retry means a build switched generations meanwhile
        manifest = read_manifest(index_dir)
        if manifest is None:
            return None
        lease = Lease(index_dir, manifest["generation"])
        again = read_manifest(index_dir)
        if again is not None and again["generation"] == manifest["generation"]:
            return again, lease
        lease.release()
    raise RuntimeError("the index kept switching generations while being opened")


def collect(
    index_dir: Path,
    client: Any,
    prefix: str,
    current: dict[str, Any] | None,
    chroma_dir: Path | None,
) -> list[int]:
    """Remove every generation other than ``current`` that no reader leases; returns the
    generations left in place because a reader still uses them. Caller holds the writer lock."""
    keep = (current or {}).get("generation")
    busy = []
    for generation in sorted(known(index_dir, client, prefix) - {keep}):
        if not _remove(index_dir, client, prefix, generation):
            busy.append(generation)
    if chroma_dir is not None:
        remove_orphan_segments(chroma_dir)
    return busy


def known(index_dir: Path, client: Any, prefix: str) -> set[int]:
    """Every generation with something left: collections, a folder or a lease file."""
    found = set()
    for name in _collection_names(client):
        match = re.fullmatch(re.escape(prefix) + r"-g([1-9][0-9]*)-[a-z]+", name)
        if match:
            found.add(int(match.group(1)))
    for path in (*index_dir.glob("gen-*"), *(index_dir / LEASES).glob("gen-*.lock")):
        match = _GEN.fullmatch(path.name)
        if match:
            found.add(int(match.group(1)))
    return found


def _collection_names(client: Any) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in client.list_collections()]


def _remove(index_dir: Path, client: Any, prefix: str, generation: int) -> bool:
    """Remove one generation if no reader leases it; False when one does."""
    path = lease_path(index_dir, generation)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        drop(client, [f"{prefix}-g{generation}-{kind}" for kind in ("passages", "sentences")])
        shutil.rmtree(index_dir / f"gen-{generation}", ignore_errors=True)
        path.unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def drop(client: Any, names: Iterable[str]) -> None:
    for name in names:
        with contextlib.suppress(Exception):  # already gone is fine
            client.delete_collection(name)


def remove_orphan_segments(chroma_dir: Path) -> int:
    """Delete HNSW folders whose segment Chroma no longer knows: Chroma drops a collection's
    rows but leaves its folder behind, so they would pile up with every build."""
    folders = [p for p in chroma_dir.iterdir() if p.is_dir() and _UUID.fullmatch(p.name)]
    live = segment_ids(chroma_dir)  # read after listing: a newer folder has its row already
    if live is None:
        return 0
    orphans = [p for p in folders if p.name not in live]
    for folder in orphans:
        shutil.rmtree(folder, ignore_errors=True)
    return len(orphans)


def segment_ids(chroma_dir: Path) -> set[str] | None:
    """Segment ids in Chroma's sqlite file (read-only); None when it cannot be read."""
    return _query(chroma_dir, "SELECT id FROM segments", lambda rows: {r[0] for r in rows})


def _query(chroma_dir: Path, sql: str, shape: Callable[[list], Any]) -> Any:
    path = chroma_dir / "chroma.sqlite3"
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return shape(db.execute(sql).fetchall())
    except sqlite3.Error:
        return None
