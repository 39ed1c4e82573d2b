"""The corpus tab's widgets: the search (``CorpusSearch``), the document / page / paragraph-id bar
and the page of paragraphs, with their events. Built and wired from ``app.ui.app`` in two lines,
like ``ChatTools`` and ``CorpusSearch``; behaviour is ``Handlers``, HTML ``browse``.

A link's ``?p=`` and ``?lang=`` are applied by this tab's own ``load`` listener, and an interface
switch by its own ``input`` listener: each reads the tab's widgets when it runs, so neither waits
for the chat's listeners nor reads values they are about to change."""

from __future__ import annotations

from typing import Any

import gradio as gr

from app.corpus import Corpus
from app.ui import browse
from app.ui.corpus_search import CorpusSearch
from app.ui.handlers import Handlers
from app.ui.static import ui_lang, ui_text

PRIVATE: dict[str, Any] = {"api_visibility": "private"}  # only /ask is an API endpoint
SKIP = gr.skip


class CorpusBrowser:
    """The corpus tab's content; ``build`` inside the tab, ``wire`` once all widgets exist."""

    def __init__(self, h: Handlers, corpus: Corpus):
        self.h, self.corpus = h, corpus
        self.search = CorpusSearch(h)
        self.doc0 = h.default_doc()
        self.page0 = h.first_page(self.doc0)

    def build(self, ui: str) -> None:
        doc0, page0, corpus = self.doc0, self.page0, self.corpus
        self.focus = gr.State(None)  # the paragraph a link or the id field opened
        self.search.build(ui)
        with gr.Row(elem_id="menbe-browse-bar", equal_height=False):
            self.doc = gr.Dropdown(
                browse.documents(corpus, ui),
                value=doc0,
                scale=3,
                label=ui_text("document", ui),
                elem_id="menbe-doc",
            )
            self.page = gr.Dropdown(
                browse.pages(corpus, doc0) if doc0 else [],
                value=page0,
                label=ui_text("page_long", ui),
                elem_id="menbe-page",
                scale=1,
                min_width=100,
            )
            self.ref = gr.Textbox(
                label=ui_text("open_id", ui),
                scale=2,
                elem_id="menbe-ref",
                placeholder=f"{doc0}/p05",
            )
            self.open = gr.Button(ui_text("open", ui), scale=0, min_width=80, elem_id="menbe-open")
        self.browser = gr.HTML(
            self.h.browser_html(doc0, page0, ui, None), elem_id="menbe-browser", js_on_load=None
        )

    def relabel(self, t: str, doc_id: str | None, number: int | None, pid: str | None) -> dict:
        """Every label in ``t``, and the page on screen in ``t``'s version: the page that holds
        ``pid`` there (pages differ between the languages' versions), else the same page."""
        corpus = self.corpus
        if pid and doc_id and (found := browse.paragraph_page(corpus, doc_id, pid, t)):
            number = found
        choices = browse.pages(corpus, doc_id, t) if doc_id else []
        if number not in choices:
            number = choices[0] if choices else None
        return {
            self.doc: gr.update(
                label=ui_text("document", t), choices=browse.documents(corpus, t), value=doc_id
            ),
            self.page: gr.update(label=ui_text("page_long", t), choices=choices, value=number),
            self.ref: gr.update(label=ui_text("open_id", t)),
            self.open: gr.update(value=ui_text("open", t)),
            self.browser: self.h.browser_html(doc_id, number, t, pid),
        }

    def wire(self, demo: gr.Blocks, *, ui: gr.Radio, tabs: gr.Tabs) -> None:
        """Pick a document or a page, open a paragraph by its id (or a search result, which
        the script types into that field), follow the interface language, and open a link's
        paragraph when the page loads (``tabs``: switched to this tab then)."""
        h, corpus = self.h, self.corpus
        doc, page, ref, browser, focus = self.doc, self.page, self.ref, self.browser, self.focus

        def pick_doc(doc_id: str, lang: str) -> tuple:
            lang = ui_lang(lang)
            choices = browse.pages(corpus, doc_id, lang) if doc_id else []
            first = choices[0] if choices else None
            html = h.browser_html(doc_id, first, lang, None)
            return gr.update(choices=choices, value=first), None, html

        def pick_page(doc_id: str, number: int, lang: str) -> tuple:
            return None, h.browser_html(doc_id, number, ui_lang(lang), None)

        def open_ref(value: str, doc_id: str, number: int, lang: str) -> tuple:
            lang = ui_lang(lang)
            found = h.open_paragraph(value, lang)
            if found is None:
                return SKIP(), SKIP(), None, h.not_found_html(doc_id, number, lang, value), SKIP()
            d, p, pid = found
            return (
                d,
                gr.update(choices=browse.pages(corpus, d, lang), value=p),
                pid,
                h.browser_html(d, p, lang, pid),
                gr.Tabs(selected="browse"),
            )

        def relabel(lang: str, doc_id: str, number: int | None, pid: str | None) -> dict:
            return self.relabel(ui_lang(lang), doc_id, number, pid)

        def on_load(request: gr.Request) -> dict:
            """A link's ``lang`` and ``p``: the tab in that language, the paragraph on its page
            in that language, or a clear note on this tab for a bad link."""
            params = dict(request.query_params) if request else {}
            t = ui_lang(params.get("lang"))
            ref_value = params.get("p")
            if not ref_value:  # (an empty dict would read as one output value)
                return self.relabel(t, self.doc0, self.page0, None) if t != "en" else {ref: SKIP()}
            found = h.open_paragraph(ref_value, t)
            doc_id, number, pid = found or (self.doc0, self.page0, None)
            out = self.relabel(t, doc_id, number, pid)
            if found is None:
                out[browser] = h.not_found_html(doc_id, number, t, ref_value)
            typed = gr.update(value=ref_value, label=ui_text("open_id", t))
            return {**out, ref: typed, focus: pid, tabs: gr.Tabs(selected="browse")}

        doc.input(pick_doc, [doc, ui], [page, focus, browser], **PRIVATE)
        page.input(pick_page, [doc, page, ui], [focus, browser], **PRIVATE)
        for trigger in (ref.submit, self.open.click):
            trigger(open_ref, [ref, doc, page, ui], [doc, page, focus, browser, tabs], **PRIVATE)
        shown = [doc, page, ref, self.open, browser]
        # `input`, not `change`: a link's `lang` is applied by `on_load` itself, with the
        # paragraph it opens, instead of a second event that reads the widgets' old values
        ui.input(relabel, [ui, doc, page, focus], shown, **PRIVATE)
        demo.load(on_load, None, [*shown, focus, tabs], **PRIVATE)
        self.search.wire(demo, ui=ui)
