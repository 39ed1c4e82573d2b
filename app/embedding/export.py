"""Export the converted default model once to ONNX (fp32 and int8) for the onnxruntime backend.

Importing torch and sentence-transformers costs ~10 s on a busy 2-core machine, far more than the
query itself; onnxruntime plus ``tokenizers`` load in ~0.1 s. So the converted folder is traced
once, with mean pooling and L2 normalisation inside the graph, into a sibling folder stamped like
the converted one. Only the export needs torch; querying and indexing then never import it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.embedding.convert import MARKER as SOURCE_MARKER
from app.embedding.convert import stamped
from app.errors import ModelError

EXPORT_VERSION = "1"
MARKER = "menbe-onnx.json"
FP32, INT8 = "model.onnx", "model-int8.onnx"
COPIED = ("tokenizer.json", "config_sentence_transformers.json", "sentence_bert_config.json")
REQUIRED_FILES = (FP32, f"{FP32}.data", INT8, f"{INT8}.data", *COPIED, MARKER)
INPUTS, OUTPUT = ("input_ids", "attention_mask"), "sentence_embedding"
_OPSET = 17


def onnx_folder(converted: Path) -> Path:
    """The export sits beside the converted folder it was made from, named after it."""
    return converted.with_name(f"{converted.name}-onnx")


def _stamp(converted: Path) -> dict[str, str]:
    source = json.loads((converted / SOURCE_MARKER).read_text())
    return {
        "source_sha256": source["source_sha256"],
        "converter_version": source["converter_version"],
        "export_version": EXPORT_VERSION,
    }


def is_ready(folder: Path, converted: Path) -> bool:
    """Reusable only when complete and stamped with the converted folder's source and versions."""
    return stamped(folder, REQUIRED_FILES, MARKER, _stamp(converted))


def ensure_exported(converted: Path, *, report: Callable[[str], None] = print) -> Path:
    """Return the ONNX folder for ``converted``, exporting it on first use (~30 s, needs torch)."""
    folder = onnx_folder(converted)
    if is_ready(folder, converted):
        return folder
    report("Exporting the embedding model to ONNX (one-time, ~30 s)...")
    try:
        return export(converted, folder, report=report)
    except OSError as exc:
        raise ModelError(f"cannot write the ONNX embedding model to {folder}: {exc}") from exc
    except ImportError as exc:
        raise ModelError(
            f"exporting to ONNX needs {exc.name or 'onnx'}: pip install onnx torch "
            "(or `make setup`), or use MENBE_EMBED_BACKEND=torch"
        ) from exc


def export(converted: Path, dest: Path, *, report: Callable[[str], None] = print) -> Path:
    """Build into a temporary sibling, then rename: a crash never leaves a half-written folder."""
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        new = tmp / "new"
        new.mkdir()
        _build(converted, new, tmp)
        if dest.exists():
            dest.rename(tmp / "old")
        new.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(f"ONNX embedding model ready in {time.perf_counter() - started:.1f} s: {dest}")
    return dest


def _build(converted: Path, folder: Path, work: Path) -> None:
    traced, quantized = work / "traced.onnx", work / "quantized.onnx"
    _trace(converted, traced)
    _quantize(traced, quantized)
    half = json.loads((converted / SOURCE_MARKER).read_text()).get("dtype") == "float16"
    for source, name in ((traced, FP32), (quantized, INT8)):
        _finish(source, folder / name, half_table=half)
    for name in COPIED:
        shutil.copy(converted / name, folder / name)
    (folder / MARKER).write_text(json.dumps(_stamp(converted), indent=2) + "\n")


def _trace(converted: Path, path: Path) -> None:
    """Trace BERT + mean pooling + L2 norm with dynamic batch and length.

    The legacy (TorchScript) exporter needs neither onnxscript nor optimum; its tracing
    warnings are about branches that are constant for an encoder (no causal mask, no offset).
    """
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the zero pooler we skip is reported as "UNEXPECTED"
    try:
        bert = AutoModel.from_pretrained(
            str(converted), dtype=torch.float32, add_pooling_layer=False, local_files_only=True
        )
    finally:
        hf_logging.set_verbosity(verbosity)
    model = _pooled(bert).eval()
    sample = (
        torch.tensor([[0, 6, 7, 2], [0, 6, 2, 1]]),
        torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]]),
    )
    axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS} | {OUTPUT: {0: "batch"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            sample,
            str(path),
            dynamo=False,
            input_names=list(INPUTS),
            output_names=[OUTPUT],
            dynamic_axes=axes,
            opset_version=_OPSET,
        )


def _pooled(bert: Any) -> Any:
    """Wrap ``bert``; the class is defined here so that importing this module skips torch."""
    import torch

    class Pooled(torch.nn.Module):
        """What sentence-transformers' Pooling(mean) + Normalize modules compute."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    return Pooled(bert)


def _quantize(source: Path, dest: Path) -> None:
    """Dynamic int8 of the MatMul weights, per output channel.

    Per-tensor scales (the default) gave cosine 0.980 against fp32 on corpus sentences; per
    channel gives ≥ 0.99. The token table stays out: a lookup gains no speed from int8.
    """
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # it advises "pre-processing", which dynamic int8 does not need
    try:
        quantize_dynamic(
            str(source),
            str(dest),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul"],
        )
    finally:
        root.setLevel(level)


def _finish(source: Path, dest: Path, *, half_table: bool) -> None:
    """Store the 250k×384 token table in fp16 and the weights beside the graph.

    The converted weights are fp16 on disk, so a fp16 table (each looked-up row cast to fp32) is
    exact and saves 190 MB. Weights in an external file are memory-mapped by onnxruntime instead
    of copied out of the protobuf: measured load 0.67 → 0.23 s, peak RSS 507 → 145 MB.
    """
    import onnx

    model = onnx.load(str(source))
    if half_table:
        _half_token_table(model)
    onnx.save_model(
        model,
        str(dest),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=f"{dest.name}.data",
        size_threshold=1024,
    )


def _half_token_table(model: Any) -> None:
    import numpy as np
    import onnx
    from onnx import numpy_helper

    graph = model.graph
    inits = {init.name: init for init in graph.initializer}
    gather = next(
        n
        for n in graph.node
        if n.op_type == "Gather" and n.input[0] in inits and "word_embeddings" in n.input[0]
    )
    table = inits[gather.input[0]]
    half = numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16), table.name)
    table.CopyFrom(half)
    out = gather.output[0]
    gather.output[0] = f"{out}_fp16"
    cast = onnx.helper.make_node("Cast", [f"{out}_fp16"], [out], to=onnx.TensorProto.FLOAT)
    index = list(graph.node).index(gather)
    graph.node.insert(index + 1, cast)
