"""The evidence for "is this question answered by the corpus?", as named numbers.

Each signal is cheap (no extra embedding) and means one thing a reader could check by hand:

- ``sentence_cos``: cosine of the chosen sentence to the question (the dense view);
- ``paragraph_cos``: best cosine of the top paragraph's passages;
- ``coverage``: IDF-weighted share of the question's content words found in the chosen paragraph
  (both language versions, folded and stemmed, so accent-less Azerbaijani counts);
- ``focus_missing``: IDF of the rarest question word the chosen paragraph lacks, over the
  highest IDF possible (the word that makes the question specific: "born", "population");
- ``unknown``: IDF-weighted share of the question's words that occur nowhere in the corpus;
- ``unknown_name``: the question names something (a capitalised word, an acronym, a number) that
  occurs nowhere in the corpus — strong evidence of "not here";
- ``unknown_acronym``: an acronym the corpus never uses ("NATO", "IMF", "ATƏT-in"): names of
  organisations are not paraphrased the way "Ankara" stands for Turkey;
- ``unknown_phrase``: an English name of several words ("Council of Europe") that the corpus
  never uses as a whole, though it knows each word (`app.answering.phrases`);
- ``name_missing``: share of the question's names that the corpus knows but the chosen paragraph
  does not hold (a wrong-country variant of a real fact); ``number_missing`` the same for its
  numbers and years (a wrong-year variant);
- ``sentence_name_missing``: ``name_missing`` for the sentences the answer shows: a paragraph
  about Georgia's embassy in Baku may name Armenia elsewhere, the sentence does not;
- ``state_swapped``: the question names a state the shown sentences lack, and they name
  another one instead (`app.answering.aliases.swapped`): "the Turkish embassy" answered by the
  sentence on "the Georgian embassy";
- ``type_missing``: the question asks for a date/number/name and no sentence the answer would
  show holds one;
- ``agreement``: the dense and lexical rankings agree on the top paragraph;
- ``answer_support``: for a factoid question, how well the short answer found is backed: a
  span of the asked shape with the question's own words close around it (0 for none found);
- ``lexical_top``: the chosen paragraph is the lexical ranking's first;
- ``word_coverage``: ``coverage`` over the question's words that are not names (a paragraph
  that only shares "Baku" with "What is the weather in Baku?" covers none of what is asked).

`app.answering.answerability` weighs them; the eval fits the weights.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.answering import aliases
from app.answering.finders import titled_runs
from app.answering.qtype import AnswerType
from app.answering.quantities import spellings
from app.answering.select import Pick, version_of
from app.answering.spans import best_span, short_answer
from app.answering.vocabulary import Vocabulary
from app.retrieval import Hit
from app.textnorm import STOPWORDS_AZ, STOPWORDS_EN, fold, tokens

NAMES = (
    "sentence_cos",
    "paragraph_cos",
    "coverage",
    "focus_missing",
    "unknown",
    "unknown_name",
    "unknown_phrase",
    "unknown_acronym",
    "name_missing",
    "number_missing",
    "type_missing",
    "agreement",
    "answer_support",
    "lexical_top",
    "word_coverage",
    "sentence_name_missing",
    "state_swapped",
)
_WORD = re.compile(r"[^\W_][\w'’-]*")
#: Words that open a question without naming anything (imperatives, "according to", ...).
_OPENERS = frozenset(
    "describe explain list name give summarize summarise compare according outline "
    "in on at during after before under since for from as between among "
    "against beyond besides apart aside despite unlike "
    "meqaleye meqalenin meqalede muellif muellifin muellife neticede neticeye esasen gore "
    "roughly approximately about around nearly almost kecen otan "
    "izah sadalayin sadala tesvir qeyd xulaseye xulasede qisaca".split()
)
_NAMEISH = re.compile(r"^(?:[A-ZÇƏĞİÖŞÜ]|\d)")
_ACRONYM = re.compile(r"[A-ZÇƏĞİÖŞÜ]{2,}")


@dataclass(frozen=True)
class Evidence:
    values: dict[str, float]
    unknown_names: tuple[str, ...]  # names in the question the corpus never uses, as typed
    unknown_words: tuple[str, ...]  # every content word the corpus never uses
    missing_names: tuple[str, ...]  # known names/numbers the chosen paragraph lacks
    unshown_names: tuple[str, ...] = ()  # known names the sentences shown lack


def question_words(question: str) -> list[tuple[str, bool]]:
    """(word, looks like a name) for each word. Every question starts with a capital, so the
    first word counts as a name only when it is not a question word or an opener ("Describe")."""
    out = []
    for i, match in enumerate(_WORD.finditer(question)):
        word = match.group(0).strip("'’-")
        nameish = bool(_NAMEISH.match(word)) and (i > 0 or not _opener(word))
        out.append((word, nameish and len(word) > 1))
    return out


def _opener(word: str) -> bool:
    folded = fold(word)
    return folded in STOPWORDS_EN or folded in STOPWORDS_AZ or folded in _OPENERS


def gather(
    question: str,
    lang: str,
    kind: AnswerType | None,
    hits: Sequence[Hit],
    picked: Sequence[Pick],
    vocab: Vocabulary,
    extra: Sequence[Hit] = (),
) -> Evidence:
    """``extra``: paragraphs the answer brings besides the chosen one (the items of a list)."""
    # the first word is capitalised for its place: a name only when the corpus has it as one
    words = [
        (w, name and (i > 0 or vocab.phrases.is_name(w) or not vocab.knows(w)))
        for i, (w, name) in enumerate(question_words(question))
    ]
    evidence_hits = [picked[0].hit, *extra] if picked else []
    # a name the corpus only abbreviates ("Commonwealth of Independent States") stands as its
    # acronym ("CIS")
    abbreviated = vocab.phrases.abbreviated(question)
    spelled = {w for run in abbreviated for w in run.split()}
    content = [(w, name) for w, name in words if tokens(w, lang) and w not in spelled]
    content += [(acronym, True) for acronym in abbreviated.values()]
    best = picked[0] if picked else None
    paragraph_terms = set().union(*(_paragraph_terms(h) for h in evidence_hits)) if best else set()
    weights = {w: _word_idf(w, lang, vocab) for w, _ in content}
    total = sum(weights.values()) or 1.0
    unknown = [w for w, _ in content if not _known(w, question, lang, vocab)]
    unknown_names = tuple(w for w, name in content if name and w in unknown)
    unknown_phrases = vocab.phrases.unknown_names(question, lang)
    acronyms = [w for w, _ in content if _unknown_acronym(w, vocab)]
    names = [w for w, name in content if name and w not in unknown and not w[0].isdigit()]
    numbers = [w for w, name in content if w[0].isdigit() and w not in unknown]
    missing = tuple(
        w
        for w in names
        if not _held(w, lang, paragraph_terms, party=not aliases.located(question, w, lang))
    )
    missing_numbers = tuple(w for w in numbers if not _held_number(w, lang, paragraph_terms))
    shown = _shown_terms(picked, extra)
    unshown = [w for w in names if not _held(w, lang, shown, party=True)]
    lacking = [weights[w] for w, _ in content if not _held(w, lang, paragraph_terms)]

    def covered(terms: set[str]) -> float:
        return sum(weights[w] for w, _ in content if _held(w, lang, terms)) / total

    values = {
        "sentence_cos": best.score if best else 0.0,
        "paragraph_cos": (hits[0].dense or 0.0) if hits else 0.0,
        "coverage": covered(paragraph_terms) if content else 0.0,
        "focus_missing": max(lacking, default=0.0) / vocab.max_idf,
        "unknown": sum(weights[w] for w in unknown) / total if content else 1.0,
        "unknown_name": float(bool(unknown_names)),
        "unknown_phrase": float(bool(unknown_phrases)),
        "unknown_acronym": float(bool(acronyms)),
        "name_missing": len(missing) / len(names) if names else 0.0,
        "number_missing": len(missing_numbers) / len(numbers) if numbers else 0.0,
        "type_missing": float(_type_missing(kind, picked, extra, lang, question)),
        "agreement": _agreement(hits[0]) if hits else 0.0,
        "answer_support": _support(kind, best, lang, question),
        "lexical_top": float(bool(best) and best.hit.lexical_rank == 1),
        "word_coverage": _plain_coverage(content, lang, paragraph_terms, weights),
        "sentence_name_missing": len(unshown) / len(names) if names else 0.0,
    }
    swapped = _swapped(content, lang, shown)
    values["state_swapped"] = float(bool(swapped))
    unshown += [w for w in swapped if w not in unshown]
    named = _as_named(question, unknown_names)
    named += tuple(p for p in unknown_phrases if p not in named)
    return Evidence(values, named, tuple(unknown), missing + missing_numbers, tuple(unshown))


def _swapped(content: Sequence[tuple[str, bool]], lang: str, shown: set[str]) -> list[str]:
    """The question's words naming a state that the shown sentences swap for another one
    (`aliases.swapped`), as typed ("Turkish", "İranın"); [] when there is no swap."""
    named = {w: aliases.states_in(set(tokens(w, lang))) for w, _ in content}
    lacking = aliases.swapped(set().union(*named.values()), aliases.states_in(shown))
    return [w for w, states in named.items() if states & lacking]


def _known(word: str, question: str, lang: str, vocab: Vocabulary) -> bool:
    """Known to the corpus, itself or as the state it stands for ("Ankara" as a party is Turkey,
    which the corpus knows, though it never names the city)."""
    if vocab.knows(word):
        return True
    state = aliases.stands_for(word, question, lang)
    return state is not None and vocab.knows(state)


def _unknown_acronym(word: str, vocab: Vocabulary) -> bool:
    head = word.split("-")[0]  # "NATO-ya": the case ending follows a hyphen
    return bool(_ACRONYM.fullmatch(head)) and not vocab.knows(head)


def _plain_coverage(content, lang: str, terms: set[str], weights: dict[str, float]) -> float:
    plain = [w for w, name in content if not name]
    total = sum(weights[w] for w in plain)
    if not total:
        return 0.0
    return sum(weights[w] for w in plain if _held(w, lang, terms)) / total


def _as_named(question: str, words: Sequence[str]) -> tuple[str, ...]:
    """Each unknown word as the whole name it belongs to: "Council" → "Council of Europe"."""
    out: list[str] = []
    for word in words:
        run = next((r for r in titled_runs(question) if word in r.split()), word)
        run = run.removeprefix("The ").removeprefix("the ")
        if run not in out:
            out.append(run)
    return tuple(out)


def _word_idf(word: str, lang: str, vocab: Vocabulary) -> float:
    terms = tokens(word, lang)
    return max(vocab.idf(t) for t in terms) if terms else 0.0


def _shown_terms(picked: Sequence[Pick], extra: Sequence[Hit]) -> set[str]:
    """The terms of the sentences the answer shows, in every language version, and of the
    list items it brings."""
    terms: set[str] = set()
    for pick in picked:
        for version in pick.hit.versions.values():
            if pick.index < len(version.sentences):
                text = version.sentences[pick.index].text
                terms.update(tokens(text, version.lang))
                terms.update(tokens(text, None))
    for hit in extra:
        terms.update(_paragraph_terms(hit))
    return terms


def _paragraph_terms(hit: Hit) -> set[str]:
    terms: set[str] = set()
    for version in hit.versions.values():
        terms.update(tokens(version.text, version.lang))
        terms.update(tokens(version.text, None))
    return terms


def _held(word: str, lang: str, terms: set[str], *, party: bool = False) -> bool:
    """Every part of the word ("Bakı-Tbilisi-Ceyhan": all three), in either analysis; a state
    by its adjective ("Iranian"), and with ``party`` by its capital ("relations with Moscow")."""
    readings = [set(tokens(word, lang)), set(tokens(word, None))]
    return any(
        r and all(t in terms or aliases.held(t, terms, party=party) for t in r) for r in readings
    )


def _held_number(word: str, lang: str, terms: set[str]) -> bool:
    """A decade is held in any of its spellings: "90-cı illər", "the 1990s", "1990-cı illər"."""
    return _held(word, lang, terms) or any(spellings(t) & terms for t in tokens(word, None))


def _support(kind: AnswerType | None, best: Pick | None, lang: str, question: str) -> float:
    if kind is None or best is None:
        return 0.0
    version = version_of(best.hit, lang)
    sentence = version.sentences[best.index].text
    span, score = best_span(kind, [(sentence, version.lang)], question)
    return max(score, 0.0) if span else 0.0


def _type_missing(
    kind: AnswerType | None, picked: Sequence[Pick], extra: Sequence[Hit], lang: str, question: str
) -> bool:
    """No sentence the answer draws its short answer from (the picked sentences and the list
    items they announce) holds a fact of the asked kind beyond what the question already says."""
    if kind is None or not picked:
        return False
    shown = [(p.hit, p.index) for p in picked]
    shown += [(h, i) for h in extra for i in range(len(version_of(h, lang).sentences))]
    sentences = []
    for hit, index in shown:
        version = version_of(hit, lang)
        sentences.append((version.sentences[index].text, version.lang))
    return not short_answer(kind, sentences, question)


def _agreement(top: Hit) -> float:
    """1 when both rankings put this paragraph first, 0.5 when both have it in their top 3."""
    dense, lexical = top.dense_rank, top.lexical_rank
    if dense == 1 and lexical == 1:
        return 1.0
    if dense is not None and lexical is not None and dense <= 3 and lexical <= 3:
        return 0.5
    return 0.0
