"""Checking what a chat model wrote against the paragraphs it was given, sentence by sentence.

A generated sentence is kept only when all of this holds:

1. it carries at least one ``[n]`` and every ``n`` names a paragraph that was sent;
2. every number, year and proper name in it occurs in a cited paragraph (either language
   version, folded, with Azerbaijani case endings allowed after the name);
3. a sentence of a cited paragraph means the same: the cosine between the generated sentence
   and the paragraph's stored sentence vectors reaches ``SUPPORT_THRESHOLD``.

Everything here is pure given the embedding function, so the tests run it on hand-written model
outputs; `app.answering.generative` feeds it real ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from app.corpus import Paragraph
from app.messages import message
from app.sentences import split
from app.textnorm import fold

#: Calibrated on the corpus itself with its stored vectors: a clause lifted from a corpus
#: sentence (a model's short claim stands in for it; 256 clauses, both languages) reaches this
#: cosine with its own paragraph's best sentence 98.4% of the time, and with an unrelated
#: paragraph's best sentence 31% of the time (0.88: 91% / 8%). The embedding model rates
#: everything in this corpus alike, so this check only catches the off-topic; the fact check
#: (numbers, years, names) is what catches a wrong date or a wrong name.
SUPPORT_THRESHOLD = 0.85
_MARKERS = re.compile(r"\[(\d+)\]")
#: Markers after the full stop ("1994. [1] Then") are moved before it, so sentences split cleanly.
_TRAILING = re.compile(r"([.!?])\s*((?:\[\d+\]\s*)+)")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NAME = re.compile(r"(?<![\w-])[A-ZÇƏĞİÖŞÜ][\w'’-]*")
_MIN_STEM = 4

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Source:
    """A paragraph as sent to the model: its number, every language version, and the stored
    vector of each sentence of each version."""

    n: int
    versions: Mapping[str, Paragraph]
    vectors: Mapping[tuple[str, int], np.ndarray]  # (lang, sentence index) → unit vector


@dataclass(frozen=True)
class Kept:
    sentence: str  # as the model wrote it, markers included
    markers: tuple[int, ...]
    support: Mapping[int, tuple[str, int]]  # n → (lang, sentence index) that supports it


@dataclass(frozen=True)
class Verification:
    kept: tuple[Kept, ...]
    removed: tuple[tuple[str, str], ...]  # (sentence, reason in the answer's language)

    def as_json(self) -> dict:
        return {
            "kept": [k.sentence for k in self.kept],
            "removed": [{"sentence": s, "reason": r} for s, r in self.removed],
        }


def sentences_of(text: str, sources: int = 0) -> list[str]:
    """The model's answer as sentences, each with the markers that follow it. Small models write
    "(1)" for "[1]": with ``sources`` given, "(n)" for a source that was sent counts as "[n]".
    List numbering ("1. ") is layout, not a fact to check."""
    if sources:
        text = re.sub(
            r"\((\d)\)",
            lambda m: f"[{m.group(1)}]" if 0 < int(m.group(1)) <= sources else m.group(0),
            text,
        )
    text = _TRAILING.sub(lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)
    lines = (_LIST_ITEM.sub("", line) for line in text.splitlines())
    return [s.strip() for line in lines for s in split(line) if s.strip()]


def verify(text: str, sources: Sequence[Source], lang: str, embed: Embed) -> Verification:
    """Keep the sentences of ``text`` that their citations support; say why for the others."""
    by_n = {s.n: s for s in sources}
    pending, removed = [], []
    for sentence in sentences_of(text, len(sources)):
        markers = tuple(dict.fromkeys(int(n) for n in _MARKERS.findall(sentence)))
        problem = _marker_problem(markers, by_n, lang) or _fact_problem(
            sentence, [by_n[n] for n in markers], lang
        )
        if problem:
            removed.append((sentence, problem))
        else:
            pending.append((sentence, markers))
    if not pending:
        return Verification((), tuple(removed))
    vectors = embed([_plain(s) for s, _ in pending])
    kept = []
    for (sentence, markers), vector in zip(pending, vectors, strict=True):
        support = {n: _best(by_n[n], vector) for n in markers}
        backed = {n: where for n, (where, score) in support.items() if score >= SUPPORT_THRESHOLD}
        if backed:
            kept.append(Kept(sentence, markers, backed))
        else:
            removed.append((sentence, message("verify_unsupported", lang)))
    return Verification(tuple(kept), tuple(removed))


def _marker_problem(markers: tuple[int, ...], by_n: Mapping[int, Source], lang: str) -> str:
    if not markers:
        return message("verify_no_marker", lang)
    unknown = [n for n in markers if n not in by_n]
    if unknown:
        return message("verify_bad_marker", lang, n=", ".join(f"[{n}]" for n in unknown))
    return ""


def _fact_problem(sentence: str, cited: Sequence[Source], lang: str) -> str:
    """A number or a name the cited paragraphs do not hold; "" when every one is there."""
    text = _plain(sentence)
    words = {
        fold(w) for s in cited for p in s.versions.values() for w in re.findall(r"[\w'’-]+", p.text)
    }
    numbers = {n for s in cited for p in s.versions.values() for n in _NUMBER.findall(p.text)}
    for number in _NUMBER.findall(text):
        if number not in numbers:
            return message("verify_fact", lang, fact=number)
    first = True
    for match in _NAME.finditer(text):
        name, at_start = match.group(0), first and not text[: match.start()].strip()
        first = False
        if at_start or _known(fold(name.rstrip("’'")), words):
            continue
        return message("verify_fact", lang, fact=name)
    return ""


def _known(name: str, words: set[str]) -> bool:
    """The name, or the name with an Azerbaijani case ending ("Bakıda", "İranın"), or its stem
    when the paragraph inflects it ("Azerbaijan's" ~ "Azerbaijan")."""
    if name in words:
        return True
    stem = name[: max(_MIN_STEM, len(name) - 3)]
    return any(w.startswith(name) or (len(w) >= _MIN_STEM and w.startswith(stem)) for w in words)


def _best(source: Source, vector: np.ndarray) -> tuple[tuple[str, int], float]:
    """The sentence of the paragraph (any version) closest to ``vector``, and its cosine."""
    best, score = ("", -1), -1.0
    for where, stored in source.vectors.items():
        cos = float(np.dot(stored, vector))
        if cos > score:
            best, score = where, cos
    return best, score


def _plain(sentence: str) -> str:
    return re.sub(r"\s+", " ", _MARKERS.sub("", sentence)).strip()
