"""Answer or abstain: a logistic regression over the named signals of `app.answering.signals`.

Transparent on purpose: the weights are data (``app/data/answerability.json``, written by
``menbe eval --fit-answerability`` from the *fit* split of the dev set, never from the questions
we report on), each decision keeps its signals, and the reason given for an abstention is the
signal that pulled the confidence down the most.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from app.answering.signals import NAMES, Evidence
from app.errors import MenbeError

MODEL_FILE = "data/answerability.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Decision:
    answer: bool
    confidence: float
    reason: str  # a key of app/data/messages.json ("" when answering)
    reason_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class OffTopicGate:
    """A second, smaller logistic regression: is the question about this corpus at all? Fitted
    on the off-topic fit questions against the rest ("What is the boiling point of water?"
    shares the word "point" with the corpus and little else), its threshold lets
    ``OFF_TOPIC_PASS`` of the answerable fit questions through."""

    weights: Mapping[str, float]
    means: Mapping[str, float]
    scales: Mapping[str, float]
    bias: float
    threshold: float

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.bias + sum(
            w * (values[n] - self.means[n]) / self.scales[n] for n, w in self.weights.items()
        )
        return _sigmoid(z)

    def as_json(self) -> dict:
        return {
            "weights": dict(self.weights),
            "means": dict(self.means),
            "scales": dict(self.scales),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, doc: Mapping) -> OffTopicGate:
        names = list(doc["weights"])
        if set(names) - set(NAMES):
            raise ValueError("the off-topic gate names unknown signals")
        return cls(**_linear(doc, names))


@dataclass(frozen=True)
class AnswerabilityModel:
    """Standardised logistic regression: p = σ(b + Σ wᵢ·(xᵢ − μᵢ)/sᵢ); answer when p ≥ the answer
    language's threshold and no veto holds. A veto is a signal that alone settles it ("the
    question names a year the cited paragraph never mentions"): a linear model that must answer
    98 % of the answerable questions cannot give one signal that much weight, so the fit adds
    such rules on their own; the off-topic gate is one more, fitted apart."""

    weights: Mapping[str, float]
    means: Mapping[str, float]
    scales: Mapping[str, float]
    bias: float
    threshold: float
    #: signal name → level at or above which the question is not answered
    vetoes: Mapping[str, float] = field(default_factory=dict)
    off_topic: OffTopicGate | None = None
    #: per answer language: the English originals and the Azerbaijani translations score
    #: differently, and each language must answer its share of the answerable questions
    thresholds: Mapping[str, float] = field(default_factory=dict)

    def threshold_for(self, lang: str | None) -> float:
        return self.thresholds.get(lang or "", self.threshold)

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        return {
            name: self.weights[name] * (values[name] - self.means[name]) / self.scales[name]
            for name in self.weights
        }

    def confidence(self, values: Mapping[str, float]) -> float:
        return _sigmoid(self.bias + sum(self.contributions(values).values()))

    def vetoed(self, values: Mapping[str, float]) -> str | None:
        """The signal that settles "abstain" alone, if any. Besides the fitted vetoes, one rule
        is fixed: a passage that holds none of the question's content words cannot answer it
        ("Why is the sky blue?"), however close its vector happens to be."""
        if values.get("coverage", 1.0) <= 0.0:
            return "coverage"
        if self.off_topic and self.off_topic.probability(values) > self.off_topic.threshold:
            return "off_topic"
        return next((n for n, level in self.vetoes.items() if values[n] >= level), None)

    def answers(self, values: Mapping[str, float], lang: str | None = None) -> bool:
        return self.confidence(values) >= self.threshold_for(lang) and self.vetoed(values) is None

    def decide(self, evidence: Evidence, lang: str | None = None) -> Decision:
        confidence = self.confidence(evidence.values)
        threshold = self.threshold_for(lang)
        veto = self.vetoed(evidence.values)
        if veto is not None:
            # shown below the line, so the number never says "answer" beside an abstention
            capped = min(confidence, threshold * 0.99)
            return _explain({veto: -1.0}, evidence, capped)
        if confidence >= threshold:
            return Decision(True, confidence, "")
        return _explain(self.contributions(evidence.values), evidence, confidence)

    def as_json(self) -> dict:
        return {
            "version": FORMAT_VERSION,
            "features": list(self.weights),
            "weights": dict(self.weights),
            "means": dict(self.means),
            "scales": dict(self.scales),
            "bias": self.bias,
            "threshold": self.threshold,
            "vetoes": dict(self.vetoes),
            "thresholds": dict(self.thresholds),
            "off_topic": self.off_topic.as_json() if self.off_topic else None,
        }

    @classmethod
    def neutral(cls) -> AnswerabilityModel:
        """Answers everything: for gathering signals before any model is fitted."""
        zero = dict.fromkeys(NAMES, 0.0)
        return cls(zero, zero, dict.fromkeys(NAMES, 1.0), bias=0.0, threshold=0.0)

    @classmethod
    def from_json(cls, doc: Mapping, where: str = MODEL_FILE) -> AnswerabilityModel:
        try:
            if doc["version"] != FORMAT_VERSION or set(doc["features"]) != set(NAMES):
                raise ValueError("written for other signals; refit it")
            return cls(
                **_linear(doc, doc["features"]),
                vetoes=_vetoes(doc.get("vetoes", {})),
                off_topic=_gate(doc.get("off_topic")),
                thresholds={k: float(v) for k, v in doc.get("thresholds", {}).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MenbeError(f"answerability model {where} is unusable: {exc}") from exc

    @classmethod
    def load(cls, path: Path | None = None) -> AnswerabilityModel:
        if path is None:
            return _packaged()
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MenbeError(f"answerability model {path} cannot be read: {exc}") from exc
        return cls.from_json(doc, str(path))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


def _linear(doc: Mapping, names: Sequence[str]) -> dict:
    """The fields of a standardised logistic regression, read from its JSON."""
    return {
        "weights": {n: float(doc["weights"][n]) for n in names},
        "means": {n: float(doc["means"][n]) for n in names},
        "scales": {n: float(doc["scales"][n]) or 1.0 for n in names},
        "bias": float(doc["bias"]),
        "threshold": float(doc["threshold"]),
    }


def _gate(doc: Mapping | None) -> OffTopicGate | None:
    return OffTopicGate.from_json(doc) if doc else None


def _vetoes(doc: Mapping) -> dict[str, float]:
    unknown = set(doc) - set(NAMES)
    if unknown:
        raise ValueError(f"vetoes name unknown signals: {', '.join(sorted(unknown))}")
    return {name: float(level) for name, level in doc.items()}


@cache
def _packaged() -> AnswerabilityModel:
    text = resources.files("app").joinpath(MODEL_FILE).read_text("utf-8")
    return AnswerabilityModel.from_json(json.loads(text))


#: Which signal, when it is what pulled the confidence down, explains the abstention.
_REASONS = {
    "unknown_name": "reason_unknown",
    "unknown_phrase": "reason_unknown",
    "unknown_acronym": "reason_unknown",
    "unknown": "reason_unknown",
    "coverage": "reason_unknown",
    "name_missing": "reason_missing",
    "number_missing": "reason_missing",
    "sentence_name_missing": "reason_unshown",
    "state_swapped": "reason_unshown",
    "type_missing": "reason_type",
    "off_topic": "reason_off_topic",
}


_NAMED_SIGNALS = ("unknown_name", "unknown_phrase", "unknown_acronym")


def _explain(contributions: dict[str, float], evidence: Evidence, confidence: float) -> Decision:
    named = min(contributions.get(n, 0.0) for n in _NAMED_SIGNALS)
    if evidence.unknown_names and named < 0:
        return Decision(False, confidence, "reason_unknown", evidence.unknown_names)
    for name, _ in sorted(contributions.items(), key=lambda item: item[1]):
        key = _REASONS.get(name)
        if key == "reason_unknown" and evidence.unknown_words:
            return Decision(False, confidence, key, evidence.unknown_words)
        if key == "reason_missing" and evidence.missing_names:
            return Decision(False, confidence, key, evidence.missing_names)
        if key == "reason_unshown" and evidence.unshown_names:
            return Decision(False, confidence, key, evidence.unshown_names)
        if key in ("reason_type", "reason_off_topic"):
            return Decision(False, confidence, key)
        if key is None:
            break
    return Decision(False, confidence, "reason_weak")
