"""Reading a PDF's text layer page by page with pypdf (`menbe corpus import FILE.pdf`).

Page by page, so that every imported paragraph knows the page it starts on without guessing it
from the layout of a text dump. pypdf (BSD) is imported only here and only when a PDF is read;
PyMuPDF would extract better but its AGPL licence is not one we want to ship.

Every way a PDF can be unusable is an `ImportError_` naming the file, raised before anything is
written: not a PDF at all, damaged, locked with a password, or without a text layer (a scan).

The text layer says nothing about headings, but the font sizes do: the title is the run of lines
set in the largest type on the first page, however many lines it wraps onto. Only the title is
taken from them; the rest of the structure is rebuilt from the text (`app.corpus.importer`), as
for a text dump.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.errors import ImportError_

# Ligature glyphs that PDF fonts map to one code point; a word with "ﬁ" would not match "fi".
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
_MIN_CHARS = 20  # less text than this on every page: there is no usable text layer
_TITLE_RATIO = 1.15  # a title's type is at least this much larger than the body's
_TITLE_MAX_LINES = 6  # a longer run of large type is not a title (a poster, a cover page)


@dataclass(frozen=True)
class PdfText:
    """What an import needs from a PDF: every page's text, and its title's lines if the type
    sets one apart (empty when no line on the first page is larger than the body text)."""

    pages: tuple[str, ...]
    title: tuple[str, ...] = ()


def is_pdf(path: Path) -> bool:
    """A ``.pdf`` name or the ``%PDF-`` signature: a damaged PDF must not be read as text."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def read_pages(path: Path) -> list[str]:
    """The text of every page, in order (an empty string for a page without text)."""
    return list(read_pdf(path).pages)


def read_pdf(path: Path) -> PdfText:
    """Every page's text and the title lines; see `PdfText`."""
    pypdf = _pypdf()
    _check_signature(path)
    title: tuple[str, ...] | None = None  # None until the first page with text was seen
    with _quiet(pypdf):
        reader = _open(pypdf, path)
        _unlock(pypdf, reader, path)
        pages = []
        for n, page in enumerate(_pages(reader, path), 1):
            sized: list[tuple[str, float]] = []
            visit = _collect(sized) if title is None else None
            pages.append(_page_text(pypdf, page, path, n, visit))
            if visit is not None and pages[-1].strip():
                title = title_lines(_sized_lines(sized))
    if not pages:
        raise ImportError_(f"{path}: the PDF has no pages")
    if sum(len(text.strip()) for text in pages) < _MIN_CHARS:
        raise ImportError_(
            f"{path}: no text layer on any of its {len(pages)} page(s) (a scanned PDF?); "
            "run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and import the result"
        )
    return PdfText(tuple(pages), title or ())


def title_lines(lines: Sequence[tuple[str, float]]) -> tuple[str, ...]:
    """The first run of consecutive lines in the page's largest type, when that type is larger
    than the body's (the size most of the page's characters are set in)."""
    weight: dict[float, int] = {}
    for text, size in lines:
        weight[size] = weight.get(size, 0) + len(text)
    if not weight:
        return ()
    body, largest = max(weight, key=weight.__getitem__), max(weight)
    if largest < body * _TITLE_RATIO:
        return ()
    run: list[str] = []
    for text, size in lines:
        if size >= largest / 1.02:
            run.append(text)
        elif run:
            break
    letters = sum(c.isalpha() for line in run for c in line)
    return tuple(run) if len(run) <= _TITLE_MAX_LINES and letters >= 4 else ()  # not a drop cap


def _collect(sized: list[tuple[str, float]]):
    """A pypdf text visitor recording each piece of text with the size it is drawn at."""

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], _font, font_size) -> None:
        if text:
            sized.append((text, float(font_size or 0) * _vertical_scale(tm, cm)))

    return visit


def _vertical_scale(tm: Sequence[float], cm: Sequence[float]) -> float:
    """How much the text and page matrices together stretch a glyph's height."""
    c = tm[2] * cm[0] + tm[3] * cm[2]
    d = tm[2] * cm[1] + tm[3] * cm[3]
    return math.hypot(c, d)


def _sized_lines(pieces: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The pieces joined into lines, each with the largest size drawn on it (rounded, so that
    one type size compares equal with itself)."""
    lines: list[tuple[str, float]] = []
    text, size = "", 0.0
    for piece, piece_size in pieces:
        parts = piece.split("\n")
        for n, part in enumerate(parts):
            if n:
                lines.append((text, size))
                text, size = "", 0.0
            text += part
            if part.strip():
                size = max(size, round(piece_size, 1))
    lines.append((text, size))
    return [(_normal(t), s) for t, s in lines if t.strip()]


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text.translate(_LIGATURES)).split())


def _pypdf():
    try:
        import pypdf
    except ModuleNotFoundError:
        raise ImportError_("reading PDFs needs pypdf: `pip install pypdf`") from None
    return pypdf


def _check_signature(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise ImportError_(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportError_(f"{path}: is a directory, not a PDF file") from None
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read ({exc.strerror})") from None
    if not head:
        raise ImportError_(f"{path}: the file is empty")
    if b"%PDF-" not in head:
        raise ImportError_(f"{path}: not a PDF (it does not start with %PDF-)")


@contextmanager
def _quiet(pypdf):
    """pypdf logs every repair it attempts; the user gets one clear message instead."""
    logger = logging.getLogger(pypdf.__name__)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _open(pypdf, path: Path):
    try:
        return pypdf.PdfReader(path)
    except (pypdf.errors.PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise ImportError_(f"{path}: damaged or not a readable PDF ({_reason(exc)})") from None


def _unlock(pypdf, reader, path: Path) -> None:
    """An owner-password-only PDF opens by itself; one that needs a password is refused."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except pypdf.errors.DependencyError:
        raise ImportError_(
            f"{path}: the PDF is encrypted with AES; install `cryptography` to read it"
        ) from None
    except pypdf.errors.PyPdfError as exc:
        raise ImportError_(f"{path}: the PDF is encrypted ({_reason(exc)})") from None
    if not opened:
        raise ImportError_(
            f"{path}: the PDF is encrypted with a password; "
            "save an unprotected copy (e.g. `qpdf --decrypt --password=... in.pdf out.pdf`)"
        )


def _pages(reader, path: Path) -> list:
    try:
        return list(reader.pages)
    except Exception as exc:  # pypdf raises many kinds on a damaged page tree
        message = f"{path}: damaged PDF, its pages cannot be read ({_reason(exc)})"
        raise ImportError_(message) from None


def _page_text(pypdf, page, path: Path, number: int, visit=None) -> str:
    try:
        text = page.extract_text(visitor_text=visit) or ""
    except pypdf.errors.FileNotDecryptedError:
        raise ImportError_(f"{path}: the PDF is encrypted with a password") from None
    except Exception as exc:  # a damaged content stream can fail in many ways
        raise ImportError_(f"{path}: page {number} cannot be read ({_reason(exc)})") from None
    return unicodedata.normalize("NFC", text.translate(_LIGATURES))


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
