"""``menbe serve``: build or update the index, then serve the chat app in the browser."""

from __future__ import annotations

import argparse
import os

from app.cli import config_from
from app.cli.query import add_answerer_options, llm_settings


def register(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="serve the chat app (builds the index when missing)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default local)")
    serve.add_argument("--port", type=int, default=7860, help="port (default 7860)")
    serve.add_argument(
        "--concurrency",
        type=int,
        help="answers computed at once, the rest wait in the queue (MENBE_CONCURRENCY, default 8)",
    )
    add_answerer_options(serve)
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    # Before Gradio is imported: it reads these once, and nothing may be fetched from outside.
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from app.ui.app import serve

    config = config_from(args)
    if args.concurrency is not None:
        from dataclasses import replace

        from app.config import parse_concurrency

        config = replace(config, concurrency=parse_concurrency(args.concurrency))
    serve(config, args.host, args.port, llm_settings(args))
    return 0
