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


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's model cache: the conversion is done once per machine, as in real use."""
    return Path(os.environ.get("MENBE_MODEL_DIR", Path.home() / ".cache" / "menbe" / "models"))


@pytest.fixture(scope="session")
def embedder(model_dir: Path):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from app.embedding import EmbedSettings, load_embedder

    return load_embedder(EmbedSettings(model_dir=model_dir), report=lambda _m: None)


@pytest.fixture(scope="session")
def corpus():
    from app.corpus import load_corpus

    return load_corpus(CORPUS)


@pytest.fixture(scope="session")
def index_config(tmp_path_factory: pytest.TempPathFactory, corpus, embedder, model_dir: Path):
    """The real corpus indexed once per test session (read-only for the tests that use it)."""
    from app.config import Config
    from app.indexer import build_index

    config = Config(
        corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("index"), model_dir=model_dir
    )
    build_index(config, corpus, embedder)
    return config


@pytest.fixture(scope="session")
def retriever(index_config, corpus, embedder):
    from app.retrieval import Retriever

    return Retriever.open(index_config, corpus, embedder)
