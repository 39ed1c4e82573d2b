"""Is the index readable, and if not, which part is broken; moving a broken store aside.

Every part a reader needs (the manifest, Chroma's sqlite file and the generation's collections,
the lexical files, the chunk table) is checked without opening Chroma itself: a Chroma client on
a malformed file fails deep inside Rust, and Chroma caches clients per path, so one opened on a
store we are about to move would keep writing into the moved file. A broken store is moved,
never deleted: ``<index>/broken-<time>/`` keeps it for inspection.
"""

from __future__ import annotations

import contextlib
import errno
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from app import store
from app.config import Config
from app.errors import IndexCorruptError, IndexError_, IndexMismatchError, StoreUnavailableError
from app.manifest import KINDS, MANIFEST, read_manifest

T = TypeVar("T")
LOW_SPACE = 4 * 1024 * 1024  # bytes free below which a failed build is blamed on the disk
CHROMA = "chroma"
SQLITE = "chroma.sqlite3"
LABELS = {
    "chroma": "the Chroma store",
    "collection": "the vector collection",
    "lexical": "the lexical index",
    "table": "the chunk table",
}


def corrupt(part: str, where: object, detail: object) -> IndexCorruptError:
    """The one line a user sees for an unreadable part of the index."""
    lines = str(detail).strip().splitlines()
    text = lines[0][:160] if lines else type(detail).__name__
    return IndexCorruptError(part, f"{LABELS[part]} {where} is unreadable ({text})")


def guarded(part: str, where: object, read: Callable[[], T]) -> T:
    """``read()``, with any unexpected failure reported as that part of the index being broken."""
    try:
        return read()
    except (IndexMismatchError, IndexCorruptError, StoreUnavailableError):
        raise
    except Exception as exc:
        raise corrupt(part, where, exc) from exc


def read_table(path: Path) -> list[dict[str, Any]]:
    """The chunk table of a generation: one JSON object per passage, in lexical-row order."""
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    if not all(isinstance(r, dict) and "doc_id" in r and "pid" in r for r in rows):
        raise ValueError("a row is not a passage record")
    return rows


def check(config: Config) -> IndexCorruptError | None:
    """The first unreadable part of the index, or None. A missing index is not a broken one."""
    try:
        manifest = read_manifest(config.index_dir)
    except IndexCorruptError as exc:
        return exc
    problems = [] if config.chroma_host else _sqlite_problems(config, manifest)
    if problems or manifest is None:
        return problems[0] if problems else None
    folder = config.index_dir / manifest["folder"]
    try:
        _check_lexical(folder / "lexical")
        guarded("table", folder / "passages.jsonl", lambda: read_table(folder / "passages.jsonl"))
    except IndexCorruptError as exc:
        return exc
    return None


def _check_lexical(path: Path) -> None:
    from app.lexical import LexicalIndex

    with contextlib.suppress(IndexMismatchError):  # outdated, not broken: a build replaces it
        guarded("lexical", path, lambda: LexicalIndex.load(path))


def _sqlite_problems(config: Config, manifest: dict[str, Any] | None) -> list[IndexCorruptError]:
    path = config.index_dir / CHROMA / SQLITE
    if not path.is_file():
        return [] if manifest is None else [corrupt("chroma", path, "the file is missing")]
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                return [corrupt("chroma", path, verdict)]
            if manifest is None:
                return []
            names = {r[0] for r in db.execute("SELECT name FROM collections").fetchall()}
    except sqlite3.Error as exc:
        return [corrupt("chroma", path, exc)]
    missing = [manifest["collections"][k] for k in KINDS if manifest["collections"][k] not in names]
    return [corrupt("collection", name, "it is missing from the store") for name in missing]


def heal(config: Config, notes: list[str]) -> dict[str, Any] | None:
    """The current manifest; a broken index is first moved aside (kept) so a fresh one can be
    built, which is how ``--rebuild`` and ``serve`` recover without anyone deleting files."""
    problem = check(config)
    if problem is None:
        return read_manifest(config.index_dir)
    _set_aside(config, problem, notes)
    return None


def open_store(config: Config, notes: list[str]) -> Any:
    """A Chroma client; a local store Chroma cannot open is moved aside like any broken part."""
    try:
        return store.open_client(config)
    except IndexError_:
        raise
    except Exception as exc:
        if config.chroma_host:
            raise
        _set_aside(config, corrupt("chroma", config.index_dir / CHROMA, exc), notes)
        return store.open_client(config)


def _set_aside(config: Config, problem: IndexCorruptError, notes: list[str]) -> None:
    moved = quarantine(config)
    notes.append(f"{problem.detail}: moved the broken index aside to {moved}; built a fresh one")


def disk_full(exc: BaseException, index_dir: Path) -> bool:
    """True when ``exc`` (or its cause) says the disk is full, or the disk is nearly full now:
    Chroma reports a full disk as e.g. "Error in compaction: Failed to apply logs"."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if any(s in str(seen) for s in ("No space left", "disk is full", "os error 28")):
            return True
        seen = seen.__cause__ or seen.__context__
    try:
        return shutil.disk_usage(index_dir).free < LOW_SPACE
    except OSError:
        return False


def quarantine(config: Config) -> Path:
    """Move the manifest, the Chroma store and the generation folders aside; returns where."""
    index_dir = config.index_dir
    dest = index_dir / f"broken-{datetime.now():%Y%m%d-%H%M%S}"
    n = 1
    while dest.exists():
        n += 1
        dest = index_dir / f"broken-{datetime.now():%Y%m%d-%H%M%S}-{n}"
    dest.mkdir(parents=True)
    parts = [index_dir / MANIFEST, *sorted(index_dir.glob("gen-*"))]
    if not config.chroma_host:
        parts.append(index_dir / CHROMA)
    for part in parts:
        if part.exists():
            shutil.move(part, dest / part.name)
    forget_clients()
    return dest


def forget_clients() -> None:
    """Drop Chroma's per-path client cache, so the next client opens the files now on disk."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
