"""One broken document never stops the others: `menbe index`, `ask` and the served app skip it
(saying which file:line and why), answer from the healthy documents, and keep answering from the
version of it that was last indexed, while `menbe corpus validate` stays strict."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from test_index import DOC, small_corpus

from app.cli import main
from app.config import Config
from app.corpus import (
    SkippedDocument,
    check_corpus,
    lastgood,
    load_corpus,
    load_valid_corpus,
)
from app.errors import CorpusError, Problem
from app.session import open_live, skipped_lines

BROKEN = "shah-deniz"
META = {
    "id": BROKEN,
    "title": {"en": "Shah Deniz notes"},
    "source": "written for the test",
    "year": 2024,
    "languages": ["en"],
    "licence": "CC0",
    "provenance": "written for the test",
    "pages": 1,
}
EN = """[p1] page=1 section=Fields origin=original
The Shah Deniz gas field in the Caspian Sea was discovered by the consortium in 1999.
Its first gas reached Turkey through the South Caucasus Pipeline in 2006.

[p2] page=1 section=Fields origin=original
The Sangachal terminal near Baku processes the gas before it is exported.
"""
SHAH_DENIZ = "When was the Shah Deniz gas field discovered?"
TURKEY = "How many documents were signed during the 1994 visit to Turkey?"


def write_second_document(corpus_dir: Path, en: str | bytes = EN, meta: str | None = None) -> None:
    folder = corpus_dir / BROKEN
    folder.mkdir(exist_ok=True)
    (folder / "meta.json").write_text(meta or json.dumps(META), encoding="utf-8")
    data = en.encode("utf-8") if isinstance(en, str) else en
    (folder / "en.txt").write_bytes(data)


def not_utf8() -> bytes:
    """The second document saved in Latin-1 by mistake: a byte that is not UTF-8 on line 3."""
    return EN.replace("Turkey", "Türkiye").encode("latin-1")


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def ask(flags: list[str], question: str, capsys) -> tuple[dict, str]:
    code, out, err = run([*flags, "ask", question, "--json"], capsys)
    assert code == 0, err
    return json.loads(out), err


def cited(answer: dict) -> set[str]:
    return {c["doc_id"] for c in answer["citations"]}


@pytest.fixture
def workdir(tmp_path: Path, repo: Path) -> Path:
    small_corpus(tmp_path, repo)
    return tmp_path


def flags_for(workdir: Path) -> list[str]:
    return ["--corpus", str(workdir / "corpus"), "--index", str(workdir / "index")]


@pytest.mark.slow
def test_a_broken_document_is_skipped_then_indexed_once_fixed(workdir: Path, capsys) -> None:
    corpus_dir, flags = workdir / "corpus", flags_for(workdir)
    write_second_document(corpus_dir, not_utf8())
    code, out, err = run([*flags, "index"], capsys)
    assert code == 0, err
    assert (
        f"menbe: skipped document '{BROKEN}' (1 error(s)); left out until it is fixed "
        "(no earlier version of it was indexed):\n"
        f"  {corpus_dir / BROKEN / 'en.txt'}:3: not UTF-8 (invalid start byte at byte 152)\n"
    ) in err
    assert "problem(s) in the corpus" not in err
    assert out.startswith("12 added, 0 changed, 0 removed")  # the healthy document only

    answer, err = ask(flags, TURKEY, capsys)
    assert answer["answered"] and cited(answer) == {DOC}
    assert f"skipped document '{BROKEN}'" in err  # ask says so too, on stderr beside the JSON
    answer, _ = ask(flags, SHAH_DENIZ, capsys)
    assert BROKEN not in cited(answer)

    write_second_document(corpus_dir)  # fixed
    code, out, err = run([*flags, "index"], capsys)
    assert code == 0 and "skipped" not in err
    assert out.startswith("2 added, 0 changed, 0 removed")
    answer, _ = ask(flags, SHAH_DENIZ, capsys)
    assert answer["answered"] and answer["citations"][0]["doc_id"] == BROKEN
    assert answer["citations"][0]["paragraph"] == "p1"


@pytest.mark.slow
def test_a_document_that_breaks_keeps_answering_from_its_indexed_version(
    workdir: Path, capsys, model_dir: Path
) -> None:
    corpus_dir, flags = workdir / "corpus", flags_for(workdir)
    write_second_document(corpus_dir)
    assert run([*flags, "index"], capsys)[0] == 0
    # Half-way through an edit: meta.json lost a quote and a header lost its "]".
    write_second_document(
        corpus_dir,
        EN.replace("[p2] page=1", "[p2 page=1"),
        json.dumps(META).replace('"pages"', "pages"),
    )
    answer, err = ask(flags, SHAH_DENIZ, capsys)
    assert answer["answered"] and answer["citations"][0]["doc_id"] == BROKEN  # nothing lost
    head = (
        f"menbe: skipped document '{BROKEN}' (2 error(s)); answering from its version indexed on "
    )
    assert head in err and "until it is fixed:\n" in err
    assert f"  {corpus_dir / BROKEN / 'meta.json'}:1: invalid JSON: " in err
    assert f"  {corpus_dir / BROKEN / 'en.txt'}:5: " in err

    code, out, err = run([*flags, "index"], capsys)  # nothing re-embedded, nothing removed
    assert code == 0 and out.startswith("0 added, 0 changed, 0 removed") and head in err
    code, out, _ = run([*flags, "index", "--rebuild"], capsys)
    assert code == 0 and out.startswith("14 added")  # a rebuild keeps it too

    lines: list[str] = []
    config = Config(corpus_dir=corpus_dir, index_dir=workdir / "index", model_dir=model_dir)
    live = open_live(config, report=lines.append)  # what `menbe serve` starts with
    try:
        assert any(line.startswith(head) for line in lines)
        answer = live.ask(SHAH_DENIZ)
        assert answer.answered and answer.citations[0].doc_id == BROKEN
        assert live.ask(TURKEY).citations[0].doc_id == DOC
    finally:
        live.close()

    code, out, err = run(["--corpus", str(corpus_dir), "corpus", "validate"], capsys)
    assert code == 1 and "2 error(s)" in err  # validation stays strict
    assert "meta.json:1: invalid JSON" in out and "en.txt:5: " in out


def test_loading_skips_a_broken_document_and_validation_reports_it(workdir: Path) -> None:
    corpus_dir = workdir / "corpus"
    write_second_document(corpus_dir, not_utf8())
    corpus = load_corpus(corpus_dir)  # no CorpusError: the healthy document loads
    assert [d.doc_id for d in corpus.documents] == [DOC]
    [skipped] = corpus.skipped
    assert (skipped.doc_id, skipped.indexed_at) == (BROKEN, None)
    assert [str(p) for p in skipped.problems] == [
        f"{corpus_dir / BROKEN / 'en.txt'}:3: not UTF-8 (invalid start byte at byte 152)"
    ]
    assert corpus.get(BROKEN, "p1", "en") is None
    _, problems = check_corpus(corpus_dir)  # the strict view still has every problem
    assert any(p.is_error and BROKEN in p.file for p in problems)


def test_the_indexed_version_round_trips_and_follows_the_folders(workdir: Path) -> None:
    corpus_dir = workdir / "corpus"
    write_second_document(corpus_dir)
    corpus = load_corpus(corpus_dir)
    lastgood.remember(corpus_dir, corpus, now=datetime(2026, 1, 2, 3, 4))
    store = corpus_dir / lastgood.STORE
    assert sorted(p.name for p in store.iterdir()) == sorted([f"{BROKEN}.json", f"{DOC}.json"])
    assert (store.parent / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    kept = lastgood.recall(corpus_dir, BROKEN)
    assert kept is not None and kept[0] == corpus.document(BROKEN)
    assert kept[1].startswith("2026-01-02T03:04")

    lastgood.remember(corpus_dir, corpus, now=datetime(2027, 1, 1))  # unchanged: same time
    assert lastgood.recall(corpus_dir, BROKEN)[1].startswith("2026-01-02T03:04")
    assert [d.doc_id for d in load_corpus(corpus_dir).documents] == [DOC, BROKEN]  # not a doc

    write_second_document(corpus_dir, not_utf8())
    loaded = load_corpus(corpus_dir)
    assert loaded.document(BROKEN) == corpus.document(BROKEN)
    assert [(s.doc_id, s.indexed_at[:10]) for s in loaded.skipped] == [(BROKEN, "2026-01-02")]
    with pytest.raises(CorpusError):  # what rewrites corpus files never uses a stand-in
        load_valid_corpus(corpus_dir)

    for path in (corpus_dir / BROKEN).iterdir():
        path.unlink()
    (corpus_dir / BROKEN).rmdir()
    lastgood.remember(corpus_dir, load_corpus(corpus_dir))
    assert [p.name for p in store.iterdir()] == [f"{DOC}.json"]  # a removed document is gone


def test_nothing_healthy_and_nothing_indexed_is_refused(workdir: Path) -> None:
    corpus_dir = workdir / "corpus"
    (corpus_dir / DOC / "meta.json").write_text("{", encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus_dir)
    assert any("invalid JSON" in str(p) for p in info.value.problems)


def test_many_problems_are_summarised() -> None:
    problems = tuple(Problem("c/d/en.txt", n, "malformed header") for n in range(1, 9))
    lines = skipped_lines(SkippedDocument("d", problems, "2026-01-02T03:04:05+00:00"))
    assert lines[0] == (
        "menbe: skipped document 'd' (8 error(s)); answering from its version indexed on "
        "2026-01-02 03:04 until it is fixed:"
    )
    assert lines[1:6] == [f"  c/d/en.txt:{n}: malformed header" for n in range(1, 6)]
    assert lines[6:] == ["  ... and 3 more; `menbe corpus validate` lists them all"]
