"""The extractive answerer: one to three sentences that answer the question, taken from the
paragraph versions in the question's language, each followed by its citation marker.

No generative model runs offline here, so the answer is built from the corpus' own sentences;
sentence scores come from vectors stored at index time, so answering costs no extra embedding.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from app.corpus import Paragraph
from app.errors import QuestionError
from app.followup import resolve
from app.langdetect import Detection, detect
from app.messages import message
from app.retrieval import Hit, Retriever
from app.textnorm import tokens

MAX_QUESTION_CHARS = 2000
#: Abstain when the best sentence's score is below this (calibrated on evals/datasets/dev.jsonl).
ABSTAIN_BELOW = 0.80
MAX_SENTENCES = 3
KEEP_WITHIN = 0.025  # extra sentences must score within this of the best one
NEIGHBOUR_WITHIN = 0.06  # a sentence next to the best one may complete it, so it gets more room
TYPE_BONUS = 0.02  # a "when" question prefers sentences with dates, "how many" with numbers
_WHEN = re.compile(
    r"\b(when|what year|which year|since when|until when|nə vaxt|ne vaxt|hansı il"
    r"|hansi il|nə zaman|ne zaman|neçənci|necenci)\b",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(
    r"\b(how many|how much|how long|neçə|nece|nə qədər|ne qeder)\b", re.IGNORECASE
)
_WHO = re.compile(r"\b(who|whom|whose|kim|kimin|kimə|kimi)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-ZÇƏĞİÖŞÜ][a-zəğıöşüç]+")
CANDIDATE_PARAGRAPHS = 3


@dataclass(frozen=True)
class Citation:
    """A cited paragraph as shown in the answer's language, with its original beside it."""

    n: int
    doc_id: str
    title: str
    page: int
    paragraph: str
    lang: str
    text: str
    quote: str
    translated: bool
    original_lang: str
    original_text: str
    original_quote: str
    spans: tuple[tuple[int, int], ...] = ()  # cited sentences in ``text``
    original_spans: tuple[tuple[int, int], ...] = ()

    def as_json(self, with_number: bool = True) -> dict:
        keys = ("n",) if with_number else ()
        keys += (
            "doc_id",
            "title",
            "page",
            "paragraph",
            "lang",
            "text",
            "quote",
            "translated",
            "original_lang",
            "original_text",
            "original_quote",
        )
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class Answer:
    question: str
    resolved_question: str
    language: str
    answered: bool
    text: str
    citations: tuple[Citation, ...]
    see_also: tuple[Citation, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    hits: tuple[Hit, ...] = ()

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "language": self.language,
            "answered": self.answered,
            "answer": self.text,
            "citations": [c.as_json() for c in self.citations],
            "see_also": [c.as_json(with_number=False) for c in self.see_also],
            "timings_ms": {
                "retrieve": self.timings_ms.get("retrieve", 0.0),
                "answer": self.timings_ms.get("answer", 0.0),
            },
        }


def clean_question(question: str) -> str:
    """Control characters become spaces; empty and over-long questions are refused."""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in question)
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    if not text:
        raise QuestionError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is too long ({len(text)} characters; the limit is {MAX_QUESTION_CHARS})"
        )
    return text


class Answerer:
    def __init__(self, retriever: Retriever, *, abstain_below: float = ABSTAIN_BELOW):
        self.retriever = retriever
        self.abstain_below = abstain_below

    def ask(
        self,
        question: str,
        *,
        lang: str | None = None,
        k: int = 5,
        history: Sequence[str] = (),
        variant: str = "hybrid",
    ) -> Answer:
        question = clean_question(question)
        resolved = resolve(question, history[-1] if history else None)
        start = time.perf_counter()
        result = self.retriever.search(resolved, k=k, variant=variant, lang=lang)
        retrieve_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        language = lang if lang in ("en", "az") else _answer_language(question, result.detection)
        picked = self._select(resolved, result.hits, language)
        if not picked:
            see_also = tuple(self._citation(h, language, (), 0) for h in result.hits[:3])
            answer = Answer(
                question,
                resolved,
                language,
                False,
                message("not_found", language),
                (),
                see_also,
                hits=result.hits,
            )
        else:
            answer = self._compose(question, resolved, language, picked, result.hits)
        timings = {
            "retrieve": round(retrieve_ms, 2),
            "answer": round((time.perf_counter() - start) * 1000, 2),
        }
        return replace(answer, timings_ms=timings)

    def _select(
        self, question: str, hits: Sequence[Hit], lang: str
    ) -> list[tuple[Hit, int, float]]:
        """Score sentences of the top paragraphs; keep the best few close to the best one."""
        query_terms = set(tokens(question, lang))
        scored: list[tuple[float, Hit, int]] = []
        for hit in hits[:CANDIDATE_PARAGRAPHS]:
            version = hit.versions.get(lang) or next(iter(hit.versions.values()))
            by_index: dict[int, dict[str, float]] = {}
            for s in hit.sentences:
                by_index.setdefault(s.index, {})[s.lang] = s.score
            for s in version.sentences:
                scores = by_index.get(s.index, {})
                if not scores:
                    continue
                same = scores.get(version.lang, max(scores.values()))
                other = max(scores.values())
                overlap = _overlap(query_terms, s.text, version.lang)
                prior = 0.01 if hit.rank == 1 else 0.0
                bonus = TYPE_BONUS * _answer_type_match(question, s.text)
                scored.append(
                    (0.6 * same + 0.4 * other + 0.05 * overlap + prior + bonus, hit, s.index)
                )
        scored.sort(key=lambda item: -item[0])
        if not scored or scored[0][0] < self.abstain_below:
            return []
        best_score, best_hit, best_index = scored[0]
        picked = [(best_hit, best_index, best_score)]
        for score, hit, index in scored[1:]:
            neighbour = hit is best_hit and abs(index - best_index) == 1
            margin = NEIGHBOUR_WITHIN if neighbour else KEEP_WITHIN
            if len(picked) < MAX_SENTENCES and score >= best_score - margin:
                picked.append((hit, index, score))
        return picked

    def _compose(self, question, resolved, lang, picked, hits) -> Answer:
        order: list[Hit] = []
        chosen: dict[tuple[str, str], list[int]] = {}
        for hit, index, _ in picked:
            key = (hit.doc_id, hit.pid)
            if key not in chosen:
                order.append(hit)
            chosen.setdefault(key, []).append(index)
        citations, parts = [], []
        for n, hit in enumerate(order, start=1):
            indices = sorted(chosen[(hit.doc_id, hit.pid)])
            citation = self._citation(hit, lang, indices, n)
            citations.append(citation)
            version = hit.versions.get(lang) or next(iter(hit.versions.values()))
            parts.extend(f"{version.sentences[i].text} [{n}]" for i in indices)
        cited = {(c.doc_id, c.paragraph) for c in citations}
        see_also = tuple(
            self._citation(h, lang, (), 0) for h in hits[:3] if (h.doc_id, h.pid) not in cited
        )
        return Answer(
            question,
            resolved,
            lang,
            True,
            " ".join(parts),
            tuple(citations),
            see_also,
            hits=tuple(hits),
        )

    def _citation(self, hit: Hit, lang: str, indices: Sequence[int], n: int) -> Citation:
        shown = hit.versions.get(lang) or next(iter(hit.versions.values()))
        original = self.retriever.corpus.original_of(shown)
        title = self.retriever.corpus.document(hit.doc_id).title_in(lang)
        spans = tuple((shown.sentences[i].start, shown.sentences[i].end) for i in indices)
        original_spans = tuple(
            (original.sentences[i].start, original.sentences[i].end)
            for i in indices
            if i < len(original.sentences)
        )
        return Citation(
            n=n,
            doc_id=hit.doc_id,
            title=title,
            page=shown.page,
            paragraph=hit.pid,
            lang=shown.lang,
            text=shown.text,
            quote=_quote(shown, spans),
            translated=shown.translated,
            original_lang=original.lang,
            original_text=original.text,
            original_quote=_quote(original, original_spans),
            spans=spans,
            original_spans=original_spans,
        )


def _answer_language(question: str, resolved: Detection) -> str:
    """The language the user asked in: a follow-up's own words win unless too few to tell."""
    own = detect(question)
    return own.lang if own.confidence >= min(0.5, resolved.confidence) else resolved.lang


def _answer_type_match(question: str, sentence: str) -> float:
    """1 when the sentence holds the kind of fact the question asks for (date, number, name)."""
    if _WHEN.search(question):
        return float(bool(_YEAR.search(sentence)))
    if _HOW_MANY.search(question):
        return float(bool(_NUMBER.search(sentence)))
    if _WHO.search(question):
        return float(bool(_NAME.search(sentence)))
    return 0.0


def _quote(p: Paragraph, spans: Sequence[tuple[int, int]]) -> str:
    return " ".join(p.text[a:b] for a, b in spans)


def _overlap(query_terms: set[str], sentence: str, lang: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & set(tokens(sentence, lang))) / len(query_terms)
