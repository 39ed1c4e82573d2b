"""Sentence splitting that is right for English and Azerbaijani scholarly prose.

Citations point at sentences, and an English paragraph and its Azerbaijani translation must split
into the same number of sentences, so the splitter has to survive what generic splitters trip on:
initials ("L.A. Kojevnikov", "Z. Gamsakhurdia"), reference abbreviations ("p. 153", "No. 5",
"səh. 82"), numbers ("691,000", "1993–2003", "1993-cü il"), list markers ("1. The phase ..."),
closing quotes and brackets after the full stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Abbreviations (lower-cased, without the final dot) after which a full stop never ends a sentence.
ABBREVIATIONS = frozenset(
    {
        # English
        "p",
        "pp",
        "no",
        "nos",
        "vol",
        "vols",
        "ed",
        "eds",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "vs",
        "cf",
        "fig",
        "ch",
        "art",
        "approx",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "jr",
        "sr",
        "gen",
        "col",
        "lt",
        "gov",
        "sen",
        "rep",
        "est",
        "op",
        "cit",
        "ibid",
        # Azerbaijani
        "səh",
        "akad",
        "dos",
        "red",
        "nəşr",
        "küç",
        "şək",
        "cild",
        "məs",
    }
)

_UPPER_START = r"[A-ZÇƏĞİIÖŞÜÂÎ0-9\"“‘'«•–—-]"
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace, and a
# character that can open a sentence (not "(": a citation after a full stop belongs to its
# sentence).
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’'»)\]]*)(\s+)(?=" + _UPPER_START + ")")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}|[IVXLC]{1,6}|[a-z])[.)]\s")
_WORD_BEFORE = re.compile(r"([\wƏəÇçĞğİıÖöŞşÜü.]+)$")


@dataclass(frozen=True)
class Span:
    """A sentence as a half-open character range of the paragraph it came from."""

    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def _is_abbreviation(before: str, punct: str) -> bool:
    """Whether the dot that ends ``before`` belongs to a word rather than ending a sentence."""
    if punct != ".":
        return False
    match = _WORD_BEFORE.search(before)
    if not match:
        return False
    word = match.group(1)
    core = word.rstrip(".")
    if not core:
        return False
    # Initials and dotted abbreviations: "L.A", "Z", "e.g", "U.S".
    if "." in core and re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", core):
        return True
    if len(core) == 1 and core.isalpha():
        return core.isupper() or core == "p"
    if core.isupper():  # an acronym such as "MR" or "USA" ends its sentence
        return False
    lowered = core.lower()
    if lowered in ABBREVIATIONS:
        return True
    # Azerbaijani "və s." (= etc.) ends sentences; a bare "s." (= page) does not.
    return lowered == "s" and not before[: match.start()].rstrip().endswith("və")


def split_spans(text: str) -> list[Span]:
    """Split ``text`` into sentence spans, trimmed of surrounding whitespace."""
    spans: list[Span] = []
    start = 0
    marker = _LIST_MARKER.match(text)
    search_from = marker.end() if marker else 0
    for match in _BOUNDARY.finditer(text, search_from):
        punct = match.group(1)
        if _is_abbreviation(text[: match.start(1)], punct):
            continue
        end = match.end(2)
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end(3)
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def split(text: str) -> list[str]:
    """Split ``text`` into sentence strings."""
    return [span.of(text) for span in split_spans(text)]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)
