"""``menbe index|search|ask`` (filled in by the retrieval and answer stages)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    del sub
