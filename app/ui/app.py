"""The Gradio app: a chat beside a sources panel, a corpus browser, an EN/AZ interface switch and
the programmatic ``/ask`` endpoint. Widgets stay thin: behaviour lives in ``handlers``, text and
HTML in ``format``/``browse``, looks in ``theme`` and ``app/data/ui.*``; the corpus tab
(``browse_tab``) and the tools under the chat (``feedback``) build and wire themselves."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from app.config import Config
from app.corpus import Corpus
from app.errors import MenbeError
from app.ui import uploads
from app.ui.browse_tab import CorpusBrowser
from app.ui.feedback import ChatTools
from app.ui.handlers import AnswererLike, ChatState, Handlers
from app.ui.static import ui_lang, ui_text
from app.ui.theme import (
    EXAMPLES,
    answer_choices,
    examples_label,
    footer_html,
    header_html,
    launch_options,
)

PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # only /ask is an API endpoint
SKIP = gr.skip


def build_app(
    answerer: AnswererLike, corpus: Corpus, *, title: str = "Mənbə", feedback: Path | None = None
) -> gr.Blocks:
    """The whole interface, not yet served (``serve`` or a test launches it). ``feedback``: the
    log that 👍/👎 under the answers go to; without it the chat has no thumbs."""
    h = Handlers(answerer, corpus)
    tools = ChatTools(feedback)
    corpus_tab = CorpusBrowser(h, corpus)
    en = "en"
    with gr.Blocks(title=title, fill_width=True, analytics_enabled=False) as demo:
        state = gr.State(ChatState())
        with gr.Row(elem_id="menbe-top", equal_height=True):
            header = gr.HTML(
                header_html(en), elem_id="menbe-header", js_on_load=None, scale=1, min_width=320
            )
            ui = gr.Radio(
                [("EN", "en"), ("AZ", "az")],
                value=en,
                label=ui_text("ui_lang", en),
                elem_id="menbe-ui-lang",
                scale=0,
                min_width=190,
            )
        with gr.Tabs(selected="chat", elem_id="menbe-tabs") as tabs:
            with (
                gr.Tab(ui_text("tab_chat", en), id="chat") as chat_tab,
                gr.Row(elem_id="menbe-chat-row"),
            ):
                with gr.Column(scale=3, min_width=340, elem_id="menbe-chat-col"):
                    chatbot = gr.Chatbot(
                        [],
                        elem_id="menbe-chat",
                        show_label=False,
                        height="58vh",
                        latex_delimiters=[],
                        buttons=["copy"],
                        feedback_options=tools.feedback_options,
                        placeholder=ui_text("chat_placeholder", en),
                        layout="bubble",
                        group_consecutive_messages=False,
                    )
                    tools.feedback_row(en)
                    with gr.Row(elem_id="menbe-ask-row", equal_height=True):
                        question = gr.Textbox(
                            show_label=False,
                            elem_id="menbe-question",
                            scale=6,
                            max_lines=6,
                            placeholder=ui_text("question_placeholder", en),
                            autofocus=True,
                        )
                        send = gr.Button(
                            ui_text("send", en),
                            variant="primary",
                            scale=1,
                            min_width=90,
                            elem_id="menbe-send",
                        )
                        stop = gr.Button(  # only a model's answer is long enough to stop
                            ui_text("stop", en),
                            scale=1,
                            min_width=90,
                            visible=bool(getattr(answerer, "streams", False)),
                            elem_id="menbe-stop",
                        )
                    notice = gr.Markdown("", elem_id="menbe-notice")
                    examples = gr.Markdown(examples_label(en), elem_id="menbe-examples-label")
                    with gr.Row(elem_id="menbe-examples"):
                        example_buttons = [
                            gr.Button(
                                q,
                                size="sm",
                                variant="secondary",
                                min_width=60,
                                elem_classes=["menbe-example"],
                            )
                            for q in EXAMPLES
                        ]
                    with gr.Row(elem_id="menbe-options", equal_height=False):
                        answer_lang = gr.Radio(
                            answer_choices(en),
                            value="auto",
                            label=ui_text("answer_lang", en),
                            elem_id="menbe-answer-lang",
                            scale=3,
                        )
                        clear = gr.Button(
                            ui_text("clear", en),
                            size="sm",
                            scale=1,
                            min_width=120,
                            elem_id="menbe-clear",
                        )
                        tools.export_button(en)
                with gr.Column(scale=2, min_width=360, elem_id="menbe-side"):
                    sources = gr.HTML(
                        h.panel(ChatState(), en), elem_id="menbe-sources", js_on_load=None
                    )
            with gr.Tab(ui_text("tab_browse", en), id="browse") as browse_tab:
                corpus_tab.build(en)
        footer = gr.HTML(footer_html(en), elem_id="menbe-footer", js_on_load=None)

        # -- chat: show the question at once, then answer it ---------------------------------
        def start(text: str, st: ChatState, lang: str) -> tuple:
            r = h.start(text, st, ui_lang(lang))
            return r.state, r.state.messages, r.notice, "" if r.state.pending else SKIP()

        def respond(st: ChatState, alang: str, lang: str) -> Iterator[tuple]:
            for r in h.respond_stream(st, alang, ui_lang(lang)):  # one step unless a model writes
                yield r.state, r.state.messages, SKIP() if r.sources is None else r.sources

        ask_out = [state, chatbot, notice, question]
        then = {
            "fn": respond,
            "inputs": [state, answer_lang, ui],
            "outputs": [state, chatbot, sources],
            **PRIVATE,
        }
        answering = []
        for trigger in (question.submit, send.click):
            answering.append(
                trigger(start, [question, state, ui], ask_out, queue=False, **PRIVATE).then(**then)
            )
        for button in example_buttons:
            answering.append(
                button.click(start, [button, state, ui], ask_out, queue=False, **PRIVATE).then(
                    **then
                )
            )
        # Stop ends the stream; the generator's close tells the model to stop (Handlers)
        stop.click(None, None, None, cancels=answering, queue=False, **PRIVATE)

        def reset(lang: str) -> tuple:
            return ChatState(), [], "", h.panel(ChatState(), ui_lang(lang))

        cleared = (clear.click, chatbot.clear)
        for trigger in cleared:  # the chat's own bin icon starts over too
            trigger(reset, [ui], [state, chatbot, notice, sources], queue=False, **PRIVATE)

        # -- interface language (the corpus tab follows it by itself) ------------------------
        def relabel(lang: str, st: ChatState) -> dict:
            """Every label, and what is on screen (chat, sources), in ``lang``."""
            t = ui_lang(lang)
            redrawn = h.relabel(st, t)
            return {
                header: header_html(t),
                ui: gr.update(label=ui_text("ui_lang", t)),
                chat_tab: gr.Tab(label=ui_text("tab_chat", t)),
                browse_tab: gr.Tab(label=ui_text("tab_browse", t)),
                chatbot: gr.update(
                    value=redrawn.messages, placeholder=ui_text("chat_placeholder", t)
                ),
                state: redrawn,
                question: gr.update(placeholder=ui_text("question_placeholder", t)),
                send: gr.update(value=ui_text("send", t)),
                stop: gr.update(value=ui_text("stop", t)),
                clear: gr.update(value=ui_text("clear", t)),
                answer_lang: gr.update(label=ui_text("answer_lang", t), choices=answer_choices(t)),
                examples: examples_label(t),
                sources: h.panel(redrawn, t),
                footer: footer_html(t),
            }

        relabelled = [header, ui, chat_tab, browse_tab, chatbot, state, question, send, stop]
        relabelled += [clear, answer_lang, examples, sources, footer]
        ui.input(relabel, [ui, state], relabelled, **PRIVATE)

        def on_load(request: gr.Request) -> dict:
            """A link's ``lang``: the interface in that language (its ``p``: `CorpusBrowser`)."""
            params = dict(request.query_params) if request else {}
            t = ui_lang(params.get("lang"))
            if t == en:
                return {ui: SKIP()}  # (an empty dict would read as one output value)
            return {**relabel(t, ChatState()), ui: gr.update(value=t, label=ui_text("ui_lang", t))}

        demo.load(on_load, None, relabelled, **PRIVATE)
        corpus_tab.wire(demo, ui=ui, tabs=tabs)
        tools.wire(demo, chatbot=chatbot, state=state, ui=ui, answered=answering, cleared=cleared)
        gr.api(h.api_ask, api_name="ask")
    return demo


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860, llm: Any = None) -> None:
    """Open (building or updating) the index, then serve the app until interrupted. ``llm``:
    the user's model settings; answers are then written by it and verified."""
    import os

    from app.evaluation.feedback import feedback_path
    from app.session import log, open_live

    started = time.perf_counter()
    wrap = None
    if llm is not None:
        from app.answering.generative import GenerativeAnswerer

        def wrap(extractive: Any) -> Any:
            return GenerativeAnswerer(extractive, llm)

    answerer = open_live(config, wrap=wrap)  # follows later `menbe index` runs, no restart
    # warms the embedding model and index caches so the first answer is quick (not the LLM)
    answerer.ask("Heydar Aliyev", **({"generate": False} if llm is not None else {}))
    demo = build_app(answerer, answerer.corpus, feedback=feedback_path(config.index_dir))
    # Gradio summarises up to 10,000 past events in pandas after *every* event (the API page's
    # latency figures): CPU per answer that grew as the server aged. Every 1,000 is plenty.
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "2000")
    demo.queue(default_concurrency_limit=config.concurrency)  # each listener: N answers at once
    try:
        demo.launch(
            server_name=host,
            server_port=port,
            prevent_thread_lock=True,
            quiet=True,
            max_threads=max(40, 2 * config.concurrency),  # sync handlers run in these threads
            app_kwargs=uploads.app_kwargs(),
            **launch_options(),
        )
    except OSError as exc:  # most often: the port is taken
        raise MenbeError(f"cannot serve on {host}:{port} ({exc})") from exc
    log(
        f"Mənbə is ready at http://{host}:{port} ({time.perf_counter() - started:.1f} s); "
        "Ctrl+C stops it."
    )
    try:
        demo.block_thread()
    finally:
        demo.close()
        answerer.close()
