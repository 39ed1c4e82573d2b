"""Loading and checking a corpus folder: every problem is reported as ``file:line: message``.

Each document folder is loaded on its own (`app.corpus.document`), so the same pass serves two
needs. `check_corpus` is the strict view `menbe corpus validate` prints: every problem of every
document. `load_corpus` is what Mənbə answers from: one broken document never stops the
others; it is skipped (listed in ``Corpus.skipped`` for the caller to report) and its last
indexed version (`app.corpus.lastgood`) stands in for it, so nothing indexed is lost.
Tools that rewrite corpus files use `load_valid_corpus`, which refuses any error.
"""

from __future__ import annotations

from pathlib import Path

from app.corpus import lastgood
from app.corpus.document import META, DocumentCheck, load_document
from app.corpus.model import Corpus, SkippedDocument
from app.errors import CorpusError, Problem

__all__ = ["META", "check_corpus", "errors_in", "load_corpus", "load_valid_corpus"]


def load_corpus(root: Path) -> Corpus:
    """Every healthy document under ``root``; a document with errors is skipped, with its last
    indexed version in its place when there is one (see the module docstring).

    Raises `CorpusError` only when nothing can be answered from: the folder is missing, or no
    document loads and none has an indexed version. Warnings never stop loading.
    """
    checks, problems = _check_folders(root)
    if problems:
        raise CorpusError(problems)
    documents, skipped = [], []
    for check in checks:
        if check.document is not None:
            documents.append(check.document)
            continue
        kept = lastgood.recall(root, check.doc_id)
        if kept is not None:
            documents.append(kept[0])
        skipped.append(SkippedDocument(check.doc_id, check.errors, kept[1] if kept else None))
    if not documents:
        raise CorpusError(errors_in([p for c in checks for p in c.problems]))
    return Corpus.of(tuple(documents), tuple(skipped))


def load_valid_corpus(root: Path) -> Corpus:
    """Every document, or `CorpusError` listing every error: for commands that rewrite corpus
    files (translation stamp and import), which must never work from a stand-in version."""
    corpus, problems = check_corpus(root)
    errors = errors_in(problems)
    if errors:
        raise CorpusError(errors)
    return corpus


def check_corpus(root: Path) -> tuple[Corpus, list[Problem]]:
    """Load what can be loaded and collect every problem (errors and warnings) found on the way.

    One broken file never hides or multiplies the problems of another (see
    `app.corpus.document`). A document with errors is left out of the returned corpus; one with
    only warnings is in it.
    """
    checks, problems = _check_folders(root)
    problems += [p for c in checks for p in c.problems]
    documents = tuple(c.document for c in checks if c.document is not None)
    return Corpus.of(documents), problems


def errors_in(problems: list[Problem]) -> list[Problem]:
    """The problems that stop a document from loading (warnings do not)."""
    return [p for p in problems if p.is_error]


def _check_folders(root: Path) -> tuple[list[DocumentCheck], list[Problem]]:
    """Each document folder's outcome, and the problems of the corpus folder itself."""
    if root.is_file():
        return [], [Problem(str(root), 0, "is a file, not a corpus folder")]
    if not root.is_dir():
        return [], [Problem(str(root), 0, "corpus folder not found")]
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not folders:
        return [], [Problem(str(root), 0, "no documents (folders with meta.json) found")]
    return [load_document(folder) for folder in folders], []
