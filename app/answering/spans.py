"""The short answer: the span of the cited sentence that answers a factoid question.

A span is always a verbatim slice of the corpus sentence (a quote, not a rewrite). The only
liberty taken is where it ends: an Azerbaijani case ending after the answer is cut off
(`app.answering.endings`), so "1994-cü ildə" (in 1994) answers "nə vaxt?" as "1994-cü il" and
"Bakıda" as "Bakı", both still prefixes of the corpus text.

Candidates come from `app.answering.quantities` (dates, numbers) and `app.answering.finders`
(names, offices); the best is the one of a typical shape, close to the rare words the question
shares with the sentence, and not already said by the question ("Heydar Aliyev" is no answer to
"Who did Heydar Aliyev meet?"). Some questions say more about the answer: "until when" wants
the end of a range, "in which months of 1994" a date of 1994, "in which city" no country or sea
(`app.answering.places`), "which Georgian head of state" a rarer name than the one on every
page. A question asking for several ("which years", "hansı ölkələr") gets up to three, from the
cited sentences in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from app.answering import aliases, endings, finders, places, quantities
from app.answering.qtype import AnswerType, asks_author, counted_noun, head_noun, is_plural
from app.answering.quantities import Candidate
from app.textnorm import STOPWORDS_AZ, STOPWORDS_EN, fold, tokens

MAX_ITEMS = 3
PLURAL_WITHIN = 0.4  # of several asked for, items this far behind the best are left out
LATER_SENTENCE = 0.15  # how far a span in the next cited sentence starts behind
COUNTED_BONUS = 0.8  # "how many refugees" is answered by "a million refugees", not "20%"
DURATION_BONUS = 1.0  # "how long" is answered by "30 years", not by "20%"
_DURATION_Q = re.compile(
    r"\bhow long\b|\bhow soon\b|\bne qeder (?:muddet|vaxt|sonra)|\bnece (?:il|ay|gun)\b"
)
#: A rare name says more than the one on every page: "Heydar Aliyev" is seldom the answer to
#: "which Georgian head of state…" (scaled by the name's IDF weight, 0–1).
NAME_RARITY = 0.8
YEAR_AGREES = 0.5  # +: the year the question names, −: another year (after its share penalty)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
EDGE_BONUS = 0.5  # "until when" is answered by the end of a range, "since when" by its start
_DURATION_UNIT = re.compile(r"\b(?:years?|months?|days?|decades?|weeks?|il|ay|gun|hefte)\b")
_WHEN_AND_WHERE = re.compile(r"\bwhen and where\b|\bwhere and when\b|\bne vaxt ve harada\b")
#: "How many countries and organisations": two counts, joined.
_AND_ASKED = re.compile(r"\b(?:how many|how much|neçə|nece)\b.*\b(?:and|və)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_][\w'’-]*")
_FUNCTION_WORDS = STOPWORDS_EN | STOPWORDS_AZ


def short_answer(
    kind: AnswerType | None, sentences: Sequence[tuple[str, str]], question: str
) -> str:
    """The span answering a question of type ``kind`` from ``sentences`` ((text, lang), best
    first), or "" when none fits."""
    return best_span(kind, sentences, question)[0]


def best_span(
    kind: AnswerType | None, sentences: Sequence[tuple[str, str]], question: str
) -> tuple[str, float]:
    """`short_answer` with its support: how well the span's shape and the question's words
    around it back it (0 when there is none); the answerability model reads it."""
    text, score, _ = located_span(kind, sentences, question)
    return text, score


def located_span(
    kind: AnswerType | None,
    sentences: Sequence[tuple[str, str]],
    question: str,
    weight: Callable[[str], float] | None = None,
) -> tuple[str, float, int]:
    """`best_span` and the index of the sentence it comes from (its citation marker follows
    it). Later sentences compete too, a little behind the best one: "When did the pipeline
    start delivering gas?" is answered by the sentence after the one that names the pipeline.
    ``weight``: how much each shared word counts near a span (rare words more; default 1)."""
    text, score, source = _located(kind, sentences, question, weight)
    if text and kind is AnswerType.DATE and _WHEN_AND_WHERE.search(fold(question)):
        # "When and where did they meet?": the place from the same sentence as the date
        place, _, _ = _located(AnswerType.PLACE, [sentences[source]], question, weight)
        text = f"{text}; {place}" if place else text
    return text, score, source


@dataclass(frozen=True)
class _Asked:
    """What the question says, worked out once for all its candidate spans."""

    question: str
    folded: str
    terms: frozenset[str]  # every analysis of the question's words
    said: frozenset[str]  # the terms a span may not merely repeat (the asked kind excepted)
    weigh: dict[str, float]
    counted: frozenset[str]
    years: frozenset[str]  # the years the question names ("in which months of 1994")
    plural: bool
    city: bool
    place_kind: str  # "sea", "bolge": the kind of place asked for, folded; "" for any

    @classmethod
    def of(cls, kind: AnswerType, question: str, weight: Callable[[str], float] | None):
        # function words ("did", "its", "in") are no evidence, however rare the analysis of
        # one language makes them look ("whe" for "when" under the Azerbaijani stemmer)
        words = " ".join(w for w in _WORD.findall(question) if fold(w) not in _FUNCTION_WORDS)
        terms = frozenset(t for lang in ("en", "az", None) for t in tokens(words, lang))
        # the asked kind ("what declaration") is no part of what the question already says:
        # "Baku Declaration" answers "what declaration did the Baku conference adopt?"
        head = head_noun(question) if kind is AnswerType.NAMED else None
        said = frozenset(t for t in terms if not (head and fold(t).startswith(fold(head))))
        folded = fold(question)
        return cls(
            question,
            folded,
            terms,
            said,
            _weights(set(terms), weight),
            frozenset(counted_noun(question)),
            frozenset(_YEAR.findall(question)),
            is_plural(question),
            places.asks_city(folded),
            places.asked_kind(folded),
        )


def _score(
    kind: AnswerType,
    cand: Candidate,
    sentence: str,
    lang: str,
    order: int,
    asked: _Asked,
    weight: Callable[[str], float] | None,
) -> tuple[float, str] | None:
    """(score, span) of one candidate, or None when the question already says it."""
    span = sentence[cand.start : cand.end]
    span = span if cand.verbatim else endings.trim(span, lang)
    core = span if cand.core_end is None else sentence[cand.start : cand.core_end]
    share = _asked_share(core, set(asked.said))
    if share >= 1.0 or fold(core) in asked.folded:  # the question's own phrase is no answer
        return None
    if kind is AnswerType.PERSON and _surname_asked(span, set(asked.terms)):
        return None
    if kind is AnswerType.PLACE and (
        finders.has_title(core) or finders.after_title(sentence, cand.start)
    ):
        return None
    if kind in (AnswerType.PLACE, AnswerType.NAMED) and places.demonym(sentence, cand, lang):
        return None
    score = cand.prior + _proximity(sentence, cand, lang, asked.weigh) - 1.5 * share
    score -= (0.0 if asked.plural else LATER_SENTENCE) * order
    if kind is AnswerType.DATE:
        score += EDGE_BONUS * quantities.range_edge(asked.question, sentence, cand)
        score += YEAR_AGREES * _year_agreement(core, asked.years)
    if kind in (AnswerType.PERSON, AnswerType.PLACE, AnswerType.NAMED):
        score += NAME_RARITY * _rarity(core, weight)
    if kind is AnswerType.PLACE:
        score += places.fit(sentence, cand, core, asked.city, asked.place_kind)
    if kind is AnswerType.NUMBER:
        unit = set(tokens(span, None))
        score += 0.5 * len(unit & asked.terms) + COUNTED_BONUS * bool(unit & asked.counted)
        score += DURATION_BONUS * (_asks_duration(asked.question) and _is_duration(span))
    return score, span


def _year_agreement(core: str, years: frozenset[str]) -> float:
    """+1 for a date in a year the question names (it refines it: "June-July 1994"), −1 for a
    date in another year; 0 when either names none."""
    found = set(_YEAR.findall(core))
    if not years or not found:
        return 0.0
    return 1.0 if found & years else -1.0


def _located(
    kind: AnswerType | None,
    sentences: Sequence[tuple[str, str]],
    question: str,
    weight: Callable[[str], float] | None,
) -> tuple[str, float, int]:
    if kind is None or not sentences:
        return "", 0.0, 0
    asked = _Asked.of(kind, question, weight)
    plural = asked.plural
    found: list[tuple[float, int, int, str]] = []
    lists: list[tuple[float, int, int, str]] = []
    for order, (sentence, lang) in enumerate(sentences):
        for cand in _candidates(kind, sentence, lang, question, plural):
            scored = _score(kind, cand, sentence, lang, order, asked, weight)
            if scored is not None:
                (lists if cand.is_list else found).append((scored[0], order, cand.start, scored[1]))
    best_list = max(lists, key=lambda f: (f[0], -f[1], -f[2]), default=None)
    best_found = max(found, key=lambda f: (f[0], -f[1], -f[2]), default=None)
    if best_list and (plural or not best_found):  # several asked for: a list says them all
        return best_list[3], best_list[0], best_list[1]
    if best_found is None:
        return "", 0.0, 0
    if not plural:
        return best_found[3], best_found[0], best_found[1]
    # several asked for: names the question already says ("Aliyev" in "which leaders invited
    # Aliyev") are not among them, unless nothing else is found; a year the question names
    # may stand in a date ("which months of 1994": "June-July 1994")
    repeated = set(asked.terms) - (asked.years if kind is AnswerType.DATE else frozenset())
    fresh = [f for f in found if not _asked_share(f[3], repeated)] or found
    chosen: list[tuple[float, int, int, str]] = []
    for item in sorted(fresh, key=lambda f: -f[0]):
        if chosen and item[0] < chosen[0][0] - PLURAL_WITHIN:
            break
        if len(chosen) < MAX_ITEMS and not any(item[3] in c[3] or c[3] in item[3] for c in chosen):
            chosen.append(item)
    text = "; ".join(f[3] for f in sorted(chosen, key=lambda f: (f[1], f[2])))
    return text, chosen[0][0], min(f[1] for f in chosen)


def _rarity(span: str, weight: Callable[[str], float] | None) -> float:
    terms = tokens(span, None)
    if weight is None or not terms:
        return 0.0
    return sum(weight(t) for t in terms) / len(terms)


def _asks_duration(question: str) -> bool:
    return bool(_DURATION_Q.search(fold(question)))


def _is_duration(span: str) -> bool:
    return bool(_DURATION_UNIT.search(fold(span)))


def has_type(kind: AnswerType | None, sentence: str, lang: str) -> bool:
    """Whether the sentence holds any fact of the asked kind at all."""
    if kind is None:
        return True
    return next(_candidates(kind, sentence, lang, "", False), None) is not None


def _candidates(
    kind: AnswerType, sentence: str, lang: str, question: str, plural: bool
) -> Iterator[Candidate]:
    if kind is AnswerType.DATE:
        return quantities.dates(sentence, lang)
    if kind is AnswerType.NUMBER:
        pairs = quantities.number_pairs(sentence, lang) if _AND_ASKED.search(question) else ()
        found = _chain(iter(pairs), quantities.numbers(sentence, lang))
        unit = quantities.asked_unit(question)
        return (c for c in found if unit is None or quantities.carries(sentence, c, unit))
    if kind is AnswerType.PERSON and asks_author(question):
        return finders.cited_authors(sentence)
    if kind is AnswerType.PERSON:  # a name, or an office that stands for one ("the President
        # of Armenia" answers "with whom did he negotiate?")
        return _chain(finders.names(sentence, lang, person=True), finders.offices(sentence))
    lists = finders.name_lists(sentence, lang) if plural else iter(())
    if kind is AnswerType.PLACE:
        return _chain(lists, finders.names(sentence, lang))
    return _chain(lists, finders.named(sentence, lang, head_noun(question)))


def _chain(*parts: Iterator[Candidate]) -> Iterator[Candidate]:
    for part in parts:
        yield from part


def _weights(asked: set[str], weight: Callable[[str], float] | None) -> dict[str, float]:
    """Each asked term's weight, rescaled so the mean is 1: without a vocabulary all count 1.
    A state asked by its adjective ("Iranian") is asked by its name too."""
    if weight is None or not asked:
        out = dict.fromkeys(asked, 1.0)
    else:
        raw = {t: weight(t) for t in asked}
        mean = sum(raw.values()) / len(raw) or 1.0
        out = {t: w / mean for t, w in raw.items()}
    states: dict[str, float] = {}
    for t, w in out.items():
        state = aliases.state_of(t)
        if state and state not in out:  # the heaviest of its adjectives, whatever the set order
            states[state] = max(states.get(state, 0.0), w)
    return out | states


def _proximity(sentence: str, cand: Candidate, lang: str, weigh: dict[str, float]) -> float:
    """Words the question shares with the sentence, each counting more the nearer it stands to
    the candidate and the rarer it is: "the embassy opened in Tbilisi in March 1996" puts that
    date by "Tbilisi", and "adopted" says more than "Azerbaijan"."""
    score = 0.0
    for m in _WORD.finditer(sentence):
        # "the Georgian embassy" is about Georgia
        terms = [s for t in tokens(m.group(0), lang) for s in (t, aliases.state_of(t)) if s]
        shared = [weigh[t] for t in terms if t in weigh]
        if cand.start <= m.start() < cand.end or not shared:
            continue
        gap = sentence[min(m.end(), cand.end) : max(m.start(), cand.start)]
        score += max(shared) / (2.0 + len(gap.split()))
    return min(score, 1.5)


def _surname_asked(span: str, asked: set[str]) -> bool:
    """ "Heydar Aliyev’s" does not answer "Whose sway did Aliyev want to escape?": the person
    the question names by surname is not the one it asks for."""
    words = span.split()
    return bool(words) and bool(set(tokens(words[-1].rstrip("’'s"), None)) & asked)


def _asked_share(span: str, asked: set[str]) -> float:
    terms = set(tokens(span, None))
    return len(terms & asked) / len(terms) if terms else 1.0
