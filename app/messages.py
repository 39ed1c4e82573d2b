"""Per-language user-facing text, kept as data (app/data/messages.json)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def _table() -> dict[str, dict[str, str]]:
    return json.loads(resources.files("app").joinpath("data/messages.json").read_text("utf-8"))


def message(key: str, lang: str, **values: object) -> str:
    table = _table()
    text = table.get(lang, table["en"]).get(key) or table["en"][key]
    return text.format(**values) if values else text
