"""Run the exported default model on onnxruntime with only the ``tokenizers`` package.

``OnnxModel`` offers the few members of ``SentenceTransformer`` that ``Embedder`` uses
(``encode``, ``prompts``, ``get_embedding_dimension``), so both backends share one ``Embedder``
and its prompts, stripping and batching. Importing this module loads neither onnxruntime nor
torch; ``OnnxModel.load`` imports onnxruntime (~0.1 s) and never torch.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from app.embedding.export import FP32, INPUTS, INT8
from app.errors import ModelError

PRECISIONS = {"fp32": FP32, "int8": INT8}
_PAD = "<pad>"
#: Rows per ``session.run``. The caller's batch (16) is sorted by characters; re-sorted by tokens
#: and run 4 at a time, it pads 2 % instead of 20 %. fp32 chunks/s ÷ torch's: one run of 16 rows
#: 0.97–1.06× (quiet); in one busier run, groups of 8 / 4 / 2 / 1 rows 0.86–1.24 / 1.09–1.35 /
#: 1.03–1.17 / 0.88–0.92× (median–best of the batch times). Torch gains nothing from it.
SUB_BATCH = 4


class OnnxModel:
    """An onnxruntime session whose graph already pools and normalises; plus its tokenizer."""

    def __init__(self, session: Any, tokenizer: Any, prompts: dict[str, str], dimension: int):
        self.session, self.tokenizer = session, tokenizer
        self.prompts, self._dimension = prompts, dimension

    @classmethod
    def load(cls, folder: Path, precision: str = "fp32", *, threads: int = 0) -> OnnxModel:
        """``threads`` 0 lets onnxruntime use one per physical core."""
        if precision not in PRECISIONS:
            raise ModelError(f"unknown ONNX precision {precision!r}: use fp32 or int8")
        try:
            session = _session(folder / PRECISIONS[precision], threads)
            tokenizer = _tokenizer(folder)
            prompts = json.loads((folder / "config_sentence_transformers.json").read_text())
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelError(f"cannot load the ONNX embedding model from {folder}: {exc}") from exc
        dimension = int(session.get_outputs()[0].shape[-1])
        return cls(session, tokenizer, dict(prompts.get("prompts") or {}), dimension)

    def get_embedding_dimension(self) -> int:
        return self._dimension

    def tokenize(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Padded ``input_ids`` and ``attention_mask``, truncated like sentence-transformers."""
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], np.int64)
        mask = np.array([e.attention_mask for e in encodings], np.int64)
        return dict(zip(INPUTS, (ids, mask), strict=True))

    def encode(
        self,
        texts: Sequence[str],
        *,
        prompt_name: str | None = None,
        batch_size: int = 16,
        **_ignored: object,
    ) -> np.ndarray:
        """Unit vectors in float32, in the order given; the keywords mirror
        ``SentenceTransformer.encode``. Each ``batch_size`` slice is tokenized at once, then
        run longest-first in groups of ``SUB_BATCH``, each cut to its own longest row: right
        padding is masked out of attention and pooling, so cutting it changes no fp32 vector
        (int8 scales activations per run, so its vectors depend on their neighbours by ~1e-3)."""
        prefix = self.prompts.get(prompt_name or "", "")
        texts = [prefix + t for t in texts]
        out = np.empty((len(texts), self._dimension), np.float32)
        for start in range(0, len(texts), batch_size):
            batch = self.tokenize(texts[start : start + batch_size])
            lengths = batch["attention_mask"].sum(1)
            order = np.argsort(-lengths, kind="stable")
            for i in range(0, len(order), SUB_BATCH):
                rows = order[i : i + SUB_BATCH]
                width = int(lengths[rows[0]])
                feed = {name: batch[name][rows, :width] for name in INPUTS}
                out[start + rows] = self.session.run(None, feed)[0]
        return out


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Spinning worker threads steal a shared core from other processes (see benchmarks/README.md,
    # "OpenMP spinning"); waiting passively costs a query well under a millisecond.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # Hand out work in small blocks that whichever thread is free takes: with another process
    # busy on a core, a query took 12.7 instead of 13.0 ms and a batch ran 7 % faster; quiet,
    # 10.7 instead of 11.4 ms. Other settings measured gave nothing or lost (README section 7).
    options.add_session_config_entry("session.dynamic_block_base", "4")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _tokenizer(folder: Path) -> Any:
    """The same ``tokenizer.json`` that sentence-transformers loads, padded and truncated alike."""
    import tokenizers

    config = json.loads((folder / "sentence_bert_config.json").read_text())
    tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(int(config.get("max_seq_length") or 512))
    # right padding: ``encode`` cuts each group to its longest row by dropping end columns
    tokenizer.enable_padding(direction="right", pad_id=tokenizer.token_to_id(_PAD), pad_token=_PAD)
    return tokenizer
