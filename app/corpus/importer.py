"""Turn text extracted from a PDF into curated-corpus paragraphs (`menbe corpus import`).

The blocks of the text are rebuilt by `app.corpus.layout`; here each paragraph gets its language,
its section, its page and an id, abstract-like sections in two languages sharing one id, and the
document its titles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app import langdetect
from app.corpus.layout import (
    KEYWORDS,
    Block,
    Line,
    group_blocks,
    join_lines,
    page_lines,
    read_lines,
)
from app.corpus.model import LANGUAGES
from app.errors import ImportError_

__all__ = [
    "Block",
    "ImportedDocument",
    "ImportedParagraph",
    "Line",
    "detect_language",
    "group_blocks",
    "import_pages",
    "import_text",
    "join_lines",
    "page_lines",
    "read_lines",
    "role_of",
]

ROLES = {
    "abstract": {"abstract", "summary", "xülasə", "annotasiya", "аннотация", "резюме"},
    "keywords": {"keywords", "key words", "açar sözlər", "ключевые слова"},
    "introduction": {"introduction", "giriş", "введение"},
    "conclusion": {"conclusion", "conclusions", "nəticə", "заключение"},
}


@dataclass(frozen=True)
class ImportedParagraph:
    pid: str
    lang: str
    page: int
    section: str
    text: str
    first_line: int


@dataclass(frozen=True)
class ImportedDocument:
    titles: dict[str, str]
    pages: int
    paragraphs: tuple[ImportedParagraph, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({p.lang for p in self.paragraphs}, key=lambda x: x != "en"))


def detect_language(text: str) -> str:
    """English or Azerbaijani: the same detector questions go through (app.langdetect)."""
    return langdetect.detect(text).lang


def role_of(section: str) -> str | None:
    name = section.strip().rstrip(":").lower()
    return next((role for role, names in ROLES.items() if name in names), None)


def import_text(raw: str, lang: str | None = None) -> ImportedDocument:
    """Paragraphs from a text dump whose pages open with a line indented by one space."""
    lines = read_lines(raw)
    return _import(lines, raw, lines[-1].page if lines else 0, lang)


def import_pages(
    pages: Sequence[str], lang: str | None = None, title: Sequence[str] = ()
) -> ImportedDocument:
    """Paragraphs from text extracted page by page; ``lang`` forces one language for all;
    ``title``: the title's lines, when the PDF's type sizes tell them (`app.corpus.pdf`)."""
    return _import(page_lines(pages), "\n".join(pages), len(pages), lang, title)


def _import(
    lines: list[Line], text: str, pages: int, lang: str | None, title: Sequence[str] = ()
) -> ImportedDocument:
    """Rebuild titled, sectioned, paged paragraphs; align abstract-like sections by language."""
    if lang is not None and lang not in LANGUAGES:
        raise ImportError_(f"unknown language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    language_of = detect_language if lang is None else lambda _text: lang
    blocks = group_blocks(lines, text, title)
    titles: dict[str, str] = {}
    section = ""
    pending: list[tuple[str, str, Block]] = []  # (lang, section, block)
    for block in blocks:
        if block.kind == "doc-title":  # the type says so: it wins over a heading guessed first
            titles[language_of(block.text)] = block.text
        elif block.kind == "title":
            titles.setdefault(language_of(block.text), block.text)
        elif block.kind == "heading":
            section = block.text
        else:
            keywords = KEYWORDS.match(block.text)
            name = keywords.group(1).capitalize() if keywords else section or "Body"
            pending.append((language_of(block.text), name, block))
    if not pending:
        raise ImportError_("no paragraphs found")
    return ImportedDocument(titles, pages, tuple(_assign_ids(pending)))


def _assign_ids(pending: list[tuple[str, str, Block]]) -> list[ImportedParagraph]:
    counts: dict[str, int] = {}
    for lang, _, _ in pending:
        counts[lang] = counts.get(lang, 0) + 1
    primary = max(counts, key=lambda lang: (counts[lang], lang == "en"))
    role_slots: dict[tuple[str | None, int], str] = {}
    role_seen: dict[tuple[str, str | None], int] = {}
    width = max(2, len(str(len(pending))))
    number = 0
    out = []
    for lang, section, block in pending:
        role = role_of(section)
        nth = role_seen.get((lang, role), 0)
        role_seen[(lang, role)] = nth + 1
        pid = role_slots.get((role, nth)) if role and lang != primary else None
        if pid is None:
            number += 1
            pid = f"p{number:0{width}d}"
            if role and lang == primary:
                role_slots[(role, nth)] = pid
        page = block.lines[0].page
        out.append(ImportedParagraph(pid, lang, page, section, block.text, block.lines[0].number))
    return out
