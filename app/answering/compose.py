"""The extractive answerer: the short answer first, then the sentence(s) that support it, each
followed by its citation marker — or an abstention that says why, with "see also" paragraphs.

No generative model runs offline here, so the answer is built from the corpus' own sentences;
sentence scores come from vectors stored at index time, so answering costs no extra embedding.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from app.answering import body
from app.answering.accents import Accents
from app.answering.answerability import AnswerabilityModel, Decision
from app.answering.followup import Turn, resolve
from app.answering.model import Answer, Citation
from app.answering.qtype import AnswerType, answer_type
from app.answering.select import Pick, list_items, select, version_of
from app.answering.signals import gather
from app.answering.spans import located_span
from app.answering.vocabulary import Vocabulary
from app.errors import QuestionError
from app.langdetect import Detection, detect
from app.messages import message
from app.retrieval import Hit, Retriever
from app.textnorm import tokens

MAX_QUESTION_CHARS = 2000
_LETTER = re.compile(r"[^\W\d_]")


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
    def __init__(self, retriever: Retriever, *, model: AnswerabilityModel | None = None):
        self.retriever = retriever
        self.model = model or AnswerabilityModel.load()
        self._vocab = Vocabulary(retriever)
        self._accents = Accents(p.text for p in retriever.corpus.paragraphs() if p.lang == "az")

    def ask(
        self,
        question: str,
        *,
        lang: str | None = None,
        k: int = 5,
        history: Sequence[str | Turn | Answer] = (),
        variant: str = "hybrid",
    ) -> Answer:
        """``history``: earlier turns, oldest first; only the last one can complete an elliptical
        follow-up, and an abstained one only when the new question cannot stand alone."""
        question = clean_question(question)
        resolved = resolve(question, _turn(history[-1]) if history else None)
        start = time.perf_counter()
        searched = self._restored(resolved, lang)
        # a name the corpus only abbreviates is searched for by its acronym too
        query = " ".join([searched, *self._vocab.phrases.abbreviated(searched).values()])
        result = self.retriever.search(query, k=k, variant=variant, lang=lang)
        retrieve_ms = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        language = lang if lang in ("en", "az") else _answer_language(question, result.detection)
        answer = self._answer(question, resolved, searched, language, result.hits)
        timings = {
            "retrieve": round(retrieve_ms, 2),
            "answer": round((time.perf_counter() - start) * 1000, 2),
        }
        return replace(answer, timings_ms=timings)

    def _restored(self, question: str, lang: str | None) -> str:
        """An Azerbaijani question typed without its letters, with them back (`Accents`)."""
        if lang == "en" or (lang != "az" and detect(question).lang != "az"):
            return question
        return self._accents.restore(question)

    def _answer(
        self, question: str, resolved: str, searched: str, lang: str, hits: tuple[Hit, ...]
    ) -> Answer:
        """``resolved``: the question as read (a follow-up completed); ``searched``: that, with
        Azerbaijani letters restored, which every stage reads."""
        kind = answer_type(searched)
        picked = select(searched, hits, lang, kind, self.retriever.corpus)
        extra = list_items(self.retriever.corpus, picked[0], lang) if picked else []
        evidence = gather(searched, lang, kind, hits, picked, self._vocab, extra)
        decision = self.model.decide(evidence, lang)
        if not _has_words(searched, lang):
            decision = Decision(False, 0.0, "reason_no_words")
        base = Answer(
            question,
            resolved,
            lang,
            decision.answer,
            "",
            (),
            (),
            hits=hits,
            confidence=decision.confidence,
            signals=evidence.values,
        )
        if not decision.answer:
            see_also = tuple(self.citation(h, lang, (), 0) for h in hits[:3])
            reason = _reason(decision, lang, kind)
            return replace(
                base, text=message("not_found", lang), see_also=see_also, abstain_reason=reason
            )
        return self._compose(base, searched, kind, picked, extra, hits)

    def _compose(
        self,
        base: Answer,
        searched: str,
        kind: AnswerType | None,
        picked: list[Pick],
        extra: Sequence[Hit],
        hits: Sequence[Hit],
    ) -> Answer:
        lang = base.language
        ordered = body.ordered(picked)
        listed = body.fit(body.items(extra, picked, lang), lang, body.MAX_LIST_WORDS, keep=None)
        # the short answer comes from a picked sentence or a list item shown ("Constructive
        # dialogue - from ..."), and the body always shows the sentence it quotes
        sources = [(p.hit, p.index, *_sentence(p.hit, p.index, lang)) for p in picked]
        sources += [
            (h, body.sentence_at(version_of(h, lang), span[0]), t, version_of(h, lang).lang)
            for h, span, t in listed
        ]
        fallback = {n for n, p in enumerate(picked) if p.follows}
        short, source = self._short(kind, sources, fallback, searched)
        anchor = sources[source][:2] if short else (picked[0].hit, picked[0].index)
        if anchor not in ordered:  # a list item: it is shown already
            anchor = (picked[0].hit, picked[0].index)
        best = ordered.index((picked[0].hit, picked[0].index))
        keep = ordered.index(anchor)
        shown = body.fit(ordered, lang, body.MAX_BODY_WORDS, keep=keep, then=best) + listed
        order = list({id(hit): hit for hit, _, _ in shown}.values())
        citations = []
        for n, hit in enumerate(order, start=1):
            spans = tuple(span for h, span, _ in shown if h is hit)
            citations.append(self.citation(hit, lang, spans, n))
        cited = {(c.doc_id, c.paragraph) for c in citations}
        see_also = tuple(
            self.citation(h, lang, (), 0) for h in hits[:3] if (h.doc_id, h.pid) not in cited
        )
        number = {id(hit): n for n, hit in enumerate(order, start=1)}
        parts = [(text, number[id(hit)]) for hit, _, text in shown]
        lead = [f"{short} [{number.get(id(sources[source][0]), 1)}]."] if short else []
        untranslated = any(c.lang != lang for c in citations)
        return replace(
            base,
            note=message("untranslated", lang) if untranslated else "",
            text=" ".join(lead + [f"{t} [{n}]" for t, n in parts]),
            citations=tuple(citations),
            see_also=see_also,
            short_answer=short,
        )

    def _short(
        self, kind: AnswerType | None, sources: Sequence[tuple], fallback: set[int], question: str
    ) -> tuple[str, int]:
        """The short answer and the index of the source it quotes. A sentence shown only as the
        continuation of the best one (``fallback``) is drawn from only when no other source
        has an answer: on the fit split it otherwise took "Azerbaijan" for "name the Iranian
        president" from "…disagreements between Azerbaijan and Iran…"."""
        texts, weight = [(text, lang) for _, _, text, lang in sources], self._vocab.weight
        first = [n for n in range(len(sources)) if n not in fallback]
        if fallback:
            short, _, at = located_span(kind, [texts[n] for n in first], question, weight)
            if short:
                return short, first[at]
        short, _, at = located_span(kind, texts, question, weight)
        return short, at

    def citation(self, hit: Hit, lang: str, spans: Sequence[tuple[int, int]], n: int) -> Citation:
        """``spans``: character ranges of ``hit``'s version in ``lang`` that the answer shows; the
        original's spans are the sentences aligned with them (same sentence index)."""
        shown = version_of(hit, lang)
        original = self.retriever.corpus.original_of(shown)
        title = self.retriever.corpus.document(hit.doc_id).title_in(lang)
        indices = [body.sentence_at(shown, a) for a, _ in spans]
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
            quote=body.quote(shown, spans),
            translated=shown.translated,
            original_lang=original.lang,
            original_text=original.text,
            original_quote=body.quote(original, original_spans),
            spans=tuple(spans),
            original_spans=original_spans,
        )


def _turn(item: str | Turn | Answer) -> Turn:
    if isinstance(item, str):
        return Turn(item)
    if isinstance(item, Answer):
        return Turn(item.resolved_question or item.question, item.answered, item.language)
    return item


def _has_words(question: str, lang: str) -> bool:
    """Punctuation, emoji or digits alone give nothing to look up: abstain, never cite."""
    return any(_LETTER.search(t) for t in tokens(question, lang))


def _reason(decision: Decision, lang: str, kind: AnswerType | None) -> str:
    if decision.reason == "reason_type" and kind is not None:
        return message("reason_type", lang, kind=message(f"kind_{kind.value}", lang))
    if decision.reason in ("reason_unknown", "reason_missing", "reason_unshown"):
        terms = ", ".join(f"“{t}”" for t in decision.reason_terms[:3])
        return (
            message(decision.reason, lang, terms=terms) if terms else message("reason_weak", lang)
        )
    return message(decision.reason or "reason_weak", lang)


def _sentence(hit: Hit, index: int, lang: str) -> tuple[str, str]:
    version = version_of(hit, lang)
    return version.sentences[index].text, version.lang


def _answer_language(question: str, resolved: Detection) -> str:
    """The language the user asked in: a follow-up's own words win unless too few to tell."""
    own = detect(question)
    return own.lang if own.confidence >= min(0.5, resolved.confidence) else resolved.lang
