"""Shared fixtures. Every test runs with MENBE_* variables cleared so the developer's settings
cannot leak in; fixtures that need the real model share one prepared copy per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "000_4920ee215ebfb7d3.txt"
CORPUS = REPO / "corpus"
DOC_ID = "heydar-aliyev-regional-relations"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("MENBE_") and key != "MENBE_MODEL_DIR":
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(f"seed file missing: {SEED} (../shared must sit beside the repo)")
    return SEED.read_text(encoding="utf-8")
