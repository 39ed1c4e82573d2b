"""Is a question English or Azerbaijani? Rules first, a restricted n-gram detector second.

Questions are short and full of names, which is where statistical detectors are weakest: eldc
calls "Aliyev", "Baku" and "NATO" Azerbaijani and "Tell me about Heydər Əliyev" too. So each
word votes: function words count fully, Azerbaijani letters and endings count, but a
capitalised word (most likely a name) counts half, so one "Heydər Əliyev" cannot flip an
English sentence. Azerbaijani typed without its letters ("Turkiye ile munasibetler nece idi?")
is caught by folded function words and endings. eldc, restricted to az/en, only breaks ties,
and a bare name or number falls back to English with low confidence.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from app import textnorm


@dataclass(frozen=True)
class Detection:
    """A language guess: ``lang`` is "en" or "az"; ``method`` says which evidence decided."""

    lang: str
    confidence: float
    method: str  # "letters", "wordlist", "eldc" or "default"


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


DEFAULT_LANG = "en"
_AZ_ONLY_LETTERS = frozenset("əğışƏĞŞİ")  # not "I": it is English as often as Azerbaijani
_SHARED_LETTERS = frozenset("çöüÇÖÜ")  # also Turkish/German: weaker evidence alone
_AZ_WORDS = _wordset(
    "ve ile nece ne nedir neye niye hansi kim kimdir kimin bes idi imis oldu olub olan olunub "
    "ucun haqqinda barede arasinda zaman vaxt bu hem ki da de mi mu daha en sonra evvel qeder "
    "kimi var yox deyil hara harada haradan nece neden ise onun onlar bele hemin il ilde ili "
    "nedeni sebebi necedir edib etdi edir"
)
_EN_WORDS = _wordset(
    "the a an of and or in on at to for with about what who whom whose when where why how "
    "which is are was were did does do tell me between after before during from by his her "
    "their its this that these those there been be has have had will would can could should "
    "war role happened relations please explain describe give summary whats whos hows"
)
# Folded endings that English words almost never have (checked on lower-case folded words).
_AZ_ENDINGS = re.compile(
    r"(?:[^iuol](?:lar|ler)(?:in|i|da|de|dan|den|la|le|a|e)?|nin|nun|[nysl]la|[nysl]le|"
    r"ndan|nden|dir|dur|[^aeiou]di|[^aeiou]du|mis(?:dir)?|mus(?:dur)?|liq|lik|luq|acaq|ecek|"
    r"sinin|sini|sinde|sinda)$"
)
_AZ_INNER = re.compile(r"q[a-pr-z]|iyy|yy[ae]t")
_EN_INNER = re.compile(r"w|th|sh|ch|ph|oo|ee|(?:tion|ing|ness|ment|ly)$")
# Hyphens join: in "ATƏT-in" the "-in" is a case ending, not the English "in".
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_RULES_MARGIN = 0.5  # below this the rules are unsure and eldc may break the tie
_ELDC_MARGIN = 0.25  # eldc's score gap it must show to be trusted
_lock = threading.Lock()
_detector: Any = None  # eldc's Instance; typed loosely, eldc ships no stubs


@dataclass
class _Votes:
    az: float = 0.0
    en: float = 0.0
    az_letters: float = 0.0  # the part of ``az`` that Azerbaijani letters contributed
    az_only_letters: bool = False  # saw ə ğ ı ş İ (not just ç ö ü, which Turkish/German share)
    lowercase_word: bool = False  # not a bare list of names


def _letter_vote(word: str) -> float:
    if not _AZ_ONLY_LETTERS.isdisjoint(word):
        return 1.0
    return 0.5 if not _SHARED_LETTERS.isdisjoint(word) else 0.0


def _word_votes(word: str, votes: _Votes) -> None:
    """Add one word's evidence; cues inside a capitalised word (a likely name) count half."""
    folded = textnorm.fold(word)
    votes.lowercase_word |= word[0].islower()
    if folded in _AZ_WORDS:
        votes.az += 1.0
        return
    if folded in _EN_WORDS:
        votes.en += 1.0
        return
    scale = 0.5 if word[0].isupper() else 1.0
    letters = _letter_vote(word)
    az_cues = 0.5 * bool(_AZ_ENDINGS.search(folded)) + 0.5 * bool(_AZ_INNER.search(folded))
    votes.az += scale * min(1.0, letters + az_cues)
    votes.az_letters += scale * letters
    votes.az_only_letters |= letters == 1.0
    votes.en += scale * 0.5 * bool(_EN_INNER.search(folded))


def _eldc() -> Any:
    """The eldc detector restricted to az/en, created once on first use (thread-safe)."""
    global _detector
    with _lock:
        if _detector is None:
            import eldc  # deferred: nothing happens at import time

            detector = eldc.instance()  # own settings: never touches eldc's global config
            detector.set_languages(["az", "en"])
            detector.set_scores(2)
            try:
                detector.detect("")
            except RuntimeError:  # n-gram database not loaded yet by anyone
                eldc.init()
            _detector = detector
    return _detector


def _ask_eldc(text: str) -> Detection | None:
    """eldc's answer when it shows a clear gap between az and en, else None."""
    result = _eldc().detect_details(text)
    scores = dict(result.scores)
    best = result.language
    if best not in ("az", "en"):
        return None
    other = "en" if best == "az" else "az"
    gap = scores.get(best, 0.0) - scores.get(other, 0.0)
    if gap < _ELDC_MARGIN:
        return None
    return Detection(best, round(min(0.9, 0.5 + gap / 2), 3), "eldc")


def _confidence(winner: float, loser: float) -> float:
    """0.5 for a coin toss, towards 1.0 as the margin and the amount of evidence grow."""
    total = winner + loser
    return round(0.5 + 0.5 * (winner - loser) / total * min(1.0, total / 2), 3)


def detect(text: str) -> Detection:
    """Guess whether ``text`` (typically a question) is English or Azerbaijani."""
    found = _WORD_RE.findall(unicodedata.normalize("NFC", text))
    votes = _Votes()
    for word in found:
        _word_votes(word, votes)
    margin = abs(votes.az - votes.en)
    if margin >= _RULES_MARGIN:
        return _from_votes(votes)
    if len(found) >= 2 and votes.lowercase_word:  # eldc reads names as Azerbaijani
        guess = _ask_eldc(text)
        if guess is not None:
            return guess
    if votes.az_only_letters and votes.az > votes.en:  # "Qarabağ": the letters say enough
        return _from_votes(votes)
    return Detection(DEFAULT_LANG, 0.3 if found else 0.0, "default")


def _from_votes(votes: _Votes) -> Detection:
    if votes.az > votes.en:
        method = "letters" if votes.az_letters >= votes.az / 2 else "wordlist"
        return Detection("az", _confidence(votes.az, votes.en), method)
    return Detection("en", _confidence(votes.en, votes.az), "wordlist")
