"""ASGI middleware that refuses request bodies over a size limit with a 413.

It trusts neither the client nor the ``Content-Length`` header alone: it reads
the body itself, stops as soon as the limit is passed, and hands the app a body
it has already checked. The API's bodies are small, so holding one in memory
is fine.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class MaxBodySizeMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared: bytes | None = None
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = True
        if declared is None and not chunked and scope.get("http_version") in ("1.0", "1.1"):
            # In HTTP/1 a request with neither header has no body (GETs): nothing to check.
            await self.app(scope, receive, send)
            return
        if declared is not None and not declared.isdigit():
            await _refuse(send, 400, "The Content-Length header must be a whole number")
            return
        if declared is not None and int(declared) > self.max_body_bytes:
            await _refuse(send, 413, self._too_large())
            return

        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its whole body
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                await _refuse(send, 413, self._too_large())
                return
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # later calls wait for the disconnect, as usual
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay_body, send)

    def _too_large(self) -> str:
        return f"The request body is too large; the limit is {self.max_body_bytes} bytes"


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
