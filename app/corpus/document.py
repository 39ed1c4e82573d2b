"""Loading one document folder: ``meta.json`` and one paragraph file per language.

A document is the unit that loads or does not: its problems are all collected (each file is
checked on its own, so a bad meta.json still lets the paragraph files be checked), and a
document with errors is returned as None with them, never half-loaded. Nothing here looks at
other documents, which is what lets one broken document be skipped while the rest load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.corpus import textfile
from app.corpus.alignment import ParagraphFiles, check_alignment, mark_stale
from app.corpus.model import LANGUAGES, Document, Paragraph, Sentence
from app.errors import Problem
from app.sentences import split_spans

META = "meta.json"
META_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "title": dict,
    "source": str,
    "year": (int, type(None)),
    "languages": list,
    "licence": str,
    "provenance": str,
    "pages": int,
}


@dataclass(frozen=True)
class DocumentCheck:
    """One folder's outcome: the document (None when it has errors) and every problem found."""

    doc_id: str  # the folder name, which a valid document's id must equal
    document: Document | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


def load_document(folder: Path) -> DocumentCheck:
    """Read and check one document folder; see the module docstring."""
    meta, problems = _read_meta(folder)
    files, found = _read_paragraph_files(folder, meta)
    problems += found
    problems += check_alignment(files)
    if meta is None or any(p.is_error for p in problems):
        return DocumentCheck(folder.name, None, tuple(problems))
    paragraphs = mark_stale(tuple(p for lang in LANGUAGES for p in files.by_lang.get(lang, ())))
    doc = Document(
        doc_id=meta["id"],
        title=dict(meta["title"]),
        source=meta["source"],
        year=meta["year"],
        languages=tuple(meta["languages"]),
        provenance=meta["provenance"],
        licence=meta["licence"],
        pages=meta["pages"],
        paragraphs=paragraphs,
    )
    return DocumentCheck(folder.name, doc, tuple(problems))


def _read_paragraph_files(folder: Path, meta: dict | None) -> tuple[ParagraphFiles, list[Problem]]:
    """Every ``<lang>.txt``, and the languages whose file exists but could not be read.

    Without a usable meta.json the files are still parsed, against the folder name and without
    a page limit, so their own problems show in the same run.
    """
    doc_id = meta["id"] if meta else folder.name
    pages = meta["pages"] if meta else None
    problems: list[Problem] = []
    by_lang: dict[str, list[Paragraph]] = {}
    unreadable: set[str] = set()
    known: dict[str, frozenset[str]] = {}  # ids present but rejected, per language
    for path in sorted(folder.glob("*.txt")):
        lang = path.stem
        if lang not in LANGUAGES:
            problems.append(Problem(str(path), 0, f"unknown language {lang!r} (expected en or az)"))
            continue
        if meta is not None and lang not in meta["languages"]:
            problems.append(
                Problem(str(path), 0, f"language {lang!r} is not listed in {META} 'languages'")
            )
        paragraphs, rejected, found = _read_text_file(path, doc_id, lang, pages)
        problems.extend(found)
        if paragraphs is None:
            unreadable.add(lang)
        else:
            by_lang[lang] = paragraphs
            known[lang] = rejected
    for lang in meta["languages"] if meta else ():
        path = folder / f"{lang}.txt"
        if not path.exists():
            problems.append(Problem(str(path), 0, "paragraph file missing"))
    return ParagraphFiles(by_lang, unreadable, known), problems


def _read_bytes(path: Path) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, or the reason it cannot be read (never an OSError traceback)."""
    if path.is_dir():
        return None, Problem(str(path), 0, "is a directory, not a file")
    try:
        return path.read_bytes(), None
    except OSError as exc:
        return None, Problem(str(path), 0, f"cannot be read ({exc.strerror or exc})")


def _decode(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    """UTF-8 text; a byte order mark is dropped with a warning instead of becoming text."""
    name = str(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(name, line, f"not UTF-8 ({exc.reason} at byte {exc.start})")]
    if text.startswith("\ufeff"):
        message = "starts with a UTF-8 byte order mark (BOM), ignored; save as UTF-8 without BOM"
        return text[1:], [Problem(name, 1, message, "warning")]
    return text, []


def _read_meta(folder: Path) -> tuple[dict | None, list[Problem]]:
    path = folder / META
    name = str(path)
    if not path.exists():
        return None, [Problem(name, 0, f"missing {META}")]
    data, unreadable = _read_bytes(path)
    if data is None:
        return None, [unreadable] if unreadable else []
    text, problems = _decode(path, data)
    if text is None:
        return None, problems
    try:
        meta = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [*problems, Problem(name, exc.lineno, f"invalid JSON: {exc.msg}")]
    if not isinstance(meta, dict):
        return None, [*problems, Problem(name, 1, "metadata must be a JSON object")]
    problems += [
        Problem(
            name,
            1,
            f"field {key!r} missing" if key not in meta else f"field {key!r} has the wrong type",
        )
        for key, kind in META_FIELDS.items()
        if key not in meta or not isinstance(meta[key], kind)
    ]
    if any(p.is_error for p in problems):
        return None, problems
    problems += _check_meta_values(meta, folder, name)
    return (None if any(p.is_error for p in problems) else meta), problems


def _check_meta_values(meta: dict, folder: Path, name: str) -> list[Problem]:
    problems = []
    if meta["id"] != folder.name:
        problems.append(
            Problem(name, 1, f"id {meta['id']!r} differs from folder name {folder.name!r}")
        )
    unknown = [lang for lang in meta["languages"] if lang not in LANGUAGES]
    if unknown or not meta["languages"]:
        problems.append(Problem(name, 1, f"languages must be a non-empty subset of {LANGUAGES}"))
    if (
        not all(isinstance(v, str) and v.strip() for v in meta["title"].values())
        or not meta["title"]
    ):
        problems.append(Problem(name, 1, "title must map languages to non-empty strings"))
    if meta["pages"] < 1:
        problems.append(Problem(name, 1, "pages must be ≥ 1"))
    return problems


def _read_text_file(
    path: Path, doc_id: str, lang: str, pages: int | None
) -> tuple[list[Paragraph] | None, frozenset[str], list[Problem]]:
    """The file's paragraphs (None when it cannot be read at all), the ids of paragraphs found
    but unusable, and its problems."""
    data, unreadable = _read_bytes(path)
    if data is None:
        return None, frozenset(), [unreadable] if unreadable else []
    text, decoding = _decode(path, data)
    if text is None:
        return None, frozenset(), decoding
    parsed = textfile.parse_file(text, str(path))
    raws, problems = parsed.paragraphs, decoding + list(parsed.problems)
    paragraphs: list[Paragraph] = []
    seen: dict[str, int] = {}
    for raw in raws:
        if raw.pid in seen:
            problems.append(
                Problem(
                    str(path), raw.line, f"duplicate id [{raw.pid}] (first at line {seen[raw.pid]})"
                )
            )
            continue
        seen[raw.pid] = raw.line
        if pages is not None and raw.page > pages:
            problems.append(
                Problem(str(path), raw.line, f"page {raw.page} > document pages ({pages})")
            )
        if raw.source_lang is not None and (
            raw.source_lang not in LANGUAGES or raw.source_lang == lang
        ):
            problems.append(
                Problem(str(path), raw.line, f"cannot be a translation from {raw.source_lang!r}")
            )
        paragraphs.append(_paragraph(raw, doc_id, lang, str(path)))
    return paragraphs, parsed.rejected, problems


def _paragraph(raw: textfile.RawParagraph, doc_id: str, lang: str, file: str) -> Paragraph:
    spans = split_spans(raw.text)
    sentences = tuple(
        Sentence(i, s.start, s.end, raw.text[s.start : s.end]) for i, s in enumerate(spans)
    )
    return Paragraph(
        doc_id=doc_id,
        pid=raw.pid,
        lang=lang,
        page=raw.page,
        section=raw.section,
        origin=raw.origin,
        source_lang=raw.source_lang,
        text=raw.text,
        sentences=sentences,
        file=file,
        line=raw.line,
        source_hash=raw.source_hash,
    )
