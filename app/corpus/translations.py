"""Keeping translations in step with their originals: stamp, export for translators, import back.

A translation records the `version_hash` of the original it was made from
(``origin=translation:en@1a2b3c4d``); when the original's text changes the translation is stale.
What needs translating (no version in the target language yet, or a stale one) is exported as a
TSV with one source sentence per row, because the corpus is aligned sentence for sentence and a
row per sentence keeps it so: spreadsheets and CAT tools read and write TSV, and every row of
it has a line number a refusal can point at. The TSV is Python's ``csv`` with a tab delimiter
(a field holding a tab or a double quote is quoted, as spreadsheets do)::

    doc  paragraph  sentence  status        hash      en                 az
    d    p12        1         untranslated  1a2b3c4d  First sentence.    (empty: to fill)

Importing checks the whole file first and writes nothing unless every paragraph in it is right.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.corpus import fileedit, textfile
from app.corpus.document import META
from app.corpus.load import load_valid_corpus
from app.corpus.model import LANGUAGES, Corpus, Document, Paragraph, version_hash
from app.errors import CorpusError, Problem
from app.sentences import split

COLUMNS = ("doc", "paragraph", "sentence", "status", "hash")


def other_language(lang: str) -> str:
    return next(code for code in LANGUAGES if code != lang)


# --- stamp -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamped:
    """A translation whose header now records its original's hash."""

    file: str
    line: int
    pid: str
    was_stale: bool


def stamp(root: Path, doc_id: str | None = None, *, accept_stale: bool = False) -> list[Stamped]:
    """Record the current original's hash in every translation that does not record one yet.

    Run it once on a corpus made before hashes existed: every translation is assumed to match
    its original as it is now. A stale translation keeps its old hash (so it stays flagged)
    unless ``accept_stale``: the curator checked it still says what the original says.
    """
    corpus = load_valid_corpus(root)
    todo = [p for p in _translations(corpus, doc_id) if _needs_stamp(corpus, p, accept_stale)]
    edits: dict[str, list[str]] = {}
    for p in todo:
        lines = edits.setdefault(p.file, fileedit.read_lines(Path(p.file)))
        origin = f"translation:{p.source_lang}@{version_hash(corpus.original_of(p).text)}"
        fileedit.set_origin(lines, p.line - 1, p.pid, origin, p.file)
    for file, lines in edits.items():
        fileedit.write_atomic(Path(file), "".join(lines))
    return [Stamped(p.file, p.line, p.pid, p.stale) for p in todo]


def _translations(corpus: Corpus, doc_id: str | None) -> Iterator[Paragraph]:
    for doc in _documents(corpus, doc_id):
        yield from (p for p in doc.paragraphs if p.translated)


def _needs_stamp(corpus: Corpus, p: Paragraph, accept_stale: bool) -> bool:
    if corpus.original_of(p) is p:
        return False
    return p.source_hash is None or (accept_stale and p.stale)


def _documents(corpus: Corpus, doc_id: str | None) -> tuple[Document, ...]:
    if doc_id is None:
        return corpus.documents
    try:
        return (corpus.document(doc_id),)
    except KeyError:
        raise CorpusError([Problem(doc_id, 0, "no such document in the corpus")]) from None


# --- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One source sentence to translate; ``target`` is empty in an export."""

    doc: str
    pid: str
    sentence: int  # 1-based, as a translator counts
    status: str  # "untranslated" or "stale"
    hash: str
    source: str
    target: str = ""
    line: int = 0  # where it was read, for messages


def to_translate(corpus: Corpus, target: str, doc_id: str | None = None) -> list[Paragraph]:
    """The originals that have no ``target`` version yet, or only a stale one, in file order."""
    source = other_language(target)
    found = []
    for doc in _documents(corpus, doc_id):
        for p in doc.in_language(source):
            twin = corpus.get(p.doc_id, p.pid, target)
            if p.origin == "original" and (twin is None or twin.stale):
                found.append(p)
    return found


def export_rows(corpus: Corpus, target: str, doc_id: str | None = None) -> list[Row]:
    rows = []
    for p in to_translate(corpus, target, doc_id):
        status = "stale" if _in_file(p, target) else "untranslated"
        digest = version_hash(p.text)
        rows += [Row(p.doc_id, p.pid, s.index + 1, status, digest, s.text) for s in p.sentences]
    return rows


def _in_file(p: Paragraph, lang: str) -> bool:
    """Whether the ``lang`` file has a version of ``p``, even one the corpus left out as stale."""
    return p.pid in fileedit.blocks(fileedit.read_lines(Path(p.file).with_name(f"{lang}.txt")))


def write_tsv(rows: Iterable[Row], path: Path, source: str, target: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow([*COLUMNS, source, target])
        for r in rows:
            out.writerow([r.doc, r.pid, r.sentence, r.status, r.hash, r.source, r.target])


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """What an import wrote: per paragraph, whether it is new or replaced a stale version."""

    doc: str
    pid: str
    lang: str
    replaced: bool


def read_tsv(path: Path) -> tuple[str, str, list[Row]]:
    """The source and target languages and the rows; a malformed file raises `CorpusError`."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError([Problem(name, 0, f"cannot be read as UTF-8 ({exc})")]) from None
    reader = csv.reader(text.splitlines(keepends=True), delimiter="\t")
    header = next(reader, [])
    source, target = _languages(header, name)
    rows, problems = [], []
    start = reader.line_num
    for fields in reader:
        line, start = start + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        row = _row(fields, line, name)
        if isinstance(row, Problem):
            problems.append(row)
        else:
            rows.append(row)
    if problems:
        raise CorpusError(problems)
    return source, target, rows


def _languages(header: list[str], name: str) -> tuple[str, str]:
    langs = header[len(COLUMNS) :]
    ok = tuple(header[: len(COLUMNS)]) == COLUMNS and len(langs) == 2
    if not ok or set(langs) != set(LANGUAGES):
        expected = "\\t".join([*COLUMNS, "en", "az"])
        raise CorpusError([Problem(name, 1, f"header row must be {expected} (or az then en)")])
    return langs[0], langs[1]


def _row(fields: list[str], line: int, name: str) -> Row | Problem:
    if len(fields) != len(COLUMNS) + 2:
        return Problem(name, line, f"{len(fields)} columns, expected {len(COLUMNS) + 2}")
    doc, pid, number, status, digest, source, target = (f.strip() for f in fields)
    if not number.isdigit():
        return Problem(name, line, f"sentence number must be a whole number, not {number!r}")
    return Row(doc, pid, int(number), status, digest, source, " ".join(target.split()), line)


def import_translations(root: Path, path: Path) -> list[Imported]:
    """Write the filled-in targets of ``path`` back into the corpus, all of them or none."""
    corpus = load_valid_corpus(root)
    source, target, rows = read_tsv(path)
    groups = _group(rows)
    name = str(path)
    problems = [p for group in groups.values() for p in _check(corpus, name, source, target, group)]
    if problems:
        raise CorpusError(problems)
    if not groups:
        raise CorpusError([Problem(str(path), 1, "no sentences to import")])
    writes: dict[Path, str] = {}
    done = []
    for doc_id in dict.fromkeys(doc for doc, _ in groups):
        mine = {pid: g for (doc, pid), g in groups.items() if doc == doc_id}
        done += _apply(corpus, root, corpus.document(doc_id), target, mine, writes)
    for file, text in writes.items():
        fileedit.write_atomic(file, text)
    return done


def _group(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.doc, row.pid), []).append(row)
    return groups


def _check(corpus: Corpus, name: str, source: str, target: str, rows: list[Row]) -> list[Problem]:
    """Every reason the rows of one paragraph cannot be imported, each at its row's line."""
    first = rows[0]
    original = corpus.get(first.doc, first.pid, source)
    if original is None or original.origin != "original":
        what = "document" if not _has_doc(corpus, first.doc) else f"{source} original"
        return [Problem(name, first.line, f"[{first.pid}] no such {what} ({first.doc})")]
    twin = corpus.get(first.doc, first.pid, target)
    if twin is not None and not twin.translated:
        message = f"[{first.pid}] the {target} version is an original; it is not overwritten"
        return [Problem(name, first.line, message)]
    if twin is not None and not twin.stale:
        message = (
            f"[{first.pid}] already has a current {target} translation ({twin.file}:{twin.line}); "
            "it is not overwritten: drop these rows"
        )
        return [Problem(name, first.line, message)]
    problems = _check_numbers(name, original, rows)
    if first.hash != version_hash(original.text):
        message = f"[{first.pid}] the {source} original changed since the export: export again"
        problems.append(Problem(name, first.line, message))
    problems += [
        Problem(name, r.line, f"[{r.pid}] sentence {r.sentence}: empty {target} translation")
        for r in rows
        if not r.target
    ]
    if not problems:
        problems += _check_split(name, original, rows, target)
    return problems


def _check_numbers(name: str, original: Paragraph, rows: list[Row]) -> list[Problem]:
    n = len(original.sentences)
    if len(rows) != n:
        message = f"[{original.pid}] has {len(rows)} sentence rows but the original has {n}"
        return [Problem(name, rows[0].line, message)]
    return [
        Problem(name, r.line, f"[{r.pid}] row {i} should be sentence {i}, not {r.sentence}")
        for i, r in enumerate(rows, start=1)
        if r.sentence != i
    ]


def _check_split(name: str, original: Paragraph, rows: list[Row], target: str) -> list[Problem]:
    """The translated sentences must split back into exactly as many sentences."""
    for r in rows:
        parts = split(r.target)
        if len(parts) != 1:
            message = (
                f"[{r.pid}] sentence {r.sentence}: the {target} text reads as {len(parts)} "
                "sentences; keep it to one (or reword the full stop)"
            )
            return [Problem(name, r.line, message)]
    joined = " ".join(r.target for r in rows)
    if len(split(joined)) != len(original.sentences):
        message = f"[{original.pid}] the {target} sentences do not split as the original's"
        return [Problem(name, rows[0].line, message)]
    return []


def _has_doc(corpus: Corpus, doc_id: str) -> bool:
    return any(d.doc_id == doc_id for d in corpus.documents)


def _apply(
    corpus: Corpus,
    root: Path,
    doc: Document,
    target: str,
    groups: dict[str, list[Row]],
    writes: dict[Path, str],
) -> list[Imported]:
    """Plan one document's edits into ``writes`` (file -> new text)."""
    path = root / doc.doc_id / f"{target}.txt"
    lines = fileedit.read_lines(path) or textfile.file_header(doc.doc_id, target).splitlines(True)
    sections = _section_names(corpus, doc, target)
    source = other_language(target)
    done = []
    for p in doc.in_language(source):
        if p.pid not in groups:
            continue
        origin = f"translation:{source}@{version_hash(p.text)}"
        section = sections.get(p.section, p.section)
        text = textfile.format_paragraph(
            p.pid, p.page, section, origin, [r.target for r in groups[p.pid]]
        )
        block = text.splitlines(keepends=True)
        replaced = p.pid in fileedit.blocks(lines)
        if replaced:
            fileedit.replace_block(lines, p.pid, block)
        else:
            fileedit.insert_block(lines, _previous_in(lines, doc, p, source), block)
        done.append(Imported(doc.doc_id, p.pid, target, replaced))
    writes[path] = "".join(lines)
    if target not in doc.languages:
        writes[root / doc.doc_id / META] = _meta_with(root / doc.doc_id / META, target)
    return done


def _previous_in(lines: list[str], doc: Document, p: Paragraph, source: str) -> str | None:
    """The nearest paragraph before ``p`` (in the original's order) the target file has."""
    present = fileedit.blocks(lines)
    before = None
    for q in doc.in_language(source):
        if q.pid == p.pid:
            return before
        if q.pid in present:
            before = q.pid
    return before


def _section_names(corpus: Corpus, doc: Document, target: str) -> dict[str, str]:
    """How the document already names each section in ``target`` (``Research`` -> ``Tədqiqat``)."""
    names: dict[str, str] = {}
    for p in doc.in_language(other_language(target)):
        twin = corpus.get(doc.doc_id, p.pid, target)
        if twin is not None:
            names.setdefault(p.section, twin.section)
    return names


def _meta_with(path: Path, lang: str) -> str:
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["languages"] = [*meta["languages"], lang]
    return json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
