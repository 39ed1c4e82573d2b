"""Azerbaijani typed without its letters ("Azerbaycan Qerble niye elaqeler qururdu?") gets them
back from the corpus' own words before it is searched.

The lexical index and the answerability signals fold letters (ə→e, ş→s, …), so they already
read such a question; the embedding model does not: on the fit split, accent-less Azerbaijani
questions found the right paragraph first 0.75 of the time against 0.96 for the same language
typed in full. So each word whose folded form is the folded form of exactly one spelling in the
corpus (case aside) takes that spelling. Function words ("ne", "nece": "nə" or "neçə"?) and words
the corpus does not have are left as typed: a wrong letter would be worse than a missing one, and
the question-type rules read the folded forms anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.textnorm import STOPWORDS_AZ, fold

_WORD = re.compile(r"[^\W\d_]+")
#: Letters only Azerbaijani writes: a question holding one was typed in full.
_AZ_LETTERS = re.compile(r"[əğıöşüçƏĞİÖŞÜÇ]")
_FOLDED_STOPWORDS = frozenset(fold(w) for w in STOPWORDS_AZ)


class Accents:
    """The spellings of the words of Azerbaijani texts, by folded form (a word written without
    special letters there, "vaxt", counts as a spelling too, so "il" never becomes "İl")."""

    def __init__(self, texts: Iterable[str]) -> None:
        seen: dict[str, set[str]] = {}
        for text in texts:
            for word in _WORD.findall(text):
                seen.setdefault(fold(word), set()).add(_lower(word))
        # one spelling per folded form, or the form is ambiguous and left as typed
        self._spelling = {key: next(iter(c)) for key, c in seen.items() if len(c) == 1}

    def restore(self, question: str) -> str:
        """``question`` with its letters back where the corpus settles them; a question that
        holds any Azerbaijani letter is returned as it is."""
        if _AZ_LETTERS.search(question):
            return question
        return _WORD.sub(self._word, question)

    def _word(self, match: re.Match[str]) -> str:
        word = match.group(0)
        key = fold(word)
        spelling = self._spelling.get(key)
        if spelling is None or key in _FOLDED_STOPWORDS:
            return word
        return _case_like(word, spelling)


def _lower(word: str) -> str:
    """Azerbaijani lower case: "İ" → "i", "I" → "ı"."""
    return word.replace("İ", "i").replace("I", "ı").lower()


def _case_like(typed: str, spelling: str) -> str:
    """``spelling`` in the case ``typed`` was written in (first capital or all capitals)."""
    if typed.isupper() and len(typed) > 1:
        return _upper(spelling)
    if typed[:1].isupper():
        return _upper(spelling[:1]) + spelling[1:]
    return spelling


def _upper(text: str) -> str:
    return text.replace("i", "İ").replace("ı", "I").upper()
