"""The eval dataset: strict loading with every problem located, gold quotes checked against the
corpus originals, and the real dev set meeting the coverage the project promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.corpus import check_corpus
from app.corpus.model import Corpus, Document, Paragraph
from app.errors import EvalError
from app.evaluation.dataset import (
    EvalItem,
    check_gold_quotes,
    load_dataset,
    normalize_ws,
    supporting,
)

REPO = Path(__file__).resolve().parent.parent
DEV = REPO / "evals" / "datasets" / "dev.jsonl"

GOOD = {
    "id": "en-001",
    "lang": "en",
    "question": "When was the ceasefire?",
    "answerable": True,
    "gold_quotes": ["which began on May 12, 1994"],
    "answer_keywords": [["1994"], ["May"]],
    "split": "fit",
    "category": "answerable",
    "short_keywords": [["May 12, 1994"]],
}
UNANSWERABLE = {
    "id": "en-u01",
    "lang": "en",
    "question": "When did Azerbaijan join NATO?",
    "answerable": False,
    "gold_quotes": [],
    "answer_keywords": [],
    "split": "test",
    "category": "near",
    "short_keywords": [],
}


def write_lines(tmp_path: Path, lines: list[str | dict]) -> Path:
    path = tmp_path / "set.jsonl"
    text = "".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> str:
    with pytest.raises(EvalError) as info:
        load_dataset(path)
    return str(info.value)


# --- loading -----------------------------------------------------------------------------------


def test_loads_valid_items_as_tuples(tmp_path: Path) -> None:
    items = load_dataset(write_lines(tmp_path, [GOOD, "", UNANSWERABLE]))
    assert items == [
        EvalItem(
            "en-001",
            "en",
            "When was the ceasefire?",
            True,
            ("which began on May 12, 1994",),
            (("1994",), ("May",)),
            split="fit",
            category="answerable",
            short_keywords=(("May 12, 1994",),),
        ),
        EvalItem("en-u01", "en", "When did Azerbaijan join NATO?", False, (), (), "test", "near"),
    ]
    assert items[0].factoid and not items[1].factoid


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"split": "train"}, "split 'train' must be one of fit, test"),
        ({"category": "maybe"}, "category 'maybe' must be one of answerable, near, off"),
        ({"category": "off"}, "category 'off' contradicts answerable"),
        ({"short_keywords": [[]]}, "short_keywords has an empty keyword group"),
        ({"short_keywords": "1994"}, "field 'short_keywords' must be a list of lists"),
    ],
)
def test_split_category_and_short_keywords_are_checked(
    tmp_path: Path, change: dict, problem: str
) -> None:
    path = write_lines(tmp_path, [GOOD | change])
    assert f"{path}:1: {problem}" in problems_of(path)


def test_unanswerable_must_not_carry_short_keywords(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [UNANSWERABLE | {"short_keywords": [["1994"]]}])
    assert f"{path}:1: unanswerable question with short_keywords" in problems_of(path)


def test_non_utf8_line_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"id": "\xff"}\n')
    message = problems_of(path)
    assert f"{path}:2: not UTF-8" in message


def test_invalid_json_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [GOOD, '{"id": "x",'])
    assert f"{path}:2: invalid JSON" in problems_of(path)


def test_non_object_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path, ["[1, 2]"])
    assert f"{path}:1: a question must be a JSON object" in problems_of(path)


def test_missing_and_extra_fields(tmp_path: Path) -> None:
    record = {k: v for k, v in GOOD.items() if k != "question"} | {"notes": "x"}
    path = write_lines(tmp_path, [record])
    message = problems_of(path)
    assert f"{path}:1: field 'question' missing" in message
    assert f"{path}:1: unknown field 'notes'" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 7),
        ("id", ""),
        ("question", None),
        ("answerable", "yes"),
        ("answerable", 1),
        ("gold_quotes", "a quote"),
        ("gold_quotes", ["ok", 3]),
        ("answer_keywords", ["1994"]),
        ("answer_keywords", [[""]]),
    ],
)
def test_wrong_types(tmp_path: Path, field: str, value: object) -> None:
    path = write_lines(tmp_path, [GOOD | {field: value}])
    assert f"{path}:1: field {field!r} must be" in problems_of(path)


def test_unknown_language(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [GOOD | {"lang": "ru"}])
    assert f"{path}:1: lang 'ru' must be one of en, az" in problems_of(path)


def test_duplicate_id_names_the_first_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [GOOD, UNANSWERABLE, GOOD])
    assert f"{path}:3: duplicate id 'en-001' (first at line 1)" in problems_of(path)


def test_answerable_needs_quotes_and_keywords(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        [GOOD | {"gold_quotes": []}, GOOD | {"id": "en-002", "answer_keywords": []}],
    )
    message = problems_of(path)
    assert f"{path}:1: answerable question without gold_quotes" in message
    assert f"{path}:2: answerable question without answer_keywords" in message


def test_unanswerable_must_not_carry_gold(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        [
            UNANSWERABLE | {"gold_quotes": ["x y z"]},
            UNANSWERABLE | {"id": "en-u02", "answer_keywords": [["NATO"]]},
        ],
    )
    message = problems_of(path)
    assert f"{path}:1: unanswerable question with gold_quotes" in message
    assert f"{path}:2: unanswerable question with answer_keywords" in message


def test_empty_keyword_group(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [GOOD | {"answer_keywords": [["1994"], []]}])
    assert f"{path}:1: answer_keywords has an empty keyword group" in problems_of(path)


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = write_lines(tmp_path, ["not json", GOOD | {"lang": "fr"}, GOOD, GOOD])
    lines = problems_of(path).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}:1", f"{path}:2", f"{path}:4"]


def test_empty_dataset_is_an_error(tmp_path: Path) -> None:
    path = write_lines(tmp_path, [""])
    assert f"{path}:0: dataset has no questions" in problems_of(path)


# --- helpers and gold quotes -------------------------------------------------------------------


def test_normalize_ws_and_supporting() -> None:
    assert normalize_ws("  a\n b\t\tc  ") == "a b c"
    assert supporting("The ceasefire\nbegan on May 12,  1994.", ["began on May 12, 1994"])
    assert not supporting("The ceasefire began in 1994.", ["May 12"])
    assert not supporting("anything", [])
    assert not supporting("Case matters", ["case matters"])


def paragraph(pid: str, lang: str, text: str, origin: str = "original") -> Paragraph:
    source = None if origin == "original" else ("az" if lang == "en" else "en")
    return Paragraph("doc", pid, lang, 1, "Research", origin, source, text, ())


def small_corpus() -> Corpus:
    paragraphs = (
        paragraph("p01", "en", "Ties with Turkey were strong. Iran was handled with caution."),
        paragraph("p01", "az", "Türkiyə ilə əlaqələr güclü idi."),
        paragraph("p02", "en", "Ties with Turkey were strong in energy."),
        paragraph("p03", "en", "The ceasefire began on May 12, 1994."),
        paragraph("p03", "az", "Atəşkəs 12 may 1994-cü ildə başladı.", origin="translation"),
    )
    doc = Document("doc", {"en": "Doc"}, "test", None, ("en", "az"), "", "", 1, paragraphs)
    return Corpus.of((doc,))


def item(*quotes: str) -> EvalItem:
    return EvalItem("q1", "az", "?", True, quotes, (("x",),))


def test_gold_quote_in_exactly_one_original_passes() -> None:
    corpus = small_corpus()
    assert check_gold_quotes([item("handled with caution")], corpus) == []
    assert check_gold_quotes([item("Türkiyə ilə əlaqələr")], corpus) == []  # an az original


def test_gold_quote_matching_nothing_or_only_a_translation() -> None:
    problems = check_gold_quotes([item("Atəşkəs 12 may"), item("not there")], small_corpus())
    assert problems == [
        "q1: gold quote 'Atəşkəs 12 may' occurs in no paragraph original",
        "q1: gold quote 'not there' occurs in no paragraph original",
    ]


def test_gold_quote_matching_several_paragraphs_lists_them() -> None:
    problems = check_gold_quotes([item("Ties with Turkey were strong")], small_corpus())
    assert problems == [
        "q1: gold quote 'Ties with Turkey were strong' occurs in 2 paragraph originals: "
        "doc/p01[en], doc/p02[en]"
    ]


def test_gold_quote_whitespace_is_normalised() -> None:
    assert check_gold_quotes([item("began on\n May 12,   1994")], small_corpus()) == []


# --- the real dev set --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_items() -> list[EvalItem]:
    return load_dataset(DEV)


def test_dev_set_coverage(dev_items: list[EvalItem]) -> None:
    en = [i for i in dev_items if i.lang == "en"]
    az = [i for i in dev_items if i.lang == "az"]
    unanswerable = [i for i in dev_items if not i.answerable]
    assert len(dev_items) >= 95
    assert len(en) >= 38 and len(az) >= 38
    assert len(unanswerable) >= 14
    assert {i.lang for i in unanswerable} == {"en", "az"}
    assert sum(i.question.isascii() for i in az) >= 10
    assert sum(len(i.gold_quotes) >= 2 for i in dev_items) >= 5


def test_dev_set_has_held_out_questions_of_every_kind(dev_items: list[EvalItem]) -> None:
    """The answerability model is fitted on "fit" and reported on "test": both splits need
    every language × kind of question, with the unanswerable ones grown as the issue asks."""
    unanswerable = [i for i in dev_items if not i.answerable]
    assert len(unanswerable) >= 18 + 60
    for split in ("fit", "test"):
        for lang in ("en", "az"):
            group = [i for i in dev_items if i.split == split and i.lang == lang]
            counts = {c: sum(i.category == c for i in group) for c in ("answerable", "near", "off")}
            assert counts["answerable"] >= 30 and counts["near"] >= 15 and counts["off"] >= 4
            assert sum(i.factoid for i in group) >= 15
    assert sum(i.question.isascii() and i.lang == "az" for i in unanswerable) >= 8


def test_dev_ids_follow_the_naming(dev_items: list[EvalItem]) -> None:
    for i in dev_items:
        assert i.id.startswith(f"{i.lang}-"), i.id
        assert ("-u" in i.id) == (not i.answerable), i.id


def test_dev_gold_quotes_each_occur_in_exactly_one_original(dev_items: list[EvalItem]) -> None:
    corpus, _problems = check_corpus(REPO / "corpus")  # tolerant while translations are missing
    assert check_gold_quotes(dev_items, corpus) == []
