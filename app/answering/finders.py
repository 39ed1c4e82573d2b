"""Where names sit in a sentence: people, places, named things ("Trabzon Agreement"), offices
("chairman of the Supreme Soviet"), lists of names.

Each finder yields `Candidate` spans (character offsets into the sentence) with a prior — how
typical a span of that shape is for the kind asked — and `app.answering.spans` ranks them
against the question. Dates and numbers are in `app.answering.quantities`. Patterns are written
for the corpus languages, English and Azerbaijani.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.answering.quantities import AZ_VERB, MONTHS_AZ, MONTHS_EN, Candidate, in_reference
from app.textnorm import STOPWORDS_AZ, STOPWORDS_EN, fold

# Proper-name tokens: capitalised words, initials ("L.A.", "Z."), acronyms (BTC, GUAM, MDB).
_CAP = r"(?:[A-ZÇƏĞİÖŞÜ](?:\.[A-ZÇƏĞİÖŞÜ])*\.|[A-ZÇƏĞİÖŞÜ][\w'’-]*)"
_NAME_RUN = re.compile(rf"{_CAP}(?:\s+{_CAP})*")
_ACRONYM = re.compile(r"[A-ZÇƏĞİÖŞÜ]{2,}(?:-\w+)?")
_TITLED_RUN = re.compile(rf"{_CAP}(?:\s+(?:of |the |on |for )*{_CAP})*")
_NAME_LIST = re.compile(
    rf"{_CAP}(?:\s+{_CAP})*(?:,\s+{_CAP}(?:\s+{_CAP})*)*,?\s+(?:and|və)\s+{_CAP}"
)
_MONTH_WORD = re.compile(rf"(?:{MONTHS_EN})|(?i:{MONTHS_AZ})\w*")
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
_AZ_CASED = re.compile(r"\w{2,}(?:da|də|dan|dən)$")
_AZ_GENITIVE = re.compile(r"(?:ın|in|un|ün|nın|nin|nun|nün)$")
#: Capitalised words that never belong to a person's name (prefixes, folded).
_NOT_PEOPLE = tuple(
    fold(w)
    for w in (
        "Azerbaijan Russia Turkey Turkish Iran Georgia Armenia Federation Republic Service "
        "Border Federal Committee Council Union State Duma Soviet Supreme Sea Caspian Caucasus "
        "Declaration Agreement Contract Baku Tbilisi Moscow Tehran Ankara CIS USA West Europe "
        "Asia Central Azərbaycan Rusiya Türkiyə İran Gürcüstan Ermənistan Federasiya Respublika "
        "Xidmət Komitə Şura Dəniz Xəzər Qafqaz Bəyannamə Saziş Müqavilə Bakı Moskva Tehran "
        "Defense Defence Affairs Ministry Security Economic Cooperation Organization "
        "International National Assembly Parliament Commission Department Office Agency "
        "Nazirlik Məclis Parlament Komissiya İdarə Agentlik Təşkilat Əməkdaşlıq Müdafiə"
    ).split()
)


def names(sentence: str, lang: str, person: bool = False) -> Iterator[Candidate]:
    """Runs of capitalised words; for a person, cut at countries and titles, and favoured when
    they have initials or follow a title. Months, sentence openers and references never count."""
    for m in _NAME_RUN.finditer(sentence):
        begin = m.start()
        first = sentence[begin : m.end()].split(" ", 1)[0]
        if begin == 0 and lang == "az" and _AZ_PLACE_CASE.search(first):
            begin = min(m.end(), len(first) + 1)  # "Nəticədə Ermənistan …": as a result, Armenia
        for start, end in _split(sentence, begin, m.end(), person):
            text = sentence[start:end]
            if _MONTH_WORD.fullmatch(text) or in_reference(sentence, start):
                continue
            if start == 0 and " " not in text and not text.isupper():
                continue
            if person and _ACRONYM.fullmatch(text):  # "BTE", "GUAM": pipelines, not people
                continue
            yield Candidate(start, end, _name_prior(sentence, start, end, lang, person))
            if lang == "az" and not person and " " in text:
                yield from _case_marked(sentence, start, end)


def _case_marked(sentence: str, start: int, end: int) -> Iterator[Candidate]:
    """In Azerbaijani a case ending closes a name inside a longer capitalised run: "Heydər
    Əliyev Moskvada Boris Yeltsinlə" holds the place "Moskvada"."""
    for w in re.finditer(r"\S+", sentence[start:end]):
        # the first word of a sentence is capitalised for its place ("Nəticədə", as a result)
        if start + w.start() > 0 and _AZ_PLACE_CASE.search(w.group(0)):
            yield Candidate(start + w.start(), start + w.end(), 0.9)


_REFERENCE = re.compile(r"\(([^()]*?),\s*(?:\d{4})[^()]*\)")
_SURNAME = re.compile(r"[A-ZÇƏĞİÖŞÜ][\w'’-]+")


def cited_authors(sentence: str) -> Iterator[Candidate]:
    """The authors of a reference ("(Mamedova, Guseynov, 2003)"): the answer to "according to
    which author" or "hansı müəllifə istinadən", and to nothing else (`names` skips them)."""
    for m in _REFERENCE.finditer(sentence):
        found = list(_SURNAME.finditer(sentence, m.start(1), m.end(1)))
        if found:
            end, several = found[-1].end(), len(found) > 1
            yield Candidate(found[0].start(), end, 1.0, is_list=several, verbatim=True)


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
    if head and _OFFICE_HEAD.match(fold(head)):
        yield from offices(sentence, 1.5)
    if head:
        word = rf"(?i:{_loose(head)})\w*"
        # "the Multilateral Basic Agreement on International Transport": what the name is on
        # belongs to it
        after = rf"(?:\s+(?:on|of|for)\s+(?:the\s+)?{_CAP}(?:\s+(?:and\s+)?{_CAP})*)?"
        for m in re.finditer(rf"{_CAP}(?:\s+{_CAP})*\s+{word}{after}", sentence):
            yield Candidate(*_drop_opener(sentence, m.start(), m.end()), 1.5)
        # the name after the head noun: "the French newspaper (Humanité)", "layihə “Şahdəniz”"
        for m in re.finditer(rf"{word}\s+([(“\"]?)({_CAP}(?:\s+{_CAP})*)", sentence):
            yield Candidate(m.start(2), m.end(2), 2.2 if m.group(1) else 1.5)
        yield from _headed_phrases(sentence, lang, word)
    for m in _TITLED_RUN.finditer(sentence):
        if _HEAD.search(m.group(0)):
            yield Candidate(*_drop_opener(sentence, m.start(), m.end()), 0.6)
    yield from names(sentence, lang)


#: "What office / post / vəzifə": the answer is an office with what it heads ("chairman of the
#: Supreme Soviet of Nakhchivan MR", "Ali Sovetinin sədri").
_OFFICE_HEAD = re.compile(r"offic|post|position|title|vezife")
_OFFICES = re.compile(
    rf"\b(?i:(?:deputy |vice |first )?(?:chairman|chairwoman|president|prime minister|minister|"
    rf"director|head|ambassador|speaker|secretary|commander))(?: \w+)? of (?:the )?"
    rf"{_CAP}(?:\s+(?:of |the )*{_CAP})*|"
    rf"{_CAP}(?:\s+{_CAP})*\s+(?:sədr|prezident|nazir|direktor|rəhbər|səfir|müavin|katib)\w*",
)


def offices(sentence: str, prior: float = 0.0) -> Iterator[Candidate]:
    """Offices with what they head ("the President of Armenia", "Ali Sovetinin sədri")."""
    for m in _OFFICES.finditer(sentence):
        words = m.group(0).split()
        if all(_TITLE_WORD.match(w) for w in words):  # "Baş naziri": an office of nothing
            continue
        yield Candidate(m.start(), m.end(), prior)


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
        # a hyphenated name is one word: "Bakı-Tbilisi-Ərzurum qaz kəməri", not "Ərzurum …"
        for m in re.finditer(rf"(?<![\w-])((?:[^\W\d_][\w'’-]*\s+){{1,2}}){word}", sentence):
            words = m.group(1).split()
            while words and (
                fold(words[0]) in STOPWORDS_AZ
                or AZ_VERB.search(words[0])
                or _AZ_CASED.search(words[0])  # "1987-ci ildə fransız qəzetinə"
            ):
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


_TITLE_FORM = re.compile(
    r"(?:Presidents?|Prime|Ministers?|Prezident\w*|Baş|Nazir\w*|Sədr\w*|Lider\w*)", re.I
)


def after_title(sentence: str, start: int) -> bool:
    """The span follows a title ("Prime Minister Turgut Özal", "Baş nazir Turqut Özalın"): a
    person, so no place."""
    return bool(_TITLE_BEFORE.search(sentence[max(0, start - 24) : start].rstrip()))


def has_title(span: str) -> bool:
    """ "President Heydar Aliyev": a person's office is in the span, so it names no place."""
    return any(_TITLE_FORM.fullmatch(w.strip(",.")) for w in span.split())


def _not_a_name(word: str) -> bool:
    folded = fold(word)
    return folded.startswith(_NOT_PEOPLE) or bool(_TITLE_WORD.match(word))
