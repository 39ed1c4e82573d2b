"""Names that stand for one another: the adjective for the country ("Iranian" for Iran,
"gürcü" for Gürcüstan, "Azerbaijani-Russian" for Azerbaijan and Russia), and a capital for its
state when the state is a party ("relations with Moscow", "Tbilisi rəhbərliyi").

Questions say "the Iranian president" where the paragraph says "the President of Iran".
Without this the answerability model reads a name the paragraph "lacks" and counts it as
evidence that the question is about something else, which is what the wrong-country variants
it should catch look like ("When did Armenia open its embassy in Baku?"). So a name is held
when any name of its group is. A capital never stands for its state as a place: "the weather
in Baku" and "the embassy in Ankara" are about the city (measured: with capitals everywhere,
cross-validated near-topic abstentions in Azerbaijani fell 0.45 → 0.35 and an off-topic
question got through). The groups are the states the corpus is about, in English and
Azerbaijani, folded (ə→e, ı→i, …) as the analyser writes terms.
"""

from __future__ import annotations

import re
from functools import cache

from app.textnorm import fold, tokens

GROUPS: tuple[tuple[str, ...], ...] = (
    ("russia", "russian", "russians", "rusiya", "rus"),
    ("armenia", "armenian", "armenians", "ermenistan", "ermeni"),
    ("georgia", "georgian", "georgians", "gurcustan", "gurcu"),
    ("azerbaijan", "azerbaijani", "azerbaijanis", "azerbaycan", "azerbaycanli"),
    ("iran", "iranian", "iranians"),
    ("turkey", "turkish", "turks", "turkiye", "turk"),
    ("west", "western", "qerb"),
)
#: A capital stands for its state as a party ("relations with Moscow", "Tbilisi rəhbərliyi"),
#: never as a place ("in Baku", "Ankarada"): see `located`.
CAPITALS: tuple[tuple[str, ...], ...] = (
    ("russia", "moscow", "kremlin", "moskva"),
    ("armenia", "yerevan", "irevan"),
    ("georgia", "tbilisi"),
    ("azerbaijan", "baku", "baki"),
    ("iran", "tehran"),
    ("turkey", "ankara"),
)
MIN_PREFIX = 3  # a stemmed term ("ira", "gurc") names its group as a prefix of a member


@cache
def _group_terms(group: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for word in group for lang in ("en", "az", None) for t in tokens(word, lang))


def _groups_of(term: str, groups: tuple[tuple[str, ...], ...]) -> list[tuple[str, ...]]:
    term = fold(term)
    return [
        g
        for g in groups
        if any(
            m == term
            or (len(term) >= MIN_PREFIX and m.startswith(term))
            or (len(m) >= 5 and term.startswith(m))  # "azerbaycanli", not "turkmenistan"
            for m in g
        )
    ]


def held(term: str, terms: set[str] | frozenset[str], *, party: bool = False) -> bool:
    """Whether ``terms`` (a paragraph's) hold another name of the place ``term`` names; with
    ``party``, a capital's state counts too."""
    groups = GROUPS + CAPITALS if party else GROUPS
    return any(_group_terms(g) & terms for g in _groups_of(term, groups))


def stands_for(word: str, question: str, lang: str) -> str | None:
    """The state a question's word names by another name: its adjective ("Azerbaijanis"), or
    its capital as a party ("Tbilisi, Baku and Ankara promised …"); else None."""
    groups = GROUPS if located(question, word, lang) else GROUPS + CAPITALS
    return _state(fold(word).rstrip("s’'"), groups) or _state(fold(word), groups)


def state_of(term: str) -> str | None:
    """The state a term names by its adjective or its name ("georgian" → "georgia"), else None."""
    return _state(term, GROUPS)


def states_in(terms: set[str] | frozenset[str]) -> set[str]:
    """The states that analysed terms name by their names or adjectives."""
    return {state for t in terms if (state := state_of(t))}


#: Every answer may name these without being about another country: the corpus' own state, and
#: "the West" as a whole.
BACKGROUND = frozenset({"azerbaijan", "west"})


def swapped(asked: set[str], shown: set[str]) -> set[str]:
    """The states the question names that the shown sentences swap for another one they name
    and it does not: "When was the Turkish embassy opened in Baku?" answered by "…the
    Georgian embassy was opened in Baku…" (a wrong-country variant of a real fact); empty when
    nothing is swapped."""
    asked = asked - BACKGROUND
    return asked - shown if shown - asked - BACKGROUND else set()


def _state(term: str, groups: tuple[tuple[str, ...], ...]) -> str | None:
    """The one state the term names in ``groups``; None for none, or for two."""
    states = {g[0] for g in _groups_of(term, groups)}
    return states.pop() if len(states) == 1 else None


_LOCATED_EN = re.compile(r"\b(?:in|at|to|from|into|near|outside)\s+(?:the\s+)?$", re.IGNORECASE)
_LOCATIVE_AZ = re.compile(r"(?:da|də|dakı|dəki|dan|dən|ya|yə|a|ə)$")


def located(question: str, word: str, lang: str) -> bool:
    """The word names where something happens ("in Baku", "Ankarada"), not a party to it."""
    if lang == "az":
        return bool(_LOCATIVE_AZ.search(word))
    at = question.find(word)
    return at >= 0 and bool(_LOCATED_EN.search(question[:at]))
