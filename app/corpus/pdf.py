"""Reading a PDF's text layer page by page with pypdf (`menbe corpus import FILE.pdf`).

Page by page, so that every imported paragraph knows the page it starts on without guessing it
from the layout of a text dump. pypdf (BSD) is imported only here and only when a PDF is read;
PyMuPDF would extract better but its AGPL licence is not one we want to ship.

Every way a PDF can be unusable is an `ImportError_` naming the file, raised before anything is
written: not a PDF at all, damaged, locked with a password, or without a text layer (a scan).
"""

from __future__ import annotations

import logging
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from app.errors import ImportError_

# Ligature glyphs that PDF fonts map to one code point; a word with "ﬁ" would not match "fi".
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl"}
)
_MIN_CHARS = 20  # less text than this on every page: there is no usable text layer


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
    pypdf = _pypdf()
    _check_signature(path)
    with _quiet(pypdf):
        reader = _open(pypdf, path)
        _unlock(pypdf, reader, path)
        pages = [_page_text(pypdf, page, path, n) for n, page in enumerate(_pages(reader, path), 1)]
    if not pages:
        raise ImportError_(f"{path}: the PDF has no pages")
    if sum(len(text.strip()) for text in pages) < _MIN_CHARS:
        raise ImportError_(
            f"{path}: no text layer on any of its {len(pages)} page(s) (a scanned PDF?); "
            "run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and import the result"
        )
    return pages


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


def _page_text(pypdf, page, path: Path, number: int) -> str:
    try:
        text = page.extract_text() or ""
    except pypdf.errors.FileNotDecryptedError:
        raise ImportError_(f"{path}: the PDF is encrypted with a password") from None
    except Exception as exc:  # a damaged content stream can fail in many ways
        raise ImportError_(f"{path}: page {number} cannot be read ({_reason(exc)})") from None
    return unicodedata.normalize("NFC", text.translate(_LIGATURES))


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
