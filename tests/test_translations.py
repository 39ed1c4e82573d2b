"""Stale translations, and the export -> translate -> import round trip, on a small temp corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.cli import main
from app.cli.corpus import stats
from app.corpus import check_corpus, load_corpus
from app.corpus.model import version_hash

META = {
    "id": "doc",
    "title": {"en": "A document", "az": "Sənəd"},
    "source": "test",
    "year": 2024,
    "languages": ["en", "az"],
    "licence": "CC-BY",
    "provenance": "written for the test",
    "pages": 3,
}
EN = """# comment
[p1] page=1 section=Intro origin=original
First sentence about L.A. Kojevnikov.
Second sentence (p. 12).

[p2] page=2 section=Intro origin=original
Baku is on the Caspian.
It grew in 1993–2003.

[p3] page=3 section="Main part" origin=original
The last paragraph.
"""
AZ = """# şərh
[p1] page=1 section=Giriş origin=translation:en
L.A. Kojevnikov haqqında birinci cümlə.
İkinci cümlə (p. 12).

[p3] page=3 section="Əsas hissə" origin=translation:en
Son abzas.
"""
AZ_P2 = ["Bakı Xəzər sahilindədir.", "O, 1993–2003-cü illərdə böyüdü."]


def make(tmp_path: Path, en: str = EN, az: str | None = AZ) -> Path:
    folder = tmp_path / "corpus" / "doc"
    folder.mkdir(parents=True)
    meta = dict(META, languages=["en", "az"] if az is not None else ["en"])
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (folder / "en.txt").write_text(en, encoding="utf-8")
    if az is not None:
        (folder / "az.txt").write_text(az, encoding="utf-8")
    return tmp_path / "corpus"


def cli(root: Path, *args: str) -> int:
    return main(["--corpus", str(root), "corpus", *args])


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def warnings(root: Path) -> list[str]:
    return [str(p) for p in check_corpus(root)[1]]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(rows)


def fill(rows: list[list[str]], targets: dict[tuple[str, str], str]) -> list[list[str]]:
    return [rows[0]] + [[*r[:6], targets[(r[1], r[2])]] for r in rows[1:]]


TARGETS = {
    ("p1", "1"): "Kojevnikov haqqında yeni birinci cümlə.",
    ("p1", "2"): "İkinci cümlə (p. 12).",
    ("p2", "1"): AZ_P2[0],
    ("p2", "2"): AZ_P2[1],
}


@pytest.fixture
def stamped(tmp_path: Path) -> Path:
    root = make(tmp_path)
    assert cli(root, "translations", "stamp") == 0
    return root


def test_untracked_translations_are_accepted_and_stamp_adds_only_the_hash(tmp_path: Path) -> None:
    root = make(tmp_path)
    assert not any("stale" in w for w in warnings(root))
    assert not any(p.source_hash for p in load_corpus(root).paragraphs())
    assert cli(root, "translations", "stamp") == 0
    az = (root / "doc" / "az.txt").read_text(encoding="utf-8")
    digest = version_hash("First sentence about L.A. Kojevnikov. Second sentence (p. 12).")
    assert f"[p1] page=1 section=Giriş origin=translation:en@{digest}\n" in az
    assert az.replace(f"@{digest}", "").replace(f"@{version_hash('The last paragraph.')}", "") == AZ
    assert (root / "doc" / "en.txt").read_text(encoding="utf-8") == EN
    before = snapshot(root)
    assert cli(root, "translations", "stamp") == 0  # idempotent
    assert snapshot(root) == before


def test_edited_original_makes_its_translation_stale(stamped: Path) -> None:
    edit(stamped / "doc" / "en.txt", "First sentence about", "First line about")
    assert (
        f"{stamped}/doc/az.txt:2: warning: [p1] az translation is stale (the en original changed)"
        in warnings(stamped)
    )
    corpus = load_corpus(stamped)
    assert corpus.get("doc", "p1", "az").stale
    assert not corpus.get("doc", "p3", "az").stale
    assert not corpus.get("doc", "p1", "en").stale
    assert stats(corpus)["stale"] == {"en": 0, "az": 1}


def test_rewrapping_the_original_is_not_a_change(stamped: Path) -> None:
    edit(stamped / "doc" / "en.txt", "Kojevnikov.\nSecond", "Kojevnikov.   Second")
    assert not any("stale" in w for w in warnings(stamped))


def test_stale_translation_with_another_sentence_count_is_left_out(
    stamped: Path, tmp_path: Path
) -> None:
    edit(stamped / "doc" / "en.txt", "Second sentence (p. 12).", "Second one. A third.")
    expected = (
        f"{stamped}/doc/az.txt:2: warning: [p1] az translation is stale (the en original "
        "changed) and no longer aligned (2 sentences, the original has 3): left out until "
        "re-translated"
    )
    assert expected in warnings(stamped)
    assert load_corpus(stamped).get("doc", "p1", "az") is None
    out = tmp_path / "todo.tsv"
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    rows = read_rows(out)
    assert [r[:4] for r in rows[1:4]] == [["doc", "p1", str(i), "stale"] for i in (1, 2, 3)]
    targets = {**TARGETS, ("p1", "3"): "Üçüncü."}
    write_rows(out, fill(rows, targets))
    assert cli(stamped, "translations", "import", str(out)) == 0
    assert warnings(stamped) == []
    assert (stamped / "doc" / "az.txt").read_text(encoding="utf-8").count("[p1]") == 1


def test_malformed_hash_is_an_error(tmp_path: Path) -> None:
    root = make(
        tmp_path, az=AZ.replace("origin=translation:en\nL.A.", "origin=translation:en@xyz\nL.A.")
    )
    assert any("az.txt:2: origin must be" in w for w in warnings(root))


def test_accept_stale_restamps_a_checked_translation(stamped: Path) -> None:
    edit(stamped / "doc" / "en.txt", "First sentence about", "First line about")
    assert cli(stamped, "translations", "stamp") == 0
    assert load_corpus(stamped).get("doc", "p1", "az").stale  # plain stamp keeps it flagged
    assert cli(stamped, "translations", "stamp", "--accept-stale") == 0
    assert not load_corpus(stamped).get("doc", "p1", "az").stale


def test_export_has_every_untranslated_and_stale_sentence(stamped: Path, tmp_path: Path) -> None:
    edit(stamped / "doc" / "en.txt", "First sentence about", "First line about")
    out = tmp_path / "todo.tsv"
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    rows = read_rows(out)
    assert rows[0] == ["doc", "paragraph", "sentence", "status", "hash", "en", "az"]
    assert [r[:4] for r in rows[1:]] == [
        ["doc", "p1", "1", "stale"],
        ["doc", "p1", "2", "stale"],
        ["doc", "p2", "1", "untranslated"],
        ["doc", "p2", "2", "untranslated"],
    ]
    assert rows[1][5] == "First line about L.A. Kojevnikov." and rows[1][6] == ""
    assert rows[3][4] == version_hash("Baku is on the Caspian. It grew in 1993–2003.")
    assert cli(stamped, "translations", "export", "--to", "en", str(out)) == 0
    assert read_rows(out) == [["doc", "paragraph", "sentence", "status", "hash", "az", "en"]]
    assert cli(stamped, "translations", "export", "--to", "az", "--doc", "nope", str(out)) == 1


def test_round_trip_makes_the_warnings_disappear(stamped: Path, tmp_path: Path) -> None:
    edit(stamped / "doc" / "en.txt", "First sentence about", "First line about")
    assert len([w for w in warnings(stamped) if "warning" in w]) == 2
    out = tmp_path / "todo.tsv"
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    write_rows(out, fill(read_rows(out), TARGETS))
    en_before = (stamped / "doc" / "en.txt").read_bytes()
    assert cli(stamped, "translations", "import", str(out)) == 0
    assert warnings(stamped) == []
    az = (stamped / "doc" / "az.txt").read_text(encoding="utf-8")
    p2 = version_hash("Baku is on the Caspian. It grew in 1993–2003.")
    assert f"\n\n[p2] page=2 section=Giriş origin=translation:en@{p2}\n" in az  # section mapped
    assert az.index("[p1]") < az.index("[p2]") < az.index("[p3]")  # in the original's order
    assert az.startswith("# şərh\n[p1]") and az.endswith("Son abzas.\n")
    assert (stamped / "doc" / "en.txt").read_bytes() == en_before
    corpus = load_corpus(stamped)
    assert corpus.get("doc", "p1", "az").text.startswith("Kojevnikov haqqında yeni")
    assert [s.text for s in corpus.get("doc", "p2", "az").sentences] == AZ_P2
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    assert len(read_rows(out)) == 1  # nothing left to translate


def test_import_creates_the_missing_language_file(tmp_path: Path) -> None:
    root = make(tmp_path, az=None)
    out = tmp_path / "todo.tsv"
    assert cli(root, "translations", "export", "--to", "az", str(out)) == 0
    targets = {**TARGETS, ("p1", "1"): "Birinci cümlə.", ("p3", "1"): "Son abzas."}
    write_rows(out, fill(read_rows(out), targets))
    assert cli(root, "translations", "import", str(out)) == 0
    assert warnings(root) == []
    assert json.loads((root / "doc" / "meta.json").read_text())["languages"] == ["en", "az"]
    assert len(load_corpus(root).document("doc").in_language("az")) == 3


def _wrong_id(rows):
    rows[3][1] = "p9"
    return rows


def _dropped_row(rows):
    return rows[:4]


def _empty_target(rows):
    rows[4][6] = "  "
    return rows


def _two_sentences(rows):
    rows[3][6] = "Bakı. Xəzər sahilindədir və böyükdür."
    return rows


def _bad_header(rows):
    rows[0][5] = "english"
    return rows


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_wrong_id, "todo.tsv:4: [p9] no such en original (doc)"),
        (_dropped_row, "todo.tsv:4: [p2] has 1 sentence rows but the original has 2"),
        (_empty_target, "todo.tsv:5: [p2] sentence 2: empty az translation"),
        (_two_sentences, "todo.tsv:4: [p2] sentence 1: the az text reads as 2 sentences"),
        (_bad_header, "todo.tsv:1: header row must be"),
    ],
)
def test_refused_import_names_file_and_line_and_writes_nothing(
    stamped: Path, tmp_path: Path, capsys, spoil, expected: str
) -> None:
    edit(stamped / "doc" / "en.txt", "First sentence about", "First line about")
    out = tmp_path / "todo.tsv"
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    write_rows(out, spoil(fill(read_rows(out), TARGETS)))
    before = snapshot(stamped)
    capsys.readouterr()
    assert cli(stamped, "translations", "import", str(out)) == 1
    assert f"{out.parent}/{expected}" in capsys.readouterr().err
    assert snapshot(stamped) == before


def test_a_translation_added_since_the_export_is_not_overwritten(
    stamped: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "todo.tsv"
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    write_rows(out, fill(read_rows(out), TARGETS))
    added = "\n[p2] page=2 section=Giriş origin=translation:en\n" + "\n".join(AZ_P2) + "\n"
    (stamped / "doc" / "az.txt").write_text(
        (stamped / "doc" / "az.txt").read_text(encoding="utf-8") + added, encoding="utf-8"
    )
    before = snapshot(stamped)
    assert cli(stamped, "translations", "import", str(out)) == 1
    assert "todo.tsv:2: [p2] already has a current az translation" in capsys.readouterr().err
    assert snapshot(stamped) == before


def test_original_edited_after_export_is_refused(stamped: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "todo.tsv"
    assert cli(stamped, "translations", "export", "--to", "az", str(out)) == 0
    write_rows(out, fill(read_rows(out), TARGETS))
    edit(stamped / "doc" / "en.txt", "Baku is on", "Baku lies on")
    before = snapshot(stamped)
    assert cli(stamped, "translations", "import", str(out)) == 1
    assert "todo.tsv:2: [p2] the en original changed since the export" in capsys.readouterr().err
    assert snapshot(stamped) == before
