"""Chunks never cross a paragraph; long paragraphs become overlapping sentence windows."""

from __future__ import annotations

import itertools

from app.chunking import MAX_CHARS, OVERLAP, WINDOW, chunk_corpus, passage_chunks, sentence_chunks
from app.corpus import Paragraph, Sentence
from app.sentences import split_spans


def paragraph(text: str, pid: str = "p1", lang: str = "en") -> Paragraph:
    spans = split_spans(text)
    sentences = tuple(
        Sentence(i, s.start, s.end, text[s.start : s.end]) for i, s in enumerate(spans)
    )
    return Paragraph("doc", pid, lang, 1, "S", "original", None, text, sentences)


def test_short_paragraph_is_one_chunk() -> None:
    p = paragraph("One sentence here. Another one there.")
    (chunk,) = passage_chunks(p)
    assert (chunk.chunk_id, chunk.text, chunk.start, chunk.end) == (
        "doc/p1/en/c0",
        p.text,
        0,
        len(p.text),
    )
    assert (chunk.first_sentence, chunk.last_sentence) == (0, 1)


def test_long_paragraph_becomes_overlapping_windows_covering_every_sentence() -> None:
    sentences = [
        f"Sentence number {i} talks about the Baku-Tbilisi-Ceyhan pipeline at length."
        for i in range(23)
    ]
    p = paragraph(" ".join(sentences))
    assert len(p.text) > MAX_CHARS
    chunks = passage_chunks(p)
    covered = set()
    for a, b in itertools.pairwise(chunks):
        assert b.first_sentence == a.last_sentence - OVERLAP + 1
    for c in chunks:
        assert c.last_sentence - c.first_sentence + 1 <= WINDOW
        assert c.text == p.text[c.start : c.end]
        assert c.text.startswith(sentences[c.first_sentence]) and c.text.endswith(
            sentences[c.last_sentence]
        )
        covered |= set(range(c.first_sentence, c.last_sentence + 1))
    assert covered == set(range(23))
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_sentence_chunks_and_hashes() -> None:
    p = paragraph("Birinci cümlə. İkinci cümlə.", lang="az")
    chunks = sentence_chunks(p)
    assert [c.chunk_id for c in chunks] == ["doc/p1/az/s0", "doc/p1/az/s1"]
    assert [c.text for c in chunks] == ["Birinci cümlə.", "İkinci cümlə."]
    edited = sentence_chunks(paragraph("Birinci cümlə. Üçüncü cümlə.", lang="az"))
    assert chunks[0].content_hash == edited[0].content_hash
    assert chunks[1].content_hash != edited[1].content_hash


def test_real_corpus_chunks_both_languages(corpus) -> None:
    chunks = chunk_corpus(corpus)
    versions = {(c.pid, c.lang) for c in chunks if c.kind == "passage"}
    assert versions == {(p.pid, p.lang) for p in corpus.paragraphs()}
    assert max(len(c.text) for c in chunks if c.kind == "passage") <= MAX_CHARS * 1.5
