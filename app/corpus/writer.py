"""Writing a corpus document folder: meta.json, one paragraph file per language, the raw source."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

from app.corpus import textfile
from app.corpus.importer import ImportedDocument
from app.errors import ImportError_
from app.sentences import split


def write_imported(
    doc: ImportedDocument,
    raw_path: Path,
    corpus_root: Path,
    doc_id: str,
    *,
    source: str = "",
    year: int | None = None,
    force: bool = False,
) -> Path:
    """Write an imported document as a new corpus folder (atomically; never over curated work)."""
    dest = corpus_root / doc_id
    if dest.exists() and not force:
        raise ImportError_(
            f"{dest} already exists; curated files would be overwritten (use --force to replace)"
        )
    corpus_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{doc_id}-", dir=corpus_root))
    try:
        (tmp / "source").mkdir()
        shutil.copyfile(raw_path, tmp / "source" / raw_path.name)
        meta = {
            "id": doc_id,
            "title": doc.titles or {doc.languages[0]: doc_id},
            "source": source or raw_path.name,
            "year": year,
            "languages": list(doc.languages),
            "licence": "unknown: state the licence or permission before publishing",
            "provenance": f"Imported from source/{raw_path.name} by `menbe corpus import` "
            f"on {date.today().isoformat()}.",
            "pages": doc.pages,
        }
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        for lang in doc.languages:
            (tmp / f"{lang}.txt").write_text(render(doc, doc_id, lang), encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return dest


def render(doc: ImportedDocument, doc_id: str, lang: str) -> str:
    """The paragraph file for one language: the originals the dump holds in that language."""
    parts = [textfile.file_header(doc_id, lang)]
    for p in doc.paragraphs:
        if p.lang == lang:
            parts.append(
                textfile.format_paragraph(p.pid, p.page, p.section, "original", split(p.text))
            )
            parts.append("\n")
    return "".join(parts)
