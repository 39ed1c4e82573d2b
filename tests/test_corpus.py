"""Loading and validating the corpus: each problem is reported as file:line: message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.cli.corpus import stats
from app.corpus import check_corpus, load_corpus
from app.errors import CorpusError

META = {
    "id": "doc",
    "title": {"en": "A document", "az": "Sənəd"},
    "source": "test",
    "year": 2024,
    "languages": ["en", "az"],
    "licence": "CC-BY",
    "provenance": "written for the test",
    "pages": 2,
}
EN = """# comment
[p1] page=1 section=Intro origin=original
First sentence about L.A. Kojevnikov.
Second sentence (p. 12).

[p2] page=2 section="Main part" origin=translation:az
Only one sentence.
"""
AZ = """[p1] page=1 section=Giriş origin=translation:en
L.A. Kojevnikov haqqında birinci cümlə.
İkinci cümlə (p. 12).

[p2] page=2 section="Əsas hissə" origin=original
Yalnız bir cümlə.
"""


def make(
    tmp_path: Path, en: str = EN, az: str | bytes = AZ, meta: dict | str | None = None
) -> Path:
    folder = tmp_path / "corpus" / "doc"
    folder.mkdir(parents=True)
    meta_text = meta if isinstance(meta, str) else json.dumps(META if meta is None else meta)
    (folder / "meta.json").write_text(meta_text, encoding="utf-8")
    (folder / "en.txt").write_text(en, encoding="utf-8")
    if isinstance(az, bytes):
        (folder / "az.txt").write_bytes(az)
    else:
        (folder / "az.txt").write_text(az, encoding="utf-8")
    return tmp_path / "corpus"


def problems(root: Path) -> list[str]:
    return [str(p) for p in check_corpus(root)[1]]


def test_valid_corpus_loads_with_alignment(tmp_path: Path) -> None:
    corpus = load_corpus(make(tmp_path))
    en = corpus.get("doc", "p1", "en")
    assert en is not None and en.origin == "original" and en.page == 1
    az = corpus.counterpart(en)
    assert az is not None and az.lang == "az" and az.source_lang == "en"
    assert corpus.original_of(az) is en
    assert [s.text for s in az.sentences] == [
        "L.A. Kojevnikov haqqında birinci cümlə.",
        "İkinci cümlə (p. 12).",
    ]
    assert all(az.text[s.start : s.end] == s.text for s in az.sentences)
    assert corpus.get("doc", "p2", "en").section == "Main part"
    assert stats(corpus) == {
        "documents": 1,
        "paragraphs": {"en": 2, "az": 2},
        "aligned_pairs": 2,
        "pages": 2,
        "translated": {"en": 1, "az": 1},
        "untranslated": {"en": 0, "az": 0},
        "stale": {"en": 0, "az": 0},
    }


@pytest.mark.parametrize(
    ("en", "az", "expected"),
    [
        (
            EN + "\n[p1] page=1 section=X origin=original\nAgain.\n",
            AZ,
            "en.txt:9: duplicate id [p1]",
        ),
        (EN.replace("[p2]", "[]"), AZ, "en.txt:6: missing paragraph id"),
        (
            EN,
            AZ.replace("[p2]", "[p3]"),
            "en.txt:6: [p2] is translated from az, but there is no az version",
        ),
        (
            EN,
            AZ.replace("İkinci cümlə (p. 12).", "İkinci. Üçüncü."),
            "az.txt:1: [p1] has 3 sentences but its en version",
        ),
        (EN.replace("Only one sentence.", ""), AZ, "en.txt:6: paragraph [p2] has no text"),
        (EN.replace("page=2", "page=9"), AZ, "en.txt:6: page 9 > document pages (2)"),
        (EN.replace("page=2", "page=two"), AZ, "en.txt:6: page must be a whole number"),
        (EN.replace("origin=translation:az", "origin=copy"), AZ, "en.txt:6: origin must be"),
        (EN.replace("section=Intro ", ""), AZ, "en.txt:2: missing field 'section'"),
        (
            EN.replace("section=Intro", "section=Intro colour=red"),
            AZ,
            "en.txt:2: unknown header field",
        ),
        ("Stray text\n" + EN, AZ, "en.txt:1: text outside a paragraph"),
        (EN, b"[p1] page=1 section=A origin=original\n\xff\xfe\n", "az.txt:2: not UTF-8"),
    ],
)
def test_each_problem_is_reported_with_file_and_line(tmp_path: Path, en, az, expected: str) -> None:
    found = problems(make(tmp_path, en, az))
    assert any(expected in p for p in found), found


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ("{not json", "meta.json:1: invalid JSON"),
        ({k: v for k, v in META.items() if k != "title"}, "field 'title' missing"),
        ({**META, "pages": "8"}, "field 'pages' has the wrong type"),
        ({**META, "languages": ["en", "ru"]}, "languages must be"),
        ({**META, "id": "other"}, "differs from folder name"),
    ],
)
def test_bad_metadata(tmp_path: Path, meta, expected: str) -> None:
    assert any(expected in p for p in problems(make(tmp_path, meta=meta)))


def test_unknown_language_file(tmp_path: Path) -> None:
    root = make(tmp_path)
    (root / "doc" / "ru.txt").write_text("[p1] page=1 section=A origin=original\nТекст.\n")
    assert any("ru.txt:0: unknown language 'ru'" in p for p in problems(root))


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    root = make(tmp_path, EN.replace("page=2", "page=9").replace("[p1]", "[]"))
    with pytest.raises(CorpusError) as info:
        load_corpus(root)
    assert len(info.value.problems) >= 2


def test_cli_validate_exit_codes(tmp_path: Path, capsys) -> None:
    root = make(tmp_path)
    assert main(["--corpus", str(root), "corpus", "validate"]) == 0
    (root / "doc" / "az.txt").write_text(AZ.replace("[p2]", "[p3]"), encoding="utf-8")
    assert main(["--corpus", str(root), "corpus", "validate"]) == 1
    captured = capsys.readouterr()
    assert "en.txt:6: [p2] is translated from az, but there is no az version" in captured.out
    assert "az.txt:5: warning: [p3] has no en version yet" in captured.out
    assert "1 error(s), 1 warning(s)." in captured.err


def test_cli_stats_and_dump(tmp_path: Path, capsys) -> None:
    root = make(tmp_path)
    assert main(["--corpus", str(root), "corpus", "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["aligned_pairs"] == 2
    assert main(["--corpus", str(root), "corpus", "dump", "--jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 4
    row = next(r for r in rows if r["lang"] == "az" and r["paragraph"] == "p1")
    assert set(row) == {
        "doc_id",
        "paragraph",
        "lang",
        "page",
        "section",
        "origin",
        "stale",
        "counterpart",
        "text",
        "sentences",
    }
    assert row["origin"] == "translation:en"
    assert row["counterpart"] == {"lang": "en", "paragraph": "p1"}
    assert [s["text"] for s in row["sentences"]] == [
        "L.A. Kojevnikov haqqında birinci cümlə.",
        "İkinci cümlə (p. 12).",
    ]


def test_real_corpus_is_clean_and_fully_aligned(repo: Path) -> None:
    corpus = load_corpus(repo / "corpus")
    figures = stats(corpus)
    assert figures["pages"] == 8
    assert figures["paragraphs"]["en"] == figures["paragraphs"]["az"] == figures["aligned_pairs"]
    for p in corpus.paragraphs():
        twin = corpus.counterpart(p)
        assert twin is not None and len(twin.sentences) == len(p.sentences)


# --- paragraphs that exist in one language only ---------------------------------------------

EN_EXTRA = EN + '\n[p3] page=2 section="Main part" origin=original\nNot translated yet.\n'


def test_untranslated_paragraph_is_a_warning_and_loads(tmp_path: Path) -> None:
    root = make(tmp_path, en=EN_EXTRA)
    _, found = check_corpus(root)
    assert [str(p).split("/doc/")[1] for p in found] == [
        "en.txt:9: warning: [p3] has no az version yet"
    ]
    assert not found[0].is_error
    loaded = load_corpus(root)
    p3 = loaded.get("doc", "p3", "en")
    assert p3 is not None and loaded.counterpart(p3) is None
    assert loaded.versions("doc", "p3") == {"en": p3}
    assert stats(loaded)["untranslated"] == {"en": 0, "az": 1}
    assert stats(loaded)["aligned_pairs"] == 2


def test_single_language_document_warns_for_every_paragraph(tmp_path: Path, capsys) -> None:
    only_en = EN.replace("origin=translation:az", "origin=original")
    root = make(tmp_path, en=only_en, meta={**META, "languages": ["en"]})
    (root / "doc" / "az.txt").unlink()
    assert main(["--corpus", str(root), "corpus", "validate"]) == 0
    out = capsys.readouterr().out
    assert "en.txt:2: warning: [p1] has no az version yet" in out
    assert "en.txt:6: warning: [p2] has no az version yet" in out
    assert "OK: 1 document(s), 2 paragraph versions; 2 warning(s)." in out
    assert main(["--corpus", str(root), "corpus", "stats"]) == 0
    out = capsys.readouterr().out
    assert "untranslated   en 0, az 2" in out


def test_translation_without_its_original_is_an_error(tmp_path: Path) -> None:
    az = AZ + "\n[p4] page=1 section=Giriş origin=translation:en\nTərcümə.\n"
    found = [p for p in check_corpus(make(tmp_path, az=az))[1] if p.is_error]
    assert [str(p).split("/doc/")[1] for p in found] == [
        "az.txt:8: [p4] is translated from en, but there is no en version"
    ]
    with pytest.raises(CorpusError):
        load_corpus(tmp_path / "corpus")


# --- one run tells everything, without cascades -------------------------------------------


def test_non_utf8_file_is_not_also_every_missing_counterpart(tmp_path: Path) -> None:
    found = problems(make(tmp_path, az=b"[p1] page=1 section=A origin=original\n\xff\xfe\n"))
    assert [p.split("/doc/")[1] for p in found] == [
        "az.txt:2: not UTF-8 (invalid start byte at byte 38)"
    ]


def test_bad_meta_does_not_hide_the_paragraph_files_problems(tmp_path: Path) -> None:
    root = make(tmp_path, en=EN.replace("page=2", "page=two"), meta="{not json")
    found = [p.split("/doc/")[1] for p in problems(root)]
    assert found == [
        "meta.json:1: invalid JSON: Expecting property name enclosed in double quotes",
        "en.txt:6: page must be a whole number ≥ 1, not 'two'",
    ]


def test_byte_order_mark_is_a_warning_not_stray_text(tmp_path: Path) -> None:
    root = make(tmp_path, az="\ufeff" + AZ)
    folder = root / "doc"
    (folder / "meta.json").write_text("\ufeff" + json.dumps(META), encoding="utf-8")
    found = check_corpus(root)[1]
    bom = "starts with a UTF-8 byte order mark (BOM), ignored; save as UTF-8 without BOM"
    assert [str(p).split("/doc/")[1] for p in found] == [
        f"meta.json:1: warning: {bom}",
        f"az.txt:1: warning: {bom}",
    ]
    assert load_corpus(root).get("doc", "p1", "az") is not None


def test_unclosed_header_after_text_is_not_swallowed(tmp_path: Path) -> None:
    en = EN.replace("Second sentence (p. 12).\n", "Second sentence (p. 12).\n[p9 page=1 x=1\n")
    en = en.replace("[p9 page=1 x=1\n", "[p9 page=1 section=Intro origin=original\nMore.\n")
    root = make(tmp_path, en=en)
    found = [p.split("/doc/")[1] for p in problems(root)]
    assert found == ["en.txt:5: malformed header: no ']' after the paragraph id [p9"]


def test_directory_where_a_file_should_be(tmp_path: Path) -> None:
    root = make(tmp_path)
    folder = root / "doc"
    (folder / "az.txt").unlink()
    (folder / "az.txt").mkdir()
    found = [p.split("/doc/")[1] for p in problems(root)]
    assert found == ["az.txt:0: is a directory, not a file"]
    (folder / "meta.json").unlink()
    (folder / "meta.json").mkdir()
    found = [p.split("/doc/")[1] for p in problems(root)]
    assert found == [
        "meta.json:0: is a directory, not a file",
        "az.txt:0: is a directory, not a file",
    ]


def test_corpus_path_that_is_a_file(tmp_path: Path) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("x")
    assert problems(path) == [f"{path}:0: is a file, not a corpus folder"]


def test_unclosed_header_after_a_blank_line_keeps_its_text_out_of_other_problems() -> None:
    from app.corpus.textfile import parse

    text = "[p1] page=1 section=A origin=original\nOne.\n\n[p2 page=1 section=A\nTwo.\n"
    paragraphs, found = parse(text, "f.txt")
    assert [p.pid for p in paragraphs] == ["p1"]
    assert [str(p) for p in found] == [
        "f.txt:4: malformed header: no ']' after the paragraph id [p2"
    ]


def test_broken_paragraph_is_not_also_missing_in_the_other_language(tmp_path: Path) -> None:
    found = problems(make(tmp_path, en=EN.replace("page=2", "page=two")))
    assert [p.split("/doc/")[1] for p in found] == [
        "en.txt:6: page must be a whole number ≥ 1, not 'two'"
    ]
