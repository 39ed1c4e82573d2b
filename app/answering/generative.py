"""Generative answers from the user's own model, every sentence checked against its citation.

The extractive answerer runs first: its answerability decision says whether to ask the model at
all, and its answer is what the user gets whenever the model's cannot be trusted (endpoint down
or failing, an answer in the wrong language, nothing verifiable left). The model gets the top
paragraphs, numbered, in the answer's language; what it writes goes through
`app.answering.verify`, and only the supported sentences reach the user, renumbered, with the
supporting sentence highlighted in each citation. The removed ones are listed with the reason.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from app.answering.compose import Answerer
from app.answering.llm import LLMSettings, chat_model, previous_prompt, prompt, stream
from app.answering.model import Answer, Citation
from app.answering.select import version_of
from app.answering.verify import Kept, Source, Verification, sentences_of, verify
from app.errors import LLMError
from app.langdetect import detect
from app.messages import message
from app.retrieval import Hit

SOURCES = 4  # paragraphs sent to the model: enough for the answer, short enough for small models
MIN_LANGUAGE_CONFIDENCE = 0.5
_MARKER = re.compile(r"\[(\d+)\]")


class GenerativeAnswerer:
    """Same ``ask`` as `Answerer`, plus ``on_token`` (streaming) and ``stop`` (a stop button)."""

    streams = True

    def __init__(self, answerer: Answerer, settings: LLMSettings, model: Any = None):
        self.extractive = answerer
        self.settings = settings
        self.model = model or chat_model(settings)

    @property
    def retriever(self) -> Any:
        return self.extractive.retriever

    def ask(
        self,
        question: str,
        *,
        on_token: Callable[[str], None] | None = None,
        stop: threading.Event | None = None,
        generate: bool = True,
        **kwargs: Any,
    ) -> Answer:
        """``generate=False``: the extractive answer only (the app's warm-up)."""
        base = self.extractive.ask(question, **kwargs)
        if not generate:
            return base
        if not base.answered:
            return replace(base, note=message("fallback_abstain", base.language))
        hits = base.hits[:SOURCES]
        history = kwargs.get("history") or ()
        start = time.perf_counter()
        first: list[float] = []

        def token(piece: str) -> None:
            if not first:
                first.append((time.perf_counter() - start) * 1000)
            if on_token:
                on_token(piece)

        try:
            text = stream(self.model, self._messages(base, hits, history), token, stop)
        except LLMError as exc:
            note = message("fallback_down", base.language, url=self.settings.base_url, error=exc)
            return replace(base, note=note)
        timings = base.timings_ms | {
            "generate": round((time.perf_counter() - start) * 1000, 2),
            "first_token": round(first[0], 2) if first else 0.0,
        }
        return replace(self._verified(base, hits, text), timings_ms=timings)

    def _messages(
        self, base: Answer, hits: Sequence[Hit], history: Sequence[Any]
    ) -> list[tuple[str, str]]:
        lang = base.language
        sources = "\n\n".join(
            f"[{n}] {version_of(hit, lang).text}" for n, hit in enumerate(hits, start=1)
        )
        previous = ""
        last = history[-1] if history else None
        if isinstance(last, Answer) and last.answered:
            previous = previous_prompt(lang).format(question=last.question, answer=last.text)
        user = prompt(lang, "user").format(
            sources=sources, previous=previous, question=base.resolved_question
        )
        return [("system", prompt(lang, "system")), ("user", user)]

    def _verified(self, base: Answer, hits: Sequence[Hit], text: str) -> Answer:
        lang = base.language
        sources = self._sources(hits)
        checked = verify(text, sources, lang, self.retriever.embedder.embed_passages)
        if not _in_language(text, lang):
            return _fallback(base, checked, "fallback_language")
        if not checked.kept:
            return _fallback(base, checked, "fallback_nothing")
        order = list(dict.fromkeys(n for k in checked.kept for n in k.markers if n in k.support))
        renumber = {old: new for new, old in enumerate(order, start=1)}
        citations = tuple(
            self._citation(hits[old - 1], lang, checked.kept, old, new)
            for old, new in renumber.items()
        )
        body = " ".join(_renumbered(k, renumber) for k in checked.kept)
        return replace(
            base,
            text=body,
            citations=citations,
            short_answer="",
            answerer="llm",
            verification=checked.as_json(),
        )

    def _sources(self, hits: Sequence[Hit]) -> list[Source]:
        vectors = self.retriever.sentence_vectors(hits)
        out = []
        for n, hit in enumerate(hits, start=1):
            mine = {
                (lg, i): v
                for (d, p, lg, i), v in vectors.items()
                if (d, p) == (hit.doc_id, hit.pid)
            }
            out.append(Source(n, hit.versions, mine))
        return out

    def _citation(self, hit: Hit, lang: str, kept: Sequence[Kept], old: int, new: int) -> Citation:
        """The cited paragraph with the sentences that support what the model wrote marked (the
        aligned sentence of the shown version when the support was found in the other one)."""
        shown = version_of(hit, lang)
        indices = sorted({k.support[old][1] for k in kept if old in k.support})
        spans = [
            (shown.sentences[i].start, shown.sentences[i].end)
            for i in indices
            if i < len(shown.sentences)
        ]
        return self.extractive.citation(hit, lang, spans, new)


def _renumbered(kept: Kept, renumber: dict[int, int]) -> str:
    """The sentence with its markers renumbered; markers not backed by their paragraph dropped."""
    sentence = " ".join(sentences_of(kept.sentence)) or kept.sentence

    def swap(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return f"[{renumber[n]}]" if n in kept.support else ""

    return re.sub(r"\s+", " ", _MARKER.sub(swap, sentence)).replace(" .", ".").strip()


def _in_language(text: str, lang: str) -> bool:
    found = detect(_MARKER.sub("", text))
    return found.lang == lang or found.confidence < MIN_LANGUAGE_CONFIDENCE


def _fallback(base: Answer, checked: Verification, key: str) -> Answer:
    return replace(base, verification=checked.as_json(), note=message(key, base.language))
