"""The index's life cycle with real processes: `menbe index` beside a served app (full and
incremental) while a client keeps asking, readers' leases, two builds at once, a corrupt index of
every kind healed by `--rebuild`, and a build that fills the disk."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_index import build, edit, small_corpus
from ui_server import REPO, Server, free_port, server_env

from app.config import Config
from app.corpus import load_corpus
from app.indexer import read_manifest
from app.retrieval import Retriever

pytestmark = pytest.mark.slow
QUESTION = "How many documents were signed during the 1994 visit to Turkey?"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
STARTUP_S = float(os.environ.get("MENBE_UI_STARTUP_S", "300"))


def wait_for(check: Callable[[], object], timeout: float, what: str, step: float = 0.2):
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def layout(index_dir: Path) -> tuple[list[str], int]:
    """(generation folders, HNSW folders in the Chroma store): what a build leaves on disk."""
    gens = sorted(p.name for p in index_dir.glob("gen-*"))
    chroma = index_dir / "chroma"
    hnsw = [p for p in chroma.iterdir() if UUID.fullmatch(p.name)] if chroma.is_dir() else []
    return gens, len(hnsw)


def env_for(workdir: Path) -> dict[str, str]:
    return {**server_env(workdir / "index"), "MENBE_CORPUS_DIR": str(workdir / "corpus")}


def menbe(workdir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO,
        env=env_for(workdir),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_serve(workdir: Path) -> Server:
    port, log = free_port(), workdir / "serve.log"
    command = [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=env_for(workdir), stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}/", process, workdir / "index", log, 0.0)

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"menbe serve exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url, timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    try:
        wait_for(up, STARTUP_S, "menbe serve to answer", step=0.5)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, repo: Path):
    """A served app on a small corpus whose index was broken before it started."""
    workdir = tmp_path_factory.mktemp("live")
    small_corpus(workdir, repo)
    (workdir / "index").mkdir()
    (workdir / "index" / "manifest.json").write_text("[1, 2, 3]\n", encoding="utf-8")
    server = start_serve(workdir)
    yield workdir, server
    server.stop()


@dataclass
class Asker:
    """A client asking the served app over and over, in a thread, recording every outcome."""

    url: str
    answers: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        from gradio_client import Client

        client = Client(self.url, verbose=False, download_files=False, httpx_kwargs={"timeout": 60})
        while not self.stop.is_set():
            try:
                result = client.predict(QUESTION, "auto", api_name="/ask")
            except Exception as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}")
                continue
            if "error" in result:
                self.failures.append(result["error"])
            self.answers.append(result)
            self.stop.wait(0.05)  # pacing, so the builds beside it get some CPU

    def says(self, text: str, after: int = 0) -> bool:
        return any(text in json.dumps(a, ensure_ascii=False) for a in self.answers[after:])


def test_serve_heals_a_broken_index_on_start(served) -> None:
    workdir, server = served
    assert "moved the broken index aside to" in server.log.read_text("utf-8", errors="replace")
    moved = list((workdir / "index").glob("broken-*"))
    assert len(moved) == 1 and (moved[0] / "manifest.json").read_text() == "[1, 2, 3]\n"
    assert read_manifest(workdir / "index")["generation"] >= 1


def test_ask_endpoint_takes_only_a_string_question(served) -> None:
    from gradio_client import Client

    client = Client(served[1].url, verbose=False, download_files=False)
    for bad in (None, 123, ["why?"]):
        result = client.predict(bad, "auto", api_name="/ask")
        assert result == {"question": bad, "error": "question must be a string"}
    assert "error" in client.predict(QUESTION, 7, api_name="/ask")


def test_upload_route_is_closed(served) -> None:
    body = (
        b"--b\r\nContent-Disposition: form-data; "
        b'name="files"; filename="x.txt"\r\n\r\nhi\r\n--b--\r\n'
    )
    for route in ("gradio_api/upload", "gradio_api/upload?upload_id=1"):
        request = urllib.request.Request(
            served[1].url + route,
            data=body,
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 404


def test_index_beside_a_served_app_never_fails_a_request(served) -> None:
    workdir, server = served
    asker = Asker(server.url)
    thread = threading.Thread(target=asker.run, daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(asker.answers) >= 3, 120, "the first answers")
        edit(workdir / "corpus", "en", "16 important documents", "17 important documents")
        incremental = menbe(workdir, "index")
        assert incremental.returncode == 0, incremental.stderr
        assert "0 added, 1 changed, 0 removed" in incremental.stdout
        wait_for(lambda: asker.says("17 important documents"), 60, "the edited paragraph")
        seen = len(asker.answers)
        full = menbe(workdir, "index", "--rebuild")
        assert full.returncode == 0, full.stderr
        generation = read_manifest(workdir / "index")["generation"]
        wait_for(lambda: len(asker.answers) >= seen + 5, 60, "answers after the rebuild")
        assert asker.says("17 important documents", after=seen)
        want = ([f"gen-{generation}"], 2)  # the served app removed what it stopped reading
        wait_for(lambda: layout(workdir / "index") == want, 30, f"only {want} on disk")
    finally:
        asker.stop.set()
        thread.join(timeout=90)
    assert not thread.is_alive(), "the client hung"
    assert asker.failures == [], (asker.failures[:5], server.log_tail())
    assert len(asker.answers) >= 10
    assert "now answering from generation" in server.log.read_text("utf-8", errors="replace")


@pytest.fixture
def config(tmp_path: Path, repo: Path, model_dir: Path) -> Config:
    return Config(
        corpus_dir=small_corpus(tmp_path, repo), index_dir=tmp_path / "index", model_dir=model_dir
    )


def test_a_generation_stays_until_its_reader_closes(config: Config, embedder) -> None:
    build(config, embedder)
    reader = Retriever.open(config, load_corpus(config.corpus_dir), embedder)
    edit(config.corpus_dir, "en", "16 important documents", "19 important documents")
    report = build(config, embedder)
    assert report.generation == 2 and any("still read" in n for n in report.notes)
    assert layout(config.index_dir) == (["gen-1", "gen-2"], 4)
    old = reader.search("16 important documents signed in Turkey", k=1).hits[0]
    assert "16 important documents" in old.versions["en"].text  # still answering from gen 1
    reader.close()
    assert build(config, embedder).summary() == "0 added, 0 changed, 0 removed"
    assert layout(config.index_dir) == (["gen-2"], 2)


def test_two_builds_at_once_one_clear_message(tmp_path: Path, repo: Path) -> None:
    shutil.copytree(repo / "corpus", tmp_path / "corpus")  # long enough to overlap
    env = env_for(tmp_path)
    first = subprocess.Popen(
        [sys.executable, "-m", "app", "index", "--rebuild"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = tmp_path / "index" / ".writer.lock"
        wait_for(
            lambda: lock.is_file() and lock.read_text().startswith(f"{first.pid} "),
            240,
            "the first build to take the lock",
            step=0.05,
        )
        second = menbe(tmp_path, "index", "--rebuild", timeout=120)
        _out, err = first.communicate(timeout=600)
    finally:
        first.kill()
    assert second.returncode == 2
    assert second.stderr.strip().splitlines() == [
        f"menbe: another `menbe index` is running (pid {first.pid}) on {tmp_path / 'index'}; "
        "wait for it to finish, then run this again"
    ]
    assert first.returncode == 0, err
    manifest = read_manifest(tmp_path / "index")
    assert layout(tmp_path / "index") == ([manifest["folder"]], 2)
    asked = menbe(tmp_path, "ask", "When was the Contract of the Century approved?", "--json")
    assert json.loads(asked.stdout)["answered"] is True


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, repo: Path, model_dir: Path, embedder):
    """A built small index, copied for each corruption."""
    root = tmp_path_factory.mktemp("template")
    config = Config(
        corpus_dir=small_corpus(root, repo), index_dir=root / "index", model_dir=model_dir
    )
    build(config, embedder)
    return config


def _manifest(index: Path) -> Path:
    return index / "manifest.json"


def _without_collections(index: Path) -> None:
    data = json.loads(_manifest(index).read_text())
    del data["collections"]
    _manifest(index).write_text(json.dumps(data))


CORRUPTIONS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "manifest-bytes": ("not UTF-8", lambda i: _manifest(i).write_bytes(os.urandom(64) + b"\xff")),
    "manifest-list": ("holds a JSON list", lambda i: _manifest(i).write_text("[1,2,3]")),
    "manifest-shape": ("no valid `collections`", _without_collections),
    "sqlite-truncated": (
        "the Chroma store",
        lambda i: os.truncate(i / "chroma" / "chroma.sqlite3", 100_000),
    ),
    "sqlite-garbage": (
        "the Chroma store",
        lambda i: (i / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(300_000)),
    ),
    "lexical": (
        "the lexical index",
        lambda i: (i / "gen-1" / "lexical" / "lexical.npz").write_bytes(b"PK\x03\x04 junk"),
    ),
    "table": (
        "the chunk table",
        lambda i: (i / "gen-1" / "passages.jsonl").write_text('{"id": 1}\n[2]\n'),
    ),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_each_corruption_is_one_line_then_rebuild_recovers(
    case: str, template: Config, tmp_path: Path, capsys, embedder
) -> None:
    from app.cli import main

    index = tmp_path / "index"
    shutil.copytree(template.index_dir, index)
    expected, corrupt = CORRUPTIONS[case]
    corrupt(index)
    flags = ["--index", str(index), "--corpus", str(template.corpus_dir)]
    assert main([*flags, "ask", QUESTION, "--json"]) == 2
    out, err = capsys.readouterr()
    error = json.loads(out)["error"]
    assert error.startswith("the index is broken: ") and expected in error, error
    assert error.endswith("run `menbe index --rebuild` to recover") and "\n" not in error
    assert main([*flags, "ask", QUESTION]) == 2
    assert capsys.readouterr().err == f"menbe: {error}\n"
    assert main([*flags, "index", "--rebuild"]) == 0
    err = capsys.readouterr().err
    moved = re.search(r"moved the broken index aside to (\S+);", err)
    assert moved and expected in err, err
    assert (Path(moved.group(1)) / "manifest.json").exists()  # kept for inspection
    config = Config(corpus_dir=template.corpus_dir, index_dir=index, model_dir=template.model_dir)
    with Retriever.open(config, load_corpus(config.corpus_dir), embedder) as fresh:
        assert fresh.search(QUESTION, k=1).hits[0].pid == "p05"


def test_disk_full_build_is_one_line_and_keeps_the_index(
    tmp_path: Path, repo: Path, model_dir: Path, embedder
) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)])
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (no CAP_SYS_ADMIN)")
    try:
        workdir = tmp_path
        small_corpus(workdir, repo)
        config = Config(
            corpus_dir=workdir / "corpus", index_dir=disk / "index", model_dir=model_dir
        )
        build(config, embedder)
        before = (read_manifest(config.index_dir), layout(config.index_dir))
        free_kb = shutil.disk_usage(disk).free // 1024
        (disk / "filler").write_bytes(b"\0" * ((free_kb - 150) * 1024))
        env = {**env_for(workdir), "MENBE_INDEX_DIR": str(config.index_dir)}
        done = subprocess.run(
            [sys.executable, "-m", "app", "index", "--rebuild"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2
        lines = [ln for ln in done.stderr.splitlines() if "Embedding" not in ln and ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("menbe: no space left on the disk"), lines
        assert "generation 1 still answers" in lines[0]
        assert (read_manifest(config.index_dir), layout(config.index_dir)) == before
        assert not list(config.index_dir.glob(".manifest.json.tmp"))
        with Retriever.open(config, load_corpus(config.corpus_dir), embedder) as kept:
            assert kept.search(QUESTION, k=1).hits[0].pid == "p05"
        (disk / "filler").unlink()
        assert build(config, embedder, rebuild=True).generation == 2
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def test_chroma_server_down_is_a_clear_message_in_the_app(
    tmp_path: Path, config: Config, embedder
) -> None:
    from dataclasses import replace

    from test_index import _wait_for_port

    from app.live import LiveAnswerer
    from app.ui.handlers import ChatState, Handlers

    port = free_port()
    chroma = str(Path(sys.executable).with_name("chroma"))
    server = subprocess.Popen(
        [
            chroma,
            "run",
            "--path",
            str(tmp_path / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            f"{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for_port(port, server)
        remote = replace(config, chroma_host="127.0.0.1", chroma_port=port)
        build(remote, embedder)
        live = LiveAnswerer(remote, embedder, report=lambda _m: None)
        handlers = Handlers(live, live.corpus)
        assert handlers.api_ask(QUESTION)["answered"] is True
    finally:
        server.terminate()
        server.wait(timeout=30)
    error = handlers.api_ask(QUESTION)["error"]
    assert error.startswith(f"cannot reach the Chroma server at 127.0.0.1:{port}"), error
    state = handlers.start(QUESTION, ChatState(), "en").state
    chat = handlers.respond(state, "auto", "en").state.messages[-1]["content"]
    assert "cannot reach the Chroma server" in chat
    live.close()
