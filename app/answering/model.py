"""What leaves the answer stage: the answer, its citations, and how sure it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.messages import message
from app.retrieval import Hit


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
    #: The answer itself when the question asks for one fact ("20 September 1994"), verbatim
    #: from the first cited sentence; "" for why/how questions and abstentions.
    short_answer: str = ""
    #: Estimated probability that the corpus answers the question (the answerability model).
    confidence: float = 0.0
    #: Why the answer was withheld, in the answer's language; "" when answered.
    abstain_reason: str = ""
    #: The signals the decision was made from, by name (shown in --json for transparency).
    signals: dict[str, float] = field(default_factory=dict)
    #: "extractive", or "llm" when a user's model wrote the (verified) text.
    answerer: str = "extractive"
    #: For "llm": {"kept": [sentence, ...], "removed": [{"sentence", "reason"}, ...]}.
    verification: dict | None = None
    #: Why the model's answer was not used ("the model's answer was not in Azerbaijani"), shown
    #: with the extractive answer that replaced it; "" otherwise.
    note: str = ""

    def abstention_text(self) -> str:
        """ "Not in the corpus", and why, in the answer's language."""
        if not self.abstain_reason:
            return self.text
        return message("because", self.language, text=self.text, reason=self.abstain_reason)

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "language": self.language,
            "answered": self.answered,
            "answer": self.text,
            "short_answer": self.short_answer,
            "confidence": round(self.confidence, 4),
            "abstain_reason": self.abstain_reason,
            "signals": {k: round(v, 4) for k, v in self.signals.items()},
            "answerer": self.answerer,
            **({"verification": self.verification} if self.verification is not None else {}),
            **({"note": self.note} if self.note else {}),
            "citations": [c.as_json() for c in self.citations],
            "see_also": [c.as_json(with_number=False) for c in self.see_also],
            "timings_ms": {
                "retrieve": self.timings_ms.get("retrieve", 0.0),
                "answer": self.timings_ms.get("answer", 0.0),
            }
            | {k: v for k, v in self.timings_ms.items() if k in ("first_token", "generate")},
        }
