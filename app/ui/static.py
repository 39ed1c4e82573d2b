"""Interface strings, style sheet and browser script, kept as data files in ``app/data`` so that
a translator or designer can change them without touching the Python that wires the widgets."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

UI_LANGUAGES = ("en", "az")


def _data(name: str) -> str:
    return resources.files("app").joinpath(f"data/{name}").read_text("utf-8")


@cache
def _strings() -> dict[str, dict[str, str]]:
    return json.loads(_data("ui.json"))


def ui_text(key: str, lang: str, /, **values: object) -> str:
    """The interface string ``key`` in ``lang`` (English when that language lacks it)."""
    table = _strings()
    text = table.get(lang, table["en"]).get(key) or table["en"][key]
    return text.format(**values) if values else text


def ui_lang(value: str | None) -> str:
    """A supported interface language; anything else falls back to English."""
    return value if value in UI_LANGUAGES else "en"


#: The looks and scripts, in order: the app's own, then its reading tools (``[n]`` previews,
#: copy citation, the corpus search's results and "ask about this paragraph").
STYLE_SHEETS = ("ui.css", "tools.css")
SCRIPTS = ("ui.js", "tools.js")


@cache
def css() -> str:
    return "\n".join(_data(name) for name in STYLE_SHEETS)


@cache
def head() -> str:
    """The ``<head>`` addition: the script that opens a cited source when its marker is clicked,
    and the reading tools' script."""
    return "\n".join(f"<script>\n{_data(name)}\n</script>" for name in SCRIPTS)
