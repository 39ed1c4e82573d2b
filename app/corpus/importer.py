"""Turn text extracted from a PDF into curated-corpus paragraphs (`menbe corpus import`).

PDF extraction loses paragraph structure: lines are wrapped at the column width, words are split
across lines with hyphens, page breaks show up as lines starting with a single space, and some
extractors put a blank line after every line. This module rebuilds paragraphs from those traces
so that every sentence of the source ends up intact in exactly one paragraph.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from app import langdetect
from app.corpus.model import LANGUAGES
from app.errors import ImportError_

_TERMINAL = re.compile(r"[.!?;:…][\"”’'»)\]]*$")
_LIST_START = re.compile(r"^(?:\d{1,2}[.)]|[•▪◦‣·*])\s")
_LONG_HEADING_WORDS = 8  # a heading this long followed by body text is suspect
_KEYWORDS = re.compile(r"^(keywords|key words|açar sözlər|ключевые слова)\s*:", re.IGNORECASE)
ROLES = {
    "abstract": {"abstract", "summary", "xülasə", "annotasiya", "аннотация", "резюме"},
    "keywords": {"keywords", "key words", "açar sözlər", "ключевые слова"},
    "introduction": {"introduction", "giriş", "введение"},
    "conclusion": {"conclusion", "conclusions", "nəticə", "заключение"},
}


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    number: int  # 1-based line number in the raw file
    page_start: bool


@dataclass(frozen=True)
class Block:
    """A run of lines that belong together: a heading or a paragraph."""

    kind: str  # "heading", "title" or "paragraph"
    lines: tuple[Line, ...]
    text: str


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


def read_lines(raw: str) -> list[Line]:
    """Drop empty lines and number pages: a line starting with one space opens a new page."""
    lines: list[Line] = []
    page = 0
    for number, text in enumerate(raw.replace("\r\n", "\n").split("\n"), start=1):
        text = _clean(text)
        starts_page = bool(re.match(r"^ \S", text))
        if starts_page or (page == 0 and text.strip()):
            page += 1
        if text.strip():
            lines.append(Line(text.strip(), max(page, 1), number, starts_page))
    return lines


def page_lines(pages: Sequence[str]) -> list[Line]:
    """Lines of text extracted page by page (from a PDF): the page is known, not guessed.

    Line numbers count through the pages joined with newlines, as `import_pages` sees them.
    """
    lines: list[Line] = []
    number = 0
    for page, text in enumerate(pages, start=1):
        first = True
        for raw in text.replace("\r\n", "\n").split("\n"):
            number += 1
            cleaned = _clean(raw).strip()
            if cleaned:
                lines.append(Line(cleaned, page, number, first))
                first = False
    return lines


def _clean(text: str) -> str:
    return text.replace("\u00ad", "-").replace("\f", "")


def detect_language(text: str) -> str:
    """English or Azerbaijani: the same detector questions go through (app.langdetect)."""
    return langdetect.detect(text).lang


def join_lines(parts: list[str], corpus_text: str) -> str:
    """Join wrapped lines, undoing hyphenation only where the hyphen was not part of the text."""
    out = ""
    for part in parts:
        if not out:
            out = part
        elif out.endswith(("-", "–", "—")) and not out.endswith((" -", " –", " —")):
            out = _join_hyphenated(out, part, corpus_text)
        else:
            out = f"{out} {part}"
    return out


def _join_hyphenated(left: str, right: str, corpus_text: str) -> str:
    head = re.search(r"(\w*)[-–—]$", left)
    tail = re.match(r"\w*", right)
    before, after = (head.group(1) if head else ""), (tail.group(0) if tail else "")
    keep = (
        not before
        or not after
        or left[-1] != "-"
        or before[-1].isdigit()
        or after[0].isdigit()
        or after[0].isupper()
        or f"{before}-{after}".lower() in corpus_text.lower()
    )
    if keep:
        return left + right
    return left[:-1] + right


def _is_short(line: Line, width: float) -> bool:
    return len(line.text) < 0.9 * width


def _closes(line: Line, width: float) -> bool:
    return _is_short(line, width) and bool(_TERMINAL.search(line.text))


def _looks_like_heading(line: Line, width: float) -> bool:
    text = line.text
    return (
        _is_short(line, width)
        and not _TERMINAL.search(text)
        and not text.endswith(",")
        and text[:1].isupper()
        and not _LIST_START.match(text)
        and not _KEYWORDS.match(text)
        and len(text.split()) <= 12
    )


def _is_heading(line: Line, nxt: Line | None, width: float) -> bool:
    """Heading-like, and not the first line of a short paragraph that wrapped early.

    Proportional fonts wrap a line well before the column width when a long word follows, so a
    long "heading" whose next line carries on as body text is a paragraph's first line.
    """
    if not _looks_like_heading(line, width):
        return False
    if nxt is None or len(line.text.split()) < _LONG_HEADING_WORDS:
        return True
    return _looks_like_heading(nxt, width) or bool(_LIST_START.match(nxt.text))


def group_blocks(lines: list[Line], corpus_text: str) -> list[Block]:
    """Group lines into headings and paragraphs."""
    if not lines:
        raise ImportError_("the file holds no text")
    width = statistics.quantiles([len(line.text) for line in lines], n=10)[-1]
    blocks: list[Block] = []
    current: list[Line] = []
    open_ended = False  # the current paragraph may end without punctuation (keywords)

    def flush() -> None:
        nonlocal current
        if current:
            text = join_lines([line.text for line in current], corpus_text)
            blocks.append(Block("paragraph", tuple(current), text))
        current = []

    for i, line in enumerate(lines):
        starts_new = bool(_LIST_START.match(line.text) or _KEYWORDS.match(line.text))
        after_sentence = not current or bool(_TERMINAL.search(current[-1].text))
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if after_sentence and _is_heading(line, nxt, width):
            flush()
            blocks.append(Block("heading", (line,), line.text))
            continue
        if starts_new:
            flush()
        current.append(line)
        open_ended = bool(_KEYWORDS.match(current[0].text))
        if _closes(line, width) or (open_ended and _is_short(line, width)):
            flush()
    flush()
    return _mark_titles(blocks)


def _mark_titles(blocks: list[Block]) -> list[Block]:
    """A heading that opens the text or is directly followed by another heading is a title."""
    out = []
    for i, block in enumerate(blocks):
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        is_title = block.kind == "heading" and (
            i == 0 or (nxt is not None and nxt.kind == "heading")
        )
        out.append(Block("title", block.lines, block.text) if is_title else block)
    return out


def role_of(section: str) -> str | None:
    name = section.strip().rstrip(":").lower()
    return next((role for role, names in ROLES.items() if name in names), None)


def import_text(raw: str, lang: str | None = None) -> ImportedDocument:
    """Paragraphs from a text dump whose pages open with a line indented by one space."""
    lines = read_lines(raw)
    return _import(lines, raw, lines[-1].page if lines else 0, lang)


def import_pages(pages: Sequence[str], lang: str | None = None) -> ImportedDocument:
    """Paragraphs from text extracted page by page; ``lang`` forces one language for all."""
    return _import(page_lines(pages), "\n".join(pages), len(pages), lang)


def _import(lines: list[Line], text: str, pages: int, lang: str | None) -> ImportedDocument:
    """Rebuild titled, sectioned, paged paragraphs; align abstract-like sections by language."""
    if lang is not None and lang not in LANGUAGES:
        raise ImportError_(f"unknown language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    language_of = detect_language if lang is None else lambda _text: lang
    blocks = group_blocks(lines, text)
    titles: dict[str, str] = {}
    section = ""
    pending: list[tuple[str, str, Block]] = []  # (lang, section, block)
    for block in blocks:
        if block.kind == "title":
            titles.setdefault(language_of(block.text), block.text)
        elif block.kind == "heading":
            section = block.text
        else:
            keywords = _KEYWORDS.match(block.text)
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
