"""Rebuilding the blocks of a text extracted from a PDF: headings, titles and paragraphs.

PDF extraction loses paragraph structure: lines are wrapped at the column width, words are split
across lines with hyphens, page breaks show up as lines starting with a single space, and some
extractors put a blank line after every line. This module rebuilds blocks of lines from those
traces, knowing nothing of languages or ids (`app.corpus.importer` turns blocks into
paragraphs), so that every sentence of the source ends up intact in exactly one block.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import ImportError_

_TERMINAL = re.compile(r"[.!?;:…][\"”’'»)\]]*$")
_LIST_START = re.compile(r"^(?:\d{1,2}[.)]|[•▪◦‣·*])\s")
_LONG_HEADING_WORDS = 8  # a heading this long followed by body text is suspect
KEYWORDS = re.compile(r"^(keywords|key words|açar sözlər|ключевые слова)\s*:", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    number: int  # 1-based line number in the raw file
    page_start: bool


@dataclass(frozen=True)
class Block:
    """A run of lines that belong together: a heading or a paragraph."""

    kind: str  # "heading", "title", "paragraph", or "doc-title" (known from the PDF's type)
    lines: tuple[Line, ...]
    text: str


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
        and not KEYWORDS.match(text)
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


def _title_span(lines: list[Line], title: Sequence[str]) -> range:
    """Where the title's lines are on the first page (empty if not found there as they are)."""
    want = [" ".join(t.split()) for t in title]
    first = [line for line in lines if line.page == lines[0].page]
    for i in range(len(first) - len(want) + 1):
        if want and [" ".join(x.text.split()) for x in first[i : i + len(want)]] == want:
            return range(i, i + len(want))
    return range(0)


def group_blocks(lines: list[Line], corpus_text: str, title: Sequence[str] = ()) -> list[Block]:
    """Group lines into headings and paragraphs; ``title`` (the lines a PDF sets in its largest
    type) becomes one block however many lines it wraps onto."""
    if not lines:
        raise ImportError_("the file holds no text")
    width = statistics.quantiles([len(line.text) for line in lines], n=10)[-1]
    span = _title_span(lines, title)
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
        if i in span:
            if i == span.start:
                flush()
                joined = join_lines([x.text for x in lines[i : span.stop]], corpus_text)
                blocks.append(Block("doc-title", tuple(lines[i : span.stop]), joined))
            continue
        starts_new = bool(_LIST_START.match(line.text) or KEYWORDS.match(line.text))
        after_sentence = not current or bool(_TERMINAL.search(current[-1].text))
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if after_sentence and _is_heading(line, nxt, width):
            flush()
            blocks.append(Block("heading", (line,), line.text))
            continue
        if starts_new:
            flush()
        current.append(line)
        open_ended = bool(KEYWORDS.match(current[0].text))
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
