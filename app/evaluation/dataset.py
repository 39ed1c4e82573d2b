"""The eval dataset: one question per JSONL line, with gold evidence and answer keywords.

Each line is a JSON object with exactly these fields::

    {"id": str, "lang": "en"|"az", "split": "fit"|"test",
     "category": "answerable"|"near"|"off", "question": str, "answerable": bool,
     "gold_quotes": [str, ...], "answer_keywords": [[str, ...], ...],
     "short_keywords": [[str, ...], ...]}

``split`` keeps tuning honest: anything fitted or tuned (the answerability model, thresholds)
sees only ``fit`` questions, and the figures we report and gate CI on come from ``test``.
``category`` says what kind of question it is: answerable, or unanswerable and either "near"
(sounds like the corpus) or "off" (off-topic), reported separately because they fail differently.
``short_keywords`` (factoid questions only, else ``[]``) must be matched by the short answer.

``gold_quotes`` are verbatim snippets of the ORIGINAL-language version of the paragraphs that
support the answer: evidence is judged against what the author wrote, so a question asked in
Azerbaijani about the English body carries English quotes. ``answer_keywords`` are in the
question's language; every inner list must be matched by one of its alternatives.

Loading is strict and reports every problem at once as ``path:line: problem``, because a silently
skipped or half-read question would make every metric computed over the set quietly wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.corpus.model import LANGUAGES, Corpus, Paragraph
from app.errors import EvalError, Problem

FIELDS: tuple[str, ...] = (
    "id",
    "lang",
    "split",
    "category",
    "question",
    "answerable",
    "gold_quotes",
    "answer_keywords",
    "short_keywords",
)
SPLITS = ("fit", "test")
CATEGORIES = ("answerable", "near", "off")


@dataclass(frozen=True)
class EvalItem:
    """One eval question with its gold evidence (original-language quotes) and answer keywords."""

    id: str
    lang: str
    question: str
    answerable: bool
    gold_quotes: tuple[str, ...]
    answer_keywords: tuple[tuple[str, ...], ...]
    split: str = "test"
    category: str = "answerable"
    short_keywords: tuple[tuple[str, ...], ...] = ()

    @property
    def factoid(self) -> bool:
        return bool(self.short_keywords)


def normalize_ws(text: str) -> str:
    """Collapse whitespace runs to one space, so line breaks in a file never hide a match."""
    return " ".join(text.split())


def supporting(paragraph_original_text: str, quotes: Iterable[str]) -> bool:
    """Whether a paragraph's original text contains at least one of the gold quotes."""
    haystack = normalize_ws(paragraph_original_text)
    return any(_contains(haystack, quote) for quote in quotes)


def _contains(normalized_haystack: str, quote: str) -> bool:
    needle = normalize_ws(quote)
    return bool(needle) and needle in normalized_haystack


# --- loading -----------------------------------------------------------------------------------


def load_dataset(path: Path) -> list[EvalItem]:
    """Read and validate a JSONL eval set; raise `EvalError` listing every problem found."""
    items: list[EvalItem] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    name = str(path)
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        record, found = _parse_line(raw, name, number)
        problems.extend(found)
        if record is None:
            continue
        found = _check_record(record, name, number)
        problems.extend(found)
        if found:
            continue
        item = _item(record)
        if item.id in first_line:
            message = f"duplicate id {item.id!r} (first at line {first_line[item.id]})"
            problems.append(Problem(name, number, message))
            continue
        first_line[item.id] = number
        items.append(item)
    if not items and not problems:
        problems.append(Problem(name, 0, "dataset has no questions"))
    if problems:
        raise EvalError("\n".join(str(p) for p in problems))
    return items


def _parse_line(raw: bytes, name: str, number: int) -> tuple[object | None, list[Problem]]:
    """Decode one line; blank lines are skipped (a trailing newline is not an error)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(name, number, f"not UTF-8 ({exc.reason} at byte {exc.start})")]
    if not text.strip():
        return None, []
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [Problem(name, number, f"invalid JSON: {exc.msg} (column {exc.colno})")]


def _check_record(record: object, name: str, number: int) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem(name, number, "a question must be a JSON object")]
    messages = _field_problems(record)
    if not messages:
        messages = _value_problems(record)
    return [Problem(name, number, message) for message in messages]


def _field_problems(record: dict) -> list[str]:
    """Missing, unknown and wrongly typed fields, one message each."""
    messages = [f"field {key!r} missing" for key in FIELDS if key not in record]
    messages += [f"unknown field {key!r}" for key in record if key not in FIELDS]
    for key, (check, kind) in _FIELD_TYPES.items():
        if key in record and not check(record[key]):
            messages.append(f"field {key!r} must be {kind}")
    return messages


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_text_list(value: object) -> bool:
    return isinstance(value, list) and all(_is_text(v) for v in value)


def _is_bool(value: object) -> bool:
    return isinstance(value, bool)


def _is_keyword_groups(value: object) -> bool:
    return isinstance(value, list) and all(_is_text_list(group) for group in value)


#: How each field is checked, and how the requirement reads in a problem message.
_FIELD_TYPES: dict[str, tuple[Callable[[object], bool], str]] = {
    "id": (_is_text, "a non-empty string"),
    "lang": (_is_text, "a non-empty string"),
    "question": (_is_text, "a non-empty string"),
    "answerable": (_is_bool, "true or false"),
    "gold_quotes": (_is_text_list, "a list of non-empty strings"),
    "answer_keywords": (_is_keyword_groups, "a list of lists of non-empty strings"),
    "short_keywords": (_is_keyword_groups, "a list of lists of non-empty strings"),
    "split": (_is_text, "a non-empty string"),
    "category": (_is_text, "a non-empty string"),
}


def _value_problems(record: dict) -> list[str]:
    """Consistency between fields, once every field has the right type."""
    messages = []
    if record["lang"] not in LANGUAGES:
        messages.append(f"lang {record['lang']!r} must be one of {', '.join(LANGUAGES)}")
    if record["split"] not in SPLITS:
        messages.append(f"split {record['split']!r} must be one of {', '.join(SPLITS)}")
    if record["category"] not in CATEGORIES:
        messages.append(f"category {record['category']!r} must be one of {', '.join(CATEGORIES)}")
    elif (record["category"] == "answerable") != record["answerable"]:
        messages.append(f"category {record['category']!r} contradicts answerable")
    for key in ("answer_keywords", "short_keywords"):
        if any(not group for group in record[key]):
            messages.append(f"{key} has an empty keyword group")
    if record["answerable"]:
        if not record["gold_quotes"]:
            messages.append("answerable question without gold_quotes")
        if not record["answer_keywords"]:
            messages.append("answerable question without answer_keywords")
    else:
        if record["gold_quotes"]:
            messages.append("unanswerable question with gold_quotes")
        for key in ("answer_keywords", "short_keywords"):
            if record[key]:
                messages.append(f"unanswerable question with {key}")
    return messages


def _item(record: dict) -> EvalItem:
    return EvalItem(
        id=record["id"],
        lang=record["lang"],
        question=record["question"],
        answerable=record["answerable"],
        gold_quotes=tuple(record["gold_quotes"]),
        answer_keywords=tuple(tuple(group) for group in record["answer_keywords"]),
        split=record["split"],
        category=record["category"],
        short_keywords=tuple(tuple(group) for group in record["short_keywords"]),
    )


# --- checking against the corpus ---------------------------------------------------------------


def original_paragraphs(corpus: Corpus) -> list[Paragraph]:
    """Every distinct original version: what gold quotes are matched against."""
    seen: dict[tuple[str, str, str], Paragraph] = {}
    for paragraph in corpus.paragraphs():
        original = corpus.original_of(paragraph)
        seen.setdefault((original.doc_id, original.pid, original.lang), original)
    return list(seen.values())


def check_gold_quotes(items: Sequence[EvalItem], corpus: Corpus) -> list[str]:
    """Gold quotes that do not occur in exactly one paragraph original, one message each.

    A quote matching no paragraph cannot be scored; one matching several makes a retrieval hit
    ambiguous. Matching is case-sensitive after whitespace normalisation.
    """
    originals = [(p, normalize_ws(p.text)) for p in original_paragraphs(corpus)]
    problems = []
    for item in items:
        for quote in item.gold_quotes:
            matches = [p for p, text in originals if _contains(text, quote)]
            if len(matches) != 1:
                problems.append(_quote_problem(item.id, quote, matches))
    return problems


def _quote_problem(item_id: str, quote: str, matches: list[Paragraph]) -> str:
    if not matches:
        return f"{item_id}: gold quote {quote!r} occurs in no paragraph original"
    where = ", ".join(f"{p.key}[{p.lang}]" for p in matches)
    return f"{item_id}: gold quote {quote!r} occurs in {len(matches)} paragraph originals: {where}"
