"""Feedback records turned into eval dataset candidates (``menbe eval --from-feedback``).

Candidates have every field of ``app.evaluation.dataset`` plus ``review``, ``todo``,
``candidate`` (the cited paragraphs), ``comment`` and ``feedback`` (what the reader saw). The
dataset loader rejects unknown fields, so a candidate can never be counted as gold by accident:
it becomes a dataset question only when a person has checked it and removed those fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Conversion:
    """What ``--from-feedback`` made of a log, for the summary it prints."""

    candidates: tuple[dict[str, Any], ...]
    up_answered: int = 0  # 👍 on an answer: candidate answerable questions
    up_abstained: int = 0  # 👍 on "not in the corpus": candidate unanswerable questions
    down: int = 0  # 👎: candidates to label
    withdrawn: int = 0


def to_candidates(records: Iterable[dict[str, Any]]) -> Conversion:
    """Dataset candidates from feedback records (the last record of each id)."""
    out: list[dict[str, Any]] = []
    counts = {"up_answered": 0, "up_abstained": 0, "down": 0, "withdrawn": 0}
    for record in records:
        if record["vote"] == "withdrawn":
            counts["withdrawn"] += 1
            continue
        evidence = [_evidence(c) for c in record["citations"] or record.get("see_also", [])]
        quotes = [e["quote"] for e in evidence if e["quote"]]
        if record["vote"] == "up" and record.get("answered", True) and quotes:
            counts["up_answered"] += 1
            out.append(_answerable(record, evidence, quotes))
        elif record["vote"] == "up" and not record.get("answered", True):
            counts["up_abstained"] += 1
            out.append(_unanswerable(record, evidence))
        else:  # 👎, or a 👍 on an answer with nothing quotable: a person decides
            counts["down"] += 1
            out.append(_to_label(record, evidence))
    return Conversion(tuple(out), **counts)


def _evidence(c: dict[str, Any]) -> dict[str, Any]:
    """A cited paragraph as candidate evidence; its longest cited original sentence is the
    quote most likely to occur in that paragraph alone."""
    sentences = [s for s in c.get("original_sentences", []) if isinstance(s, str) and s.strip()]
    return {
        "doc_id": c["doc_id"],
        "paragraph": c["paragraph"],
        "page": c["page"],
        "lang": c.get("original_lang") or c.get("lang", ""),
        "quote": max(sentences, key=len) if sentences else "",
    }


def _base(record: dict[str, Any]) -> dict[str, Any]:
    """The dataset fields every candidate starts from. A follow-up ("And with Georgia?") is
    stored as the question it was read as, since an eval question must stand alone."""
    question = record.get("resolved_question") or record["question"]
    return {
        "id": record["id"],
        "lang": record["answer_language"],
        "split": _split(record["id"]),
        "category": None,
        "question": question,
        "answerable": None,
        "gold_quotes": [],
        "answer_keywords": [],
        "short_keywords": [],
    }


def _split(item_id: str) -> str:
    """Half fit, half test by a hash of the id, as every question added to the dev set is split."""
    return "fit" if hashlib.sha256(item_id.encode()).digest()[0] % 2 == 0 else "test"


def _context(record: dict[str, Any], evidence: list[dict[str, Any]], review: str, todo: str):
    feedback = {
        key: record[key]
        for key in ("vote", "time", "answer", "answerer", "confidence")
        if key in record
    }
    if record.get("resolved_question", record["question"]) != record["question"]:
        feedback["asked"] = record["question"]
    return {
        "review": review,
        "todo": todo,
        "candidate": evidence,
        "comment": record.get("comment", ""),
        "feedback": feedback,
    }


def _answerable(record: dict[str, Any], evidence: list, quotes: list[str]) -> dict[str, Any]:
    short = (record.get("short_answer") or "").strip()
    keywords = [[short]] if short else []
    todo = (
        "A reader found this answer right. Check the gold quotes, write answer_keywords (and "
        "short_keywords for a one-fact question), then delete review, todo, candidate, comment "
        "and feedback."
    )
    return {
        **_base(record),
        "category": "answerable",
        "answerable": True,
        "gold_quotes": list(dict.fromkeys(quotes)),
        "answer_keywords": keywords,
        "short_keywords": keywords,
        **_context(record, evidence, "confirm", todo),
    }


def _unanswerable(record: dict[str, Any], evidence: list) -> dict[str, Any]:
    todo = (
        "A reader agreed the corpus does not answer this. Check that it does not, set category "
        "to near or off, then delete review, todo, candidate, comment and feedback."
    )
    return {
        **_base(record),
        "answerable": False,
        **_context(record, evidence, "confirm", todo),
    }


def _to_label(record: dict[str, Any], evidence: list) -> dict[str, Any]:
    todo = (
        "A reader found this answer wrong. Decide whether the corpus answers it (answerable, "
        "category), find the paragraph that does (the candidates were cited) and fill "
        "gold_quotes and keywords, then delete review, todo, candidate, comment and feedback."
    )
    return {**_base(record), **_context(record, evidence, "label", todo)}


def write_candidates(path: Path, candidates: Sequence[dict[str, Any]]) -> None:
    """The candidates as JSONL, replacing ``path`` in one rename so a reader never sees half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    text = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in candidates)
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
