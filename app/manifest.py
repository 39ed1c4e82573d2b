"""``manifest.json``: which generation is current. Read defensively, because it is the one file
every reader trusts: random bytes, valid JSON of the wrong shape or a missing key must end as one
clear line naming the file (an ``IndexCorruptError``), never as a traceback deep in a reader."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.chunking import CHUNKER_VERSION
from app.errors import IndexCorruptError, IndexMismatchError

MANIFEST = "manifest.json"
FORMAT = 1
KINDS = ("passages", "sentences")
_FOLDER = re.compile(r"gen-[1-9][0-9]*")
REBUILD = "run `menbe index --rebuild`"


@dataclass(frozen=True)
class Stamp:
    """What identifies one written manifest cheaply: an atomic rename gives a new inode."""

    inode: int
    mtime_ns: int
    size: int


def stamp(index_dir: Path) -> Stamp | None:
    try:
        st = (index_dir / MANIFEST).stat()
    except OSError:
        return None
    return Stamp(st.st_ino, st.st_mtime_ns, st.st_size)


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The validated manifest, None when there is none; IndexCorruptError when unreadable."""
    path = index_dir / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise _broken(path, f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise _broken(path, "is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise _broken(path, f"is not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    problem = _shape_problem(data)
    if problem:
        raise _broken(path, problem)
    return data


def _shape_problem(data: Any) -> str | None:
    """Why ``data`` is not a manifest Mənbə wrote, or None."""
    if not isinstance(data, dict):
        return f"holds a JSON {type(data).__name__}, not an object"
    generation = data.get("generation")
    if not isinstance(generation, int) or isinstance(generation, bool) or generation < 1:
        return "has no valid `generation`"
    collections = data.get("collections")
    if not isinstance(collections, dict) or not all(
        isinstance(collections.get(k), str) for k in KINDS
    ):
        return "has no valid `collections` (passages and sentences)"
    if not isinstance(data.get("folder"), str) or not _FOLDER.fullmatch(data["folder"]):
        return "has no valid `folder`"
    counts = data.get("counts")
    if not isinstance(counts, dict) or not all(isinstance(counts.get(k), int) for k in KINDS):
        return "has no valid `counts`"
    return None


def _broken(path: Path, problem: str) -> IndexCorruptError:
    return IndexCorruptError("manifest", f"{path} {problem}")


def write_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    """Replace the manifest in one atomic rename: readers see the old one or the new one."""
    tmp = index_dir / f".{MANIFEST}.tmp"
    try:
        tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, index_dir / MANIFEST)
    finally:
        tmp.unlink(missing_ok=True)


def names(collection: str, generation: int) -> dict[str, str]:
    prefix = f"{collection}-g{generation}"
    return {kind: f"{prefix}-{kind}" for kind in KINDS}


def check_compatible(manifest: dict[str, Any], model_identity: str) -> None:
    """Refuse an index built with another model or chunker, with the fix in the message."""
    if manifest.get("format") != FORMAT or manifest.get("chunker") != CHUNKER_VERSION:
        raise IndexMismatchError(
            f"the index was built by another version of Mənbə's chunker "
            f"({manifest.get('chunker')!r}, now {CHUNKER_VERSION!r}); {REBUILD}"
        )
    if manifest.get("model") != model_identity:
        raise IndexMismatchError(
            f"the index was built with the embedding model {manifest.get('model')!r}, but the "
            f"configured model is {model_identity!r}; {REBUILD} to re-index "
            "(or configure the model the index was built with)"
        )
