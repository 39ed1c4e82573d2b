"""Questions that name a number: "Where did Aliyev travel in June-July 1994?", "What did the
two countries sign on January 1, 2001?".

A year or a count the reader types is the sharpest constraint a question has, yet both rankings
blur it: to the embedding "1994" is much like "1996", and to BM25 one common token among many.
So the body paragraph about another visit wins, and the answerability model then rightly
abstains ("the closest passage does not mention 1994") although another paragraph holds the
fact. Retrieval gives paragraphs holding the question's numbers a lift, in proportion to the
share they hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from app.corpus import Paragraph
from app.textnorm import tokens

#: Half a first place in one ranking of the reciprocal-rank fusion (0.5 / 61): it reorders
#: paragraphs of similar rank; on the fit questions a whole first place (or two) cost answers
#: whose paragraph states the year in words ("that year") and gained nothing more.
LIFT = 0.5 / 61


def asked_numbers(question: str) -> frozenset[str]:
    """The question's numeric terms, as the analyser writes them ("1994", "22")."""
    return frozenset(t for t in tokens(question, None) if t[:1].isdigit())


def spellings(term: str) -> frozenset[str]:
    """A decade in each of its spellings: "90" ("90-cı illər") is "1990" ("the 1990s")."""
    if len(term) == 2 and term.endswith("0") and term.isdigit():
        return frozenset({term, "19" + term})
    if len(term) == 4 and term.startswith("19") and term.endswith("0"):
        return frozenset({term, term[2:]})
    return frozenset({term})


@lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    return frozenset(tokens(text, None))


def lift(
    scored: list[tuple[tuple[str, str], float]],
    question: str,
    versions: Callable[[str, str], Mapping[str, Paragraph]],
) -> list[tuple[tuple[str, str], float]]:
    """``scored``: ((doc_id, pid), fused score), best first; re-sorted with the lift."""
    asked = asked_numbers(question)
    if not asked:
        return scored

    def share(key: tuple[str, str]) -> float:
        held = frozenset().union(*(_terms(p.text) for p in versions(*key).values()))
        return sum(bool(spellings(t) & held) for t in asked) / len(asked)

    return sorted(((key, s + LIFT * share(key)) for key, s in scored), key=lambda x: -x[1])
