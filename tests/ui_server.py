"""A real ``menbe serve`` in a subprocess, shared by the browser and the client tests.

The server builds its own index in a temporary folder (the path a first ``make chat`` takes) and
uses the prepared model cache. One server serves the whole session: the fixture is imported by
two test modules, so the running server is kept here rather than in pytest's fixture cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
#: Building the index on a small CPU takes about a minute; loading the model a few seconds more.
STARTUP_TIMEOUT_S = float(os.environ.get("MENBE_UI_STARTUP_S", "300"))


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    index_dir: Path
    log: Path
    startup_s: float

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


_running: dict[str, Server] = {}


def server_env(index_dir: Path) -> dict[str, str]:
    """The environment without the developer's MENBE_* settings (the model cache excepted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENBE_")}
    if "MENBE_MODEL_DIR" in os.environ:
        env["MENBE_MODEL_DIR"] = os.environ["MENBE_MODEL_DIR"]
    env.update(
        MENBE_INDEX_DIR=str(index_dir),
        MENBE_CORPUS_DIR=str(REPO / "corpus"),
        HF_HUB_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(workdir: Path, timeout_s: float = STARTUP_TIMEOUT_S) -> Server:
    """Start ``python -m app serve`` and wait until its page answers HTTP 200."""
    port = free_port()
    index_dir, log = workdir / "index", workdir / "serve.log"
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=server_env(index_dir), stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}/", process, index_dir, log, 0.0)
    while time.perf_counter() - started < timeout_s:
        if process.poll() is not None:
            pytest.fail(f"menbe serve exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url, timeout=5) as response:
                if response.status == 200:
                    server.startup_s = time.perf_counter() - started
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"menbe serve did not answer within {timeout_s:.0f} s:\n{server.log_tail()}")


@pytest.fixture(scope="session", name="ui_server")
def ui_server_fixture(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Server:
    """One running app for the session, stopped when the session ends."""
    if "app" not in _running or _running["app"].process.poll() is not None:
        server = start_server(tmp_path_factory.mktemp("ui-server"))
        _running["app"] = server
        request.config.add_cleanup(server.stop)
        report(request, f"menbe serve answered after {server.startup_s:.1f} s ({server.url})")
    return _running["app"]


_browsers: dict[str, Any] = {}


def shared_browser(request: pytest.FixtureRequest, executable: str, args: list[str]) -> Any:
    """One chromium for the session, whichever browser test module asks first. A fixture
    imported by two modules is set up once per module, and Playwright's sync API cannot run
    twice in one thread, so the running browser is kept here, like the server."""
    if "chromium" not in _browsers:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        instance = playwright.chromium.launch(executable_path=executable, args=args)
        _browsers["chromium"] = instance

        def stop() -> None:
            instance.close()
            playwright.stop()

        request.config.add_cleanup(stop)
    return _browsers["chromium"]


def report(request: pytest.FixtureRequest, line: str) -> None:
    """A line on the terminal even while output is captured (screenshot folder, timings)."""
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or terminal is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        terminal.write_line(f"\n{line}")
