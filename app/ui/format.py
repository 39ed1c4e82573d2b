"""Pure functions from answers to what the chat shows: markdown for the chat, the badges, share
links and escaping that the sources panel (``cards``) and the corpus browser (``browse``) build
on. They hold no Gradio state so they can be tested directly, and every piece of user or corpus
text goes through one of two escaping points (``escape_markdown``, ``escape``), so nothing a user
types or a corpus file contains is ever run as markup or script."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import quote, unquote

from app.answering import MAX_QUESTION_CHARS, Answer, Citation
from app.messages import message
from app.ui.static import ui_text

#: Characters with an inline meaning in (GitHub-flavoured) markdown, and the openings of a line
#: that start a block (heading, quote, list); escaped so user and corpus text stay plain text.
_MD_INLINE = re.compile(r"([\\`*_\[\]~|$])")
_MD_LINE_START = re.compile(r"^(\s*)(\d*)([#+=.)-])", re.MULTILINE)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_SHARE_PARAM = "p"


def escape(text: str) -> str:
    """HTML-escape text (quotes too, since it may land in an attribute)."""
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """Text shown literally by a markdown renderer that also accepts HTML: markdown syntax is
    backslash-escaped and ``<``/``&`` become entities, so ``<img onerror=…>`` is only text."""
    text = _MD_LINE_START.sub(r"\1\2\\\3", _MD_INLINE.sub(r"\\\1", text))
    return html.escape(text, quote=False)


def prepare_question(raw: str, limit: int = MAX_QUESTION_CHARS) -> tuple[str, bool]:
    """Whitespace collapsed; a question over ``limit`` characters is cut to the limit (at a word
    boundary when one is near) so the user still gets an answer. Returns (question, trimmed)."""
    text = " ".join(raw.split())
    if len(text) <= limit:
        return text, False
    cut = text[:limit]
    space = cut.rfind(" ")
    if space >= limit - 40:
        cut = cut[:space]
    return cut.rstrip(), True


def share_link(doc_id: str, pid: str) -> str:
    """The query string that opens one paragraph in the corpus browser: ``?p=<doc_id>/<pid>``."""
    return f"?{_SHARE_PARAM}={quote(f'{doc_id}/{pid}', safe='/-_.')}"


def parse_paragraph_ref(value: str | None) -> tuple[str, str] | None:
    """``doc_id/pid`` from a share value, a ``?p=…`` query or a full link; None when malformed."""
    if not value:
        return None
    text = unquote(value.strip())
    if f"{_SHARE_PARAM}=" in text:
        text = text.split(f"{_SHARE_PARAM}=", 1)[1].split("&", 1)[0]
    doc_id, _, pid = text.strip().strip("/").rpartition("/")
    if not doc_id or not pid or not re.fullmatch(r"[\w.-]+", pid):
        return None
    return doc_id, pid


def clip(text: str, limit: int) -> str:
    """``text`` with whitespace collapsed, cut at a word boundary near ``limit`` with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def source_anchor(turn: int, label: str | int) -> str:
    """The element id of a source card: unique per turn so older answers' markers still work."""
    return f"src-{turn}-{label}"


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` as HTML with the character ranges ``spans`` wrapped in ``<mark>``."""
    out, pos = [], 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(escape(text[pos:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def lang_name(code: str, ui: str) -> str:
    """A language's name in the interface language ("ingilis dili"), never a raw code."""
    return ui_text(f"lang_{code}", ui) if code in ("en", "az") else code


def location(c: Citation, ui: str) -> str:
    """Where the paragraph sits in its document, e.g. "p. 7 · ¶ p35"."""
    return f"{ui_text('page', ui)} {c.page} · {ui_text('paragraph', ui)} {c.paragraph}"


# -- the chat ---------------------------------------------------------------------------------


def user_markdown(question: str) -> str:
    """The user's question as the chat shows it: literally, whatever characters it holds."""
    return escape_markdown(question)


def marker_link(turn: int, n: int) -> str:
    return f"[\\[{n}\\]](#{source_anchor(turn, n)})"


def answer_markdown(answer: Answer, turn: int, *, trimmed: bool = False, ui: str = "en") -> str:
    """The bot's chat message: escaped answer text whose ``[n]`` markers link to source cards,
    a notice when the question was trimmed, see-also links when it abstained, and timings."""
    lang = answer.language
    parts: list[str] = []
    if trimmed:
        parts.append("> ⚠️ " + escape_markdown(message("trimmed", lang, limit=MAX_QUESTION_CHARS)))
    if answer.answered:
        numbers = {c.n for c in answer.citations}
        short, rest = _split_short(answer)
        lead = f"**{_link_markers(short, turn, numbers)}** " if short else ""
        parts.append(lead + _link_markers(rest, turn, numbers))
        parts.extend(_verification_markdown(answer))
    else:
        parts.append(escape_markdown(answer.abstention_text()))
    if answer.see_also and not answer.answered:
        links = [
            f"[{escape_markdown(location(c, ui))}](#{source_anchor(turn, f's{i}')})"
            for i, c in enumerate(answer.see_also, start=1)
        ]
        parts.append(f"**{escape_markdown(ui_text('see_also', ui))}:** " + " · ".join(links))
    parts.append(meta_markdown(answer, turn, ui))
    return "\n\n".join(parts)


def meta_markdown(answer: Answer, turn: int, ui: str) -> str:
    """The small line under an answer: its sources, how a follow-up was read, confidence and
    retrieval time, all in the interface language (page labels too), so a language switch
    re-renders it whatever language the answer is in."""
    sources = " · ".join(
        f"{marker_link(turn, c.n)} {escape_markdown(location(c, ui))}" for c in answer.citations
    )
    ms = round(answer.timings_ms.get("retrieve", 0.0))
    meta = [sources] if sources else []
    if answer.resolved_question != answer.question:  # a follow-up completed from the last turn
        meta.append(escape_markdown(ui_text("resolved", ui, question=answer.resolved_question)))
    meta.append(escape_markdown(ui_text("confidence", ui, value=f"{answer.confidence:.2f}")))
    meta.append(escape_markdown(ui_text("retrieval", ui, ms=ms)))
    return f"<sub>{' · '.join(meta)}</sub>"


def _verification_markdown(answer: Answer) -> list[str]:
    """Why the model's answer was not used, and what was removed from it, collapsed."""
    out = [f"> {escape_markdown(answer.note)}"] if answer.note else []
    removed = (answer.verification or {}).get("removed", [])
    if answer.answerer == "llm" and removed:
        summary = html.escape(message("removed_summary", answer.language, count=len(removed)))
        items = "".join(
            f"<li><s>{html.escape(r['sentence'])}</s> — {html.escape(r['reason'])}</li>"
            for r in removed
        )
        out.append(
            f'<details class="menbe-removed"><summary>{summary}</summary><ul>{items}</ul></details>'
        )
    return out


def _split_short(answer: Answer) -> tuple[str, str]:
    """("20 September 1994 [1].", the evidence) when the answer leads with its short answer, so
    the UI can set the answer itself apart from the quoted sentences that support it."""
    m = re.match(rf"{re.escape(answer.short_answer)} \[\d+\]\.\s*", answer.text)
    if not answer.short_answer or not m:
        return "", answer.text
    return m.group(0).strip(), answer.text[m.end() :]


def notice_markdown(key: str, lang: str, **values: object) -> str:
    """A friendly message (empty question, failure, ...) from app/data/messages.json."""
    return escape_markdown(message(key, lang, **values))


def _link_markers(text: str, turn: int, numbers: set[int]) -> str:
    pieces, pos = [], 0
    for m in _MARKER.finditer(text):
        n = int(m.group(1))
        if n not in numbers:
            continue
        pieces.append(escape_markdown(text[pos : m.start()]))
        pieces.append(marker_link(turn, n))
        pos = m.end()
    pieces.append(escape_markdown(text[pos:]))
    return "".join(pieces)


# -- badges, shared by the sources panel and the corpus browser ---------------------------------


def badges(lang: str, translated: bool, original_lang: str, ui: str, *, stale: bool = False) -> str:
    """A language badge, a translation badge saying from which language, and a warning badge
    when the translation was made from an older text of its original (``Paragraph.stale``)."""
    out = f'<span class="menbe-badge menbe-lang" title="{escape(lang_name(lang, ui))}">'
    out += f"{escape(lang.upper())}</span>"
    if translated:
        title = ui_text("translated_from", ui, lang=lang_name(original_lang, ui))
        out += f' <span class="menbe-badge menbe-tr" title="{escape(title)}">'
        out += f"{escape(ui_text('translation', ui))}</span>"
    if translated and stale:
        warning = escape(ui_text("stale_title", ui))
        out += f' <span class="menbe-badge menbe-stale" title="{warning}">'
        out += f"{escape(ui_text('stale', ui))}</span>"
    return out
