"""Names the corpus never uses as a whole, though it knows each of their words.

"When did Azerbaijan join the Council of Europe?": the corpus has "Council" (the UN Security
Council is not it, nor is any other) and "Europe", so no single word is unknown and the question
looks answerable; the name "Council of Europe" occurs nowhere. An English name of several words
is one thing, so it must occur as a phrase (each word as typed, or with a plural or possessive
ending). Titles ("President", "Prime Minister") are not part of a name: "President Aliyev" is
checked as "Aliyev". Azerbaijani is left out: its adjacent capitalised words are often separate
names ("Gürcüstan Əliyevin enerji strategiyasında"), and its case endings move inside runs.

The reverse also happens: the question spells out a name the corpus only abbreviates
("Commonwealth of Independent States" for "CIS", "Müstəqil Dövlətlər Birliyi" for "MDB"). Such a
name is known, and the acronym joins the search, in either language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.answering.finders import titled_runs
from app.textnorm import STOPWORDS_AZ, STOPWORDS_EN, fold

_TITLES = frozenset(
    "president prime minister deputy director general ambassador mr mrs dr professor "
    "chairman speaker king queen sheikh".split()
)
_WORDS = re.compile(r"[^\W_]+")
_GAP = r"[\s\-–—'’.]+"
_ENDING = r"(?:s|es|'s|’s)?"
_ACRONYM = re.compile(r"\b[A-ZÇƏĞİÖŞÜ]{2,}\b")
_MID_CAPITAL = re.compile(r"(?<=[\w,;)] )([A-ZÇƏĞİÖŞÜ][\w'’-]*)")


class PhraseIndex:
    """The corpus' text (every language version), folded, to look multi-word names up in."""

    def __init__(self, texts: Iterable[str]) -> None:
        texts = list(texts)
        self._text = " \n ".join(fold(t) for t in texts)
        self._acronyms = frozenset(m.group(0) for t in texts for m in _ACRONYM.finditer(t))
        self._names = frozenset(fold(m.group(1)) for t in texts for m in _MID_CAPITAL.finditer(t))
        self._seen: dict[str, bool] = {}

    def abbreviated(self, question: str) -> dict[str, str]:
        """The question's names that the corpus writes only as their initials, with the acronym
        it uses: {"Commonwealth of Independent States": "CIS"}."""
        found = {}
        for run in titled_runs(question):
            words = run.split()
            # the name may be part of a longer run: "Azərbaycan Müstəqil Dövlətlər Birliyinə"
            parts = (words[i:j] for i in range(len(words)) for j in range(len(words), i + 1, -1))
            for part in parts:
                initials = "".join(w[0] for w in part if not _function_word(w))
                if len(initials) >= 2 and initials in self._acronyms:
                    found[" ".join(part)] = initials
                    break
        return found

    def is_name(self, word: str) -> bool:
        """The corpus writes the word capitalised inside a sentence: a question's capitalised
        first word is a name only then ("Heydar …"), not for its place ("Nəticə …", "Because …")."""
        return fold(word) in self._names

    def unknown_names(self, question: str, lang: str) -> tuple[str, ...]:
        """The question's English names of two or more words that the corpus never uses, as typed
        ("Council of Europe")."""
        if lang != "en":
            return ()
        short = " ".join(self.abbreviated(question))
        return tuple(n for n in _names(question) if n not in short and not self._known(n))

    def _known(self, name: str) -> bool:
        if name not in self._seen:
            words = [re.escape(_base(fold(w))) + _ENDING for w in _WORDS.findall(name)]
            self._seen[name] = bool(re.search(rf"\b{_GAP.join(words)}\b", self._text))
        return self._seen[name]


def _base(word: str) -> str:
    """The word without a plural ending, so either side may carry one ("Councils")."""
    return re.sub(r"(?:es|s)$", "", word) if len(word) > 3 else word


def _names(question: str) -> list[str]:
    """Each titled run cut at possessives and titles, leading function words dropped; only the
    parts of two words or more ("L.A. Kojevnikov"; not "Azerbaijani-Russian", an adjective)."""
    out = []
    for run in titled_runs(question):
        for part in re.split(r"['’]s\b", run):
            out += [p for p in _untitled(part) if len(p.split()) >= 2]
    return out


def _untitled(run: str) -> list[str]:
    parts: list[list[str]] = [[]]
    for word in run.split():
        if fold(word).strip(".") in _TITLES:
            parts.append([])
        elif parts[-1] or not _function_word(word):
            parts[-1].append(word)
    return [" ".join(p) for p in parts if p]


def _function_word(word: str) -> bool:
    folded = fold(word)
    return folded in STOPWORDS_EN or folded in STOPWORDS_AZ
