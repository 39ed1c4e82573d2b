"""The corpus browser's search box: a query, the chat's own retrieval, and a list of paragraphs
to open. Opening one reuses the browser's "Paragraph id" field and Open button (the script in
``app/data/tools.js`` fills them in), so a result opens exactly as a shared link does. Built and
wired by the corpus tab (``browse_tab``) in two lines; behaviour is ``Handlers.search_html``,
HTML ``browse``."""

from __future__ import annotations

from typing import Any

import gradio as gr

from app.ui.handlers import Handlers
from app.ui.static import ui_lang, ui_text

PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # only /ask is an API endpoint


class CorpusSearch:
    """The search row and its results; ``build`` inside the corpus tab, ``wire`` once all
    widgets exist."""

    def __init__(self, h: Handlers):
        self.h = h

    def build(self, ui: str) -> None:
        with gr.Row(elem_id="menbe-search-row", equal_height=True):
            self.query = gr.Textbox(
                label=ui_text("search_label", ui),
                placeholder=ui_text("search_placeholder", ui),
                elem_id="menbe-search",
                max_lines=1,
                scale=5,
            )
            self.button = gr.Button(
                ui_text("search", ui), scale=0, min_width=90, elem_id="menbe-search-go"
            )
        self.results = gr.HTML("", elem_id="menbe-hits", js_on_load=None)

    def labels(self, ui: str) -> dict:
        return {
            self.query: gr.update(
                label=ui_text("search_label", ui), placeholder=ui_text("search_placeholder", ui)
            ),
            self.button: gr.update(value=ui_text("search", ui)),
        }

    def wire(self, demo: gr.Blocks, *, ui: gr.Radio) -> None:
        """Search on Enter or the button; on an interface switch, relabel and show the same
        results in the new language; a link's ``lang`` labels the box when the page loads."""

        def run(query: str, lang: str) -> str:
            return self.h.search_html(query, ui_lang(lang))

        def relabel(lang: str, query: str) -> dict:
            t = ui_lang(lang)
            return {**self.labels(t), self.results: self.h.search_html(query, t)}

        def on_load(request: gr.Request) -> dict:
            t = ui_lang(dict(request.query_params).get("lang") if request else None)
            return self.labels(t) if t != "en" else {self.button: gr.skip()}

        for trigger in (self.query.submit, self.button.click):
            trigger(run, [self.query, ui], [self.results], **PRIVATE)
        outputs = [self.query, self.button, self.results]
        ui.input(relabel, [ui, self.query], outputs, **PRIVATE)
        demo.load(on_load, None, [self.query, self.button], **PRIVATE)
