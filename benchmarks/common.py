"""What every section shares: figures, percentiles, memory probes and the run's context."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "evals" / "datasets" / "dev.jsonl"
SEED_TEXT = ROOT.parent / "shared" / "seed" / "000_4920ee215ebfb7d3.txt"


@dataclass
class Figure:
    """One row of the table: what was measured, as shown, its target and whether it was met."""

    section: str
    label: str
    value: str
    target: str = ""
    met: bool | None = None  # None: informational, no target
    data: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": self.value,
            "target": self.target,
            "met": self.met,
            **self.data,
        }


def stats(samples: Sequence[float]) -> dict[str, float]:
    """Median, p95 (linear interpolation), mean, min, max and count of ``samples``."""
    if not samples:
        return {"n": 0}
    a = np.asarray(samples, dtype=np.float64)
    return {
        "n": int(a.size),
        "p50": round(float(np.percentile(a, 50)), 3),
        "p95": round(float(np.percentile(a, 95)), 3),
        "mean": round(float(a.mean()), 3),
        "min": round(float(a.min()), 3),
        "max": round(float(a.max()), 3),
    }


def fmt_ms(s: dict[str, float]) -> str:
    return f"p50 {s['p50']:.1f} · p95 {s['p95']:.1f} ms" if s.get("n") else "no samples"


def latency(
    section: str, label: str, samples_ms: Sequence[float], target_p95: float | None = None
) -> Figure:
    """A latency row; with a target, it is met when p95 ≤ target."""
    s = stats(samples_ms)
    target = f"p95 ≤ {target_p95:g} ms" if target_p95 is not None else ""
    met = None if target_p95 is None or not s.get("n") else s["p95"] <= target_p95
    return Figure(section, label, f"{fmt_ms(s)} (n={s.get('n', 0)})", target, met, {"ms": s})


def info(section: str, label: str, value: str, **data: Any) -> Figure:
    return Figure(section, label, value, data=data)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn``; return its result and the wall time in milliseconds."""
    start = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - start) * 1000


def rss_mb(pid: int | None = None) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 2**20


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants, in MiB (0 once it is gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def loadavg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def cpu_seconds() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, CPU seconds of this process and its waited-for
    children): their difference over a section is what other processes took."""
    import psutil

    t = psutil.cpu_times()
    busy = sum(t) - t.idle - getattr(t, "iowait", 0.0)
    own = os.times()
    return busy, own.user + own.system + own.children_user + own.children_system


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Context:
    """The run's settings plus what sections hand each other (the index, the model, results)."""

    quick: bool
    device: str  # what --device asked for: auto, cpu or cuda
    work: Path  # a temp folder, removed at the end
    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path | None = None  # set by the indexing section
    shared: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _embedder: Any = None
    _corpus: Any = None

    def config(self, index_dir: Path | None = None, corpus_dir: Path | None = None) -> Any:
        """The app's own Config (MENBE_* variables honoured) on the CPU, where targets apply."""
        from app.config import Config

        return Config.from_env(
            corpus_dir=corpus_dir or self.corpus_dir,
            index_dir=index_dir or self.index_dir or self.work / "index",
            device="cpu",
        )

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from app.session import load_embedder

            self._embedder = load_embedder(self.config(), report=log)
        return self._embedder

    @property
    def corpus(self) -> Any:
        if self._corpus is None:
            from app.corpus import load_corpus

            self._corpus = load_corpus(self.corpus_dir)
        return self._corpus

    def dataset(self) -> list[Any]:
        """The dev questions; quick mode keeps every third one (EN and AZ alike)."""
        from app.evaluation.dataset import load_dataset

        items = load_dataset(DEV_SET)
        return items[::3] if self.quick else items

    def ensure_index(self) -> Path:
        """The index the query sections use: the indexing section's, or a fresh build."""
        if self.index_dir is None:
            from app.indexer import build_index

            self.index_dir = self.work / "index"
            build_index(self.config(self.index_dir), self.corpus, self.embedder)
        return self.index_dir
