"""Export the converted default model once to ONNX (fp32 and int8) for the onnxruntime backend.

Importing torch and sentence-transformers costs ~10 s on a busy 2-core machine, far more than the
query itself; onnxruntime plus ``tokenizers`` load in ~0.1 s. So the converted folder is traced
once, with mean pooling and L2 normalisation inside the graph, into a sibling folder stamped like
the converted one. Only the export needs torch; querying and indexing then never import it.

Recipe 2: trace with eager attention, fuse with onnxruntime's transformer optimizer (Attention,
SkipLayerNormalization, BiasGelu), quantise the fused graph to int8. Fusion changes no vector
(cosine 1.00000 to torch) and took a query from 13.2 to 11.3 ms; fused int8 indexes 1.3× faster
than unfused (benchmarks/README.md, section 7). Every step is plain graph rewriting, with no
timing or hardware probe: the same inputs and versions give the same bytes.
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

EXPORT_VERSION = "2"  # 2: eager trace + transformer fusions; int8 QAttention
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
    """Return the ONNX folder for ``converted``, exporting it on first use (~1 min, needs torch)."""
    folder = onnx_folder(converted)
    if is_ready(folder, converted):
        return folder
    report("Exporting the embedding model to ONNX (one-time, ~1 min)...")
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
    traced, small = work / "traced.onnx", work / "small.onnx"
    fused, quantized = work / "fused.onnx", work / "quantized.onnx"
    _trace(converted, traced)
    table = _detach_token_table(traced, small)
    traced.unlink()
    _fuse(converted, small, fused)
    _quantize(fused, quantized)
    half = json.loads((converted / SOURCE_MARKER).read_text()).get("dtype") == "float16"
    for source, name in ((fused, FP32), (quantized, INT8)):
        _finish(source, folder / name, table, half=half)
    for name in COPIED:
        shutil.copy(converted / name, folder / name)
    (folder / MARKER).write_text(json.dumps(_stamp(converted), indent=2) + "\n")


def _trace(converted: Path, path: Path) -> None:
    """Trace BERT + mean pooling + L2 norm with dynamic batch and length.

    The legacy (TorchScript) exporter needs neither onnxscript nor optimum; its tracing
    warnings are about branches that are constant for an encoder (no causal mask, no offset).
    Eager attention traces to the MatMul/Softmax pattern that ``_fuse`` recognises; the SDPA
    trace fuses no Attention at all.
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
            str(converted),
            dtype=torch.float32,
            add_pooling_layer=False,
            local_files_only=True,
            attn_implementation="eager",
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


def _fuse(converted: Path, source: Path, dest: Path) -> None:
    """Fuse each layer's attention, residual + LayerNorm and bias + GELU into single kernels.

    ``opt_level=0`` runs only the optimizer's Python pattern matching, not onnxruntime's
    hardware-specific passes (those run at session start anyway), so the file is portable and
    reproducible. EmbedLayerNormalization stays unfused: it needs the token table in fp32, and
    ``_finish`` keeps that table in fp16 (190 MB less); the embedding sum is cheap anyway.
    """
    import logging

    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((converted / "config.json").read_text())
    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False
    quiet = logging.getLogger("onnxruntime.transformers")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # it logs every fusion it tries, found or not
    try:
        model = optimize_model(
            str(source),
            model_type="bert",
            num_heads=int(config["num_attention_heads"]),
            hidden_size=int(config["hidden_size"]),
            optimization_options=options,
            opt_level=0,
        )
    finally:
        quiet.setLevel(level)
    model.save_model_to_file(str(dest))


def _quantize(source: Path, dest: Path) -> None:
    """Dynamic int8 of the MatMul and fused Attention weights, per output channel.

    Per-tensor scales (the default) gave cosine 0.980 against fp32 on corpus sentences; per
    channel gives ≥ 0.99. The token table stays out: a lookup gains no speed from int8.
    FFN outputs kept in fp32 lifted hit@5 from 0.938 to 0.951 but cut indexing from 1.9× to
    1.4× torch's chunks/s, so all are quantised: int8 is the opt-in fast mode.
    """
    import logging

    import onnx
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
            op_types_to_quantize=["MatMul", "Attention"],
            # Shape inference cannot type the contrib ops' outputs; they are all float32.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)


def _detach_token_table(source: Path, dest: Path) -> Any:
    """Save ``source`` with a one-row stand-in for its 250k×384 token table; return the table.

    The table is 384 of the graph's 470 MB, and no fusion or quantisation touches the lookup,
    but both run shape inference, which copies the whole model several times. Without the table
    the export peaked at 2.4 GB (the trace) instead of 4.5 GB.
    """
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    slot = _token_table(model)
    table = onnx.TensorProto()
    table.CopyFrom(slot)
    slot.CopyFrom(numpy_helper.from_array(np.zeros((1, slot.dims[1]), np.float32), slot.name))
    onnx.save_model(model, str(dest))
    return table


def _finish(source: Path, dest: Path, table: Any, *, half: bool) -> None:
    """Put the token table back, and store the weights beside the graph.

    The converted weights are fp16 on disk, so a fp16 table (each looked-up row cast to fp32) is
    exact and saves 190 MB. Weights in an external file are memory-mapped by onnxruntime instead
    of copied out of the protobuf: measured load 0.67 → 0.23 s, peak RSS 507 → 145 MB.
    """
    import numpy as np
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    slot = _token_table(model)
    if not half:
        slot.CopyFrom(table)
    else:
        rows = numpy_helper.to_array(table).astype(np.float16)
        slot.CopyFrom(numpy_helper.from_array(rows, table.name))
        graph = model.graph
        gather = next(n for n in graph.node if n.op_type == "Gather" and n.input[0] == slot.name)
        out = gather.output[0]
        gather.output[0] = f"{out}_fp16"
        cast = onnx.helper.make_node("Cast", [f"{out}_fp16"], [out], to=onnx.TensorProto.FLOAT)
        graph.node.insert(list(graph.node).index(gather) + 1, cast)
    onnx.save_model(
        model,
        str(dest),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=f"{dest.name}.data",
        size_threshold=1024,
    )


def _token_table(model: Any) -> Any:
    """The initializer that the word-embedding lookup reads."""
    inits = {init.name: init for init in model.graph.initializer}
    gather = next(
        n
        for n in model.graph.node
        if n.op_type == "Gather" and n.input[0] in inits and "word_embeddings" in n.input[0]
    )
    return inits[gather.input[0]]
