"""Loading and checking a corpus folder: every problem is reported as ``file:line: message``.

Loading and validating are one pass, so `menbe corpus validate` and every command that loads the
corpus agree on what is wrong, and a broken corpus never half-loads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from app.corpus import textfile
from app.corpus.model import LANGUAGES, Corpus, Document, Paragraph, Sentence
from app.errors import CorpusError, Problem
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


def load_corpus(root: Path) -> Corpus:
    """Load every document under ``root``; raise `CorpusError` listing all errors if any.

    Warnings (a paragraph without its translation yet, a byte order mark) do not stop loading.
    """
    corpus, problems = check_corpus(root)
    errors = errors_in(problems)
    if errors:
        raise CorpusError(errors)
    return corpus


def check_corpus(root: Path) -> tuple[Corpus, list[Problem]]:
    """Load what can be loaded and collect every problem (errors and warnings) found on the way.

    Each file is checked on its own, so one broken file never hides or multiplies the problems
    of another: a bad meta.json still lets the paragraph files be checked, and a file that
    cannot be read is not also reported as every other file's missing counterpart. A document
    with errors is left out of the returned corpus; one with only warnings is in it.
    """
    if root.is_file():
        return Corpus.of(()), [Problem(str(root), 0, "is a file, not a corpus folder")]
    if not root.is_dir():
        return Corpus.of(()), [Problem(str(root), 0, "corpus folder not found")]
    problems: list[Problem] = []
    documents = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        doc, found = _load_document(folder)
        problems.extend(found)
        if doc is not None:
            documents.append(doc)
    if not documents and not problems:
        problems.append(Problem(str(root), 0, "no documents (folders with meta.json) found"))
    return Corpus.of(tuple(documents)), problems


def errors_in(problems: list[Problem]) -> list[Problem]:
    """The problems that stop a corpus from loading (warnings do not)."""
    return [p for p in problems if p.is_error]


def _load_document(folder: Path) -> tuple[Document | None, list[Problem]]:
    meta, problems = _read_meta(folder)
    files, found = _read_paragraph_files(folder, meta)
    problems += found
    problems += _check_alignment(files)
    if meta is None or errors_in(problems):
        return None, problems
    paragraphs = _mark_stale(tuple(p for lang in LANGUAGES for p in files.by_lang.get(lang, ())))
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
    return doc, problems


@dataclass(frozen=True)
class _Files:
    """What a document's paragraph files hold, and what alignment must not call missing."""

    by_lang: dict[str, list[Paragraph]]
    unreadable: set[str]  # languages whose file exists but cannot be read
    rejected: dict[str, frozenset[str]]  # per language, ids present with a broken paragraph


def _read_paragraph_files(folder: Path, meta: dict | None) -> tuple[_Files, list[Problem]]:
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
    return _Files(by_lang, unreadable, known), problems


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
    if errors_in(problems):
        return None, problems
    problems += _check_meta_values(meta, folder, name)
    return (None if errors_in(problems) else meta), problems


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


def _mark_stale(paragraphs: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """Flag the translations whose original changed since, so the UI can badge them.

    A stale translation whose sentences no longer line up with the original's is left out:
    citations highlight sentence *i* of both versions, which would point at the wrong text.
    """
    by_key = {(p.pid, p.lang): p for p in paragraphs}
    kept = []
    for p in paragraphs:
        original = by_key.get((p.pid, p.source_lang)) if p.source_lang else None
        if original is None or not p.is_stale_against(original):
            kept.append(p)
        elif len(original.sentences) == len(p.sentences):
            kept.append(replace(p, stale=True))
    return tuple(kept)


def _check_alignment(files: _Files) -> list[Problem]:
    """Pairs must agree in sentence count; a paragraph not yet translated is only a warning.

    Languages whose file could not be read, and paragraphs whose header is broken, are left
    out: they are unknown, not missing, and their own problem already says why.
    """
    maps = {lang: {p.pid: p for p in ps} for lang, ps in files.by_lang.items()}
    problems: list[Problem] = []
    for lang, paragraphs in files.by_lang.items():
        for p in paragraphs:
            for other in LANGUAGES:
                if other == lang or other in files.unreadable:
                    continue
                if p.pid in files.rejected.get(other, frozenset()):
                    continue
                problems += _check_pair(p, maps.get(other, {}).get(p.pid), other)
    return problems


def _check_pair(p: Paragraph, twin: Paragraph | None, other: str) -> list[Problem]:
    if twin is None:
        if p.source_lang == other:
            message = f"[{p.pid}] is translated from {other}, but there is no {other} version"
            return [Problem(p.file, p.line, message)]
        return [Problem(p.file, p.line, f"[{p.pid}] has no {other} version yet", "warning")]
    if p.lang < other and len(twin.sentences) != len(p.sentences):
        return [_misaligned(p, twin)]
    if p.source_lang == other and twin.origin != "original":
        message = f"[{p.pid}] is translated from {other}, but the {other} version is no original"
        return [Problem(p.file, p.line, message)]
    if p.source_lang == other and p.is_stale_against(twin):
        message = f"[{p.pid}] {p.lang} translation is stale (the {other} original changed)"
        return [Problem(p.file, p.line, message, "warning")]
    return []


def _misaligned(p: Paragraph, twin: Paragraph) -> Problem:
    """Differing sentence counts: an error, unless the original was edited after translating.

    Then the translation is only stale: it is left out of the corpus (see `_mark_stale`) until
    re-translated, so a curator can still load, export and re-import it.
    """
    for translation, original in ((p, twin), (twin, p)):
        if translation.source_lang == original.lang and translation.is_stale_against(original):
            message = (
                f"[{p.pid}] {translation.lang} translation is stale (the {original.lang} original "
                f"changed) and no longer aligned ({len(translation.sentences)} sentences, the "
                f"original has {len(original.sentences)}): left out until re-translated"
            )
            return Problem(translation.file, translation.line, message, "warning")
    return Problem(
        p.file,
        p.line,
        f"[{p.pid}] has {len(p.sentences)} sentences but its {twin.lang} version "
        f"({twin.file}:{twin.line}) has {len(twin.sentences)}",
    )
