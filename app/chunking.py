"""Chunking: what gets embedded. The paragraph is the unit of citation, so a chunk never crosses a
paragraph; a long paragraph becomes overlapping windows of whole sentences. Every sentence is
also embedded on its own (at index time), so answering can score sentences without embedding
them per query."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.corpus import Corpus, Paragraph

#: Bump when chunk boundaries or ids change: an index built with another version must be rebuilt.
CHUNKER_VERSION = "1"
MAX_CHARS = 1200
WINDOW = 5
OVERLAP = 2


@dataclass(frozen=True)
class Chunk:
    """An embeddable piece of one paragraph version; ``kind`` is "passage" or "sentence"."""

    chunk_id: str
    kind: str
    doc_id: str
    pid: str
    lang: str
    start: int  # character span in the paragraph text
    end: int
    first_sentence: int
    last_sentence: int  # inclusive
    text: str

    @property
    def content_hash(self) -> str:
        """What decides re-embedding: the text and where it sits (ids are stable)."""
        key = f"{CHUNKER_VERSION}\x00{self.chunk_id}\x00{self.text}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def paragraph_key(self) -> tuple[str, str]:
        return (self.doc_id, self.pid)

    def metadata(self) -> dict[str, str | int]:
        return {
            "kind": self.kind,
            "doc_id": self.doc_id,
            "pid": self.pid,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "first_sentence": self.first_sentence,
            "last_sentence": self.last_sentence,
            "hash": self.content_hash,
        }


def passage_chunks(p: Paragraph, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """The whole paragraph, or sentence windows of WINDOW with OVERLAP when it is long."""
    n = len(p.sentences)
    if len(p.text) <= max_chars or n <= WINDOW:
        return [_chunk(p, "passage", 0, 0, max(n - 1, 0))]
    chunks, first, step = [], 0, WINDOW - OVERLAP
    while True:
        last = min(first + WINDOW, n) - 1
        chunks.append(_chunk(p, "passage", len(chunks), first, last))
        if last == n - 1:
            return chunks
        first += step


def sentence_chunks(p: Paragraph) -> list[Chunk]:
    return [_chunk(p, "sentence", s.index, s.index, s.index) for s in p.sentences]


def _chunk(p: Paragraph, kind: str, number: int, first: int, last: int) -> Chunk:
    if p.sentences:
        start, end = p.sentences[first].start, p.sentences[last].end
    else:
        start, end = 0, len(p.text)
    tag = "c" if kind == "passage" else "s"
    return Chunk(
        chunk_id=f"{p.doc_id}/{p.pid}/{p.lang}/{tag}{number}",
        kind=kind,
        doc_id=p.doc_id,
        pid=p.pid,
        lang=p.lang,
        start=start,
        end=end,
        first_sentence=first,
        last_sentence=last,
        text=p.text[start:end],
    )


def chunk_paragraphs(paragraphs: Iterable[Paragraph]) -> Iterator[Chunk]:
    for p in paragraphs:
        yield from passage_chunks(p)
        yield from sentence_chunks(p)


def chunk_corpus(corpus: Corpus) -> list[Chunk]:
    """Every chunk of every language version of every paragraph."""
    return list(chunk_paragraphs(corpus.paragraphs()))
