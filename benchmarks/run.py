"""``python -m benchmarks.run [--quick] [--device auto|cpu|cuda]``: every section, one table on
stdout (each figure beside its target and a met / NOT MET mark), and the figures with a
description of the machine in ``benchmarks/results/<YYYY-MM-DD>[-quick].json``."""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Context, Figure, cpu_seconds, info, loadavg, log

RESULTS = Path(__file__).resolve().parent / "results"


def _sections() -> list[tuple[str, Callable[[Context], list[Figure]]]]:
    """In execution order: indexing first, since it builds the index the others query."""
    from benchmarks import backends, baseline, gpu, indexing, load, query, scale, startup

    return [
        (indexing.SECTION, indexing.run),
        (query.SECTION, query.run),
        (baseline.SECTION, baseline.run),
        (scale.SECTION, scale.run),
        (startup.SECTION, startup.run),
        (gpu.SECTION, gpu.run),
        (backends.SECTION, backends.run),
        (load.SECTION, load.run),
    ]


def machine() -> dict[str, Any]:
    """CPU, cores, memory, versions and the git commit the figures belong to."""
    out: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cores": os.cpu_count(),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        out["cpu"] = models[0] if models else platform.processor()
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        total_kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        out["ram_gib"] = round(total_kb / 2**20, 1)
    for name in ("torch", "chromadb", "sentence_transformers", "onnxruntime", "numpy", "scipy"):
        try:
            out[name] = __import__(name).__version__
        except Exception:  # a missing optional package is just not listed
            out[name] = None
    import torch

    out["torch_threads"] = torch.get_num_threads()
    out["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    out["env"] = {
        k: os.environ[k]
        for k in (
            "OMP_NUM_THREADS",
            "OMP_WAIT_POLICY",
            "MKL_NUM_THREADS",
            "MENBE_EMBED_MODEL",
            "MENBE_EMBED_BACKEND",
        )
        if k in os.environ
    }
    out["git_commit"] = _git("rev-parse", "HEAD")
    out["git_dirty"] = bool(_git("status", "--porcelain"))
    return out


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _others(start: tuple[float, float], wall: float) -> float:
    """Cores other processes kept busy on average since ``start``."""
    busy, own = cpu_seconds()
    return round(max(0.0, (busy - start[0]) - (own - start[1])) / max(wall, 1e-9), 2)


def _mark(met: bool | None) -> str:
    return {True: "met", False: "NOT MET", None: ""}[met]


def table(figures: Sequence[Figure]) -> str:
    rows = [(f.label, f.value, f.target, _mark(f.met)) for f in figures]
    header = ("figure", "value", "target", "")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]

    def line(r: tuple[str, str, str, str]) -> str:
        return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip()

    lines, section = [line(header)], None
    for f, r in zip(figures, rows, strict=True):
        if f.section != section:
            section = f.section
            lines.append(f"== {section} ==")
        lines.append(line(r))
    return "\n".join(lines)


def markdown(figures: Sequence[Figure]) -> str:
    """The same table in Markdown, for the README."""
    lines = ["| section | figure | value | target | |", "|---|---|---|---|---|"]
    for f in figures:
        cells = (f.section, f.label.strip(), f.value, f.target, _mark(f.met))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    # As `menbe` does (app/cli/__init__.py): in-process torch figures then match the app's, and
    # section 7 compares ONNX with the torch path users actually get on a shared machine.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer questions and sizes (< 3 min)")
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="GPU section: auto (when CUDA is there), cpu (skip), cuda",
    )
    parser.add_argument("--only", nargs="*", help="run only sections whose name starts so")
    parser.add_argument("--output", type=Path, help="JSON path (default benchmarks/results/)")
    parser.add_argument(
        "--chroma-1m-budget",
        type=float,
        default=900.0,
        help="seconds Chroma may take to insert 1M passages, projected from the 100k rate",
    )
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load_start = loadavg()
    work = Path(tempfile.mkdtemp(prefix="menbe-bench-"))
    ctx = Context(quick=args.quick, device=args.device, work=work)
    ctx.shared["chroma_1m_budget_s"] = args.chroma_1m_budget
    others: dict[str, float] = {}
    figures: list[Figure] = []
    seconds: dict[str, float] = {}
    try:
        for name, section in _sections():
            if args.only and not any(name.split()[0] == o or name.startswith(o) for o in args.only):
                continue
            log(f"section {name} ...")
            t, cpu = time.perf_counter(), cpu_seconds()
            try:
                figures += section(ctx)
            except Exception as exc:  # one broken section must not hide the rest
                traceback.print_exc()
                figures.append(info(name, "section failed", f"{type(exc).__name__}: {exc}"[:300]))
            seconds[name] = round(time.perf_counter() - t, 1)
            others[name] = _others(cpu, seconds[name])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    figures.sort(key=lambda f: f.section.split()[0])  # stable: keeps each section's order
    print(table(figures))
    met = [f for f in figures if f.met is not None]
    print(
        f"\n{sum(f.met for f in met)}/{len(met)} targets met; total {total:.0f} s "
        f"({', '.join(f'{k.split()[0]}: {v:.0f} s' for k, v in seconds.items())}); "
        f"load average {load_start[0]:.1f} at start, {loadavg()[0]:.1f} at end"
    )
    busy = {k.split()[0]: v for k, v in others.items() if v >= 0.25}
    if busy:
        ctx.notes.append(
            "other processes took CPU during sections "
            + ", ".join(
                f"{k} ({v:.1f} of {os.cpu_count()} cores on average)" for k, v in busy.items()
            )
            + ": figures there (tails and rates most) are inflated by contention"
        )
    for note in ctx.notes:
        print(f"note: {note}")
    if args.markdown:
        print("\n" + markdown(figures))
    name = f"{date.today().isoformat()}{'-quick' if args.quick else ''}.json"
    out = args.output or RESULTS / name
    _write(out, args, figures, seconds, others, total, load_start, ctx.notes)
    print(f"\nwrote {out}")
    return 0


def _write(
    out: Path,
    args: argparse.Namespace,
    figures: Sequence[Figure],
    seconds: dict[str, float],
    others: dict[str, float],
    total: float,
    load_start: tuple[float, ...],
    notes: list[str],
) -> None:
    sections: dict[str, Any] = {}
    for f in figures:
        entry = sections.setdefault(
            f.section,
            {
                "seconds": seconds.get(f.section),
                "other_processes_cores": others.get(f.section),
                "figures": [],
            },
        )
        entry["figures"].append(f.as_json())
    doc = {
        "date": date.today().isoformat(),
        "mode": "quick" if args.quick else "full",
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.run", *(sys.argv[1:])]),
        "machine": {**machine(), "loadavg_start": load_start, "loadavg_end": loadavg()},
        "total_seconds": round(total, 1),
        "targets_met": sum(bool(f.met) for f in figures),
        "targets": sum(f.met is not None for f in figures),
        "notes": notes,
        "sections": sections,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(doc, indent=2, ensure_ascii=False, default=_plain) + "\n", encoding="utf-8"
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
