"""The version of each document that was last indexed, so a document that breaks stays citable.

After a build, `remember` writes every document that loaded cleanly to
``<corpus>/.menbe/indexed/<doc-id>.json``. When a document's files later have errors (a curator
is half-way through an edit, a file was saved in the wrong encoding), `recall` gives that
version back: loading puts it in place of the broken files, so the index keeps its chunks (the
same text, so nothing is re-embedded or removed) and its paragraphs stay citable until the
document is fixed. Nothing a curator had indexed is lost because of one bad save.

It is kept beside the corpus rather than in the index because every reader, the served app
included, loads the corpus from the corpus folder alone. The folder is hidden (loading skips
folders whose name starts with a dot) and holds a ``.gitignore`` of ``*``, so it never shows up
as a document nor as a change to commit.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from app.corpus.model import Corpus, Document, Paragraph, Sentence

STORE = Path(".menbe") / "indexed"
FORMAT = 1
IGNORE = "# written by `menbe index`: the last indexed version of each document\n*\n"


def remember(root: Path, corpus: Corpus, now: datetime | None = None) -> None:
    """Record the documents of ``corpus`` loaded from their own files (not stand-ins) as the
    last indexed versions, and forget those whose folder is gone. Raises OSError when the corpus
    folder cannot be written; the caller reports it (indexing itself has succeeded)."""
    folder = root / STORE
    standing_in = {s.doc_id for s in corpus.skipped}
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text(IGNORE, encoding="utf-8")
    stamp = (now or datetime.now()).astimezone().isoformat(timespec="seconds")
    for doc in corpus.documents:
        if doc.doc_id in standing_in:
            continue
        path = folder / f"{doc.doc_id}.json"
        record = _encode(doc)
        if _stored(path).get("document") == record:
            continue  # unchanged: keep the time it was first indexed like this
        _write_atomic(path, {"format": FORMAT, "indexed_at": stamp, "document": record})
    for path in folder.glob("*.json"):
        if not (root / path.stem).is_dir():
            path.unlink(missing_ok=True)


def recall(root: Path, doc_id: str) -> tuple[Document, str] | None:
    """The last indexed version of ``doc_id`` and when it was recorded, or None (never indexed,
    or the record is unreadable: then the document is left out, as it would be without it)."""
    stored = _stored(root / STORE / f"{doc_id}.json")
    if stored.get("format") != FORMAT:
        return None
    try:
        doc = _decode(stored["document"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if doc.doc_id != doc_id:
        return None
    return doc, str(stored.get("indexed_at", ""))


def _stored(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _encode(doc: Document) -> dict[str, Any]:
    """A JSON-ready record of ``doc``, equal to what `_stored` reads back for the same doc."""
    return {
        "doc_id": doc.doc_id,
        "title": dict(doc.title),
        "source": doc.source,
        "year": doc.year,
        "languages": list(doc.languages),
        "provenance": doc.provenance,
        "licence": doc.licence,
        "pages": doc.pages,
        "paragraphs": [
            {
                "pid": p.pid,
                "lang": p.lang,
                "page": p.page,
                "section": p.section,
                "origin": p.origin,
                "source_lang": p.source_lang,
                "text": p.text,
                "sentences": [[s.start, s.end] for s in p.sentences],
                "file": p.file,
                "line": p.line,
                "source_hash": p.source_hash,
                "stale": p.stale,
            }
            for p in doc.paragraphs
        ],
    }


def _decode(record: dict[str, Any]) -> Document:
    paragraphs = []
    for p in record["paragraphs"]:
        text = str(p["text"])
        sentences = tuple(
            Sentence(i, int(start), int(end), text[int(start) : int(end)])
            for i, (start, end) in enumerate(p["sentences"])
        )
        paragraphs.append(
            Paragraph(
                doc_id=str(record["doc_id"]),
                pid=str(p["pid"]),
                lang=str(p["lang"]),
                page=int(p["page"]),
                section=str(p["section"]),
                origin=str(p["origin"]),
                source_lang=p["source_lang"],
                text=text,
                sentences=sentences,
                file=str(p["file"]),
                line=int(p["line"]),
                source_hash=p["source_hash"],
                stale=bool(p["stale"]),
            )
        )
    return Document(
        doc_id=str(record["doc_id"]),
        title=dict(record["title"]),
        source=str(record["source"]),
        year=record["year"],
        languages=tuple(record["languages"]),
        provenance=str(record["provenance"]),
        licence=str(record["licence"]),
        pages=int(record["pages"]),
        paragraphs=tuple(paragraphs),
    )
