"""Section 8, load (issue 12): ``menbe serve`` on the benchmark's index, N concurrent users × M
dev questions each against ``/ask``, bounded in count and by a deadline.

The users are threads of this process speaking raw HTTP (``http.client``, one keep-alive
connection each) through Gradio's queue, as ``gradio_client`` and the browser do: POST
``/gradio_api/call/ask`` for an event id, then read its SSE stream to the ``complete`` event.
``gradio_client`` itself is not used: 50 of its clients took 0.8 of this machine's 2 cores, so
they, not the server, set the pace. The client's own CPU share is reported beside the figures.
The server runs twice: with the settings from before issue 12 (``BEFORE``) and with the
defaults; the targets apply to the defaults. Server CPU per answer is printed too: on a shared
machine it moves far less than throughput does.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from benchmarks.common import DEV_SET, ROOT, Context, Figure, info, log, stats

SECTION = "8 load"
TARGET_RPS = 24.0  # 3× the 7.9 req/s measured before the change (issue 12)
TARGET_P95_S = 2.0
TARGET_RSS_MB = 900.0
#: ``queue`` goes through Gradio's queue (what clients do); ``direct`` is one POST to
#: ``/gradio_api/run/ask``, which skips the queue: the difference is the queue's cost.
PROTOCOLS = ("queue", "direct")
API = "/gradio_api"
#: The settings before issue 12, restored by their variables: 4 answers at once per event, and
#: Gradio's analytics summary recomputed after every event over the last 10,000.
BEFORE = {
    "MENBE_CONCURRENCY": "4",
    "GRADIO_ANALYTICS_CACHE_FREQUENCY": "1",
    "GRADIO_ANALYTICS_MAX_EVENTS": "10000",
}


@dataclass
class LoadResult:
    """What one load run saw, from the client side plus the server's CPU time."""

    protocol: str
    clients: int
    planned: int
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unfinished: int = 0  # not sent or not answered before the deadline
    wall_s: float = 0.0
    client_cpu_s: float = 0.0  # this process's CPU time during the run (all user threads)
    server_cpu_s: float = 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies_s) / self.wall_s if self.wall_s else 0.0

    def summary(self) -> dict:
        done = max(len(self.latencies_s), 1)
        return {
            "protocol": self.protocol,
            "clients": self.clients,
            "planned": self.planned,
            "answered": len(self.latencies_s),
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "unfinished": self.unfinished,
            "wall_s": round(self.wall_s, 2),
            "req_per_s": round(self.throughput, 2),
            "latency_s": stats(self.latencies_s),
            "client_cores": round(self.client_cpu_s / max(self.wall_s, 1e-9), 2),
            "server_cpu_ms_per_answer": round(1000 * self.server_cpu_s / done, 1),
        }


class _User:
    """One user: one connection and one Gradio session (as a browser tab or a ``gradio_client``
    has), questions asked one after the other."""

    def __init__(self, port: int, timeout: float, session: str):
        self.port, self.timeout, self.session = port, timeout, session
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def _request(self, method: str, path: str, body: object = None) -> bytes:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        try:
            self.conn.request(method, path, body=payload, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # a fresh connection for the next question
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status} on {path}: {data[:200]!r}")
        return data

    def ask(self, protocol: str, question: str) -> dict:
        """The answer object; raises on any failure (HTTP, a Gradio error, an error answer)."""
        body = {"data": [question, "auto"], "session_hash": self.session}
        if protocol == "direct":
            out = json.loads(self._request("POST", f"{API}/run/ask", body))["data"][0]
        else:
            event = json.loads(self._request("POST", f"{API}/call/ask", body))["event_id"]
            out = _complete(self._request("GET", f"{API}/call/ask/{event}"))
        if not isinstance(out, dict) or "error" in out or "answered" not in out:
            raise RuntimeError(f"not an answer: {str(out)[:200]}")
        return out


def _complete(stream: bytes) -> object:
    """The data of a Gradio SSE stream's ``complete`` event; an ``error`` event raises."""
    event = None
    for line in stream.decode().splitlines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            data = json.loads(line[5:].strip() or "null")
            if event == "error":
                raise RuntimeError(f"Gradio error event: {str(data)[:200]}")
            return data[0]
    raise RuntimeError(f"stream ended without a complete event: {stream[-200:]!r}")


def drive(
    port: int,
    questions: Sequence[str],
    *,
    clients: int,
    per_client: int,
    deadline_s: float,
    protocol: str = "queue",
    timeout_s: float = 30.0,
    server_pid: int | None = None,
) -> LoadResult:
    """``clients`` threads start together; user i asks questions i·M, i·M+1, ... (cycling).
    No question is sent after ``deadline_s``; one in flight then still has its timeout."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}")
    result = LoadResult(protocol, clients, clients * per_client)
    lock, gate = threading.Lock(), threading.Barrier(clients + 1)
    deadline = time.perf_counter() + 3600.0  # set for real once every user is connected

    def user(i: int) -> None:
        client = _User(port, timeout_s, f"load-{os.getpid()}-{i}")
        gate.wait()
        for j in range(per_client):
            if time.perf_counter() >= deadline:
                break
            question = questions[(i * per_client + j) % len(questions)]
            t = time.perf_counter()
            try:
                client.ask(protocol, question)
            except Exception as exc:  # every failure is counted, none stops the run
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            else:
                with lock:
                    result.latencies_s.append(time.perf_counter() - t)
        client.conn.close()

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    server0, cpu0, t0 = _server_cpu(server_pid), _own_cpu(), time.perf_counter()
    deadline = t0 + deadline_s
    gate.wait()
    for thread in threads:
        thread.join(max(0.0, deadline + timeout_s - time.perf_counter()))
    result.wall_s = time.perf_counter() - t0
    result.client_cpu_s = _own_cpu() - cpu0
    result.server_cpu_s = _server_cpu(server_pid) - server0
    with lock:
        result.unfinished = result.planned - len(result.latencies_s) - len(result.errors)
    return result


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


def _server_cpu(pid: int | None) -> float:
    import psutil

    if pid is None:
        return 0.0
    try:
        t = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return t.user + t.system + t.children_user + t.children_system


@contextmanager
def served(ctx: Context, env: dict[str, str]) -> Iterator[tuple[int, int, object]]:
    """``python -m app serve`` on the benchmark's index: (port, pid, RSS sampler) once it
    answers HTTP 200; stopped on exit."""
    from benchmarks.startup import PeakRss, app_env, free_port, stop_server, wait_http

    port = free_port()
    with (ctx.work / f"load-{port}.log").open("w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            cwd=ROOT,
            env=app_env(ctx) | env,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
    sampler = PeakRss(proc.pid, every=0.05)
    try:
        wait_http(f"http://127.0.0.1:{port}/", proc, 180)
        yield port, proc.pid, sampler
    finally:
        sampler.stop()
        stop_server(proc)


def run(ctx: Context) -> list[Figure]:
    from app.evaluation.dataset import load_dataset

    questions = [item.question for item in load_dataset(DEV_SET)]
    clients, per_client = (20, 5) if ctx.quick else (50, 20)
    deadline = 60.0 if ctx.quick else 180.0
    results: dict[str, dict] = {}
    for name, env in (("before", BEFORE), ("default", {})):
        with served(ctx, env) as (port, pid, sampler):
            for protocol in PROTOCOLS if name == "default" else ("queue",):
                log(f"load: {name}, {protocol}, {clients} users × {per_client} questions ...")
                got = drive(
                    port,
                    questions,
                    clients=clients,
                    per_client=per_client,
                    deadline_s=deadline,
                    protocol=protocol,
                    server_pid=pid,
                )
                results[f"{name}, {protocol}"] = got.summary() | {"peak_rss_mb": sampler.peak}
                log(f"load: {got.throughput:.1f} req/s, {len(got.errors)} errors")
    return _figures(results, clients, per_client, os.getloadavg())


def _line(r: dict) -> str:
    s = r["latency_s"]
    lat = f"p50 {s['p50']:.2f} · p95 {s['p95']:.2f} · max {s['max']:.2f} s" if s["n"] else "-"
    return (
        f"{r['req_per_s']:.1f} req/s; {lat}; {r['errors']} errors, {r['unfinished']} unfinished;"
        f" server {r['server_cpu_ms_per_answer']:.0f} ms CPU/answer, client "
        f"{r['client_cores']:.2f} cores"
    )


def _figures(results: dict[str, dict], clients: int, per: int, load: tuple) -> list[Figure]:
    """One info row per run, then the default run's figures against the issue's targets."""
    shape = f"{clients} users × {per}"
    figures = [info(SECTION, f"{name} ({shape})", _line(r), **r) for name, r in results.items()]
    figures[-1].data["loadavg"] = load
    r = results["default, queue"]
    p95, failed, rss = (
        r["latency_s"].get("p95", float("inf")),
        r["errors"] + r["unfinished"],
        max(v["peak_rss_mb"] for k, v in results.items() if k.startswith("default")),
    )
    rows = [
        ("errors (incl. unanswered by the deadline)", str(failed), "0", failed == 0),
        (
            "throughput",
            f"{r['req_per_s']:.1f} req/s (issue: 7.9)",
            f"≥ {TARGET_RPS:g} req/s",
            r["req_per_s"] >= TARGET_RPS,
        ),
        ("latency p95", f"{p95:.2f} s (issue: 7.6)", f"≤ {TARGET_P95_S:g} s", p95 <= TARGET_P95_S),
        (
            "menbe serve peak RSS (start + load)",
            f"{rss:.0f} MiB",
            f"≤ {TARGET_RSS_MB:g} MiB",
            rss <= TARGET_RSS_MB,
        ),
    ]
    return figures + [Figure(SECTION, f"  default: {label}", *rest) for label, *rest in rows]
