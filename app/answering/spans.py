"""The short answer: the span of the cited sentence that answers a factoid question.

A span is always a verbatim slice of the corpus sentence (a quote, not a rewrite). The only
liberty taken is where it ends: an Azerbaijani case ending after the answer is cut off, so
"1994-cü ildə" (in 1994) answers "nə vaxt?" as "1994-cü il" and "Bakıda" as "Bakı", both still
prefixes of the corpus text.

Candidates come from `app.answering.finders`; the best is the one of a typical shape, close to
the words the question shares with the sentence, and not already said by the question
("Heydar Aliyev" is no answer to "Who did Heydar Aliyev meet?"). A question asking for several
("which years", "hansı ölkələr") gets up to three, from the cited sentences in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from app.answering import finders
from app.answering.finders import Candidate
from app.answering.qtype import AnswerType, counted_noun, head_noun, is_plural
from app.textnorm import fold, tokens

MAX_ITEMS = 3
LATER_SENTENCE = 0.15  # how far a span in the next cited sentence starts behind
COUNTED_BONUS = 0.8  # "how many refugees" is answered by "a million refugees", not "20%"
DURATION_BONUS = 1.0  # "how long" is answered by "30 years", not by "20%"
_DURATION_Q = re.compile(r"\bhow long\b|\bne qeder (?:muddet|vaxt)|\bnece il\b|\bnece ay\b")
_DURATION_UNIT = re.compile(r"\b(?:years?|months?|days?|decades?|weeks?|il|ay|gun|hefte)\b")
_WHEN_AND_WHERE = re.compile(r"\bwhen and where\b|\bwhere and when\b|\bne vaxt ve harada\b")
#: "How many countries and organisations": two counts, joined.
_AND_ASKED = re.compile(r"\b(?:how many|how much|neçə|nece)\b.*\b(?:and|və)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_][\w'’-]*")
#: Azerbaijani endings that may follow an answer word and are cut off; longest first. None
#: starts with n: "İranda" is İran + da, "ilində" ili + ndə, and nothing tells them apart, so the
#: genitive and the n- forms stay ("Rusiyanın"): a longer quote beats a name losing a letter.
_AZ_ENDINGS = tuple(
    sorted(
        "dakı dəki dan dən da də dək aya əyə la lə yla ylə".split(),
        key=len,
        reverse=True,
    )
)
_LOCATIVE_MONTH = re.compile(r"(ı|i|u|ü)(?:nda|ndə|ndan|ndən|nadək|nədək)$")


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


def _located(
    kind: AnswerType | None,
    sentences: Sequence[tuple[str, str]],
    question: str,
    weight: Callable[[str], float] | None,
) -> tuple[str, float, int]:
    if kind is None or not sentences:
        return "", 0.0, 0
    asked = {t for lang in ("en", "az", None) for t in tokens(question, lang)}
    weigh = _weights(asked, weight)
    counted = counted_noun(question)
    plural = is_plural(question)
    found: list[tuple[float, int, int, str]] = []
    lists: list[tuple[float, int, int, str]] = []
    for order, (sentence, lang) in enumerate(sentences):
        for cand in _candidates(kind, sentence, lang, question, plural):
            span = _trim(sentence[cand.start : cand.end], lang)
            core = span if cand.core_end is None else sentence[cand.start : cand.core_end]
            share = _asked_share(core, asked)
            if share >= 1.0 or (kind is AnswerType.PERSON and _surname_asked(span, asked)):
                continue
            score = cand.prior + _proximity(sentence, cand, lang, weigh) - 1.5 * share
            score -= (0.0 if plural else LATER_SENTENCE) * order
            if kind is AnswerType.NUMBER:
                unit = set(tokens(span, None))
                score += 0.5 * len(unit & asked) + COUNTED_BONUS * bool(unit & counted)
                score += DURATION_BONUS * (_asks_duration(question) and _is_duration(span))
            (lists if cand.is_list else found).append((score, order, cand.start, span))
    best_list = max(lists, key=lambda f: (f[0], -f[1], -f[2]), default=None)
    best_found = max(found, key=lambda f: (f[0], -f[1], -f[2]), default=None)
    if best_list and (plural or not best_found):  # several asked for: a list says them all
        return best_list[3], best_list[0], best_list[1]
    if best_found is None:
        return "", 0.0, 0
    if not plural:
        return best_found[3], best_found[0], best_found[1]
    # several asked for: names the question already says ("Aliyev" in "which leaders invited
    # Aliyev") are not among them, unless nothing else is found
    fresh = [f for f in found if not _asked_share(f[3], asked)] or found
    chosen: list[tuple[float, int, int, str]] = []
    for item in sorted(fresh, key=lambda f: -f[0]):
        if len(chosen) < MAX_ITEMS and not any(item[3] in c[3] or c[3] in item[3] for c in chosen):
            chosen.append(item)
    text = "; ".join(f[3] for f in sorted(chosen, key=lambda f: (f[1], f[2])))
    return text, chosen[0][0], min(f[1] for f in chosen)


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
        return finders.dates(sentence, lang)
    if kind is AnswerType.NUMBER:
        pairs = finders.number_pairs(sentence, lang) if _AND_ASKED.search(question) else ()
        return _chain(iter(pairs), finders.numbers(sentence, lang))
    if kind is AnswerType.PERSON:
        return finders.names(sentence, lang, person=True)
    lists = finders.name_lists(sentence, lang) if plural else iter(())
    if kind is AnswerType.PLACE:
        return _chain(lists, finders.names(sentence, lang))
    return _chain(lists, finders.named(sentence, lang, head_noun(question)))


def _chain(*parts: Iterator[Candidate]) -> Iterator[Candidate]:
    for part in parts:
        yield from part


def _weights(asked: set[str], weight: Callable[[str], float] | None) -> dict[str, float]:
    """Each asked term's weight, rescaled so the mean is 1: without a vocabulary all count 1."""
    if weight is None or not asked:
        return dict.fromkeys(asked, 1.0)
    raw = {t: weight(t) for t in asked}
    mean = sum(raw.values()) / len(raw) or 1.0
    return {t: w / mean for t, w in raw.items()}


def _proximity(sentence: str, cand: Candidate, lang: str, weigh: dict[str, float]) -> float:
    """Words the question shares with the sentence, each counting more the nearer it stands to
    the candidate and the rarer it is: "the embassy opened in Tbilisi in March 1996" puts that
    date by "Tbilisi", and "adopted" says more than "Azerbaijan"."""
    score = 0.0
    for m in _WORD.finditer(sentence):
        shared = [weigh[t] for t in tokens(m.group(0), lang) if t in weigh]
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


def _trim(span: str, lang: str) -> str:
    """Strip trailing punctuation and, in Azerbaijani, one case ending of the last word."""
    span = span.strip(" ,;:.")
    if lang != "az" or span.endswith(("”", '"', "»")):
        return span
    head, _, last = span.rpartition(" ")
    month = _LOCATIVE_MONTH.search(last)
    last = last[: month.start() + 1] if month else _cut_ending(last)
    return f"{head} {last}".strip() if head else last


def _cut_ending(word: str) -> str:
    for ending in _AZ_ENDINGS:
        stem = word[: len(word) - len(ending)]
        if word.endswith(ending) and len(stem) >= 3:
            return stem + word[len(stem)] if ending in ("aya", "əyə") else stem  # "Rusiyaya"
    return word
