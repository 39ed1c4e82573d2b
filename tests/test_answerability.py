"""The answerability model as data: loading, deciding with a reason, fitting on labelled signals,
the calibration table and the comparison of two eval runs."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest

from app.answering.aliases import swapped
from app.answering.answerability import AnswerabilityModel
from app.answering.signals import NAMES, Evidence
from app.errors import EvalError, MenbeError
from app.evaluation.calibrate import ANSWERED_TARGET, fit, write_model
from app.evaluation.compare import compare_runs
from app.evaluation.dataset import EvalItem
from app.evaluation.metrics import calibration


def values(**overrides: float) -> dict[str, float]:
    """Every signal 0 except coverage: a passage sharing no word never answers (a fixed rule)."""
    return dict.fromkeys(NAMES, 0.0) | {"coverage": 0.5} | overrides


def evidence(**overrides: float) -> Evidence:
    return Evidence(values(**overrides), (), (), ())


def test_packaged_model_loads_and_covers_every_signal() -> None:
    model = AnswerabilityModel.load()
    assert set(model.weights) == set(NAMES)
    assert 0.0 < model.threshold < 1.0
    packaged = Path(__file__).resolve().parent.parent / "app" / "data" / "answerability.json"
    doc = json.loads(packaged.read_text(encoding="utf-8"))
    assert doc["fitted_on"]["split"] == "fit"  # never fitted on the questions we report


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("not json", "cannot be read"),
        ('{"version": 1}', "unusable"),
        ('{"version": 1, "features": ["x"], "weights": {}}', "other signals"),
    ],
)
def test_broken_model_file_is_a_clear_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MenbeError, match=problem):
        AnswerabilityModel.load(path)


def simple_model() -> AnswerabilityModel:
    weights = values(coverage=2.0, unknown_name=-3.0, name_missing=-1.0, type_missing=-1.0)
    return AnswerabilityModel(weights, values(), dict.fromkeys(NAMES, 1.0), 0.0, 0.5)


def test_decision_follows_the_weights_and_names_its_reason() -> None:
    model = simple_model()
    assert model.decide(evidence(coverage=1.0)).answer
    unknown = Evidence(values(coverage=1.0, unknown_name=1.0), ("Council of Europe",), (), ())
    decision = model.decide(unknown)
    assert not decision.answer and decision.reason == "reason_unknown"
    assert decision.reason_terms == ("Council of Europe",)
    missing = Evidence(values(name_missing=1.0), (), (), ("1995",))
    assert model.decide(missing).reason == "reason_missing"
    in_sentence = replace(model, weights=values(coverage=2.0, sentence_name_missing=-2.0))
    unshown = Evidence(values(sentence_name_missing=1.0), (), (), (), ("Armenia",))
    decision = in_sentence.decide(unshown)
    assert decision.reason == "reason_unshown" and decision.reason_terms == ("Armenia",)
    assert model.decide(evidence(type_missing=1.0)).reason == "reason_type"
    assert model.decide(evidence(coverage=-1.0)).reason == "reason_weak"
    assert 0.0 <= model.decide(evidence()).confidence <= 1.0


def test_a_passage_sharing_no_content_word_never_answers() -> None:
    """ "Why is the sky blue?": however high the confidence, nothing of it is in the passage."""
    model = replace(simple_model(), bias=50.0)
    assert model.decide(evidence(coverage=0.01)).answer
    silent = Evidence(values(coverage=0.0), (), ("sky", "blue"), ())
    decision = model.decide(silent)
    assert not decision.answer and decision.reason == "reason_unknown"
    assert decision.reason_terms == ("sky", "blue")
    assert decision.confidence < model.threshold


def test_json_round_trip(tmp_path: Path) -> None:
    model = simple_model()
    write_model(model, tmp_path / "m.json", {"split": "fit", "questions": 3})
    assert AnswerabilityModel.load(tmp_path / "m.json") == model


def test_fit_learns_the_sign_of_each_signal_and_answers_the_target_share() -> None:
    rng = random.Random(7)
    rows = []
    for _ in range(200):
        answerable = rng.random() < 0.6
        rows.append(
            (
                values(
                    coverage=rng.gauss(0.7 if answerable else 0.3, 0.15),
                    unknown_name=float(rng.random() < (0.05 if answerable else 0.5)),
                    sentence_cos=rng.gauss(0.85, 0.02),  # noise: says nothing
                ),
                answerable,
            )
        )
    model = fit(rows)
    assert model.weights["coverage"] > 0 > model.weights["unknown_name"]
    answered = [model.confidence(v) >= model.threshold for v, label in rows if label]
    assert sum(answered) / len(answered) >= ANSWERED_TARGET
    abstained = [model.confidence(v) < model.threshold for v, label in rows if not label]
    assert sum(abstained) / len(abstained) > 0.5


def test_fit_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        fit([(values(), True), (values(coverage=1.0), True)])


def test_calibration_table_bins_by_confidence() -> None:
    results = [
        {"confidence": 0.05, "answerable": False},
        {"confidence": 0.1, "answerable": True},
        {"confidence": 0.95, "answerable": True},
        {"confidence": 1.0, "answerable": True},
        {"answerable": True},  # no confidence recorded: left out, not counted as 0
    ]
    table = calibration(results)
    assert [row["n"] for row in table] == [2, 0, 0, 0, 2]
    assert table[0]["answerable_share"] == 0.5 and table[1]["answerable_share"] is None
    assert table[4]["mean_confidence"] == pytest.approx(0.975)


def write_run(folder: Path, answers: dict[str, tuple[bool, str]], abstain_recall: float) -> Path:
    folder.mkdir()
    summary = {"metrics": {g: {"abstain_recall": abstain_recall} for g in ("all", "en", "az")}}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    rows = [
        {"id": qid, "lang": "en", "question": qid, "answered": answered, "answer": text}
        for qid, (answered, text) in answers.items()
    ]
    (folder / "results.jsonl").write_text("\n".join(map(json.dumps, rows)), encoding="utf-8")
    return folder


def test_compare_lists_deltas_and_flipped_questions(tmp_path: Path) -> None:
    items = [
        EvalItem("a", "en", "a", True, ("q",), (("1994",),)),
        EvalItem("u", "en", "u", False, (), ()),
        EvalItem("b", "en", "b", True, ("q",), (("May",),)),
    ]
    old = write_run(
        tmp_path / "old", {"a": (True, "in 1994"), "u": (True, "x"), "b": (True, "x")}, 0.0
    )
    new = write_run(tmp_path / "new", {"a": (True, "no"), "u": (False, ""), "b": (True, "x")}, 1.0)
    lines = compare_runs(old, new, items)
    text = "\n".join(lines)
    assert "| all | abstain_recall | 0.000 | 1.000 | +1.000 |" in text
    assert "## Right → wrong (1)" in text and "- a (en)" in text
    assert "## Wrong → right (1)" in text and "- u (en)" in text
    assert (new / "compare.md").read_text(encoding="utf-8") == text
    assert (new / "compare.png").stat().st_size > 1000


def test_compare_refuses_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match=r"summary\.json is missing"):
        compare_runs(tmp_path, tmp_path, [])


def test_a_veto_abstains_whatever_the_confidence_and_says_why(tmp_path: Path) -> None:
    model = AnswerabilityModel(
        values(coverage=2.0), values(), dict.fromkeys(NAMES, 1.0), 0.0, 0.5, {"type_missing": 1.0}
    )
    assert model.decide(evidence(coverage=3.0)).answer
    decision = model.decide(evidence(coverage=3.0, type_missing=1.0))
    assert not decision.answer and decision.reason == "reason_type"
    assert decision.confidence < model.threshold  # the number never reads "answer"
    write_model(model, tmp_path / "m.json", {"split": "fit"})
    assert AnswerabilityModel.load(tmp_path / "m.json").vetoes == {"type_missing": 1.0}


def test_a_veto_on_an_unknown_signal_is_refused(tmp_path: Path) -> None:
    doc = simple_model().as_json() | {"vetoes": {"no_such_signal": 1.0}}
    (tmp_path / "m.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(MenbeError, match="no_such_signal"):
        AnswerabilityModel.load(tmp_path / "m.json")


def test_fit_keeps_only_vetoes_that_abstain_on_far_more_than_they_cost() -> None:
    from app.evaluation.calibrate import choose_vetoes

    everything = AnswerabilityModel.neutral()  # answers every question
    rows = [(values(), True) for _ in range(59)] + [(values(type_missing=1.0), True)]
    rows += [(values(type_missing=1.0), False) for _ in range(10)]
    rows += [(values(name_missing=1.0), True) for _ in range(2)]  # costs as much as it gains
    rows += [(values(name_missing=1.0), False) for _ in range(2)]
    assert choose_vetoes(everything, rows) == {"type_missing": 1.0}
    # a veto that would leave fewer than VETO_ANSWERED_FLOOR (0.93) of the answerable questions
    # answered is not taken, however much it gains
    costly = [(values(type_missing=1.0), True) for _ in range(4)]
    costly += [(values(type_missing=1.0), False) for _ in range(10)] + rows  # 61 of 66 left
    assert choose_vetoes(everything, costly) == {}


def _synthetic_rows(seed: int = 7) -> tuple[list, list[bool], list[str]]:
    """Answerable, near and off-topic rows in two languages; the Azerbaijani answerable ones
    score lower on coverage (translations share fewer words), the off-topic ones sit far."""
    rng = random.Random(seed)
    rows, off, langs = [], [], []
    for i in range(300):
        lang = "az" if i % 2 else "en"
        kind = rng.choices(["answerable", "near", "off"], [0.6, 0.3, 0.1])[0]
        shift = -0.15 if lang == "az" else 0.0
        coverage = {"answerable": 0.7, "near": 0.35, "off": 0.1}[kind] + shift
        cos = {"answerable": 0.86, "near": 0.85, "off": 0.76}[kind]
        rows.append(
            (
                values(
                    coverage=max(0.01, rng.gauss(coverage, 0.12)),
                    paragraph_cos=rng.gauss(cos, 0.015),
                    unknown=rng.gauss(0.8 if kind == "off" else 0.25, 0.1),
                ),
                kind == "answerable",
            )
        )
        off.append(kind == "off")
        langs.append(lang)
    return rows, off, langs


def test_each_language_gets_its_threshold_and_answers_its_share() -> None:
    rows, off, langs = _synthetic_rows()
    model = fit(rows, off, langs)
    assert set(model.thresholds) == {"en", "az"}
    assert model.thresholds["az"] < model.thresholds["en"]  # translations score lower
    for lang in ("en", "az"):
        mine = [v for (v, label), lg in zip(rows, langs, strict=True) if label and lg == lang]
        answered = sum(model.answers(v, lang) for v in mine) / len(mine)
        assert answered >= 0.95
    assert model.threshold_for("xx") == model.threshold  # another language: the pooled one


def test_the_off_topic_gate_stops_what_is_about_something_else(tmp_path: Path) -> None:
    rows, off, langs = _synthetic_rows()
    model = fit(rows, off, langs)
    assert model.off_topic is not None
    stopped = [model.vetoed(v) == "off_topic" for (v, _), o in zip(rows, off, strict=True) if o]
    assert sum(stopped) / len(stopped) > 0.8
    decision = model.decide(Evidence(rows[off.index(True)][0], (), (), ()), "en")
    if not decision.answer:
        assert decision.reason in ("reason_off_topic", "reason_weak", "reason_unknown")
    write_model(model, tmp_path / "m.json", {"split": "fit"})
    assert AnswerabilityModel.load(tmp_path / "m.json") == model


@pytest.mark.parametrize(
    ("asked", "shown", "expected"),
    [
        ({"turkey", "azerbaijan"}, {"georgia", "azerbaijan"}, True),  # Turkish → Georgian
        ({"georgia"}, {"georgia", "turkey"}, False),  # the asked state is there
        ({"turkey"}, {"azerbaijan"}, False),  # "our country" alone is no other state
        (set(), {"georgia"}, False),  # nothing asked
        ({"azerbaijan"}, {"georgia"}, False),  # the corpus' own state is background
    ],
)
def test_a_state_is_swapped_only_for_another_one(asked: set, shown: set, expected: bool) -> None:
    assert bool(swapped(asked, shown)) is expected
