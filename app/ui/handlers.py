"""What the widgets do, as plain methods over plain values: validation, answering with every
failure caught, the programmatic ``/ask``, and the corpus browser's navigation. Kept apart from
the layout so tests can drive a session without a browser or a server."""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from app.answering import Answer, clean_question
from app.corpus import Corpus
from app.errors import IndexError_, MenbeError, QuestionError
from app.session import log
from app.ui import browse
from app.ui.cards import sources_html
from app.ui.format import (
    answer_markdown,
    escape_markdown,
    notice_markdown,
    parse_paragraph_ref,
    prepare_question,
    user_markdown,
)
from app.ui.static import ui_text

ANSWER_LANGUAGES = ("auto", "en", "az")


class AnswererLike(Protocol):
    def ask(self, question: str, *, lang: str | None = ..., history: Any = ...) -> Answer: ...


@dataclass
class ChatState:
    """One browser session's conversation: chat messages and answers by turn."""

    messages: list[dict[str, str]] = field(default_factory=list)
    turns: list[tuple[int, Answer]] = field(default_factory=list)
    pending: tuple[str, bool] | None = None  # (question, trimmed) waiting for its answer
    # message index -> (turn, trimmed) for each answer, so a language switch can redraw it
    answers: dict[int, tuple[int, bool]] = field(default_factory=dict)

    def answer_at(self, index: int | None) -> tuple[int, Answer] | None:
        """(turn, answer) shown by chat message ``index`` (what a 👍/👎 under it rates); None
        for a question, a failure notice or a reply still being written."""
        turn = self.answers.get(index) if isinstance(index, int) else None
        found = dict(self.turns).get(turn[0]) if turn else None
        return (turn[0], found) if turn and found is not None else None


@dataclass(frozen=True)
class Reply:
    """What one step changes: the session, the notice under the input and the sources panel."""

    state: ChatState
    notice: str = ""
    sources: str | None = None  # None: leave the panel as it is


class Handlers:
    """The app's behaviour; one instance serves every session (answering is serialised)."""

    def __init__(self, answerer: AnswererLike, corpus: Corpus):
        self.answerer = answerer
        self.corpus = corpus

    # -- chat -----------------------------------------------------------------------------

    def start(self, text: str | None, state: ChatState, ui: str) -> Reply:
        """Show the question at once; an empty one gets a message and no call at all."""
        question, trimmed = prepare_question(text or "")
        try:
            question = clean_question(question)
        except QuestionError:
            return Reply(replace(state, pending=None), notice_markdown("empty_question", ui))
        messages = [*state.messages, {"role": "user", "content": user_markdown(question)}]
        return Reply(replace(state, messages=messages, pending=(question, trimmed)))

    def respond_stream(self, state: ChatState, answer_lang: str, ui: str) -> Iterator[Reply]:
        """`respond`, showing the model's words as they arrive when a model writes the answer;
        the verified answer then replaces the stream, with its markers and sources."""
        if state.pending is None or not getattr(self.answerer, "streams", False):
            yield self.respond(state, answer_lang, ui)
            return
        pieces: queue.Queue[str | None] = queue.Queue()
        done: list[Reply] = []
        stop = threading.Event()

        def work() -> None:
            try:
                done.append(self.respond(state, answer_lang, ui, on_token=pieces.put, stop=stop))
            finally:
                pieces.put(None)

        threading.Thread(target=work, daemon=True).start()
        text = ""
        try:
            while (piece := pieces.get()) is not None:
                text += piece
                partial = {"role": "assistant", "content": escape_markdown(text) + " …"}
                yield Reply(replace(state, messages=[*state.messages, partial]))
        finally:  # the stop button closes this generator: the model stops writing too
            stop.set()
        yield done[0]

    def respond(self, state: ChatState, answer_lang: str, ui: str, **extra: Any) -> Reply:
        """Answer the pending question; any failure becomes a friendly message in the chat.
        ``extra`` goes to the answerer (``on_token`` for a streaming one)."""
        if state.pending is None:
            return Reply(state)
        question, trimmed = state.pending
        lang = answer_lang if answer_lang in ("en", "az") else None
        try:
            # earlier answers, not just questions: a follow-up after an abstention is resolved
            # only when it cannot stand alone (app.answering.followup)
            history = [answer for _, answer in state.turns]
            answer = self.ask(question, lang=lang, history=history, **extra)
            turn = len(state.turns) + 1
            content = answer_markdown(answer, turn, trimmed=trimmed, ui=ui)
            turns = [*state.turns, (turn, replace(answer, hits=()))]
            panel = sources_html(turns, ui, self.corpus)
        except Exception as exc:  # the app must stay up whatever goes wrong behind the scenes
            log(f"menbe: answering {question[:80]!r} failed:\n{traceback.format_exc()}")
            detail = str(exc) if isinstance(exc, MenbeError) else type(exc).__name__
            content = notice_markdown("failure", ui, error=detail[:200])
            if type(exc) is IndexError_:  # no index at all; a broken or unreachable one says so
                content = notice_markdown("no_index", ui)
            messages = [*state.messages, {"role": "assistant", "content": content}]
            return Reply(replace(state, messages=messages, pending=None))
        new = ChatState(
            messages=[*state.messages, {"role": "assistant", "content": content}],
            turns=turns,
            answers={**state.answers, len(state.messages): (turn, trimmed)},
        )
        return Reply(new, sources=panel)

    def ask(self, question: str, **kwargs: Any) -> Answer:
        """No lock: the answerer is safe to call from several threads (tests/test_concurrency.py),
        and Gradio's queue bounds how many answers run at once (``Config.concurrency``)."""
        return self.answerer.ask(question, **kwargs)

    def api_ask(self, question: str, language: str = "auto") -> dict:
        """Answer a question from the corpus with citations: the `menbe ask --json` object, or
        {"question", "error"} for an empty or over-long question. language: auto, en or az."""
        if not isinstance(question, str):  # JSON callers can send null, numbers, lists...
            return {"question": question, "error": "question must be a string"}
        if not isinstance(language, str) or language not in ANSWER_LANGUAGES:
            return {"question": question, "error": "language must be one of auto, en, az"}
        try:
            clean_question(question)
            answer = self.ask(question, lang=None if language == "auto" else language)
        except MenbeError as exc:
            return {"question": question, "error": str(exc)}
        except Exception as exc:  # reported like the CLI would, without taking the app down
            log(f"menbe: /ask failed:\n{traceback.format_exc()}")
            return {"question": question, "error": f"internal error ({type(exc).__name__})"}
        return answer.as_json()

    def relabel(self, state: ChatState, ui: str) -> ChatState:
        """The conversation redrawn in interface language ``ui``: each answer's meta line
        (pages, confidence, timing) follows the switch; questions and answer text stay."""
        by_turn = dict(state.turns)
        messages = list(state.messages)
        for index, (turn, trimmed) in state.answers.items():
            if index < len(messages) and turn in by_turn:
                content = answer_markdown(by_turn[turn], turn, trimmed=trimmed, ui=ui)
                messages[index] = {**messages[index], "content": content}
        return replace(state, messages=messages)

    def panel(self, state: ChatState, ui: str) -> str:
        return sources_html(state.turns, ui, self.corpus)

    # -- corpus browser -------------------------------------------------------------------

    def default_doc(self) -> str | None:
        return self.corpus.documents[0].doc_id if self.corpus.documents else None

    def first_page(self, doc_id: str | None) -> int | None:
        pages = browse.pages(self.corpus, doc_id) if doc_id else []
        return pages[0] if pages else None

    def open_paragraph(self, ref: str | None, ui: str = "en") -> tuple[str, int, str] | None:
        """(doc_id, page in ``ui``'s version, pid) for a share value such as ``doc/p05``;
        None when there is none."""
        parsed = parse_paragraph_ref(ref)
        if parsed is None or not browse.exists(self.corpus, *parsed):
            return None
        doc_id, pid = parsed
        page = browse.paragraph_page(self.corpus, doc_id, pid, ui)
        return (doc_id, page, pid) if page is not None else None

    def browser_html(self, doc_id: str | None, page: int | None, ui: str, focus: str | None) -> str:
        if not doc_id:
            return ""
        return browse.page_html(self.corpus, doc_id, page, ui, focus)

    def not_found_html(self, doc_id: str | None, page: int | None, ui: str, ref: str) -> str:
        """The page the reader was on, under a note saying why ``ref`` opened nothing."""
        problem = browse.ref_problem(self.corpus, ref, ui) or ""
        return browse.notice_html(problem) + self.browser_html(doc_id, page, ui, None)

    def search_html(self, query: str | None, ui: str, k: int = 8) -> str:
        """The corpus browser's search: the paragraphs the chat's own retrieval (the answerer's
        ``search``, or its retriever's) finds for ``query``, best first, as the results list;
        a failure is a one-line note, like the chat's."""
        query = " ".join((query or "").split())
        if not query:
            return ""
        search = getattr(self.answerer, "search", None)
        if search is None:
            search = getattr(getattr(self.answerer, "retriever", None), "search", None)
        try:
            if search is None:
                raise MenbeError("no search index")
            hits = search(query, k=k).hits
        except Exception as exc:  # the browser must stay usable whatever the index does
            log(f"menbe: searching {query[:80]!r} failed:\n{traceback.format_exc()}")
            detail = str(exc) if isinstance(exc, MenbeError) else type(exc).__name__
            return browse.notice_html(ui_text("search_unavailable", ui, error=detail[:200]))
        return browse.results_html(self.corpus, hits, query, ui)
