"""Section 5, start-up and memory: process start to first answer for ``menbe ask`` and for the
served app (HTTP 200, then a first answer through ``gradio_client``), with the peak RSS of the
process tree (children included), sampled every 20 ms."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Context, Figure, info, log, stats, tree_rss_mb

SECTION = "5 start-up & memory"
TARGET_READY_S = 10.0
TARGET_RSS_MB = 1024.0
QUESTION = "When did Heydar Aliyev first visit Turkey as president?"


class PeakRss:
    """Samples a process tree's RSS in a thread; ``peak`` is the largest sum seen (MiB)."""

    def __init__(self, pid: int, every: float = 0.02) -> None:
        self.pid, self.every, self.peak = pid, every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self._stop.wait(self.every)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def app_env(ctx: Context) -> dict[str, str]:
    return {
        **os.environ,
        "MENBE_INDEX_DIR": str(ctx.ensure_index()),
        "MENBE_CORPUS_DIR": str(ctx.corpus_dir),
        "MENBE_DEVICE": "cpu",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _ask_once(ctx: Context, backend: str | None = None) -> tuple[float, float, bool]:
    """``backend`` sets MENBE_EMBED_BACKEND for this run (section 7 compares them)."""
    env = app_env(ctx) | ({"MENBE_EMBED_BACKEND": backend} if backend else {})
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "ask", QUESTION, "--json"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = PeakRss(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak = sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"menbe ask failed ({proc.returncode}): {err[-2000:]}")
    return seconds, peak, bool(json.loads(out).get("answered"))


def run(ctx: Context) -> list[Figure]:
    reps = 2 if ctx.quick else 3
    runs = [_ask_once(ctx) for _ in range(reps)]
    log(f"menbe ask: {[round(r[0], 1) for r in runs]} s")
    seconds = stats([r[0] for r in runs])
    peak = max(r[1] for r in runs)
    figures = [
        Figure(
            SECTION,
            f"menbe ask: process start → answer printed ({reps} runs)",
            f"median {seconds['p50']:.1f} s (max {seconds['max']:.1f}); answered: "
            f"{all(r[2] for r in runs)}",
            f"≤ {TARGET_READY_S:g} s",
            seconds["p50"] <= TARGET_READY_S,
            {"seconds": seconds},
        ),
        Figure(
            SECTION,
            "menbe ask: peak RSS (process tree)",
            f"{peak:.0f} MiB",
            f"≤ {TARGET_RSS_MB:g} MiB",
            peak <= TARGET_RSS_MB,
            {"peak_rss_mb": round(peak)},
        ),
    ]
    if not (ROOT / "app" / "cli" / "serve.py").is_file():
        figures.append(info(SECTION, "served app", "skipped: app/cli/serve.py does not exist yet"))
        return figures
    try:
        figures += _serve(ctx)
    except Exception as exc:  # a UI in progress must not sink the whole run
        figures.append(info(SECTION, "served app", f"failed: {type(exc).__name__}: {exc}"[:300]))
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"menbe serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"no HTTP 200 from {url} in {timeout:.0f} s")


def _first_answer(url: str) -> str:
    from gradio_client import Client

    client = Client(url, verbose=False)
    names = list(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    name = next((n for n in ("/ask", "/chat", "/respond") if n in names), names[0])
    client.predict(QUESTION, api_name=name)
    return name


def _serve(ctx: Context) -> list[Figure]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log_path = ctx.work / "serve.log"
    start = time.perf_counter()
    with Path(log_path).open("w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            cwd=ROOT,
            env=app_env(ctx),
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    sampler = PeakRss(proc.pid)
    try:
        wait_http(url, proc, 180)
        ready = time.perf_counter() - start
        endpoint = _first_answer(url)
        answered = time.perf_counter() - start
    finally:
        peak = sampler.stop()
        stop_server(proc)
    log(f"serve: HTTP 200 after {ready:.1f} s, first answer after {answered:.1f} s")
    return [
        Figure(
            SECTION,
            "menbe serve: process start → HTTP 200",
            f"{ready:.1f} s",
            f"≤ {TARGET_READY_S:g} s",
            ready <= TARGET_READY_S,
            {"seconds": round(ready, 2)},
        ),
        info(
            SECTION,
            f"menbe serve: process start → first answer ({endpoint})",
            f"{answered:.1f} s",
            seconds=round(answered, 2),
        ),
        Figure(
            SECTION,
            "menbe serve: peak RSS (process tree)",
            f"{peak:.0f} MiB",
            f"≤ {TARGET_RSS_MB:g} MiB",
            peak <= TARGET_RSS_MB,
            {"peak_rss_mb": round(peak)},
        ),
    ]


def stop_server(proc: subprocess.Popen[Any]) -> None:
    """End the server this section started (its own session), politely first."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
