"""What answers "where" and "which city / sea / region": a place of the asked kind.

"In which city" is answered by neither "Russia" nor "Central Asia"; "which sea-related question"
by "Caspian Sea", not by the country named next to it; "Where is Shah Deniz?" not by
"Azerbaijani" in "the Azerbaijani part of the Caspian Sea" (an adjective before a common noun).
`app.answering.spans` adds `fit` to a place candidate's score and drops a `demonym`.
"""

from __future__ import annotations

import re

from app.answering.quantities import Candidate
from app.textnorm import fold

NOT_A_CITY = 2.0  # "in which city" is answered by neither "Russia" nor "Central Asia"
PLACE_KIND = 2.0  # as strong as NOT_A_CITY: the question says what kind of place
_ASKS_CITY = re.compile(r"\b(?:city|cities|capital|town|seher\w*|paytaxt\w*)\b")
_NOT_CITIES = tuple(
    fold(w)
    for w in (
        "Azerbaijan Russia Turkey Iran Georgia Armenia Turkmenistan Kazakhstan Ukraine "
        "Uzbekistan Republic Azərbaycan Rusiya Türkiyə İran Gürcüstan Ermənistan Türkmənistan "
        "Qazaxıstan Ukrayna Özbəkistan Respublika Asia Europe Caucasus Central South North "
        "Asiya Avropa Qafqaz Mərkəzi Cənubi Şimali"
    ).split()
)
_NOT_CITY_WORD = re.compile(r"\b(?:sea|ocean|river|lake|region|deniz\w*|okean\w*|bolge\w*)\b")
#: "which sea", "hansı bölgə": a place that says it is one ("Caspian Sea", "Xəzər dənizi").
_PLACE_KIND = re.compile(r"\b(?:which|what|hansi) (?:\w+ )?(sea|region|deniz|bolge)\w*")
_DEMONYM = re.compile(r"(?:[A-Z]\w+ )*[A-Z]\w+(?:ani|ian|ish|ese|ean)")
_LOWER_NEXT = re.compile(r"\s+[a-z]")


def asks_city(folded_question: str) -> bool:
    return bool(_ASKS_CITY.search(folded_question))


def asked_kind(folded_question: str) -> str:
    """The kind of place asked for, folded ("sea", "bolge"); "" for any."""
    return next(iter(_PLACE_KIND.findall(folded_question)), "")


def fit(sentence: str, cand: Candidate, core: str, city: bool, kind: str) -> float:
    """How a place candidate fits what is asked: −NOT_A_CITY for a country or a sea when a city
    is asked, +PLACE_KIND when it (or the word after it) names the asked kind of place."""
    score = -NOT_A_CITY if city and _not_a_city(core) else 0.0
    if kind and kind in fold(sentence[cand.start : min(len(sentence), cand.end + 12)]):
        score += PLACE_KIND
    return score


def demonym(sentence: str, cand: Candidate, lang: str) -> bool:
    """ "the Azerbaijani part of the Caspian Sea": an adjective before a common noun is no
    place, and no name ("five Central Asian republics")."""
    word = sentence[cand.start : cand.end]
    return (
        lang == "en"
        and bool(_DEMONYM.fullmatch(word))
        and bool(_LOWER_NEXT.match(sentence, cand.end))
    )


def _not_a_city(span: str) -> bool:
    folded = fold(span)
    return folded.startswith(_NOT_CITIES) or bool(_NOT_CITY_WORD.search(folded))
