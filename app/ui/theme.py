"""How the app looks: the Gradio theme and what ``launch()`` takes in Gradio 6 (theme, style
sheet, head script), plus the small pieces of interface text that are HTML or choices."""

from __future__ import annotations

from typing import Any

import gradio as gr

from app.ui.format import escape
from app.ui.static import css, head, ui_text

#: Example questions in both languages, one typed without Azerbaijani letters.
EXAMPLES = (
    "When was the Contract of the Century approved?",
    "How did relations with Iran develop?",
    "Əsrin müqaviləsi nə vaxt təsdiqləndi?",
    "Bəs Gürcüstanla münasibətlər necə idi?",
    "Turkiye ile munasibetler nece qurulmusdu?",
)


def theme() -> gr.themes.Base:
    """A quiet theme in IBM Plex Sans, which Gradio bundles (nothing is fetched) and which has
    every Azerbaijani letter. Only its 400 and 700 files are whole (Gradio's SemiBold is a
    subset), so only those are declared and 600 text uses the bold file."""
    return gr.themes.Soft(
        primary_hue="teal",
        neutral_hue="slate",
        font=[gr.themes.LocalFont("IBM Plex Sans", weights=(400, 700)), "system-ui", "sans-serif"],
        font_mono=[gr.themes.LocalFont("IBM Plex Mono", weights=(400, 700)), "monospace"],
    )


def launch_options() -> dict[str, Any]:
    """What Gradio 6 takes at ``launch()`` rather than in ``Blocks()``."""
    return {
        "theme": theme(),
        "css": css(),
        "head": head(),
        "footer_links": [],  # Gradio's footer is English only: ours links the API instead
        "ssr_mode": False,
    }


def header_html(ui: str) -> str:
    return (
        f'<div class="menbe-header"><h1>{escape(ui_text("title", ui))}</h1>'
        f"<p>{escape(ui_text('tagline', ui))}</p></div>"
    )


def footer_html(ui: str) -> str:
    """Our footer in the interface language, standing in for Gradio's English one."""
    api = f'<a href="?view=api" class="menbe-api">{escape(ui_text("api", ui))}</a>'
    return f'<p class="menbe-footer">{escape(ui_text("footer", ui))} · {api}</p>'


def answer_choices(ui: str) -> list[tuple[str, str]]:
    return [(ui_text("auto", ui), "auto"), ("English", "en"), ("Azərbaycanca", "az")]


def examples_label(ui: str) -> str:
    return f"**{ui_text('examples', ui)}**"
