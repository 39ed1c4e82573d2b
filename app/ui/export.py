"""The conversation as a Markdown file a researcher can keep, cite from or send on: every
question, its answer with the ``[n]`` markers, and under it each numbered source (title, page,
paragraph id, the cited sentence and its original) with a link that opens that paragraph.

Pure formatting over the session's answers, apart from `write_export`, which puts the text in a
file for the download button. Labels follow the interface language; answers and quotes stay in
the language they were given in."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from app.answering import Answer, Citation
from app.ui.format import lang_name, location, share_link
from app.ui.static import ui_text

#: Exports older than this are removed when a new one is written (Gradio keeps its own copy).
KEEP_S = 3600.0
#: How much of a see-also paragraph (which has no cited sentence) is quoted as its preview.
PREVIEW_CHARS = 200
_BLOCK_START = re.compile(r"^(\s*)(\d+(?=[.)])|)([#>+*=.)-])")


def plain(text: str) -> str:
    """Corpus or user text as one literal Markdown paragraph: whitespace runs (newlines too)
    become one space, so no line can start a heading, quote or list; ``<`` cannot open HTML,
    and ``](`` cannot make a link. ``[n]`` markers stay as they are, readable in the raw file."""
    text = " ".join(text.split()).replace("<", "&lt;").replace("](", "]\\(")
    return _BLOCK_START.sub(r"\1\2\\\3", text)


def paragraph_link(c: Citation, base_url: str) -> str:
    """The link that opens the cited paragraph in the app (the same one the sources panel
    shares), absolute when the app's address is known."""
    link = share_link(c.doc_id, c.paragraph)
    return f"{base_url.rstrip('/')}/{link}" if base_url else link


def citation_markdown(c: Citation, label: str, ui: str, base_url: str) -> str:
    """One source under its answer: ``[n]`` title, page and paragraph id, the cited sentence,
    its original for a translation, and the paragraph's link."""
    head = f"**[{label}] {plain(c.title)}** · {plain(location(c, ui))} · {c.lang.upper()}"
    if c.translated:
        head += f" ({plain(ui_text('translated_from', ui, lang=lang_name(c.original_lang, ui)))})"
    lines = [head]
    if c.quote.strip():
        lines.append(f"> {plain(c.quote)}")
    elif c.text.strip():  # a see-also paragraph: nothing was cited, its opening shows what it is
        lines.append(f"> {plain(_preview(c.text))}")
    if c.translated and c.original_quote.strip():
        original = ui_text("export_original", ui, lang=lang_name(c.original_lang, ui))
        lines.append(f"> *{plain(original)}:* {plain(c.original_quote)}")
    link = paragraph_link(c, base_url)
    lines.append(f"{plain(ui_text('share', ui))}: <{link}>")
    return "\n\n".join(lines)


def answer_block(answer: Answer, turn: int, ui: str, base_url: str) -> str:
    """One question and its answer, then its sources (or, for an abstention, what to see)."""
    text = answer.text if answer.answered else answer.abstention_text()
    meta = [
        ui_text("answer_in", ui, lang=lang_name(answer.language, ui)),
        ui_text("confidence", ui, value=f"{answer.confidence:.2f}"),
    ]
    if answer.resolved_question != answer.question:
        meta.append(ui_text("resolved", ui, question=answer.resolved_question))
    parts = [f"## {turn}. {plain(answer.question)}", plain(text)]
    if answer.note:
        parts.append(f"> {plain(answer.note)}")
    parts.append(f"*{plain(' · '.join(meta))}*")
    if answer.citations:
        parts.append(f"### {plain(ui_text('sources', ui))}")
        parts += [citation_markdown(c, str(c.n), ui, base_url) for c in answer.citations]
    if answer.see_also and not answer.answered:  # as in the chat: what to read instead
        parts.append(f"### {plain(ui_text('see_also', ui))}")
        parts += [citation_markdown(c, "→", ui, base_url) for c in answer.see_also]
    return "\n\n".join(parts)


def _preview(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= PREVIEW_CHARS:
        return text
    cut = text[:PREVIEW_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


def conversation_markdown(
    turns: Sequence[tuple[int, Answer]],
    ui: str,
    *,
    base_url: str = "",
    exported: datetime | None = None,
) -> str:
    """The whole conversation, oldest question first. ``base_url`` (the app's address) makes
    the paragraph links absolute; without it they are the app's relative ``?p=…`` links."""
    when = (exported or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    head = [f"# {plain(ui_text('export_title', ui))}"]
    where = base_url or "Mənbə"
    head.append(plain(ui_text("export_meta", ui, time=when, url=where)))
    blocks = [answer_block(a, t, ui, base_url) for t, a in sorted(turns, key=lambda x: x[0])]
    if not blocks:
        blocks = [plain(ui_text("export_empty", ui))]
    return "\n\n".join(head) + "\n\n" + "\n\n---\n\n".join(blocks) + "\n"


def export_name(exported: datetime | None = None) -> str:
    return f"menbe-conversation-{(exported or datetime.now(UTC)):%Y%m%d-%H%M}.md"


def write_export(text: str, name: str, root: Path | None = None) -> Path:
    """``text`` in a file of its own under the system temp folder (where Gradio may serve it
    from), removing exports older than an hour so a long-running app does not pile them up."""
    root = root or Path(tempfile.gettempdir()) / "menbe-export"
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_S
    for old in root.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    folder = root / uuid.uuid4().hex
    folder.mkdir()
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
