"""Byte-preserving edits of a paragraph file: change one header, replace or insert one paragraph.

Curated files are edited by hand, so a command that touches one paragraph must leave every other
byte (comments, spacing, the other paragraphs' line breaks) as it was. Lines are handled with
their endings kept, and joining them back gives the file unchanged where nothing was edited.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from app.errors import CorpusError, Problem

_HEADER = re.compile(r"^\s*\[(?P<pid>[^\]\s]+)\]")
_ORIGIN = re.compile(r"(?<=\s)origin=\S+")


def read_lines(path: Path) -> list[str]:
    """The file's lines with their endings (empty for a file that does not exist yet)."""
    if not path.exists():
        return []
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each paragraph's ``(header index, end index)``; the end is the blank line after it."""
    found: dict[str, tuple[int, int]] = {}
    for start, line in enumerate(lines):
        match = _HEADER.match(line)
        if match and match.group("pid") not in found:
            end = start + 1
            while end < len(lines) and lines[end].strip():
                end += 1
            found[match.group("pid")] = (start, end)
    return found


def set_origin(lines: list[str], index: int, pid: str, origin: str, file: str) -> None:
    """Rewrite the ``origin=`` field of the header at ``index`` (0-based), nothing else."""
    line = lines[index]
    match = _HEADER.match(line)
    if not match or match.group("pid") != pid or not _ORIGIN.search(line):
        raise CorpusError([Problem(file, index + 1, f"expected the header of [{pid}] here")])
    lines[index] = _ORIGIN.sub(lambda _m: f"origin={origin}", line, count=1)


def replace_block(lines: list[str], pid: str, block: list[str]) -> None:
    """Put ``block`` (lines with endings) in place of paragraph ``pid``'s header and text."""
    start, end = blocks(lines)[pid]
    lines[start:end] = block


def insert_block(lines: list[str], after: str | None, block: list[str]) -> None:
    """Insert a new paragraph after paragraph ``after`` (first in the file when None)."""
    found = blocks(lines)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    if after is not None and after in found:
        end = found[after][1]
        lines[end:end] = ["\n", *block]
    elif found:
        start = min(start for start, _ in found.values())
        lines[start:start] = [*block, "\n"]
    else:
        lines.extend(["\n", *block] if lines and lines[-1].strip() else block)


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so a crash never leaves half a curated file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
