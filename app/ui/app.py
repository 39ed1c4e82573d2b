"""The Gradio app: a chat beside a sources panel, a corpus browser, an EN/AZ interface switch and
the programmatic ``/ask`` endpoint. Widgets stay thin: behaviour lives in ``handlers``, text and
HTML in ``format``/``browse``, strings and styles in ``app/data/ui.*``."""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from app.answer import Answerer
from app.config import Config
from app.corpus import Corpus
from app.ui import browse
from app.ui.format import escape
from app.ui.handlers import ChatState, Handlers
from app.ui.static import css, head, ui_lang, ui_text

EXAMPLES = (
    "When was the Contract of the Century approved?",
    "How did relations with Iran develop?",
    "Əsrin müqaviləsi nə vaxt təsdiqləndi?",
    "Bəs Gürcüstanla münasibətlər necə idi?",
    "Turkiye ile munasibetler nece qurulmusdu?",
)
PRIVATE: dict[str, Any] = {"api_visibility": "private"}


def theme() -> gr.themes.Base:
    """A quiet theme; IBM Plex Sans is bundled with Gradio (nothing is fetched) and has ə, ğ, ı."""
    return gr.themes.Soft(
        primary_hue="teal",
        neutral_hue="slate",
        font=[
            gr.themes.LocalFont("IBM Plex Sans", weights=(400, 600, 700)),
            "system-ui",
            "sans-serif",
        ],
        font_mono=[gr.themes.LocalFont("IBM Plex Mono"), "ui-monospace", "monospace"],
    )


def launch_options() -> dict[str, Any]:
    """What Gradio 6 takes at ``launch()`` rather than in ``Blocks()``: theme, style, script."""
    return {
        "theme": theme(),
        "css": css(),
        "head": head(),
        "footer_links": ["api"],
        "ssr_mode": False,
    }


def header_html(ui: str) -> str:
    return (
        f'<div class="menbe-header"><h1>{escape(ui_text("title", ui))}</h1>'
        f"<p>{escape(ui_text('tagline', ui))}</p></div>"
    )


def _answer_choices(ui: str) -> list[tuple[str, str]]:
    return [(ui_text("auto", ui), "auto"), ("English", "en"), ("Azərbaycanca", "az")]


def build_app(answerer: Answerer, corpus: Corpus, *, title: str = "Mənbə") -> gr.Blocks:
    """The whole interface, not yet served (``serve`` or a test launches it)."""
    h = Handlers(answerer, corpus)
    doc0 = h.default_doc()
    with gr.Blocks(title=title, fill_width=True, analytics_enabled=False) as demo:
        state = gr.State(ChatState())
        focus = gr.State(None)
        with gr.Row(elem_id="menbe-top", equal_height=True):
            header = gr.HTML(header_html("en"), elem_id="menbe-header", js_on_load=None)
            ui = gr.Radio(
                [("EN", "en"), ("AZ", "az")],
                value="en",
                label=ui_text("ui_lang", "en"),
                elem_id="menbe-ui-lang",
                scale=0,
                min_width=150,
            )
        with gr.Tabs(selected="chat", elem_id="menbe-tabs") as tabs:
            with (
                gr.Tab(ui_text("tab_chat", "en"), id="chat") as chat_tab,
                gr.Row(equal_height=False),
            ):
                with gr.Column(scale=3, min_width=420):
                    chatbot = gr.Chatbot(
                        [],
                        elem_id="menbe-chat",
                        show_label=False,
                        height="60vh",
                        latex_delimiters=[],
                        buttons=["copy"],
                        feedback_options=None,
                        placeholder=ui_text("chat_placeholder", "en"),
                        layout="bubble",
                        group_consecutive_messages=False,
                    )
                    with gr.Row(elem_id="menbe-ask-row"):
                        question = gr.Textbox(
                            show_label=False,
                            elem_id="menbe-question",
                            scale=6,
                            lines=1,
                            max_lines=6,
                            placeholder=ui_text("question_placeholder", "en"),
                            autofocus=True,
                        )
                        send = gr.Button(
                            ui_text("send", "en"),
                            variant="primary",
                            scale=1,
                            min_width=90,
                            elem_id="menbe-send",
                        )
                    notice = gr.Markdown("", elem_id="menbe-notice")
                    with gr.Row(elem_id="menbe-options"):
                        answer_lang = gr.Radio(
                            _answer_choices("en"),
                            value="auto",
                            elem_id="menbe-answer-lang",
                            label=ui_text("answer_lang", "en"),
                            scale=3,
                        )
                        clear = gr.Button(
                            ui_text("clear", "en"),
                            variant="secondary",
                            size="sm",
                            scale=1,
                            elem_id="menbe-clear",
                        )
                    examples_label = gr.Markdown(
                        f"**{ui_text('examples', 'en')}**", elem_id="menbe-examples-label"
                    )
                    with gr.Row(elem_id="menbe-examples"):
                        example_buttons = [
                            gr.Button(
                                q,
                                size="sm",
                                variant="secondary",
                                min_width=120,
                                elem_classes=["menbe-example"],
                            )
                            for q in EXAMPLES
                        ]
                with gr.Column(scale=2, min_width=360, elem_id="menbe-side"):
                    sources = gr.HTML(
                        h.panel(ChatState(), "en"), elem_id="menbe-sources", js_on_load=None
                    )
            with gr.Tab(ui_text("tab_browse", "en"), id="browse") as browse_tab:
                with gr.Row(elem_id="menbe-browse-bar"):
                    doc = gr.Dropdown(
                        browse.documents(corpus, "en"),
                        value=doc0,
                        scale=3,
                        label=ui_text("document", "en"),
                        elem_id="menbe-doc",
                    )
                    pages = browse.pages(corpus, doc0) if doc0 else []
                    page = gr.Dropdown(
                        pages,
                        value=h.first_page(doc0),
                        scale=1,
                        label=ui_text("page_long", "en"),
                        elem_id="menbe-page",
                    )
                    ref = gr.Textbox(
                        label=ui_text("open_id", "en"),
                        scale=2,
                        placeholder=f"{doc0}/p05",
                        elem_id="menbe-ref",
                    )
                    open_btn = gr.Button(
                        ui_text("open", "en"), scale=0, min_width=80, elem_id="menbe-open"
                    )
                browser = gr.HTML(
                    h.browser_html(doc0, h.first_page(doc0), "en", None),
                    elem_id="menbe-browser",
                    js_on_load=None,
                )
        gr.HTML(
            f'<p class="menbe-footer">{escape(ui_text("footer", "en"))}</p>',
            elem_id="menbe-footer",
            js_on_load=None,
        )

        # -- chat ---------------------------------------------------------------------------
        def start(text: str, st: ChatState, lang: str) -> tuple:
            r = h.start(text, st, ui_lang(lang))
            typed = "" if r.state.pending else gr.skip()
            return r.state, r.state.messages, r.notice, typed

        def respond(st: ChatState, alang: str, lang: str) -> tuple:
            r = h.respond(st, alang, ui_lang(lang))
            return r.state, r.state.messages, gr.skip() if r.sources is None else r.sources

        ask_in, ask_out = [question, state, ui], [state, chatbot, notice, question]
        answer_step = {
            "fn": respond,
            "inputs": [state, answer_lang, ui],
            "outputs": [state, chatbot, sources],
            **PRIVATE,
        }
        for trigger in (question.submit, send.click):
            trigger(start, ask_in, ask_out, queue=False, **PRIVATE).then(**answer_step)
        for button in example_buttons:
            button.click(start, [button, state, ui], ask_out, queue=False, **PRIVATE).then(
                **answer_step
            )

        def reset(lang: str) -> tuple:
            fresh = ChatState()
            return fresh, [], "", h.panel(fresh, ui_lang(lang))

        clear.click(reset, [ui], [state, chatbot, notice, sources], queue=False, **PRIVATE)

        # -- corpus browser -----------------------------------------------------------------
        def pick_doc(doc_id: str, lang: str) -> tuple:
            first = h.first_page(doc_id)
            choices = browse.pages(corpus, doc_id) if doc_id else []
            return (
                gr.update(choices=choices, value=first),
                None,
                h.browser_html(doc_id, first, ui_lang(lang), None),
            )

        def pick_page(doc_id: str, number: int, lang: str) -> tuple:
            return None, h.browser_html(doc_id, number, ui_lang(lang), None)

        def open_ref(value: str, doc_id: str, number: int, lang: str) -> tuple:
            lang = ui_lang(lang)
            found = h.open_paragraph(value)
            if found is None:
                return (
                    gr.skip(),
                    gr.skip(),
                    None,
                    h.not_found_html(doc_id, number, lang, value),
                    gr.skip(),
                )
            d, p, pid = found
            return (
                d,
                gr.update(choices=browse.pages(corpus, d), value=p),
                pid,
                h.browser_html(d, p, lang, pid),
                gr.Tabs(selected="browse"),
            )

        doc.input(pick_doc, [doc, ui], [page, focus, browser], **PRIVATE)
        page.input(pick_page, [doc, page, ui], [focus, browser], **PRIVATE)
        open_out = [doc, page, focus, browser, tabs]
        for trigger in (ref.submit, open_btn.click):
            trigger(open_ref, [ref, doc, page, ui], open_out, **PRIVATE)

        # -- interface language and share links ---------------------------------------------
        def relabel(lang: str, st: ChatState, doc_id: str, number: int, pid: str | None) -> tuple:
            t = ui_lang(lang)
            return (
                header_html(t),
                gr.update(label=ui_text("ui_lang", t)),
                gr.Tab(label=ui_text("tab_chat", t)),
                gr.Tab(label=ui_text("tab_browse", t)),
                gr.update(placeholder=ui_text("chat_placeholder", t)),
                gr.update(placeholder=ui_text("question_placeholder", t)),
                gr.update(value=ui_text("send", t)),
                gr.update(value=ui_text("clear", t)),
                gr.update(label=ui_text("answer_lang", t), choices=_answer_choices(t)),
                f"**{ui_text('examples', t)}**",
                h.panel(st, t),
                gr.update(label=ui_text("document", t), choices=browse.documents(corpus, t)),
                gr.update(label=ui_text("page_long", t)),
                gr.update(label=ui_text("open_id", t)),
                gr.update(value=ui_text("open", t)),
                h.browser_html(doc_id, number, t, pid),
            )

        ui.change(
            relabel,
            [ui, state, doc, page, focus],
            [
                header,
                ui,
                chat_tab,
                browse_tab,
                chatbot,
                question,
                send,
                clear,
                answer_lang,
                examples_label,
                sources,
                doc,
                page,
                ref,
                open_btn,
                browser,
            ],
            **PRIVATE,
        )

        def on_load(request: gr.Request) -> tuple:
            params = dict(request.query_params) if request else {}
            lang = params.get("lang") if params.get("lang") in ("en", "az") else gr.skip()
            if "p" not in params:
                return (lang, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())
            return (lang, params["p"], *open_ref(params["p"], doc0, h.first_page(doc0), "en"))

        demo.load(on_load, None, [ui, ref, *open_out], **PRIVATE)
        gr.api(h.api_ask, api_name="ask")
    return demo


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Open (building or updating) the index, then serve the app until interrupted."""
    from app.session import log, open_retriever

    started = time.perf_counter()
    retriever = open_retriever(config, build=True)
    answerer = Answerer(retriever)
    answerer.ask("Heydar Aliyev")  # warms the model and index caches so the first answer is quick
    demo = build_app(answerer, retriever.corpus)
    demo.queue(default_concurrency_limit=4)
    demo.launch(
        server_name=host, server_port=port, prevent_thread_lock=True, quiet=True, **launch_options()
    )
    log(
        f"Mənbə is ready at http://{host}:{port} ({time.perf_counter() - started:.1f} s); "
        "Ctrl+C stops it."
    )
    try:
        demo.block_thread()
    finally:
        demo.close()
