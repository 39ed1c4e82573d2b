"""Loading and checking a corpus folder: every problem is reported as ``file:line: message``.

Loading and validating are one pass, so `menbe corpus validate` and every command that loads the
corpus agree on what is wrong, and a broken corpus never half-loads.
"""

from __future__ import annotations

import json
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
    """Load every document under ``root``; raise `CorpusError` listing all problems if any."""
    corpus, problems = check_corpus(root)
    if problems:
        raise CorpusError(problems)
    return corpus


def check_corpus(root: Path) -> tuple[Corpus, list[Problem]]:
    """Load what can be loaded and collect every problem found on the way."""
    problems: list[Problem] = []
    if not root.is_dir():
        return Corpus.of(()), [Problem(str(root), 0, "corpus folder not found")]
    documents = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        doc, found = _load_document(folder)
        problems.extend(found)
        if doc is not None:
            documents.append(doc)
    if not documents and not problems:
        problems.append(Problem(str(root), 0, "no documents (folders with meta.json) found"))
    return Corpus.of(tuple(documents)), problems


def _load_document(folder: Path) -> tuple[Document | None, list[Problem]]:
    meta, problems = _read_meta(folder)
    if meta is None:
        return None, problems
    by_lang: dict[str, list[Paragraph]] = {}
    for path in sorted(folder.glob("*.txt")):
        lang = path.stem
        if lang not in LANGUAGES:
            problems.append(Problem(str(path), 0, f"unknown language {lang!r} (expected en or az)"))
            continue
        if lang not in meta["languages"]:
            problems.append(
                Problem(str(path), 0, f"language {lang!r} is not listed in {META} 'languages'")
            )
        paragraphs, found = _read_text_file(path, meta["id"], lang, meta["pages"])
        problems.extend(found)
        by_lang[lang] = paragraphs
    for lang in meta["languages"]:
        if lang not in by_lang:
            problems.append(Problem(str(folder / f"{lang}.txt"), 0, "paragraph file missing"))
    problems.extend(_check_alignment(by_lang))
    paragraphs = tuple(p for lang in LANGUAGES for p in by_lang.get(lang, ()))
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


def _read_meta(folder: Path) -> tuple[dict | None, list[Problem]]:
    path = folder / META
    name = str(path)
    if not path.is_file():
        return None, [Problem(name, 0, f"missing {META}")]
    try:
        meta = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, [Problem(name, 1, f"not UTF-8 ({exc.reason} at byte {exc.start})")]
    except json.JSONDecodeError as exc:
        return None, [Problem(name, exc.lineno, f"invalid JSON: {exc.msg}")]
    if not isinstance(meta, dict):
        return None, [Problem(name, 1, "metadata must be a JSON object")]
    problems = [
        Problem(
            name,
            1,
            f"field {key!r} missing" if key not in meta else f"field {key!r} has the wrong type",
        )
        for key, kind in META_FIELDS.items()
        if key not in meta or not isinstance(meta[key], kind)
    ]
    if problems:
        return None, problems
    problems += _check_meta_values(meta, folder, name)
    return (None if problems else meta), problems


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
    path: Path, doc_id: str, lang: str, pages: int
) -> tuple[list[Paragraph], list[Problem]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [Problem(str(path), line, f"not UTF-8 ({exc.reason})")]
    raws, problems = textfile.parse(text, str(path))
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
        if raw.page > pages:
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
    return paragraphs, problems


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
    )


def _check_alignment(by_lang: dict[str, list[Paragraph]]) -> list[Problem]:
    """Every paragraph needs its counterpart with the same number of sentences."""
    problems: list[Problem] = []
    if len(by_lang) < 2:
        return problems
    maps = {lang: {p.pid: p for p in ps} for lang, ps in by_lang.items()}
    for lang, paragraphs in by_lang.items():
        for p in paragraphs:
            for other, index in maps.items():
                if other == lang:
                    continue
                twin = index.get(p.pid)
                if twin is None:
                    problems.append(
                        Problem(p.file, p.line, f"[{p.pid}] has no {other} counterpart")
                    )
                elif lang < other and len(twin.sentences) != len(p.sentences):
                    problems.append(
                        Problem(
                            p.file,
                            p.line,
                            f"[{p.pid}] has {len(p.sentences)} sentences but its {other} version "
                            f"({twin.file}:{twin.line}) has {len(twin.sentences)}",
                        )
                    )
                elif p.source_lang == other and twin.origin != "original":
                    problems.append(
                        Problem(
                            p.file,
                            p.line,
                            f"[{p.pid}] is translated from {other}, "
                            f"but the {other} version is not an original",
                        )
                    )
            if p.origin == "translation" and p.source_lang not in maps:
                problems.append(
                    Problem(
                        p.file,
                        p.line,
                        f"[{p.pid}] translated from {p.source_lang}, which is missing",
                    )
                )
    return problems
