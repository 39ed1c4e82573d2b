"""The PDF-dump importer, on the real seed and on small synthetic dumps."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli import main
from app.corpus.importer import import_text, join_lines
from app.sentences import split


def dump(*pages: list[str]) -> str:
    """A synthetic extraction: a blank line after every line, pages opened by a leading space."""
    out = []
    for page in pages:
        first, *rest = page
        out.append(" " + first)
        out.extend(rest)
    return "".join(line + " \n\n" for line in out)


LONG_A = "The first paragraph starts here and runs on for a good while so that it fills the"
LONG_B = "whole column width of the page, as a wrapped line of a scholarly article would do."


def test_seed_pages_sections_titles_and_languages(seed_text: str) -> None:
    doc = import_text(seed_text)
    assert doc.pages == 8
    assert doc.titles == {
        "en": "Relations With Regional States During the Heydar Aliyev Period",
        "az": "Heydər Əliyev dövründə regional dövlətlərlə münasibətlər",
    }
    sections = [p.section for p in doc.paragraphs]
    for name in ("Abstract", "Xülasə", "Introduction", "Research", "Conclusion"):
        assert name in sections
    assert any(p.text.startswith("Açar sözlər:") for p in doc.paragraphs)
    abstracts = [p for p in doc.paragraphs if p.section in ("Abstract", "Xülasə")]
    assert [(p.lang, p.pid) for p in abstracts] == [("en", "p01"), ("az", "p01")]


def test_seed_list_items_and_bullets_are_paragraphs(seed_text: str) -> None:
    texts = [p.text for p in import_text(seed_text).paragraphs]
    for start in ("1. The phase", "2. Constructive", "3. The period", "4. Strategic"):
        assert sum(t.startswith(start) for t in texts) == 1
    assert sum(t.startswith("• ") for t in texts) == 4


def test_seed_keeps_real_hyphens_and_joins_page_breaks(seed_text: str) -> None:
    joined = " ".join(p.text for p in import_text(seed_text).paragraphs)
    assert "In 1991-1993, the leadership" in joined
    assert "Baku-Tbilisi-Ceyhan" in joined
    assert "from the time our state independence was achieved" in joined
    assert "2017, p. 234)" in joined


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_seed_every_sentence_survives_in_exactly_one_paragraph(seed_text: str) -> None:
    doc = import_text(seed_text)
    headings = {
        "Abstract",
        "Xülasə",
        "Introduction",
        "Research",
        "Conclusion",
        *doc.titles.values(),
    }
    lines = [line.strip() for line in seed_text.splitlines()]
    raw_body = "\n".join(line for line in lines if line and line not in headings)
    # Nothing lost, nothing duplicated, order kept: the word stream is the same.
    assert _words(" ".join(p.text for p in doc.paragraphs)) == _words(raw_body)
    for p in doc.paragraphs:
        for sentence in split(p.text):
            assert sum(sentence in q.text for q in doc.paragraphs) == 1, sentence


def test_synthetic_paragraphs_headings_and_hyphenation() -> None:
    raw = dump(
        ["A Small Test Document", "", "Introduction", LONG_A, LONG_B, "Short end."],
        [
            "Second page text that continues the topic of the well-known article and its",
            "multi-",
            "lingual citations; the word hyphen-",
            "ation is split here and our corpus has a well-",
            "known phrase and years 1991-",
            "1993 and Azerbaijan-",
            "Georgia links.",
            "Conclusion",
            "• Russia: one bullet.",
            "• Turkey: another bullet.",
        ],
    )
    doc = import_text(raw)
    assert doc.titles == {"en": "A Small Test Document"}
    assert doc.pages == 2
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"{LONG_A} {LONG_B} Short end."
    assert "hyphenation" in texts[1] and "multilingual" in texts[1]
    assert "well-known" in texts[1] and "1991-1993" in texts[1] and "Azerbaijan-Georgia" in texts[1]
    assert [p.section for p in doc.paragraphs] == [
        "Introduction",
        "Introduction",
        "Conclusion",
        "Conclusion",
    ]
    assert [p.page for p in doc.paragraphs] == [1, 2, 2, 2]
    assert texts[2:] == ["• Russia: one bullet.", "• Turkey: another bullet."]


def test_join_lines_keeps_dashes_between_words() -> None:
    assert join_lines(["conflicts -", "from April"], "") == "conflicts - from April"
    assert join_lines(["the range 1993–", "2003 was"], "") == "the range 1993–2003 was"


def test_bilingual_abstracts_pair_and_numbering() -> None:
    raw = dump(
        [
            "English Title Of The Paper",
            "",
            "Abstract",
            "This is the abstract of the paper.",
            "Keywords: one, two",
        ],
        [
            "Məqalənin Azərbaycan dilində adı",
            "",
            "Xülasə",
            "Bu, məqalənin xülasəsidir və qısadır.",
            "Introduction",
            LONG_A,
            LONG_B,
            "End of the introduction.",
        ],
    )
    doc = import_text(raw)
    pairs = [(p.pid, p.lang, p.section) for p in doc.paragraphs]
    assert pairs == [
        ("p01", "en", "Abstract"),
        ("p02", "en", "Keywords"),
        ("p01", "az", "Xülasə"),
        ("p03", "en", "Introduction"),
    ]


def test_cli_import_writes_folder_and_refuses_to_overwrite(
    tmp_path: Path, seed_text: str, capsys
) -> None:
    raw = tmp_path / "dump.txt"
    raw.write_text(seed_text, encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["--corpus", str(corpus), "corpus", "import", str(raw), "--id", "doc"]) == 0
    folder = corpus / "doc"
    assert {p.name for p in folder.iterdir()} == {"meta.json", "en.txt", "az.txt", "source"}
    assert (folder / "source" / "dump.txt").read_text(encoding="utf-8") == seed_text
    assert "[p01] page=1 section=Abstract origin=original" in (folder / "en.txt").read_text()
    capsys.readouterr()
    assert main(["--corpus", str(corpus), "corpus", "import", str(raw), "--id", "doc"]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"", b"\xff\xfe broken"])
def test_cli_import_rejects_empty_or_non_utf8(tmp_path: Path, content: bytes, capsys) -> None:
    raw = tmp_path / "bad.txt"
    raw.write_bytes(content)
    assert main(["--corpus", str(tmp_path / "c"), "corpus", "import", str(raw), "--id", "d"]) == 2
    assert "menbe:" in capsys.readouterr().err
    assert not (tmp_path / "c" / "d").exists()


def test_lang_forces_one_language_for_a_text_dump() -> None:
    raw = dump(["Abstract", "This is the abstract of the paper.", "Bu, məqalənin xülasəsidir."])
    assert [p.lang for p in import_text(raw).paragraphs] == ["en", "az"]
    assert [p.lang for p in import_text(raw, lang="en").paragraphs] == ["en", "en"]
