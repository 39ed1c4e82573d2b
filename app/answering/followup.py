"""Resolving elliptical follow-ups ("And with Georgia?", "Bəs Gürcüstanla?") against the previous
question, so retrieval sees a complete question.

A rewrite that goes wrong is worse than none ("Bakıda hava necədir?" once became "Who won the
2018 football Bakıda?"), so a question is rewritten only when it cannot stand alone: it has no
question word or predicate of its own, it is in the previous question's language, and, after an
abstention, it also opens with "and"/"bəs" (a bare phrase then is more likely a new question).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.langdetect import detect
from app.textnorm import fold


@dataclass(frozen=True)
class Turn:
    """What a follow-up needs of the previous turn."""

    question: str
    answered: bool = True
    lang: str | None = None  # detected from the question when not given


_LEAD = re.compile(
    r"^\s*(?:(?P<en>and what about|what about|how about|and with|and in|and|also)|"
    r"(?P<az>bəs|bes|və|ve|həmçinin|hemcinin))\b[\s,]*",
    re.IGNORECASE,
)
#: A predicate ending ("necədir", "idi", "olacaq") makes a sentence that stands on its own.
_PREDICATE = re.compile(r"^(?:\w{2,}(?:dir|dır|dur|dür|acaq|əcək)|idi|imiş|olub)$")
_QUESTION_WORDS = frozenset(
    fold(w)
    for w in (
        "what who when where why how which whom whose did does do was were is are "
        "nə kim vaxt harada niyə necə hansı kimi neçə"
    ).split(" ")
)
_NUMBER = re.compile(r"\b\d{1,4}\b")
_OPENERS = frozenset({"Tell", "Explain", "Describe", "Give", "List", "Show", "Please"})
_PROPER = re.compile(r"\b[A-ZÇƏĞİÖŞÜ][\wəğıöşüç'’-]*(?:\s+[A-ZÇƏĞİÖŞÜ][\wəğıöşüç'’-]*)*")


def is_followup(question: str) -> bool:
    """Short questions leaning on the previous turn: a leading "and"/"bəs" or a bare phrase, with
    no question of their own ("Bəs Gürcüstanla münasibətlər necə idi?" stands alone)."""
    lead = _LEAD.match(question)
    rest = question[lead.end() :] if lead else question
    words = re.findall(r"[\wəğıöşüçİ'-]+", rest)
    if not words or len(words) > 6:
        return False
    asks = any(_asks(w) for w in words)
    if lead:
        return not asks or len(words) <= 2
    return len(words) <= 3 and not asks


def _asks(word: str) -> bool:
    """A question word, inflected or not ("necədir", "kimdir", "harada"), or a predicate."""
    folded = fold(word.lower())
    if folded in _QUESTION_WORDS or _PREDICATE.search(word.lower()):
        return True
    return any(folded.startswith(q) for q in _QUESTION_WORDS if len(q) >= 4)


def _language(question: str) -> str | None:
    """The follow-up's own language: its lead word's, else a confident detection, else unknown."""
    lead = _LEAD.match(question)
    if lead:
        return "en" if lead.group("en") else "az"
    found = detect(question)
    return found.lang if found.confidence >= 0.5 else None


def resolve(question: str, previous: str | Turn | None) -> str:
    """The question to search for: the previous question with its subject swapped, or unchanged."""
    turn = Turn(previous) if isinstance(previous, str) else previous
    if turn is None or not is_followup(question):
        return question
    if not turn.answered and not _LEAD.match(question):
        return question
    own, before = _language(question), turn.lang or detect(turn.question).lang
    if own is not None and own != before:
        return question
    previous = turn.question
    rest = _LEAD.sub("", question).strip(" ?!.")
    for pattern in (_PROPER, _NUMBER):
        new = pattern.findall(rest)
        old = [m for m in pattern.finditer(previous) if not _is_question_word(m.group(0))]
        if new and old:
            last = old[-1]
            replacement = " ".join(new)
            if previous[last.end() :].startswith((" ilə", " ile")):
                replacement = re.sub(r"(?:la|lə|le)$", "", replacement)
            return previous[: last.start()] + replacement + previous[last.end() :]
    return f"{rest} — {previous}"


def _is_question_word(text: str) -> bool:
    return fold(text.split()[0].lower()) in _QUESTION_WORDS or text.split()[0] in _OPENERS
