"""Where facts of each kind sit in a sentence: dates, numbers, names, named things.

Each finder yields `Candidate` spans (character offsets into the sentence) with a prior — how
typical a span of that shape is for the kind asked — and `app.answering.spans` ranks them
against the question. Patterns are written for the corpus languages, English and Azerbaijani.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from app.textnorm import STOPWORDS_AZ, STOPWORDS_EN, fold, lower

_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_AZ = "yanvar|fevral|mart|aprel|may|iyun|iyul|avqust|sentyabr|oktyabr|noyabr|dekabr"
_ORD = r"-(?:ci|cı|cu|cü)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_YEAR_PARTS = "end|beginning|middle|start|spring|summer|autumn|fall|winter"
_DATES = {
    "en": tuple(
        re.compile(p)
        for p in (
            rf"\bfrom (?:{_MONTHS_EN}) \d{{1,2}} to \d{{1,2}}, {_YEAR}",
            rf"\bfrom (?:{_MONTHS_EN} )?{_YEAR} (?:to|until) (?:{_MONTHS_EN} )?{_YEAR}",
            rf"\b(?:{_MONTHS_EN}) \d{{1,2}}(?:-\d{{1,2}})?, {_YEAR}",
            rf"\b\d{{1,2}}(?:-\d{{1,2}})? (?:{_MONTHS_EN}) {_YEAR}",
            rf"\b(?:{_MONTHS_EN})(?:-(?:{_MONTHS_EN}))? {_YEAR}",
            rf"\b{_YEAR}[-–]{_YEAR}",
            rf"\b(?:the )?(?:{_YEAR_PARTS}) of {_YEAR}",
            rf"\b(?:{_MONTHS_EN}) \d{{1,2}}\b",
            rf"\b{_YEAR}s?\b",
            r"\bthe \d0s\b",
        )
    ),
    "az": tuple(
        re.compile(p, re.IGNORECASE)
        for p in (
            rf"\b\d{{1,2}}(?:-\d{{1,2}})? (?:{_MONTHS_AZ}) {_YEAR}{_ORD} il",
            rf"\b{_YEAR}{_ORD} ilin (?:{_MONTHS_AZ}|sonlar|əvvəllər|ortalar|yaz|payız|qış)\w*",
            rf"\b{_YEAR}[-–]{_YEAR}{_ORD} illər",
            rf"\b{_YEAR}{_ORD} il(?:lər)?",
            rf"\b\d{{1,2}} (?:{_MONTHS_AZ})\w*",
            rf"\b{_YEAR}\b",
            r"\b\d0-(?:cı|ci|cu|cü) illər",
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
#: "the two countries" / "iki ölkə" count the parties of a relation, never the answer to "how many".
_NOT_COUNTS = re.compile(r"^(?:the )?(?:two|both|iki) (?:countries|sides|states|ölkə|tərəf|dövlət)")
_VAGUE = re.compile(r"(?:dozens|tens|hundreds|thousands|millions|onlarla|yüzlərlə|minlərlə)")
_AND = re.compile(r",?\s+(?:and|və)\s+")
_NEXT_WORD = re.compile(r" ([^\W\d_][\w'’-]*(?<!ing)(?<!ed))(?=[\s,.;:)]|$)")
_AZ_VERB = re.compile(r"\w{3,}(?:mış|miş|muş|müş|dır|dir|dur|dür|ıb|ib|ub|üb|dı|di|du|dü)$")
_UNIT_STOP = STOPWORDS_EN | STOPWORDS_AZ
# Proper-name tokens: capitalised words, initials ("L.A.", "Z."), acronyms (BTC, GUAM, MDB).
_CAP = r"(?:[A-ZÇƏĞİÖŞÜ](?:\.[A-ZÇƏĞİÖŞÜ])*\.|[A-ZÇƏĞİÖŞÜ][\w'’-]*)"
_NAME_RUN = re.compile(rf"{_CAP}(?:\s+{_CAP})*")
_TITLED_RUN = re.compile(rf"{_CAP}(?:\s+(?:of |the |on |for )*{_CAP})*")
_NAME_LIST = re.compile(
    rf"{_CAP}(?:\s+{_CAP})*(?:,\s+{_CAP}(?:\s+{_CAP})*)*,?\s+(?:and|və)\s+{_CAP}"
)
_MONTH_WORD = re.compile(rf"(?:{_MONTHS_EN})|(?i:{_MONTHS_AZ})\w*")
_DEFINITION = re.compile(r"^\s*(?:\d+[.)]\s+|[•\-–]\s+)?([^\W\d_][^-–:;,.]{2,60}?)\s+[-–]\s+\S")
_QUOTED = re.compile(r"[\"“«]([^\"”»]{3,120})[\"”»]")
_TITLE_BEFORE = re.compile(
    r"(?:President|Minister|leader|chairman|director|academician|adviser|by|with|"
    r"Prezident\w*|nazir\w*|sədri|lider\w*|direktor\w*|akademik\w*|müşavir\w*)\s*$"
)
_TITLE_WORD = re.compile(r"(?:President|Prime|Minister|Prezident|Baş|Nazir|Sədr|Lider)", re.I)
_HEAD = re.compile(
    r"\b(?:Agreement|Declaration|Contract|Treaty|Organi[sz]ation|Project|Program|Pipeline|"
    r"Commission|Corridor|Conference|Saziş|Bəyannamə|Müqavilə|Təşkilat|Layihə|Proqram)",
    re.IGNORECASE,
)
_PLACE_BEFORE = re.compile(r"\b(?:in|to|at|from|into)\s*$")
_AZ_LOCATIVE = re.compile(r"(?:da|də|ya|yə|a|ə|dan|dən)$")
_AZ_PLACE_CASE = re.compile(r"\w{3,}(?:da|də|dan|dən)$")
_AZ_GENITIVE = re.compile(r"(?:ın|in|un|ün|nın|nin|nun|nün)$")
#: Capitalised words that never belong to a person's name (prefixes, folded).
_NOT_PEOPLE = tuple(
    fold(w)
    for w in (
        "Azerbaijan Russia Turkey Turkish Iran Georgia Armenia Federation Republic Service "
        "Border Federal Committee Council Union State Duma Soviet Supreme Sea Caspian Caucasus "
        "Declaration Agreement Contract Baku Tbilisi Moscow Tehran Ankara CIS USA West Europe "
        "Asia Central Azərbaycan Rusiya Türkiyə İran Gürcüstan Ermənistan Federasiya Respublika "
        "Xidmət Komitə Şura Dəniz Xəzər Qafqaz Bəyannamə Saziş Müqavilə Bakı Moskva Tehran"
    ).split()
)


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


def dates(sentence: str, lang: str) -> Iterator[Candidate]:
    """Longest, most specific shapes first; a span inside an earlier one is not repeated."""
    taken: list[tuple[int, int]] = []
    patterns = _DATES.get(lang, _DATES["en"])
    for rank, pattern in enumerate(patterns):
        for m in pattern.finditer(sentence):
            if _in_reference(sentence, m.start()) or _inside(taken, m.start(), m.end()):
                continue
            taken.append((m.start(), m.end()))
            yield Candidate(m.start(), m.end(), -0.05 * rank)


def numbers(sentence: str, lang: str) -> Iterator[Candidate]:
    in_dates = [(c.start, c.end) for c in dates(sentence, lang)]
    for m in _NUMBERS.get(lang, _NUMBERS["en"]).finditer(sentence):
        if _in_reference(sentence, m.start()) or _inside(in_dates, m.start(), m.end()):
            continue
        if _NOT_COUNTS.match(lower(sentence[m.start() : m.start() + 30], lang)):
            continue
        digits = any(ch.isdigit() for ch in m.group(0))
        prior = 0.3 if digits else -0.3 if _VAGUE.fullmatch(m.group(0).lower()) else 0.0
        yield Candidate(m.start(), _unit_end(sentence, m.end()), prior, core_end=m.end())


def number_pairs(sentence: str, lang: str) -> Iterator[Candidate]:
    """Two counts joined by "and" ("32 countries and thirteen international organizations"):
    the answer to "how many countries and organisations"."""
    found = list(numbers(sentence, lang))
    for first, second in pairwise(found):
        between = sentence[first.end : second.start]
        if _AND.fullmatch(between):
            yield Candidate(first.start, second.end, 0.6, core_end=first.core_end)


def names(sentence: str, lang: str, person: bool = False) -> Iterator[Candidate]:
    """Runs of capitalised words; for a person, cut at countries and titles, and favoured when
    they have initials or follow a title. Months, sentence openers and references never count."""
    for m in _NAME_RUN.finditer(sentence):
        for start, end in _split(sentence, m.start(), m.end(), person):
            text = sentence[start:end]
            if _MONTH_WORD.fullmatch(text) or _in_reference(sentence, start):
                continue
            if start == 0 and " " not in text and not text.isupper():
                continue
            yield Candidate(start, end, _name_prior(sentence, start, end, lang, person))
            if lang == "az" and not person and " " in text:
                yield from _case_marked(sentence, start, end)


def _case_marked(sentence: str, start: int, end: int) -> Iterator[Candidate]:
    """In Azerbaijani a case ending closes a name inside a longer capitalised run: "Heydər
    Əliyev Moskvada Boris Yeltsinlə" holds the place "Moskvada"."""
    for w in re.finditer(r"\S+", sentence[start:end]):
        if _AZ_PLACE_CASE.search(w.group(0)):
            yield Candidate(start + w.start(), start + w.end(), 0.9)


def name_lists(sentence: str, lang: str) -> Iterator[Candidate]:
    """ "Georgia, Azerbaijan and Turkey": the answer to "which three states"."""
    for m in _NAME_LIST.finditer(sentence):
        start = m.start()
        first = sentence[start:].split()[0]
        if fold(first) in STOPWORDS_EN or fold(first) in STOPWORDS_AZ:
            start += len(first) + 1
        yield Candidate(start, m.end(), 1.0, is_list=True)


def named(sentence: str, lang: str, head: str | None) -> Iterator[Candidate]:
    """Quoted titles, then a name with the question's head noun ("the Baku-Supsa project" for
    "which project"), then titled runs ("Trabzon Agreement"), then any name."""
    for m in _QUOTED.finditer(sentence):
        yield Candidate(m.start(), m.end(), 1.0)
    yield from _defined_term(sentence)
    if head:
        word = rf"(?i:{_loose(head)})\w*"
        for m in re.finditer(rf"{_CAP}(?:\s+{_CAP})*\s+{word}|{word}\s+{_CAP}", sentence):
            yield Candidate(*_drop_opener(sentence, m.start(), m.end()), 1.5)
        yield from _headed_phrases(sentence, lang, word)
    for m in _TITLED_RUN.finditer(sentence):
        if _HEAD.search(m.group(0)):
            yield Candidate(*_drop_opener(sentence, m.start(), m.end()), 0.6)
    yield from names(sentence, lang)


def _defined_term(sentence: str) -> Iterator[Candidate]:
    """The term a list item defines: "Constructive dialogue - from October 1993 to January
    2001" names the period that the rest of the item dates."""
    m = _DEFINITION.match(sentence)
    if m:
        yield Candidate(m.start(1), m.end(1), 1.2)


def _headed_phrases(sentence: str, lang: str, word: str) -> Iterator[Candidate]:
    """Uncapitalised names built on the head noun: "səmimi qonşuluq prinsipi" (Azerbaijani puts
    the modifiers first), "the principle of mutual benefit" (English after "of"), and the items
    a head noun announces ("Keywords: Azerbaijan, Turkey, ...")."""
    for m in re.finditer(rf"(?<![\w-])({word})\s*:\s*([^.;]+)", sentence):
        yield Candidate(m.start(2), m.end(2), 2.0, is_list=True)
    if lang == "az":
        for m in re.finditer(rf"((?:[^\W\d_]+\s+){{1,2}}){word}", sentence):
            words = m.group(1).split()
            while words and (fold(words[0]) in STOPWORDS_AZ or _AZ_VERB.search(words[0])):
                words.pop(0)
            if words:
                start = m.start(1) + m.group(1).index(words[0])
                yield Candidate(start, m.end(), 0.9)
    else:
        for m in re.finditer(
            rf"{word}\s+of\s+((?:the\s+)?(?:[^\W\d_]+\s+){{0,2}}[^\W\d_]+)", sentence
        ):
            yield Candidate(m.start(1), m.end(1), 0.9)


_LOOSE = {
    "e": "[eə]",
    "o": "[oö]",
    "u": "[uü]",
    "i": "[iıİI]",
    "s": "[sş]",
    "c": "[cç]",
    "g": "[gğ]",
}


def _loose(word: str) -> str:
    """A pattern for ``word`` that also matches it with its Azerbaijani letters, so a head noun
    typed without them ("prinsipe") finds "prinsipi"."""
    return "".join(_LOOSE.get(ch, re.escape(ch)) for ch in word)


def titled_runs(text: str) -> list[str]:
    """Capitalised runs joined by "of/the/on/for" ("Council of Europe"), as they stand."""
    return [m.group(0) for m in _TITLED_RUN.finditer(text)]


def _name_prior(sentence: str, start: int, end: int, lang: str, person: bool) -> float:
    text, before = sentence[start:end], sentence[max(0, start - 24) : start]
    words = text.split()
    if person:
        prior = 1.0 * bool(re.search(r"[A-ZÇƏĞİÖŞÜ]\.", text))
        prior += 0.8 * bool(_TITLE_BEFORE.search(before))
        prior += 0.3 * (len(words) >= 2) - 1.5 * any(_not_a_name(w) for w in words)
        return prior - (0.5 if lang == "az" and _AZ_GENITIVE.search(words[-1]) else 0.0)
    prior = 0.8 * bool(_PLACE_BEFORE.search(before)) + 0.1 * min(len(words), 3)
    return prior + (0.3 if lang == "az" and _AZ_LOCATIVE.search(words[-1]) else 0.0)


def _split(sentence: str, start: int, end: int, person: bool) -> list[tuple[int, int]]:
    """A run without its opener ("In April" → "April"); for a person, also cut at countries and
    titles: "Rusiya Prezidenti Boris Yeltsinlə" holds the name "Boris Yeltsinlə"."""
    start, end = _drop_opener(sentence, start, end)
    if not person:
        return [(start, end)] if start < end else []
    parts, current = [], None
    for w in re.finditer(r"\S+", sentence[start:end]):
        a, b = start + w.start(), start + w.end()
        if _not_a_name(w.group(0)):
            if current:
                parts.append(current)
            current = None
        else:
            current = (current[0], b) if current else (a, b)
    return parts + ([current] if current else [])


def _drop_opener(sentence: str, start: int, end: int) -> tuple[int, int]:
    first = sentence[start:end].split(" ", 1)[0]
    if fold(first) in STOPWORDS_EN or fold(first) in STOPWORDS_AZ:
        return min(end, start + len(first) + 1), end
    return start, end


def _not_a_name(word: str) -> bool:
    folded = fold(word)
    return folded.startswith(_NOT_PEOPLE) or bool(_TITLE_WORD.match(word))


def _unit_end(sentence: str, end: int) -> int:
    """Where the number's unit ends ("64 important documents"): up to three words, stopping at
    punctuation, a function word or a verb form."""
    previous = ""
    for _ in range(3):
        word = _NEXT_WORD.match(sentence, end)
        if not word or fold(word.group(1)) in _UNIT_STOP or _AZ_VERB.search(word.group(1)):
            break
        # a name starts another phrase: "443,000 metri | Azərbaycan ərazisi", but "five
        # Central Asian republics" is one
        if word.group(1)[0].isupper() and previous and not previous[0].isupper():
            break
        previous, end = word.group(1), word.end()
    return end


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _in_reference(sentence: str, at: int) -> bool:
    """A year or name inside a reference ("(Qasımlı, 2015, p. 113)") is not an answer."""
    opened = sentence.rfind("(", 0, at)
    if opened == -1 or sentence.find(")", opened) < at:
        return False
    inner = sentence[opened : sentence.find(")", opened)]
    return "," in inner and bool(re.search(r"\d{4}", inner))
