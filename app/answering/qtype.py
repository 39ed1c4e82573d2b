"""What kind of fact a question asks for: a date, a number, a person, a place, a named thing, or
nothing short (why/how questions).

The type drives three things: which sentence holds the answer (one that has a date for "when"),
which short span is lifted out of it, and one answerability signal (a "when" question whose best
sentence holds no date is probably not answered by it). Patterns are matched on the folded
question (ə→e, ı→i, ...) so Azerbaijani typed without its letters is read the same way.
"""

from __future__ import annotations

import re
from enum import StrEnum

from app.textnorm import fold, tokens


class AnswerType(StrEnum):
    DATE = "date"
    NUMBER = "number"
    PERSON = "person"
    PLACE = "place"
    NAMED = "named"


_NAMED_HEADS = (
    r"agreements?|treaty|treaties|declarations?|documents?|organi[sz]ations?|projects?|"
    r"pipelines?|programm?e?s?|contracts?|commissions?|corridors?|conferences?|countr(?:y|ies)|"
    r"fields?|routes?|cit(?:y|ies)|states?|republics?|groups?|periods?|phases?|stages?|"
    r"names?|concepts?|ideas?|wars?|conflicts?|bod(?:y|ies)|ideya\w*|deals?|accords?|pacts?|"
    r"protocols?|committees?|reports?|orders?|decrees?|companies|company|protokol\w*|"
    r"komite\w*|ferman\w*|serencam\w*|hesabat\w*|qrup\w*|"
    r"agenc(?:y|ies)|institutions?|services?|newspapers?|keywords?|principles?|"
    r"offices?|posts?|positions?|titles?|vezife\w*|unions?|alliances?|blocs?|birliy\w*|"
    r"birlik\w*|ittifaq\w*|disputes?|mubahise\w*|munaqise\w*|mekan\w*|"
    r"qurum\w*|orqan\w*|qezet\w*|xidmet\w*|prinsip\w*|"
    r"sazis\w*|muqavile\w*|beyanname\w*|sened\w*|teskilat\w*|layihe\w*|kemer\w*|proqram\w*|"
    r"komissiya\w*|dehliz\w*|konfrans\w*|olke\w*|yataq\w*|seher\w*|dovlet\w*|respublika\w*|"
    r"dovr\w*|merhele\w*|adi\w*|konsepsiya\w*|muharibe\w*"
)
#: "Which Turkish leaders": people, asked by the office they held.
_PERSON_HEADS = (
    r"presidents?|leaders?|ministers?|officials?|diplomats?|politicians?|heads? of state|"
    r"prezident\w*|lider\w*|nazir\w*|rehber\w*|siyasetci\w*|diplomat\w*|"
    r"dovlet basci\w*|basci\w*|authors?|scholars?|researchers?|writers?|muellif\w*|"
    r"tedqiqatci\w*|sources?|menbe\w*"
)
#: "Which country did he visit": a place, not a named thing ("Turkish Prime Minister …").
_PLACE_HEADS = (
    r"countr(?:y|ies)|cit(?:y|ies)|towns?|capitals?|nations?|regions?|seas?|"
    r"olke\w*|seher\w*|paytaxt\w*|bolge\w*|region\w*|deniz\w*"
)
_PATTERNS: tuple[tuple[AnswerType, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            AnswerType.DATE,
            r"\b(when|what year|which year|what years|which years|what date|which date|"
            r"what months?|which months?|what days?|which days?|what period|which period|"
            r"what dates|which dates|since when|"
            r"what decade|which decade|"
            r"until when|in what year|what time|ne vaxt\w*|ne zaman\w*|hacan|"
            r"hansi (?:il|tarix|ay|gun|dovr|vaxt)\w*|"
            r"necenci il\w*|(?:ayin |\w+in )?necesi\w*|at what (?:point|time|stage)|"
            r"on what day|which day)\b",
        ),
        (
            AnswerType.NUMBER,
            r"\b(how many|how much|how long|how far|how big|how old|how often|what age|"
            r"what percentage|what share|"
            r"what proportion|what number|what part|which part|how large|ne qeder\w*|"
            r"nece faiz\w*|"
            r"hansi hisse\w*|(?:what|which) (?:is|was|were) the (?:\w+ )?"
            r"(?:length|size|number|amount|share|percentage|proportion|distance|capacity))\b",
        ),
        # "whose influence", "whose programme": a country or an organisation, not a person
        (
            AnswerType.NAMED,
            r"\b(whose) (?:\w+ ){0,2}?(?:influence|sway|side|interests?|support|pressure|"
            r"control|dominance|programm?e|project|initiative|policy|territory)\b|"
            r"\b(kimin) (?:tesir\w*|nufuz\w*|terefin\w*|maraq\w*|layihe\w*|proqram\w*)",
        ),
        (AnswerType.PERSON, r"\b(who|whom|whose|kim(?!i\b)\w*)\b"),
        (AnswerType.PERSON, rf"\b(which|what|hansi)\s+(?:\w+\s+){{0,2}}?({_PERSON_HEADS})\b"),
        (
            AnswerType.PLACE,
            r"\b(where|in which city|which city|what city|hara\w*|harda|hansi seher\w*)\b",
        ),
        (AnswerType.PLACE, rf"\b(which|what|hansi)\s+(?:\w+\s+){{0,2}}?({_PLACE_HEADS})\b"),
        (AnswerType.NAMED, rf"\b(which|what|hansi)\s+(?:\w+\s+){{0,2}}?({_NAMED_HEADS})\b"),
        (
            AnswerType.NAMED,
            r"\b(what was|what is|what were) (?:the )?(?:\w+ )?(?:name|title)\b|"
            r"\badi (?:ne|nedir)\b|^(name) (?:the|a|an|one)\b",
        ),
        # "What was signed in April 2002?", "Bakıda nə qəbul edildi?": a document or a body
        (
            AnswerType.NAMED,
            r"\b(what) (?:was|were) (?:\w+ )?(?:signed|adopted|approved|established|created|"
            r"concluded|founded)\b|\b(ne) (?:imzala\w*|qebul (?:edil|olun)\w*|tesdiq (?:edil|"
            r"olun)\w*|yaradil\w*|baglan\w*)",
        ),
        (
            AnswerType.NAMED,
            r"\b(what (?:do|does|did) [\w ]{1,40} call|what is [\w ]{1,40} called|"
            r"nece adlan\w*|ne adlan\w*)\b",
        ),
    )
)
#: "neçə" (how many) and "necə" (how) fold to the same "nece": with the letters they differ, without
#: them "nece" followed by a noun counts ("nece sened") and followed by a verb asks how.
_HOW_MANY_AZ = re.compile(r"\bneçə\b", re.IGNORECASE)
_NECE_ASCII = re.compile(r"\bnece\s+(\w+)", re.IGNORECASE)
_VERBISH = re.compile(
    r"(?:idi|oldu|olub|olmus|olur|edir|etdi|edib|edirdi|inkisaf\w*|\w+(?:di|du|ib|ub|ir|ur|mis|mus|"
    r"irdi|urdu|ecek|acaq))$"
)
_AZ_LETTERS = re.compile(r"[əğıöşüçƏĞİÖŞÜÇ]")


def answer_type(question: str) -> AnswerType | None:
    """The kind of short answer the question wants, or None for why/how/describe questions."""
    folded = fold(question)
    if _HOW_MANY_AZ.search(question):
        return AnswerType.NUMBER
    if not _AZ_LETTERS.search(question):
        nece = _NECE_ASCII.search(folded)
        if nece and not _VERBISH.match(nece.group(1)):
            return AnswerType.NUMBER
    best: tuple[int, AnswerType] | None = None
    for kind, pattern in _PATTERNS:
        match = next((m for m in pattern.finditer(folded) if not _subordinate(folded, m)), None)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), kind)
    return best[1] if best else None


#: "What office was Aliyev holding when he …": after the question's own wh-word, "when",
#: "where" and "who" open a clause; they do not say what is asked.
_CONJUNCTIONS = frozenset({"when", "where", "who", "whom", "whose"})
_ASKING = re.compile(r"\b(?:what|which|how|why)\b")


def _subordinate(folded: str, match: re.Match[str]) -> bool:
    if match.group(1) not in _CONJUNCTIONS:
        return False
    earlier = _ASKING.search(folded, 0, match.start())
    return earlier is not None


_HEAD_WORD = re.compile(r"\b(?:which|what|hansı|hansi)\s+((?:[\w-]+\s+){0,2})", re.I)
_COUNT_WORDS = frozenset("two three four five six seven eight nine ten iki üç dörd beş".split())
_PLURAL_HEAD = re.compile(r"(?:[^s]s|lar|lər)(?:ı|i|da|də|dan|dən|a|ə|ın|in|ını|ini)?$")
#: "hansi kemerlerin": the Azerbaijani plural typed without its letters ("ruler" is no plural)
_PLURAL_ASCII = re.compile(r"ler(?:i|in|ini|de|den|e)?$")
_AZ_HEAD_ENDINGS = tuple("ların lərin ları ləri lar lər sı si nı ni da də".split())


def head_noun(question: str) -> str | None:
    """The noun the question asks to name ("project" in "which project", "layihə" in "hansı
    layihə"), as a prefix for matching inflected forms in the sentence."""
    found = _head(question)
    if not found:
        return None
    word = found[1].lower()
    for ending in _AZ_HEAD_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    if len(word) >= 6 and word[-1] in "aeəıiuü" and not word.endswith(("ie", "ue")):
        return word[:-1]  # "prinsipə" / "prinsipe": the dative of "prinsip"
    return word.rstrip("s") if len(word) > 4 else word


_COUNTED = re.compile(r"\bhow many\s+(?:[\w-]+\s+){0,1}?([\w-]+)|\bneçə\s+([\w-]+)", re.I)


def counted_noun(question: str) -> set[str]:
    """The terms of what "how many" counts ("refugees" in "how many refugees and ..."), so the
    count whose unit names it wins over other numbers in the sentence."""
    match = _COUNTED.search(question)
    if not match:
        return set()
    word = match.group(1) or match.group(2)
    return set(tokens(word, "en")) | set(tokens(word, "az"))


_AUTHOR = re.compile(
    r"\b(?:authors?|scholars?|researchers?|sources?|muellif\w*|tedqiqatci\w*|menbe\w*|"
    r"according to whom|whose (?:work|study|book|article)|kimlerin eser\w*|kimin eser\w*)\b"
)


def asks_author(question: str) -> bool:
    """ "According to which author …", "hansı müəllifə istinadən …": the answer is the reference."""
    return bool(_AUTHOR.search(fold(question)))


_WHO_PLURAL = re.compile(r"\bkimler\w*")  # "kimlərin dəvəti ilə": at whose (several) invitation


def is_plural(question: str) -> bool:
    """Asks for several facts: "which years", "which three states", "hansı ölkələr"."""
    if _WHO_PLURAL.search(fold(question)):
        return True
    found = _head(question)
    if not found:
        return False
    modifiers, head = found[0], found[1].lower()
    ascii_az = bool(re.search(r"\bhansi\b", fold(question))) and bool(_PLURAL_ASCII.search(head))
    plural_form = len(head) > 4 and (bool(_PLURAL_HEAD.search(head)) or ascii_az)
    return bool(modifiers & _COUNT_WORDS) or (plural_form and not head.endswith(("us", "is")))


#: Azerbaijani writes nationality adjectives in lower case ("hansı fransız qəzeti"): they
#: modify the head noun, like "French" in "which French newspaper".
_AZ_NATIONALITIES = frozenset(
    "fransiz rus turk ingilis alman amerikan ermeni gurcu iran azerbaycan avropa ereb cin "
    "yapon ukrayna qazax ozbek turkmen".split()
)


def _head(question: str) -> tuple[set[str], str] | None:
    """(modifiers, head): the first word after which/what that is neither a count ("three")
    nor a capitalised adjective ("Russian body")."""
    match = _HEAD_WORD.search(re.sub(r"[^\w\s-]", " ", question) + " ")
    if not match:
        return None
    words = match.group(1).split()
    # "which gas field", "which transport agreement": the noun that names a kind is the head
    for i, word in enumerate(words):
        if _KIND_NOUN.fullmatch(fold(word)) and i > 0:
            return {w.lower() for w in words[:i]}, word
    for i, word in enumerate(words):
        adjective = word[0].isupper() or fold(word) in _AZ_NATIONALITIES
        if word.lower() not in _COUNT_WORDS and not adjective:
            return {w.lower() for w in words[:i]}, word
    return None


_KIND_NOUN = re.compile(rf"(?:{_NAMED_HEADS}|{_PERSON_HEADS})")
