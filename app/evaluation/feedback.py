"""Readers' 👍/👎 on answers: the log the chat app appends to and how it is read back
(`app.evaluation.candidates` turns it into dataset candidates for ``menbe eval --from-feedback``).

The log is ``<index dir>/feedback.jsonl`` (it survives re-indexing: builds move aside only the
manifest, the store and the generations). One JSON object per line, one line per feedback event::

    {"id": "fb-…", "time": "2025-06-01T12:00:00Z", "vote": "up"|"down"|"withdrawn",
     "comment": str, "question": str, "resolved_question": str, "answer_language": "en"|"az",
     "ui_language": "en"|"az", "turn": int,
     "answered": bool, "answer": str, "short_answer": str, "answerer": str, "confidence": float,
     "citations": [{"n", "doc_id", "title", "page", "paragraph", "lang", "quote", "translated",
                    "original_lang", "original_sentences": [str, ...]}, ...],
     "see_also": [the same without "n", for an answer that abstained]}

A vote is written the moment it is given, so nothing is lost when a reader closes the tab; a
comment sent afterwards, or a changed or withdrawn vote, is written as the whole record again
under the same ``id``. Readers keep the last line of each ``id``. ``original_sentences`` are the
cited sentences in the paragraph's original language, verbatim: what a dataset's ``gold_quotes``
must be.

Appends are safe with many users and many processes: each record is one ``write`` on a file
opened with ``O_APPEND``, under an exclusive ``flock``, so lines never interleave.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.corpus.model import LANGUAGES
from app.errors import EvalError, Problem

if TYPE_CHECKING:
    from app.answering import Answer, Citation

FEEDBACK_FILE = "feedback.jsonl"
VOTES = ("up", "down", "withdrawn")
MAX_COMMENT_CHARS = 2000
#: Problems listed before the rest are summed up, so a wrong file does not flood the terminal.
MAX_SHOWN_PROBLEMS = 20


def feedback_path(index_dir: Path) -> Path:
    """Where the app writes feedback and ``--from-feedback`` reads it by default."""
    return Path(index_dir) / FEEDBACK_FILE


def new_id() -> str:
    return f"fb-{uuid.uuid4().hex[:12]}"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- writing -------------------------------------------------------------------------------------


def citation_record(c: Citation, *, numbered: bool = True) -> dict[str, Any]:
    """What a reviewer needs of one cited paragraph: where it is, what was quoted, and the
    quoted sentences in the original language one by one (each verbatim, unlike the joined
    ``original_quote``), ready to become gold quotes."""
    sentences = [c.original_text[a:b] for a, b in c.original_spans if c.original_text[a:b].strip()]
    return {
        **({"n": c.n} if numbered else {}),
        "doc_id": c.doc_id,
        "title": c.title,
        "page": c.page,
        "paragraph": c.paragraph,
        "lang": c.lang,
        "quote": c.quote,
        "translated": c.translated,
        "original_lang": c.original_lang,
        "original_sentences": sentences,
    }


def feedback_record(
    answer: Answer,
    *,
    vote: str,
    comment: str = "",
    turn: int = 1,
    ui: str = "en",
    feedback_id: str | None = None,
    time: str | None = None,
) -> dict[str, Any]:
    """One feedback line for ``answer``; pass the ``feedback_id`` of an earlier line to amend it."""
    if vote not in VOTES:
        raise ValueError(f"vote must be one of {', '.join(VOTES)}, not {vote!r}")
    return {
        "id": feedback_id or new_id(),
        "time": time or utc_now(),
        "vote": vote,
        "comment": clean_comment(comment),
        "question": answer.question,
        "resolved_question": answer.resolved_question,
        "answer_language": answer.language,
        "ui_language": ui,
        "turn": turn,
        "answered": answer.answered,
        "answer": answer.text if answer.answered else answer.abstention_text(),
        "short_answer": answer.short_answer,
        "answerer": answer.answerer,
        "confidence": round(answer.confidence, 4),
        "citations": [citation_record(c) for c in answer.citations],
        "see_also": [citation_record(c, numbered=False) for c in answer.see_also],
    }


def clean_comment(text: str | None) -> str:
    """A comment as stored: stripped, control characters dropped, at most a page long."""
    text = "".join(ch for ch in (text or "") if ch in "\n\t" or ch.isprintable())
    return text.strip()[:MAX_COMMENT_CHARS]


def append_record(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` as one line. One ``write`` with ``O_APPEND`` under an exclusive
    ``flock``: concurrent writers (threads of one app, or several apps on one index) never
    interleave, and a reader never sees half a line from a writer that is still alive."""
    data = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        view = memoryview(data)
        while view:  # a regular file takes it in one go; a short write is finished, not lost
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)  # closing releases the lock


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedbackLog:
    """The feedback a log holds: the last record of each id, oldest first."""

    records: tuple[dict[str, Any], ...]
    lines: int  # non-blank lines read
    problems: tuple[Problem, ...]  # lines that were skipped, and why


def read_feedback(path: Path) -> FeedbackLog:
    """Read a feedback log, keeping the last line of each id. A line that cannot be read (a
    write cut short by a full disk, a hand edit gone wrong) is reported as ``path:line:`` and
    skipped; a missing file, or one in which no line is feedback, raises `EvalError`."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EvalError(
            f"{name}: no such feedback file (the chat app writes it beside the index the first "
            "time someone rates an answer)"
        ) from None
    except OSError as exc:
        raise EvalError(f"{name}: cannot read the feedback file ({exc.strerror})") from exc
    latest: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    lines = 0
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        lines += 1
        record, message = _parse(line)
        if message:
            problems.append(Problem(name, number, message))
            continue
        latest[record["id"]] = record
    if not latest:
        head = f"{name}:0: no feedback in the file" if not problems else _listing(problems)
        raise EvalError(head)
    records = sorted(latest.values(), key=lambda r: r["time"])
    return FeedbackLog(tuple(records), lines, tuple(problems))


def _listing(problems: Sequence[Problem]) -> str:
    shown = [str(p) for p in problems[:MAX_SHOWN_PROBLEMS]]
    if len(problems) > MAX_SHOWN_PROBLEMS:
        shown.append(f"… and {len(problems) - MAX_SHOWN_PROBLEMS} more")
    return "\n".join(shown) + "\nno line of the file is feedback written by the chat app"


def _parse(line: bytes) -> tuple[dict[str, Any], str]:
    """(record, "") or ({}, why the line is not a feedback record)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {}, f"not UTF-8 ({exc.reason} at byte {exc.start})"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return {}, f"invalid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(record, dict):
        return {}, "a feedback line must be a JSON object"
    for key, check, kind in _REQUIRED:
        if key not in record:
            return {}, f"field {key!r} missing"
        if not check(record[key]):
            return {}, f"field {key!r} must be {kind}"
    if not isinstance(record.get("see_also", []), list):
        return {}, "field 'see_also' must be a list"
    for i, c in enumerate([*record["citations"], *record.get("see_also", [])], start=1):
        if not isinstance(c, dict) or not all(k in c for k in ("doc_id", "paragraph", "page")):
            return {}, f"cited paragraph {i} must be an object with doc_id, paragraph and page"
    return record, ""


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


_REQUIRED = (
    ("id", _text, "a non-empty string"),
    ("time", _text, "a non-empty string"),
    ("vote", lambda v: v in VOTES, f"one of {', '.join(VOTES)}"),
    ("question", _text, "a non-empty string"),
    ("answer_language", lambda v: v in LANGUAGES, f"one of {', '.join(LANGUAGES)}"),
    ("answer", lambda v: isinstance(v, str), "a string"),
    ("comment", lambda v: isinstance(v, str), "a string"),
    ("citations", lambda v: isinstance(v, list), "a list"),
)
