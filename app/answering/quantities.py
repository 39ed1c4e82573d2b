"""Where dates and numbers sit in a sentence ("on September 20, 1994", "1994-cü ilin
sentyabrında", "16 important documents", "A month later").

Each finder yields `Candidate` spans (character offsets into the sentence) with a prior — how
typical a span of that shape is for the kind asked — and `app.answering.spans` ranks them
against the question. Names and named things are in `app.answering.finders`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from app.textnorm import STOPWORDS_AZ, STOPWORDS_EN, fold, lower

MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTHS_AZ = "yanvar|fevral|mart|aprel|may|iyun|iyul|avqust|sentyabr|oktyabr|noyabr|dekabr"
_ORD = r"-(?:ci|cı|cu|cü)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_YEAR_PARTS = "end|beginning|middle|start|spring|summer|autumn|fall|winter|first half|second half"
_DATES = {
    "en": tuple(
        re.compile(p)
        for p in (
            rf"\bfrom (?:{MONTHS_EN}) \d{{1,2}} to \d{{1,2}}, {_YEAR}",
            rf"\bfrom (?:{MONTHS_EN} )?{_YEAR} (?:to|until) (?:{MONTHS_EN} )?{_YEAR}",
            rf"\b(?:{MONTHS_EN}) \d{{1,2}}(?:-\d{{1,2}})?, {_YEAR}",
            rf"\b\d{{1,2}}(?:-\d{{1,2}})? (?:{MONTHS_EN}) {_YEAR}",
            rf"\b(?:{MONTHS_EN})(?:-(?:{MONTHS_EN}))? {_YEAR}",
            rf"\b{_YEAR}[-–]{_YEAR}",
            rf"\b(?:the )?(?:{_YEAR_PARTS}) of {_YEAR}",
            rf"\b(?:{MONTHS_EN}) \d{{1,2}}\b",
            rf"\b{_YEAR}s?\b",
            r"\bthe \d0s\b",
            # a month alone ("In September, our country joined the CIS"), after a preposition
            # so that the verb "may" is none
            rf"(?:(?<=\b[Ii]n )|(?<=\bby )|(?<=\bsince )|(?<=\buntil )|(?<=\bfrom ))"
            rf"(?:{MONTHS_EN})\b",
        )
    ),
    "az": tuple(
        re.compile(p, re.IGNORECASE)
        for p in (
            rf"\b\d{{1,2}}(?:-\d{{1,2}})? (?:{MONTHS_AZ}) {_YEAR}{_ORD} il",
            # "1994-cü il fevralın 4-dən 11-dək", "martın 24-də": the day after the month
            rf"\b(?:{_YEAR}{_ORD} il )?(?:{MONTHS_AZ})\w* \d{{1,2}}-\w+(?: \d{{1,2}}-\w+)?",
            rf"\b{_YEAR}{_ORD} ilin (?:{MONTHS_AZ}|sonlar|əvvəllər|ortalar|yaz|payız|qış|"
            rf"(?:birinci|ikinci) yarı)\w*",
            rf"\b{_YEAR}[-–]{_YEAR}{_ORD} illər",
            rf"\b{_YEAR}{_ORD} il(?:lər)?",
            rf"\b\d{{1,2}} (?:{MONTHS_AZ})\w*",
            rf"\b{_YEAR}\b",
            r"\b\d0-(?:cı|ci|cu|cü) illər",
            rf"\b(?:{MONTHS_AZ}) ay\w*",  # "Sentyabr ayında ölkəmiz MDB-yə daxil oldu"
        )
    ),
}
_NUMBER_WORDS = {
    "en": r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|"
    r"fifty|hundred|thousand|million|billion|dozens|tens|hundreds|thousands|millions",
    "az": r"on (?:bir|iki|üç|dörd|beş|altı|yeddi|səkkiz|doqquz)|on|"
    r"iki|üç|dörd|beş|altı|yeddi|səkkiz|doqquz|iyirmi|otuz|qırx|əlli|yüz\w*|min|"
    r"milyon\w*|milyard\w*",
}
_NUMBERS = {
    lang: re.compile(
        rf"(?:(?:more than|less than|nearly|about|over|almost|approximately|təxminən|"
        rf"az qala) )?(?:\d+(?:[.,]\d+)*%?|\b(?:a |an )?(?:{words})\b)"
        rf"(?: (?:thousand|million|billion|min|milyon\w*|milyard\w*|percent|faiz)\b)?",
        re.IGNORECASE,
    )
    for lang, words in _NUMBER_WORDS.items()
}
#: "A month later" / "Bir ay sonra": a duration in words, the answer to "how long after".
_WORD_DURATION = re.compile(
    r"\b(?:a|an|one|bir) (?:years?|months?|weeks?|days?|decades?|il|ay|həftə|gün)\b"
    r"(?: (?:later|earlier|after|sonra|əvvəl)\b)?",
    re.IGNORECASE,
)
#: "the two countries" / "iki ölkə" count the parties of a relation, never the answer to "how many".
_NOT_COUNTS = re.compile(r"^(?:the )?(?:two|both|iki) (?:countries|sides|states|ölkə|tərəf|dövlət)")
_VAGUE = re.compile(r"(?:dozens|tens|hundreds|thousands|millions|onlarla|yüzlərlə|minlərlə)")
_AND = re.compile(r",?\s+(?:and|və)\s+")
_NEXT_WORD = re.compile(r" ([^\W\d_][\w'’-]*(?<!ing)(?<!ed))(?=[\s,.;:)]|$)")
AZ_VERB = re.compile(r"\w{3,}(?:mış|miş|muş|müş|dır|dir|dur|dür|ıb|ib|ub|üb|dı|di|du|dü)$")
_UNIT_STOP = STOPWORDS_EN | STOPWORDS_AZ


#: Questions about where a period ends or starts ("When did the phase end?", "nə vaxtdan").
_ASKS_END = re.compile(
    r"\b(?:end|ended|ending|until|till|finish\w*|bitdi|bitib|bitmisdi|sona (?:catdi|yetdi)|"
    r"basa catdi|\w+(?:a|e)dek|qeder (?:surdu|davam))\b"
)
_ASKS_START = re.compile(r"\b(?:start\w*|began|begin\w*|since|basla\w*|\w+ vaxtdan|tarixden)\b")
_ENDS_HERE = re.compile(r"(?:\b(?:to|until|till)\s+(?:the\s+)?|[–-]\s*)$")
_STARTS_HERE = re.compile(r"\b(?:from|since)\s+(?:the\s+)?$")
_AZ_END = re.compile(r"(?:dək|dan sonra|qədər)$")
_AZ_START = re.compile(r"(?:dan|dən)(?:\s+(?:etibarən|bəri))?$")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    prior: float = 0.0  # how typical the span's shape is for the kind asked (higher: better)
    is_list: bool = False  # several names ("Georgia, Azerbaijan and Turkey")
    #: For a number, where the number itself ends and its unit begins ("250 thousand|of our
    #: compatriots"): the unit may repeat the question's words ("how many refugees"), the
    #: number may not.
    core_end: int | None = None
    verbatim: bool = False  # no case ending to cut: "Məmmədzadə" in a reference is the name


def dates(sentence: str, lang: str) -> Iterator[Candidate]:
    """Longest, most specific shapes first; a span overlapping an earlier one is not repeated
    ("1993-cü ilin may" holds the month of "may ayında")."""
    taken: list[tuple[int, int]] = []
    patterns = _DATES.get(lang, _DATES["en"])
    for rank, pattern in enumerate(patterns):
        for m in pattern.finditer(sentence):
            overlaps = any(a < m.end() and m.start() < b for a, b in taken)
            if in_reference(sentence, m.start()) or overlaps:
                continue
            taken.append((m.start(), m.end()))
            yield Candidate(m.start(), m.end(), -0.05 * rank)


def numbers(sentence: str, lang: str) -> Iterator[Candidate]:
    in_dates = [(c.start, c.end) for c in dates(sentence, lang)]
    for m in _NUMBERS.get(lang, _NUMBERS["en"]).finditer(sentence):
        if in_reference(sentence, m.start()) or _inside(in_dates, m.start(), m.end()):
            continue
        if _NOT_COUNTS.match(lower(sentence[m.start() : m.start() + 30], lang)):
            continue
        digits = any(ch.isdigit() for ch in m.group(0))
        prior = 0.3 if digits else -0.3 if _VAGUE.fullmatch(m.group(0).lower()) else 0.0
        yield Candidate(m.start(), _unit_end(sentence, m.end()), prior, core_end=m.end())
    for m in _WORD_DURATION.finditer(sentence):
        yield Candidate(m.start(), m.end(), 0.0)


def number_pairs(sentence: str, lang: str) -> Iterator[Candidate]:
    """Two counts joined by "and" ("32 countries and thirteen international organizations"):
    the answer to "how many countries and organisations"."""
    found = list(numbers(sentence, lang))
    for first, second in pairwise(found):
        between = sentence[first.end : second.start]
        if _AND.fullmatch(between):
            yield Candidate(first.start, second.end, 0.6, core_end=first.core_end)


def _unit_end(sentence: str, end: int) -> int:
    """Where the number's unit ends ("64 important documents"): up to three words, stopping at
    punctuation, a function word or a verb form."""
    previous = ""
    for _ in range(3):
        word = _NEXT_WORD.match(sentence, end)
        if not word or fold(word.group(1)) in _UNIT_STOP or AZ_VERB.search(word.group(1)):
            break
        # a name starts another phrase: "443,000 metri | Azərbaycan ərazisi", but "five
        # Central Asian republics" is one
        if word.group(1)[0].isupper() and previous and not previous[0].isupper():
            break
        previous, end = word.group(1), word.end()
    return end


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def spellings(term: str) -> frozenset[str]:
    """A decade in each of its spellings: "90" ("90-cı illər") is "1990" ("the 1990s")."""
    if len(term) == 2 and term.endswith("0") and term.isdigit():
        return frozenset({term, "19" + term})
    if len(term) == 4 and term.startswith("19") and term.endswith("0"):
        return frozenset({term, term[2:]})
    return frozenset({term})


def in_reference(sentence: str, at: int) -> bool:
    """A year or name inside a reference ("(Qasımlı, 2015, p. 113)") is not an answer."""
    opened = sentence.rfind("(", 0, at)
    if opened == -1 or sentence.find(")", opened) < at:
        return False
    inner = sentence[opened : sentence.find(")", opened)]
    return "," in inner and bool(re.search(r"\d{4}", inner))


def range_edge(question: str, sentence: str, cand: Candidate) -> float:
    """+1 when the date is the edge of a range the question asks for ("from October 1993 to
    January 2001": "until when" → January 2001), −1 for the other edge, 0 otherwise."""
    folded = fold(question)
    wants_end, wants_start = bool(_ASKS_END.search(folded)), bool(_ASKS_START.search(folded))
    if wants_end == wants_start:
        return 0.0
    before = sentence[max(0, cand.start - 12) : cand.start]
    span = sentence[cand.start : min(len(sentence), cand.end + 12)].split(" (")[0]
    is_end = bool(_ENDS_HERE.search(before) or _AZ_END.search(_word_at(span, cand)))
    is_start = bool(_STARTS_HERE.search(before) or _AZ_START.search(_word_at(span, cand)))
    if is_end == is_start:
        return 0.0
    return 1.0 if is_end == wants_end else -1.0


def _word_at(span: str, cand: Candidate) -> str:
    """The span's text up to the end of its last word, with what follows it ("ildən etibarən")."""
    length = cand.end - cand.start
    rest = span[length:].split()
    follow = rest[0] if rest and rest[0] in ("etibarən", "bəri", "sonra") else ""
    return f"{span[:length].rstrip(' ,;:.')} {follow}".strip()


#: A number question may ask for a kind of amount: "how much did it cost" wants money, "what
#: percentage" a share. A count of metres answers neither (it answered "How much did the South
#: Caucasus pipeline cost?" with "691,000 meters").
_ASKED_UNITS = (
    (
        "money",
        re.compile(
            r"\b(?:cost\w*|price\w*|money|dollars?|manats?|invest\w*|fund\w*|lend|lent|loans?|"
            r"budget\w*|spen[dt]\w*|qiymet\w*|pul\w*|vesait\w*|maliyye\w*|basa gel\w*|"
            r"dollar\w*|investisiya\w*|kredit\w*|xerc\w*)\b"
        ),
        re.compile(r"\$|€|\b(?:dollar\w*|manat\w*|euro\w*|avro\w*|rub\w*|lira\w*|USD|AZN)\b", re.I),
    ),
    (
        "percent",
        re.compile(r"\b(?:percent\w*|per cent|faiz\w*)\b"),
        re.compile(r"%|\bper ?cent\b|\bfaiz\w*", re.I),
    ),
)


def asked_unit(question: str) -> re.Pattern[str] | None:
    """The pattern a number's unit must match when the question asks for money or a share."""
    folded = fold(question)
    return next((unit for _, asks, unit in _ASKED_UNITS if asks.search(folded)), None)


def carries(sentence: str, cand: Candidate, unit: re.Pattern[str]) -> bool:
    """Whether the number carries the asked unit ("$4 billion", "4 milyard dollar", "20%")."""
    return bool(unit.search(sentence[max(0, cand.start - 2) : cand.end]))
