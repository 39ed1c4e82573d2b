"""Checks across the language versions of one document: pairs agree, translations are fresh.

Run on what a document's paragraph files hold once each file has been read on its own, so a
problem of one file (unreadable, a broken header) is never also reported as the other file's
missing or misaligned counterpart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.corpus.model import LANGUAGES, Paragraph
from app.errors import Problem


@dataclass(frozen=True)
class ParagraphFiles:
    """What a document's paragraph files hold, and what alignment must not call missing."""

    by_lang: dict[str, list[Paragraph]]
    unreadable: set[str]  # languages whose file exists but cannot be read
    rejected: dict[str, frozenset[str]]  # per language, ids present with a broken paragraph


def check_alignment(files: ParagraphFiles) -> list[Problem]:
    """Pairs must agree in sentence count; a paragraph not yet translated is only a warning.

    Languages whose file could not be read, and paragraphs whose header is broken, are left
    out: they are unknown, not missing, and their own problem already says why.
    """
    maps = {lang: {p.pid: p for p in ps} for lang, ps in files.by_lang.items()}
    problems: list[Problem] = []
    for lang, paragraphs in files.by_lang.items():
        for p in paragraphs:
            for other in LANGUAGES:
                if other == lang or other in files.unreadable:
                    continue
                if p.pid in files.rejected.get(other, frozenset()):
                    continue
                problems += _check_pair(p, maps.get(other, {}).get(p.pid), other)
    return problems


def mark_stale(paragraphs: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """Flag the translations whose original changed since, so the UI can badge them.

    A stale translation whose sentences no longer line up with the original's is left out:
    citations highlight sentence *i* of both versions, which would point at the wrong text.
    """
    by_key = {(p.pid, p.lang): p for p in paragraphs}
    kept = []
    for p in paragraphs:
        original = by_key.get((p.pid, p.source_lang)) if p.source_lang else None
        if original is None or not p.is_stale_against(original):
            kept.append(p)
        elif len(original.sentences) == len(p.sentences):
            kept.append(replace(p, stale=True))
    return tuple(kept)


def _check_pair(p: Paragraph, twin: Paragraph | None, other: str) -> list[Problem]:
    if twin is None:
        if p.source_lang == other:
            message = f"[{p.pid}] is translated from {other}, but there is no {other} version"
            return [Problem(p.file, p.line, message)]
        return [Problem(p.file, p.line, f"[{p.pid}] has no {other} version yet", "warning")]
    if p.lang < other and len(twin.sentences) != len(p.sentences):
        return [_misaligned(p, twin)]
    if p.source_lang == other and twin.origin != "original":
        message = f"[{p.pid}] is translated from {other}, but the {other} version is no original"
        return [Problem(p.file, p.line, message)]
    if p.source_lang == other and p.is_stale_against(twin):
        message = f"[{p.pid}] {p.lang} translation is stale (the {other} original changed)"
        return [Problem(p.file, p.line, message, "warning")]
    return []


def _misaligned(p: Paragraph, twin: Paragraph) -> Problem:
    """Differing sentence counts: an error, unless the original was edited after translating.

    Then the translation is only stale: it is left out of the corpus (see `mark_stale`) until
    re-translated, so a curator can still load, export and re-import it.
    """
    for translation, original in ((p, twin), (twin, p)):
        if translation.source_lang == original.lang and translation.is_stale_against(original):
            message = (
                f"[{p.pid}] {translation.lang} translation is stale (the {original.lang} original "
                f"changed) and no longer aligned ({len(translation.sentences)} sentences, the "
                f"original has {len(original.sentences)}): left out until re-translated"
            )
            return Problem(translation.file, translation.line, message, "warning")
    return Problem(
        p.file,
        p.line,
        f"[{p.pid}] has {len(p.sentences)} sentences but its {twin.lang} version "
        f"({twin.file}:{twin.line}) has {len(twin.sentences)}",
    )
