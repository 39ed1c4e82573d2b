"""Resolving elliptical follow-ups ("And with Georgia?", "Bəs Gürcüstanla?") against the previous
question, so retrieval sees a complete question."""

from __future__ import annotations

import re

from app.textnorm import fold

_LEAD = re.compile(
    r"^\s*(?:and|also|what about|how about|and what about|and with|and in|"
    r"bəs|bes|və|ve|həmçinin|hemcinin)\b[\s,]*",
    re.IGNORECASE,
)
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
    asks = any(fold(w.lower()) in _QUESTION_WORDS for w in words)
    if lead:
        return not asks or len(words) <= 2
    return len(words) <= 3 and not asks


def resolve(question: str, previous: str | None) -> str:
    """The question to search for: the previous question with its subject swapped, or unchanged."""
    if not previous or not is_followup(question):
        return question
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
