"""Configuration, built once at the entry point from ``MENBE_*`` variables and CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from app.errors import MenbeError

DEFAULT_MODEL = "multilingual-e5-small"
#: Answers ``menbe serve`` computes at once per event (``MENBE_CONCURRENCY``, ``--concurrency``);
#: more wait in Gradio's queue. An answer is ~30 ms of CPU, partly outside the GIL (onnxruntime,
#: Chroma), so a few at once keep 2 cores busy: on 2 cores 8 beat 4 and 2, and 16 was no better
#: than 8 (benchmarks/README.md, "Load").
DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class Config:
    """Everything the pipeline needs to know about where things are and which model to use."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str = DEFAULT_MODEL
    model_dir: Path = Path.home() / ".cache" / "menbe" / "models"
    device: str = "auto"
    embed_backend: str = "auto"  # auto | onnx | onnx-int8 | torch (app.embedding.BACKENDS)
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "menbe"
    top_k: int = 5
    concurrency: int = DEFAULT_CONCURRENCY

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Config:
        """Read ``MENBE_*`` variables; explicit overrides (CLI flags) win when not None."""
        env = os.environ if env is None else env
        base = cls()
        values: dict[str, object] = {
            "corpus_dir": Path(env.get("MENBE_CORPUS_DIR", str(base.corpus_dir))),
            "index_dir": Path(env.get("MENBE_INDEX_DIR", str(base.index_dir))),
            "model": env.get("MENBE_EMBED_MODEL", base.model),
            "model_dir": Path(env.get("MENBE_MODEL_DIR", str(base.model_dir))),
            "device": env.get("MENBE_DEVICE", base.device),
            "embed_backend": env.get("MENBE_EMBED_BACKEND", base.embed_backend),
            "chroma_host": env.get("MENBE_CHROMA_HOST") or None,
            "chroma_port": int(env.get("MENBE_CHROMA_PORT", str(base.chroma_port))),
            "collection": env.get("MENBE_COLLECTION", base.collection),
            "concurrency": parse_concurrency(env.get("MENBE_CONCURRENCY"), base.concurrency),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(base, **values)  # type: ignore[arg-type]


def parse_concurrency(value: str | int | None, default: int = DEFAULT_CONCURRENCY) -> int:
    """A whole number ≥ 1, or ``default`` when unset; anything else is the user's to fix."""
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise MenbeError(
            f"MENBE_CONCURRENCY / --concurrency must be a whole number ≥ 1, not {value!r}"
        )
    return number
