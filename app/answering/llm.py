"""The user's own chat model: any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp's server,
LM Studio, OpenAI), reached through LangChain's chat model interface.

Settings come from ``MENBE_LLM_*`` and CLI flags at the entry point. The API key is read from
the environment only and never written to results or logs (``LLMSettings.__repr__`` hides it).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from app.errors import LLMError

DEFAULT_TIMEOUT_S = 60.0
MAX_TOKENS = 400


@dataclass(frozen=True)
class LLMSettings:
    base_url: str
    model: str = "default"
    api_key: str = field(default="", repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_tokens: int = MAX_TOKENS

    @classmethod
    def from_env(cls, env: Mapping[str, str], **overrides: Any) -> LLMSettings | None:
        """None when no endpoint is configured (the extractive answerer is then the only one)."""
        values = {
            "base_url": env.get("MENBE_LLM_BASE_URL", ""),
            "model": env.get("MENBE_LLM_MODEL", "default"),
            "api_key": env.get("MENBE_LLM_API_KEY", ""),
            "timeout_s": float(env.get("MENBE_LLM_TIMEOUT", DEFAULT_TIMEOUT_S)),
            "max_tokens": int(env.get("MENBE_LLM_MAX_TOKENS", MAX_TOKENS)),
        } | {k: v for k, v in overrides.items() if v is not None}
        return cls(**values) if values["base_url"] else None


def chat_model(settings: LLMSettings) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.base_url,
        model=settings.model,
        api_key=settings.api_key or "not-needed",  # local servers take any key
        temperature=0,
        max_tokens=settings.max_tokens,
        timeout=settings.timeout_s,
        max_retries=0,
    )


def stream(
    model: Any,
    messages: Sequence[tuple[str, str]],
    on_token: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> str:
    """The model's whole reply, passing each piece to ``on_token`` as it arrives; ``stop`` ends
    it early (the chat's stop button). Every failure becomes one LLMError with a short reason."""
    parts: list[str] = []
    try:
        for chunk in model.stream(list(messages)):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            parts.append(piece)
            if on_token and piece:
                on_token(piece)
            if stop is not None and stop.is_set():
                break
    except Exception as exc:  # httpx/openai errors of every kind: the caller falls back
        raise LLMError(_reason(exc)) from exc
    return "".join(parts)


def prompt(lang: str, key: str) -> str:
    table = _prompts()
    return table[lang if lang in table else "en"][key]


def previous_prompt(lang: str) -> str:
    table = _prompts()["previous"]
    return table.get(lang, table["en"])


@cache
def _prompts() -> dict:
    return json.loads(resources.files("app").joinpath("data/prompts.json").read_text("utf-8"))


def _reason(exc: Exception) -> str:
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if status:
        return f"HTTP {status}"
    if "Timeout" in name:
        return "timed out"
    if "Connect" in name:
        return "connection refused"
    return name
