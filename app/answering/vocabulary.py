"""What the corpus knows: how often each analysed term occurs (from the lexical index), and its
text, for names of several words (`app.answering.phrases`).

The answerability signals weigh a question's words by how rare they are here ("adopted" says
more than "Azerbaijan") and call a word unknown when no analysis of it occurs anywhere.
"""

from __future__ import annotations

import math

from app.answering.phrases import PhraseIndex
from app.textnorm import tokens

MIN_STEM = 4  # a shorter stem matches too much to be evidence that the corpus knows the word
MAX_SUFFIX = 3


class Vocabulary:
    """What the corpus knows: document frequencies of analysed terms, from the lexical index."""

    def __init__(self, retriever) -> None:
        self._df = retriever.document_frequency
        self._n = max(retriever.n_passages, 1)
        self.phrases = PhraseIndex(p.text for p in retriever.corpus.paragraphs())

    def df(self, term: str) -> int:
        return self._df(term)

    def idf(self, term: str) -> float:
        df = self._df(term)
        return math.log1p((self._n - df + 0.5) / (df + 0.5))

    @property
    def max_idf(self) -> float:
        """The IDF of a word the corpus never uses."""
        return math.log1p((self._n + 0.5) / 0.5)

    def weight(self, term: str) -> float:
        """How much a shared word says, in [0, 1]: "Azerbaijan" little, "adopted" much."""
        return self.idf(term) / self.max_idf

    def knows(self, word: str) -> bool:
        """A word is known when either language's analysis of it occurs in the corpus, or the
        corpus has its stem short by a suffix the stemmers miss ("Western" → "west")."""
        terms = set(tokens(word, "en")) | set(tokens(word, "az"))
        return not terms or any(self._df(t) > 0 or self._stem_known(t) for t in terms)

    def _stem_known(self, term: str) -> bool:
        if term.isdigit():
            return False
        shortest = max(MIN_STEM, len(term) - MAX_SUFFIX)
        return any(self._df(term[:n]) > 0 for n in range(len(term) - 1, shortest - 1, -1))
