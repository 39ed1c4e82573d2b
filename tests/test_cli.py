"""The command line as a user runs it: exit codes, JSON shapes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main

pytestmark = pytest.mark.slow


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_instant_and_imports_nothing_heavy() -> None:
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from app.cli import build_parser; build_parser();"
            "print(sorted(m for m in ('torch','gradio','chromadb','sentence_transformers')"
            " if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"
    help_run = subprocess.run(
        [sys.executable, "-m", "app", "--help"], capture_output=True, text=True
    )
    assert help_run.returncode == 0 and "ask" in help_run.stdout and "corpus" in help_run.stdout
    assert time.perf_counter() - start < 15


def test_ask_json(index_config, capsys) -> None:
    code, out, _ = run(
        [
            "--index",
            str(index_config.index_dir),
            "ask",
            "Əsrin müqaviləsi nə vaxt təsdiqləndi?",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["language"] == "az" and data["answered"] is True
    assert data["citations"][0]["paragraph"] == "p35" and data["citations"][0]["n"] == 1


def test_ask_human_output_and_forced_language(index_config, capsys) -> None:
    code, out, _ = run(
        [
            "--index",
            str(index_config.index_dir),
            "ask",
            "When was the Contract of the Century approved?",
            "--lang",
            "az",
        ],
        capsys,
    )
    assert code == 0
    assert "[1]" in out and "Mənbələr:" in out and "¶ p35" in out
    # the source lines speak the answer's language too: page label and language names
    sources = out.split("Mənbələr:")[1]
    assert " · s. " in sources and " · p. " not in sources
    assert "(azərbaycanca, ingilis dilindən tərcümə)" in sources and "(az," not in sources


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_ask_bad_question(index_config, capsys, question: str) -> None:
    code, out, _ = run(["--index", str(index_config.index_dir), "ask", question, "--json"], capsys)
    assert code == 2
    data = json.loads(out)
    assert set(data) == {"question", "error"} and (
        "empty" in data["error"] or "too long" in data["error"]
    )
    code, _, err = run(["--index", str(index_config.index_dir), "ask", question], capsys)
    assert code == 2 and err.startswith("menbe: ") and "Traceback" not in err


def test_missing_index_says_what_to_run(tmp_path: Path, capsys) -> None:
    code, _, err = run(["--index", str(tmp_path / "none"), "ask", "Anything?"], capsys)
    assert code == 2 and "menbe index" in err


def test_search_json(index_config, capsys) -> None:
    code, out, _ = run(
        [
            "--index",
            str(index_config.index_dir),
            "search",
            "Turkiye ile munasibetler",
            "--k",
            "3",
            "--json",
        ],
        capsys,
    )
    assert code == 0
    data = json.loads(out)
    assert data["language"] == "az" and len(data["hits"]) == 3
    assert {"rank", "paragraph", "page", "score", "best_sentence", "versions"} <= set(
        data["hits"][0]
    )


def test_search_refuses_a_k_below_one(index_config, capsys) -> None:
    code, out, err = run(
        ["--index", str(index_config.index_dir), "search", "Turkey", "--k", "-1"], capsys
    )
    assert code == 2 and out == "" and err == "menbe: --k must be at least 1\n"


def test_an_undecodable_argument_is_refused_as_valid_json() -> None:
    """A byte that is not UTF-8 must not be echoed back as invalid UTF-8."""
    done = subprocess.run(
        [sys.executable, "-m", "app", "ask", b"caf\xff?", "--json"],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 2
    data = json.loads(done.stdout.decode("utf-8"))  # strict: raises on invalid UTF-8
    assert data == {"question": "caf\ufffd?", "error": "the question is not valid UTF-8 text"}
