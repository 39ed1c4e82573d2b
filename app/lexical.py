"""BM25 over folded, stemmed terms, laid out so that a query costs what its postings cost.

All BM25 arithmetic happens once, at build time: the matrix holds the final per-(passage, term)
weight ``idf · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))`` in CSC form, so a query only reads
the columns of its terms and adds them up. Nothing in ``search`` grows with the corpus size, only
with the number of postings touched, which keeps the lexical side cheap next to the dense one.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
import zipfile
from collections.abc import Sequence
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from app import textnorm
from app.errors import IndexError_, IndexMismatchError

MATRIX_FILE = "lexical.npz"
VOCAB_FILE = "lexical.json"
FORMAT_VERSION = 1
#: Weight of a query term that only the other language's analysis produced (a misdetected or
#: mixed query still finds names and numbers, but the detected language's reading wins).
SECONDARY_WEIGHT = 0.5


def _readings(lang: str | None) -> tuple[tuple[str, float], ...]:
    """Which analyses of the query to run, and how much each one's extra terms weigh."""
    if lang == "en":
        return (("en", 1.0), ("az", SECONDARY_WEIGHT))
    if lang == "az":
        return (("az", 1.0), ("en", SECONDARY_WEIGHT))
    return (("en", 1.0), ("az", 1.0))


def _query_terms(query: str, lang: str | None) -> dict[str, float]:
    """Unique query terms with weights; each term counts once however often it is typed."""
    weights: dict[str, float] = {}
    for reading, weight in _readings(lang):
        for term in textnorm.tokens(query, reading):
            weights[term] = max(weights.get(term, 0.0), weight)
    return weights


_BATCH = 2048
_SEP = "\x00"  # a piece of its own between passages of a batch; never produced by pieces()
_END = -1


class _PieceIds(dict[str, tuple[int, ...]]):
    """Term ids of each distinct whitespace piece, analysed once: the build's hot path is then
    one C-level dict lookup per word instead of regex + folding + stemming."""

    def __init__(self, lang: str | None, vocab: dict[str, int]):
        super().__init__({_SEP: (_END,)})
        self.lang, self._vocab = lang, vocab

    def __missing__(self, piece: str) -> tuple[int, ...]:
        vocab = self._vocab
        ids = tuple(vocab.setdefault(t, len(vocab)) for t in textnorm.piece_terms(piece, self.lang))
        self[piece] = ids
        return ids


def _batch_ids(texts: np.ndarray, lookup: _PieceIds) -> tuple[np.ndarray, np.ndarray]:
    """Term ids and lengths of a batch of same-language passages, tokenised as one string.

    Joining a batch removes the per-passage Python overhead; a separator piece after every
    passage marks where each one ends.
    """
    joined = f" {_SEP} ".join(texts) + f" {_SEP}"
    if joined.count(_SEP) != len(texts):  # a passage contains the separator itself
        joined = f" {_SEP} ".join(t.replace(_SEP, " ") for t in texts) + f" {_SEP}"
    stream = chain.from_iterable(map(lookup.__getitem__, textnorm.pieces(joined, lookup.lang)))
    ids = np.fromiter(stream, dtype=np.int32)
    ends = np.flatnonzero(ids == _END)
    lengths = np.diff(ends, prepend=-1) - 1
    return ids[ids != _END], lengths


def _term_ids(
    texts: Sequence[str], langs: Sequence[str | None]
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Vocabulary (id order), then row and term id of every token, and each passage's length.

    Passages are grouped by language (each language has its own analysis); rows say where each
    token belongs, so the grouping never reorders the index.
    """
    vocab: dict[str, int] = {}
    pool = np.empty(len(texts), dtype=object)
    pool[:] = texts
    tags = np.empty(len(langs), dtype=object)
    tags[:] = langs
    known = {"en": tags == "en", "az": tags == "az"}
    groups = {**known, None: ~(known["en"] | known["az"])}
    all_rows, all_ids, lengths = [], [], np.zeros(len(texts), dtype=np.int64)
    for lang, mask in groups.items():
        lookup = _PieceIds(lang, vocab)
        members = np.flatnonzero(mask)
        for start in range(0, len(members), _BATCH):
            batch = members[start : start + _BATCH]
            ids, batch_lengths = _batch_ids(pool[batch], lookup)
            lengths[batch] = batch_lengths
            all_rows.append(np.repeat(batch.astype(np.int32), batch_lengths))
            all_ids.append(ids)
    empty = np.zeros(0, dtype=np.int32)
    rows = np.concatenate(all_rows) if all_rows else empty
    ids = np.concatenate(all_ids) if all_ids else empty
    return list(vocab), rows, ids, lengths


def _bm25_matrix(
    rows: np.ndarray, ids: np.ndarray, lengths: np.ndarray, n_terms: int, k1: float, b: float
) -> sp.csc_matrix:
    """Term frequencies → BM25 weights, all in vectorised numpy."""
    n_docs = len(lengths)
    tf = sp.csc_matrix((np.ones(len(ids), dtype=np.float32), (rows, ids)), shape=(n_docs, n_terms))
    tf.sum_duplicates()
    df = np.diff(tf.indptr).astype(np.float64)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
    avg = float(lengths.mean()) if n_docs and lengths.any() else 1.0
    norm = k1 * (1.0 - b + b * lengths / avg)
    term_of = np.repeat(np.arange(n_terms), np.diff(tf.indptr))
    freq = tf.data.astype(np.float64)
    weights = idf[term_of] * freq * (k1 + 1.0) / (freq + norm[tf.indices])
    return sp.csc_matrix((weights.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)


def _top_k(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k best rows, score descending, ties by row, via argpartition over candidates only."""
    if len(rows) > k:
        keep = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[keep], scores[keep]
    order = np.lexsort((rows, -scores))
    return [(int(rows[i]), float(scores[i])) for i in order]


def _atomic_write(path: Path, write) -> None:
    """Write through a temp file in the same folder and rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class LexicalIndex:
    """A BM25 index over passages in build order; ``search`` returns row numbers into it."""

    def __init__(self, matrix: sp.csc_matrix, vocab: list[str], *, k1: float, b: float):
        self._matrix = matrix
        self._vocab = vocab
        self._ids = {term: i for i, term in enumerate(vocab)}
        self.k1, self.b = k1, b

    @classmethod
    def build(
        cls, texts: Sequence[str], langs: Sequence[str | None], *, k1: float = 1.5, b: float = 0.75
    ) -> LexicalIndex:
        """Index ``texts``, each tokenised for its language ("en", "az", or None if unknown)."""
        if len(texts) != len(langs):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        vocab, rows, ids, lengths = _term_ids(texts, langs)
        return cls(_bm25_matrix(rows, ids, lengths, len(vocab), k1, b), vocab, k1=k1, b=b)

    def __len__(self) -> int:
        return self._matrix.shape[0]

    def document_frequency(self, term: str) -> int:
        """How many passages hold ``term`` (an analysed term, as ``textnorm.tokens`` gives it)."""
        i = self._ids.get(term)
        return 0 if i is None else int(self._matrix.indptr[i + 1] - self._matrix.indptr[i])

    @property
    def nbytes(self) -> int:
        """Memory held by the weight matrix (data + row indices + column pointers)."""
        m = self._matrix
        return m.data.nbytes + m.indices.nbytes + m.indptr.nbytes

    def search(self, query: str, lang: str | None, k: int) -> list[tuple[int, float]]:
        """Top ``k`` (row, score) pairs for ``query``, best first; [] when nothing matches."""
        terms = [(self._ids[t], w) for t, w in _query_terms(query, lang).items() if t in self._ids]
        if k <= 0 or not terms:
            return []
        m = self._matrix
        spans = [(m.indptr[t], m.indptr[t + 1], w) for t, w in terms]
        rows = np.concatenate([m.indices[lo:hi] for lo, hi, _ in spans])
        weights = np.concatenate([m.data[lo:hi] * np.float32(w) for lo, hi, w in spans])
        if len(terms) == 1:
            return _top_k(rows, weights, k)
        if len(rows) * 8 > len(self):  # postings cover much of the corpus: dense sum is cheaper
            dense = np.bincount(rows, weights=weights, minlength=len(self))
            hit = np.flatnonzero(dense)
            return _top_k(hit, dense[hit], k)
        unique, inverse = np.unique(rows, return_inverse=True)
        return _top_k(unique, np.bincount(inverse, weights=weights), k)

    def save(self, path: Path) -> None:
        """Write ``lexical.npz`` and ``lexical.json`` into the folder ``path``, atomically each.

        Both carry one random build id, so a crash between the two writes is caught on load.
        """
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        build_id = uuid.uuid4().hex
        m = self._matrix
        arrays = {"data": m.data, "indices": m.indices, "indptr": m.indptr}
        meta = np.array([m.shape[0], m.shape[1]], dtype=np.int64)
        _atomic_write(
            path / MATRIX_FILE,
            lambda f: np.savez(f, **arrays, shape=meta, build_id=np.array(build_id)),
        )
        doc = {
            "version": FORMAT_VERSION,
            "analyser": textnorm.ANALYSER_VERSION,
            "build_id": build_id,
            "k1": self.k1,
            "b": self.b,
        }
        payload = json.dumps(doc | {"vocab": self._vocab}, ensure_ascii=False).encode()
        _atomic_write(path / VOCAB_FILE, lambda f: f.write(payload))

    @classmethod
    def load(cls, path: Path) -> LexicalIndex:
        """Read what ``save`` wrote.

        Raises ``IndexMismatchError`` when it was built with another format or tokeniser version,
        ``IndexError_`` when it is missing, unreadable or half-written.
        """
        path = Path(path)
        try:
            doc = json.loads((path / VOCAB_FILE).read_text(encoding="utf-8"))
            with np.load(path / MATRIX_FILE) as npz:
                arrays = {name: npz[name] for name in ("data", "indices", "indptr", "shape")}
                build_id = str(npz["build_id"])
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
            raise IndexError_(f"lexical index at {path} is missing or unreadable: {exc}") from exc
        if doc.get("version") != FORMAT_VERSION or doc.get("analyser") != textnorm.ANALYSER_VERSION:
            raise IndexMismatchError(
                f"lexical index at {path} was built by another version: re-index"
            )
        if doc.get("build_id") != build_id:
            raise IndexError_(
                f"lexical index at {path} is incomplete (interrupted save?): re-index"
            )
        shape = tuple(int(x) for x in arrays["shape"])
        matrix = sp.csc_matrix((arrays["data"], arrays["indices"], arrays["indptr"]), shape=shape)
        if shape[1] != len(doc["vocab"]):
            raise IndexError_(f"lexical index at {path} has a vocabulary of the wrong size")
        return cls(matrix, doc["vocab"], k1=float(doc["k1"]), b=float(doc["b"]))
