"""`menbe corpus import FILE.pdf`: real PDFs printed by chromium, read page by page with pypdf."""

from __future__ import annotations

import base64
import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from app.cli import main
from app.corpus import load_corpus
from app.corpus.importer import import_pages
from app.corpus.pdf import read_pages, read_pdf
from app.messages import message

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium makes the test PDFs (apt-get install chromium)"
)

# Three pages: an English and an Azerbaijani abstract, then English body text. The <br>s force
# line ends where a PDF of a journal article would have them: inside hyphenated words and after
# real hyphens that must stay.
DOC_HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
body{font-family:"DejaVu Serif",serif;font-size:11pt;width:15cm}
section{page-break-after:always}
</style></head><body>
<section>
<h1>Caspian Energy Routes</h1>
<h2>Abstract</h2>
<p>This article follows the oil and gas routes that linked the Caspian shore with Europe
between 1994 and 2006. The first contract was signed in Baku, and the companies learned many
methods on mountain roads.</p>
<h2>Xülasə</h2>
<p>Bu məqalə 1994–2006-cı illərdə Xəzər sahilini Avropa ilə birləşdirən neft və qaz yollarını
izləyir. İlk müqavilə Bakıda imzalandı, şirkətlər dağlıq yollarda çoxlu üsul öyrəndi.</p>
<p>Açar sözlər: enerji, boru kəmərləri, Xəzər</p>
</section>
<section>
<h2>Introduction</h2>
<p>The first agreement, signed in Baku in September 1994, opened the sea to foreign compa-<br>nies
and to the transpor-<br>tation of crude oil towards the Black Sea and the Mediterranean through
the Baku-<br>Tbilisi-Ceyhan corridor built in 2002-<br>2006 by a consortium of companies.</p>
<p>1. The early oil phase brought the first barrels to Supsa on the Georgian coast.</p>
<p>2. The main export pipeline followed a decade later and ran through three countries.</p>
</section>
<section>
<h2>Conclusion</h2>
<p>The routes made the small state a partner whose energy could reach Europe without crossing
its larger neighbours.</p>
</section>
</body></html>
"""


# A title in large type that wraps onto two lines between two capitalised words, under a
# journal line in small type: only the type sizes tell which lines the title is.
WRAPPED_TITLE = "Relations With Regional States During the Heydar Aliyev Period"
WRAPPED_HTML = f"""<!doctype html><html><head><meta charset="utf-8"><style>
body{{font-family:"DejaVu Serif",serif;font-size:11pt;width:15cm}}
.journal{{font-size:9pt}}
</style></head><body>
<p class="journal">Journal of Caspian Studies, volume 3</p>
<h1>{WRAPPED_TITLE}</h1>
<h2>Abstract</h2>
<p>This article follows the relations of Azerbaijan with its neighbours between 1993 and 2003.
The first contract was signed in Baku, and the partners learned many methods.</p>
<h2>Introduction</h2>
<p>The first agreement, signed in Baku in September 1994, opened the sea to foreign companies
and to the transportation of crude oil towards the Black Sea and the Mediterranean.</p>
</body></html>
"""


def _png(width: int = 240, height: int = 120) -> bytes:
    """A grey image: what a scanner produces, as far as text extraction is concerned."""
    rows = b"".join(b"\x00" + bytes([90, 90, 90]) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _print_pdf(html: str, folder: Path, name: str) -> Path:
    page = folder / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    out = folder / f"{name}.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--no-first-run",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert out.is_file() and out.stat().st_size > 0
    return out


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import pypdf

    folder = tmp_path_factory.mktemp("pdfs")
    doc = _print_pdf(DOC_HTML, folder, "doc")
    wrapped = _print_pdf(WRAPPED_HTML, folder, "wrapped")
    image = base64.b64encode(_png()).decode()
    scan = _print_pdf(
        f'<!doctype html><html><body><img src="data:image/png;base64,{image}"></body></html>',
        folder,
        "scan",
    )
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(doc))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = folder / "locked.pdf"
    writer.write(locked)
    broken = folder / "broken.pdf"
    broken.write_bytes(doc.read_bytes()[:2000])
    return {"doc": doc, "scan": scan, "locked": locked, "broken": broken, "wrapped": wrapped}


def test_pages_are_read_one_by_one(pdfs: dict[str, Path]) -> None:
    pages = read_pages(pdfs["doc"])
    assert len(pages) == 3
    assert pages[0].startswith("Caspian Energy Routes")
    assert "Introduction" in pages[1] and "Conclusion" in pages[2]


def test_a_title_wrapped_onto_two_lines_is_kept_whole(pdfs: dict[str, Path], tmp_path) -> None:
    pdf = read_pdf(pdfs["wrapped"])
    assert len(pdf.title) == 2 and pdf.title[0].startswith("Relations With")  # it does wrap
    assert read_pdf(pdfs["doc"]).title == ("Caspian Energy Routes",)
    corpus = tmp_path / "corpus"
    argv = ["--corpus", str(corpus), "corpus", "import", str(pdfs["wrapped"]), "--id", "rel"]
    assert main(argv) == 0
    meta = json.loads((corpus / "rel" / "meta.json").read_text(encoding="utf-8"))
    assert meta["title"] == {"en": WRAPPED_TITLE}
    doc = load_corpus(corpus).document("rel")
    assert [(p.pid, p.section) for p in doc.paragraphs] == [
        ("p01", "Abstract"),  # the title's second line is neither a section nor body text
        ("p02", "Introduction"),
    ]
    assert doc.paragraphs[0].text.startswith("This article follows")


def test_paragraphs_pages_sections_and_languages(pdfs: dict[str, Path]) -> None:
    doc = import_pages(read_pages(pdfs["doc"]))
    assert doc.pages == 3
    assert doc.titles["en"] == "Caspian Energy Routes"
    rows = [(p.pid, p.lang, p.page, p.section) for p in doc.paragraphs]
    assert rows == [
        ("p01", "en", 1, "Abstract"),
        ("p01", "az", 1, "Xülasə"),  # the two abstracts are one aligned pair
        ("p02", "az", 1, "Açar sözlər"),
        ("p03", "en", 2, "Introduction"),
        ("p04", "en", 2, "Introduction"),
        ("p05", "en", 2, "Introduction"),
        ("p06", "en", 3, "Conclusion"),  # a heading opens the page, not the paragraph
    ]


def test_letters_hyphenation_and_ligatures(pdfs: dict[str, Path]) -> None:
    doc = import_pages(read_pages(pdfs["doc"]))
    az = " ".join(p.text for p in doc.paragraphs if p.lang == "az")
    assert az.startswith("Bu məqalə 1994–2006-cı illərdə Xəzər sahilini")
    assert "İlk müqavilə Bakıda imzalandı, şirkətlər dağlıq yollarda çoxlu üsul öyrəndi." in az
    assert set("əğıİşçöü") <= set(az)
    intro = doc.paragraphs[3].text
    assert "The first agreement" in intro  # the "ﬁ" ligature is read as two letters
    assert "foreign companies and to the transportation of crude oil" in intro
    assert "Baku-Tbilisi-Ceyhan" in intro and "2002-2006" in intro
    assert doc.paragraphs[4].text.startswith("1. The early oil phase")


def test_lang_option_forces_one_language(pdfs: dict[str, Path]) -> None:
    doc = import_pages(read_pages(pdfs["doc"]), lang="en")
    assert {p.lang for p in doc.paragraphs} == {"en"}


def test_cli_imports_pdf_into_two_files_that_load(pdfs: dict[str, Path], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    args = ["--corpus", str(corpus), "corpus", "import", str(pdfs["doc"]), "--id", "caspian"]
    assert main([*args, "--year", "2024"]) == 0
    folder = corpus / "caspian"
    assert {p.name for p in folder.iterdir()} == {"meta.json", "en.txt", "az.txt", "source"}
    assert (folder / "source" / "doc.pdf").read_bytes() == pdfs["doc"].read_bytes()
    en = (folder / "en.txt").read_text(encoding="utf-8")
    assert "[p06] page=3 section=Conclusion origin=original" in en
    loaded = load_corpus(corpus)  # untranslated paragraphs are warnings, not errors
    doc = loaded.document("caspian")
    assert doc.pages == 3 and doc.languages == ("en", "az")
    assert loaded.get("caspian", "p01", "az").sentences[1].text.startswith("İlk müqavilə")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scan", "no text layer"),
        ("locked", "encrypted with a password"),
        ("broken", "damaged"),
    ],
)
def test_unusable_pdfs_are_refused_by_name(
    pdfs: dict[str, Path], tmp_path: Path, capsys, name: str, message: str
) -> None:
    corpus = tmp_path / "corpus"
    argv = ["--corpus", str(corpus), "corpus", "import", str(pdfs[name]), "--id", "d"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"menbe: {pdfs[name]}: ") and message in err
    assert not corpus.exists()


def test_text_that_is_not_a_pdf_but_named_so(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "notes.pdf"
    fake.write_text("just some notes", encoding="utf-8")
    assert main(["--corpus", str(tmp_path / "c"), "corpus", "import", str(fake), "--id", "d"]) == 2
    assert "not a PDF" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


@pytest.fixture(scope="module")
def caspian(pdfs: dict[str, Path], tmp_path_factory, embedder, model_dir: Path):
    """The imported PDF (English paragraphs with no az version yet), indexed."""
    from app.config import Config
    from app.indexer import build_index
    from app.retrieval import Retriever

    root = tmp_path_factory.mktemp("caspian")
    corpus_dir = root / "corpus"
    argv = ["--corpus", str(corpus_dir), "corpus", "import", str(pdfs["doc"]), "--id", "caspian"]
    assert main(argv) == 0
    corpus = load_corpus(corpus_dir)
    config = Config(corpus_dir=corpus_dir, index_dir=root / "index", model_dir=model_dir)
    build_index(config, corpus, embedder)
    with Retriever.open(config, corpus, embedder) as retriever:
        yield retriever


@pytest.mark.slow
def test_untranslated_paragraphs_are_indexed_found_and_cited(caspian) -> None:
    from app.answering import Answerer

    result = caspian.search("Bakı-Tbilisi-Ceyhan dəhlizini kim tikdi?", k=3)
    assert result.detection.lang == "az"
    found = {h.pid: set(h.versions) for h in result.hits}
    assert found.get("p03") == {"en"}, found  # the English-only paragraph, from an AZ question
    answer = Answerer(caspian).ask("Who built the Baku-Tbilisi-Ceyhan corridor?")
    assert [(c.paragraph, c.lang, c.page) for c in answer.citations][:1] == [("p03", "en", 2)]
    assert answer.note == ""  # the English answer quotes English: nothing to say
    forced = Answerer(caspian).ask("Who built the Baku-Tbilisi-Ceyhan corridor?", lang="az")
    assert forced.language == "az" and forced.citations[0].lang == "en"
    assert forced.note == message("untranslated", "az")  # said in Azerbaijani
