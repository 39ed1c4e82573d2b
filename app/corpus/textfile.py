"""The human-editable paragraph file: one per document and language (``corpus/<doc>/<lang>.txt``).

A paragraph starts with a header line and runs until the next blank line::

    [p07] page=3 section=Tədqiqat origin=translation:en@1a2b3c4d
    Birinci cümlə.
    İkinci cümlə.

The header keeps what a curator must see and preserve: the stable id (shared by the English and
Azerbaijani versions), the page, the section and whether the text is an original or a translation
(and from which language: ``translation:en@1a2b3c4d`` also records a hash of the original's text
as it was when translated, so an edit of the original shows the translation as stale). Text
lines are joined with single spaces, so writing one sentence per line keeps diffs readable
without changing the text. Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from app.errors import Problem

_HEADER = re.compile(r"^\[(?P<pid>[^\]]*)\](?P<rest>.*)$")
# "[p9 page=1 ..." with the closing bracket forgotten: a header, not a line of text.
_UNCLOSED = re.compile(r"^\[(?P<pid>[^\s\]]+)(?:\s+(?P<rest>[^\]]*=[^\]]*))?$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_HASH = re.compile(r"^[0-9a-f]{8}$")
FIELDS = ("page", "section", "origin")


@dataclass(frozen=True)
class RawParagraph:
    """A paragraph as written in a file, before sentences and alignment are worked out."""

    pid: str
    page: int
    section: str
    origin: str
    source_lang: str | None
    text: str
    line: int
    source_hash: str | None = None  # the original's version_hash, for a tracked translation


@dataclass(frozen=True)
class ParsedFile:
    """A parsed paragraph file. ``rejected``: ids whose paragraph is present but unusable (a
    bad header, no text): the other language must not also call them missing."""

    paragraphs: tuple[RawParagraph, ...]
    problems: tuple[Problem, ...]
    rejected: frozenset[str]


def parse(text: str, filename: str) -> tuple[list[RawParagraph], list[Problem]]:
    """Parse a paragraph file, collecting every problem instead of stopping at the first."""
    parsed = parse_file(text, filename)
    return list(parsed.paragraphs), list(parsed.problems)


def parse_file(text: str, filename: str) -> ParsedFile:
    """`parse`, also naming the ids of paragraphs that were found but could not be used."""
    paragraphs: list[RawParagraph] = []
    problems: list[Problem] = []
    rejected: set[str] = set()
    header: tuple[int, dict[str, object]] | None = None
    body: list[str] = []

    def close() -> None:
        nonlocal header, body
        if header is not None:
            line, fields = header
            joined = " ".join(part.strip() for part in body).strip()
            if not joined and not fields.get("unclosed"):
                problems.append(Problem(filename, line, f"paragraph [{fields['pid']}] has no text"))
            if joined and fields.get("ok"):
                paragraphs.append(_raw(fields, joined, line))
            else:
                rejected.add(str(fields["pid"]))
        header, body = None, []

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("#") and not body:
            continue
        if not stripped:
            close()
            continue
        if _HEADER.match(stripped):
            close()
            fields, found = _parse_header(stripped, filename, number)
            problems.extend(found)
            header = (number, fields)
        elif unclosed := _UNCLOSED.match(stripped):
            close()  # its text must not run on into the previous paragraph
            pid = unclosed.group("pid")
            message = f"malformed header: no ']' after the paragraph id [{pid}"
            problems.append(Problem(filename, number, message))
            header = (number, {"pid": pid, "ok": False, "unclosed": True})
        elif header is None:
            problems.append(
                Problem(filename, number, "text outside a paragraph: missing [id] header line")
            )
        else:
            body.append(stripped)
    close()
    return ParsedFile(tuple(paragraphs), tuple(problems), frozenset(rejected))


def _raw(fields: dict[str, object], text: str, line: int) -> RawParagraph:
    origin = str(fields["origin"])
    kind, _, source = origin.partition(":")
    source, _, digest = source.partition("@")
    return RawParagraph(
        pid=str(fields["pid"]),
        page=int(fields["page"]),  # type: ignore[call-overload]
        section=str(fields["section"]),
        origin=kind,
        source_lang=source or None,
        text=text,
        line=line,
        source_hash=digest or None,
    )


def _parse_header(line: str, filename: str, number: int) -> tuple[dict[str, object], list[Problem]]:
    match = _HEADER.match(line)
    assert match is not None
    pid = match.group("pid").strip()
    problems: list[Problem] = []

    def bad(message: str) -> None:
        problems.append(Problem(filename, number, message))

    fields: dict[str, object] = {"pid": pid}
    if not pid:
        bad("missing paragraph id in [ ]")
    elif not _ID.match(pid):
        bad(f"bad paragraph id {pid!r}: use letters, digits, '-', '_' or '.'")
    try:
        parts = shlex.split(match.group("rest"))
    except ValueError as exc:
        bad(f"cannot read header fields: {exc}")
        parts = []
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or key not in FIELDS:
            bad(f"unknown header field {part!r} (expected {', '.join(FIELDS)})")
        elif key in fields:
            bad(f"field {key!r} given twice")
        else:
            fields[key] = value
    for key in FIELDS:
        if key not in fields:
            bad(f"missing field {key!r}")
    _check_values(fields, bad)
    fields["ok"] = not problems
    return fields, problems


def _check_values(fields: dict[str, object], bad) -> None:
    page = fields.get("page")
    if page is not None and not (str(page).isdigit() and int(str(page)) >= 1):
        bad(f"page must be a whole number ≥ 1, not {page!r}")
    if fields.get("section") == "":
        bad("section is empty")
    origin = fields.get("origin")
    if origin is not None:
        kind, _, source = str(origin).partition(":")
        lang, at, digest = source.partition("@")
        if kind == "original" and not source:
            return
        if kind == "translation" and lang and (not at or _HASH.match(digest)):
            return
        bad(f"origin must be 'original' or 'translation:<lang>[@<8 hex digits>]', not {origin!r}")


def format_paragraph(
    pid: str, page: int, section: str, origin: str, sentences: Iterable[str]
) -> str:
    """Write one paragraph in file form, one sentence per line."""
    header = f"[{pid}] page={page} section={_quote(section)} origin={origin}"
    return "\n".join([header, *sentences]) + "\n"


def _quote(value: str) -> str:
    """Quote only what shlex would split or unquote, so ``section=Tədqiqat`` stays readable."""
    plain = value and not any(c.isspace() or c in "'\"\\#]" for c in value)
    return value if plain else shlex.quote(value)


def file_header(doc_id: str, lang: str) -> str:
    """The comment block that opens every paragraph file, so a curator knows the rules."""
    return (
        f"# Mənbə corpus — document {doc_id}, language {lang}.\n"
        "# Each paragraph: a header line\n"
        "#   [id] page=N section=NAME origin=original|translation:LANG@HASH\n"
        "# then its text (one sentence per line by convention), then a blank line.\n"
        "# Keep ids stable: the other language's version of a paragraph uses the same id.\n"
        "# Check with `menbe corpus validate`.\n\n"
    )
