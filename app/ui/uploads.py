"""Closing Gradio's upload routes. The app takes no files, but Gradio serves an anonymous
``POST /gradio_api/upload`` (and its progress stream) on every app, and hands uploaded files
back to anyone who knows the path: a free file host on the curator's machine. This ASGI
middleware answers those routes with 404 before Gradio sees them."""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse

CLOSED = ("/gradio_api/upload", "/gradio_api/upload_progress", "/upload", "/upload_progress")


class RefuseUploads:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and _closed(scope.get("path", "")):
            response = PlainTextResponse("uploads are not accepted", status_code=404)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _closed(path: str) -> bool:
    path = "/" + path.strip("/")
    return any(path == route or path.endswith(route) for route in CLOSED)


def app_kwargs() -> dict[str, Any]:
    """What ``Blocks.launch(app_kwargs=...)`` needs to install the middleware."""
    return {"middleware": [Middleware(RefuseUploads)]}
