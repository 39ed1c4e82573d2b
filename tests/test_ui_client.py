"""The programmatic endpoint ``/ask`` of a running app, called with ``gradio_client``: it must give
exactly what ``menbe ask --json`` prints for the same question."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from ui_server import REPO, Server, server_env, ui_server_fixture  # noqa: F401 - the ui_server fixture

pytestmark = pytest.mark.slow

os.environ.setdefault("HF_HUB_OFFLINE", "1")
AZ_LETTERS = re.compile(r"[əƏğĞıİşŞçÇöÖüÜ]")
EN_QUESTION = "When was the Contract of the Century approved?"
AZ_QUESTION = "Əsrin müqaviləsi nə vaxt təsdiqləndi?"


@pytest.fixture(scope="module")
def client(ui_server: Server):
    from gradio_client import Client

    return Client(ui_server.url, verbose=False, download_files=False)


def cli_json(server: Server, *args: str) -> dict:
    """``menbe ask --json`` against the same index as the server."""
    done = subprocess.run(
        [sys.executable, "-m", "app", "ask", *args, "--json"],
        cwd=REPO,
        env=server_env(server.index_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def without_timings(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "timings_ms"}


def test_ask_gives_exactly_the_cli_json(client, ui_server: Server) -> None:
    result = client.predict(AZ_QUESTION, "auto", api_name="/ask")
    expected = cli_json(ui_server, AZ_QUESTION)
    assert list(result) == list(expected)  # the same keys in the same order
    assert without_timings(result) == without_timings(expected)
    assert set(result["timings_ms"]) == {"retrieve", "answer"}
    assert all(list(c) == list(expected["citations"][0]) for c in result["citations"])


def test_ask_answers_in_the_question_language(client) -> None:
    english = client.predict(EN_QUESTION, "auto", api_name="/ask")
    assert english["language"] == "en" and english["answered"]
    assert "1994" in english["answer"] and "[1]" in english["answer"]
    assert english["citations"][0]["lang"] == "en"

    azerbaijani = client.predict(AZ_QUESTION, "auto", api_name="/ask")
    assert azerbaijani["language"] == "az" and azerbaijani["answered"]
    assert AZ_LETTERS.search(azerbaijani["answer"])
    first = azerbaijani["citations"][0]
    assert first["translated"] and first["original_lang"] == "en"
    assert first["quote"] in first["text"] and first["original_quote"] in first["original_text"]


def test_language_option_overrides_detection(client) -> None:
    result = client.predict(AZ_QUESTION, "en", api_name="/ask")
    assert result["language"] == "en"
    assert result["citations"][0]["lang"] == "en"


def test_bad_questions_get_the_cli_error_shape(client, ui_server: Server) -> None:
    empty = client.predict("", "auto", api_name="/ask")
    assert empty == cli_json(ui_server, "")
    assert set(empty) == {"question", "error"} and "empty" in empty["error"]

    too_long = client.predict("why " * 600, "auto", api_name="/ask")
    assert set(too_long) == {"question", "error"} and "too long" in too_long["error"]

    bad_language = client.predict(EN_QUESTION, "fr", api_name="/ask")
    assert set(bad_language) == {"question", "error"}


def test_only_ask_is_offered_as_an_endpoint(client) -> None:
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]
