"""The researcher's tools under the chat: 👍/👎 on every answer with an optional comment, kept in
the feedback log beside the index, and the conversation downloaded as Markdown.

The thumbs are the Chatbot's own (``feedback_options`` and its ``.like`` event): they sit under
each answer, on a phone too, and need no layout of ours. Gradio has no comment in that event, so
a vote is written at once (nothing is lost if the tab is closed) and a small row under the chat
then offers a comment, written as the same feedback again (``app.evaluation.feedback``). The
behaviour is in `FeedbackDesk`, plain methods over plain values; `ChatTools` builds the widgets
and wires them, called from ``app.ui.app`` with a few lines."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import gradio as gr

from app.evaluation.feedback import append_record, clean_comment, feedback_record, utc_now
from app.session import log
from app.ui.export import conversation_markdown, export_name, write_export
from app.ui.format import escape_markdown
from app.ui.handlers import ChatState
from app.ui.static import ui_lang, ui_text

PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # only /ask is an API endpoint
#: Gradio's names for its thumbs: these two are drawn as icons, anything else as a menu.
THUMBS = ("Like", "Dislike")
_ASKING = ("feedback_up", "feedback_down")


@dataclass
class Votes:
    """One session's feedback: the last record written for each answer (by chat message
    index, so a changed vote or a comment amends the same feedback), and what the row under
    the chat says (an interface string key, redrawn when the interface language changes)."""

    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    current: int | None = None  # the message whose comment the row asks for
    turn: int = 0
    shown: str | None = None  # None: the row is hidden
    error: str = ""


class FeedbackDesk:
    """What the thumbs and the comment box do; one instance serves every session."""

    def __init__(self, path: Path):
        self.path = path

    def vote(self, chat: ChatState, votes: Votes, index: Any, liked: Any, ui: str) -> Votes:
        """Write a 👍 (``liked`` True), 👎 (False) or a withdrawn vote ("" — Gradio's second
        click on the same thumb) for chat message ``index``; then ask for a comment."""
        found = chat.answer_at(index)
        if found is None:  # a question, a failure notice, or a reply still being written
            return votes
        turn, answer = found
        previous = votes.records.get(index)
        kind = "up" if liked is True else "down" if liked is False else "withdrawn"
        if kind == "withdrawn" and previous is None:
            return votes
        record = feedback_record(
            answer,
            vote=kind,
            comment=previous["comment"] if previous else "",
            turn=turn,
            ui=ui,
            feedback_id=previous["id"] if previous else None,
        )
        failed = self._write(votes, record, turn)
        if failed is not None:
            return failed
        shown = {"up": "feedback_up", "down": "feedback_down"}.get(kind, "feedback_withdrawn")
        current = index if kind != "withdrawn" else None
        return Votes({**votes.records, index: record}, current, turn, shown)

    def comment(self, votes: Votes, text: str | None) -> Votes:
        """Attach a comment to the vote the row asks about; an empty one just closes the row."""
        record = votes.records.get(votes.current) if votes.current is not None else None
        text = clean_comment(text)
        if record is None or not text:
            return replace(votes, current=None, shown=None)
        amended = {**record, "comment": text, "time": utc_now()}
        failed = self._write(votes, amended, votes.turn)
        if failed is not None:
            return failed
        records = {**votes.records, votes.current: amended}
        return Votes(records, None, votes.turn, "feedback_thanks")

    def close(self, votes: Votes) -> Votes:
        return replace(votes, current=None, shown=None, error="")

    def _write(self, votes: Votes, record: dict[str, Any], turn: int) -> Votes | None:
        try:
            append_record(self.path, record)
        except OSError as exc:  # a full or read-only disk must not take the chat down
            log(f"menbe: writing feedback to {self.path} failed:\n{traceback.format_exc()}")
            error = exc.strerror or type(exc).__name__
            return replace(votes, current=None, turn=turn, shown="feedback_failed", error=error)
        return None


def note_markdown(votes: Votes, ui: str) -> str:
    if votes.shown is None:
        return ""
    return escape_markdown(ui_text(votes.shown, ui, turn=votes.turn, error=votes.error))


def base_url(request: gr.Request | None) -> str:
    """The app's address as the reader's browser sees it (the page the event came from), for
    absolute paragraph links in an export; "" when unknown."""
    headers = dict(getattr(request, "headers", None) or {}) if request is not None else {}
    page = headers.get("referer") or ""
    parts = urlsplit(page)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        host = headers.get("x-forwarded-host") or headers.get("host") or ""
        proto = headers.get("x-forwarded-proto") or "http"
        parts = urlsplit(f"{proto.split(',')[0].strip()}://{host.split(',')[0].strip()}/")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return ""
    path = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class ChatTools:
    """The feedback row and the export button: build them where they go in the layout
    (`feedback_row` under the chat, `export_button` beside "New conversation"), then `wire`.
    Without a feedback log (``path`` None, e.g. an app built for a test) there are no thumbs."""

    def __init__(self, path: Path | None):
        self.desk = FeedbackDesk(path) if path is not None else None

    @property
    def feedback_options(self) -> tuple[str, ...] | None:
        return THUMBS if self.desk is not None else None

    def feedback_row(self, ui: str) -> None:
        self.votes = gr.State(Votes())
        if self.desk is None:
            return
        with gr.Column(visible=False, elem_id="menbe-feedback") as self.row:
            self.note = gr.Markdown("", elem_id="menbe-feedback-note")
            with gr.Row(elem_id="menbe-feedback-bar", equal_height=True):
                self.comment = gr.Textbox(
                    label=ui_text("feedback_comment", ui, turn=1),
                    show_label=False,
                    placeholder=ui_text("feedback_placeholder", ui),
                    max_lines=4,
                    scale=4,
                    min_width=160,
                    elem_id="menbe-feedback-comment",
                )
                self.send = gr.Button(
                    ui_text("feedback_send", ui),
                    size="sm",
                    variant="primary",
                    scale=0,
                    min_width=110,
                    elem_id="menbe-feedback-send",
                )
                self.close = gr.Button(
                    ui_text("feedback_close", ui),
                    size="sm",
                    scale=0,
                    min_width=90,
                    elem_id="menbe-feedback-close",
                )

    def export_button(self, ui: str) -> None:
        self.export = gr.DownloadButton(
            ui_text("export", ui),
            value=None,
            visible=False,  # shown once there is an answer to export
            size="sm",
            scale=0,
            min_width=100,
            elem_id="menbe-export",
        )

    # -- what is drawn --------------------------------------------------------------------

    def _row(self, votes: Votes, ui: str, *, keep_text: bool = False) -> list[Any]:
        """The session's votes and, when there are thumbs, the row under the chat.
        ``keep_text``: leave the comment box's text alone (a language switch mid-comment)."""
        if self.desk is None:
            return [votes]
        asking = votes.shown in _ASKING
        record = votes.records.get(votes.current) if asking and votes.current is not None else None
        text = {} if keep_text else {"value": (record or {}).get("comment", "")}
        return [
            votes,
            gr.update(visible=votes.shown is not None),
            note_markdown(votes, ui),
            gr.update(
                visible=asking,
                **text,
                label=ui_text("feedback_comment", ui, turn=votes.turn),
                placeholder=ui_text("feedback_placeholder", ui),
            ),
            gr.update(visible=asking, value=ui_text("feedback_send", ui)),
            gr.update(visible=asking, value=ui_text("feedback_close", ui)),
        ]

    def _export(self, chat: ChatState, ui: str, request: gr.Request | None) -> Any:
        label = ui_text("export", ui)
        if not chat.turns:
            return gr.update(value=None, visible=False, label=label)
        text = conversation_markdown(chat.turns, ui, base_url=base_url(request))
        return gr.update(value=str(write_export(text, export_name())), visible=True, label=label)

    # -- events ---------------------------------------------------------------------------

    def wire(
        self,
        demo: gr.Blocks,
        *,
        chatbot: gr.Chatbot,
        state: gr.State,
        ui: gr.Radio,
        answered: Sequence[Any],
        cleared: Sequence[Any],
    ) -> None:
        """``answered``: the events that end with an answer shown; ``cleared``: the triggers
        that start a new conversation. Each gets listeners of its own, after or beside the
        app's, so the app's events stay as they are."""
        desk = self.desk
        row = [self.votes]  # the session's votes, and the row when there are thumbs
        if desk is not None:
            row += [self.row, self.note, self.comment, self.send, self.close]
        out = [self.export, *row]

        def after_answer(chat: ChatState, lang: str, request: gr.Request) -> Any:
            return self._export(chat, ui_lang(lang), request)  # one output: not in a list

        def redraw(chat: ChatState, votes: Votes, lang: str, request: gr.Request) -> list[Any]:
            t = ui_lang(lang)
            return [self._export(chat, t, request), *self._row(votes, t, keep_text=True)]

        def reset(lang: str, request: gr.Request) -> list[Any]:
            t = ui_lang(lang)
            return [self._export(ChatState(), t, request), *self._row(Votes(), t)]

        def on_load(request: gr.Request) -> list[Any]:  # a link's ?lang=az: labels in Azerbaijani
            params = dict(request.query_params) if request else {}
            return redraw(ChatState(), Votes(), params.get("lang"), request)

        for dep in answered:
            dep.then(after_answer, [state, ui], [self.export], queue=False, **PRIVATE)
        for trigger in cleared:
            trigger(reset, [ui], out, queue=False, **PRIVATE)
        ui.input(redraw, [state, self.votes, ui], out, queue=False, **PRIVATE)
        demo.load(on_load, None, out, queue=False, **PRIVATE)
        if desk is None:
            return

        def on_like(chat: ChatState, votes: Votes, lang: str, data: gr.LikeData) -> list[Any]:
            t = ui_lang(lang)
            return self._row(desk.vote(chat, votes, data.index, data.liked, t), t)

        def on_comment(votes: Votes, text: str, lang: str) -> list[Any]:
            return self._row(desk.comment(votes, text), ui_lang(lang))

        def on_close(votes: Votes, lang: str) -> list[Any]:
            return self._row(desk.close(votes), ui_lang(lang))

        chatbot.like(on_like, [state, self.votes, ui], row, queue=False, **PRIVATE)
        for trigger in (self.send.click, self.comment.submit):
            trigger(on_comment, [self.votes, self.comment, ui], row, queue=False, **PRIVATE)
        self.close.click(on_close, [self.votes, ui], row, queue=False, **PRIVATE)
