"""The records that flow out of the corpus stage: documents, paragraph versions and sentences."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from app.errors import Problem

LANGUAGES = ("en", "az")
HASH_LENGTH = 8


def version_hash(text: str) -> str:
    """A short fingerprint of a paragraph's text, recorded by its translations.

    It is taken over the words with whitespace runs made single spaces, so re-wrapping lines or
    re-spacing in the file never makes a translation stale; changing a word or a mark does.
    """
    words = " ".join(text.split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class Sentence:
    """A sentence of a paragraph version, with its character range in that paragraph's text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """One language version of a paragraph; versions of one paragraph share ``pid``."""

    doc_id: str
    pid: str
    lang: str
    page: int
    section: str
    origin: str  # "original" or "translation"
    source_lang: str | None  # the language translated from, for translations
    text: str
    sentences: tuple[Sentence, ...]
    file: str = ""
    line: int = 0
    # For a translation: the `version_hash` of the original it was made from (None: not tracked).
    source_hash: str | None = None
    # True when the original's text no longer has ``source_hash``: the translation needs redoing.
    stale: bool = False

    @property
    def key(self) -> str:
        """Identity of the paragraph across languages: ``doc_id/pid``."""
        return f"{self.doc_id}/{self.pid}"

    @property
    def translated(self) -> bool:
        return self.origin == "translation"

    @property
    def origin_field(self) -> str:
        """The header's ``origin=`` value: ``original`` or ``translation:<lang>[@<hash>]``."""
        if not self.translated:
            return "original"
        suffix = f"@{self.source_hash}" if self.source_hash else ""
        return f"translation:{self.source_lang}{suffix}"

    def is_stale_against(self, original: Paragraph) -> bool:
        """Whether this translation was made from another text than ``original`` has now.

        A translation that records no hash is "not tracked" and never stale.
        """
        return bool(self.source_hash) and self.source_hash != version_hash(original.text)


@dataclass(frozen=True)
class Document:
    """A document and all its paragraph versions, in file order per language."""

    doc_id: str
    title: Mapping[str, str]
    source: str
    year: int | None
    languages: tuple[str, ...]
    provenance: str
    licence: str
    pages: int
    paragraphs: tuple[Paragraph, ...] = field(default=())

    def in_language(self, lang: str) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.lang == lang)

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or next(iter(self.title.values()), self.doc_id)


@dataclass(frozen=True)
class SkippedDocument:
    """A document whose files have errors, left out of loading so the others still load.

    ``indexed_at`` is set when the version last indexed stands in for it (it is then among the
    corpus's documents, so what was citable stays citable); None when nothing of it is loaded.
    """

    doc_id: str
    problems: tuple[Problem, ...]  # its errors, in the order `menbe corpus validate` lists them
    indexed_at: str | None = None


@dataclass(frozen=True)
class Corpus:
    """All documents, with look-ups by paragraph identity, and the documents skipped as broken."""

    documents: tuple[Document, ...]
    _by_key: Mapping[tuple[str, str, str], Paragraph] = field(default_factory=dict, repr=False)
    skipped: tuple[SkippedDocument, ...] = field(default=())

    @classmethod
    def of(
        cls, documents: tuple[Document, ...], skipped: tuple[SkippedDocument, ...] = ()
    ) -> Corpus:
        index = {(p.doc_id, p.pid, p.lang): p for d in documents for p in d.paragraphs}
        return cls(documents, index, skipped)

    def paragraphs(self) -> Iterator[Paragraph]:
        for doc in self.documents:
            yield from doc.paragraphs

    def document(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(doc_id)

    def get(self, doc_id: str, pid: str, lang: str) -> Paragraph | None:
        return self._by_key.get((doc_id, pid, lang))

    def versions(self, doc_id: str, pid: str) -> dict[str, Paragraph]:
        """Every language version of one paragraph, keyed by language."""
        return {lang: p for lang in LANGUAGES if (p := self._by_key.get((doc_id, pid, lang)))}

    def counterpart(self, paragraph: Paragraph, lang: str | None = None) -> Paragraph | None:
        """The aligned version of ``paragraph`` in ``lang`` (default: the other language)."""
        if lang is None:
            lang = next(code for code in LANGUAGES if code != paragraph.lang)
        return self._by_key.get((paragraph.doc_id, paragraph.pid, lang))

    def original_of(self, paragraph: Paragraph) -> Paragraph:
        """The version a translation was made from (the paragraph itself when original)."""
        if paragraph.source_lang:
            source = self.get(paragraph.doc_id, paragraph.pid, paragraph.source_lang)
            if source is not None:
                return source
        return paragraph
