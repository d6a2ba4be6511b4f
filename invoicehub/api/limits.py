"""Refuse request bodies over 1 MB with 413 before any route reads them.

The body is counted as it streams in, so a chunked body (no Content-Length) is refused the
same way as a declared one; it is read whole here (at most 1 MB) and replayed to the app,
because FastAPI turns any error raised while it reads the body into a 400.

An HTTP/1.x request whose framing already bounds its body within the limit (a Content-Length
of at most 1 MB, or neither Content-Length nor Transfer-Encoding: no body at all, as every GET)
goes through untouched: the server never delivers more than the declared length, so there is
nothing to count, and the read that buffering costs (a round trip into the server for every
API read) is saved. HTTP/2 frames a body without either header, so it is always counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

MAX_BODY_BYTES = 1024 * 1024
_FRAMED_BY_LENGTH = frozenset({"1.0", "1.1"})  # HTTP versions where no length means no body
_TOO_LARGE = b'{"detail":"request body too large (limit 1 MB)"}'

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]


class BodySizeLimit:
    def __init__(
        self, app: Callable[..., Awaitable[None]], max_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(
        self, scope: Message, receive: Receive, send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = chunked = None
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                chunked = value
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _refuse(send)
            return
        framed = chunked is None and scope.get("http_version") in _FRAMED_BY_LENGTH
        if framed and (declared is None or declared.isdigit()):
            await self.app(scope, receive, send)
            return
        buffered = await _read_body(receive, self.max_bytes)
        if buffered is None:
            await _refuse(send)
            return
        await self.app(scope, _replay(buffered, receive), send)


async def _read_body(receive: Receive, max_bytes: int) -> list[Message] | None:
    """Every body message of the request, or None as soon as they add up to over `max_bytes`."""
    messages: list[Message] = []
    received = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages  # the client went away: the app sees the disconnect
        received += len(message.get("body", b""))
        if received > max_bytes:
            return None
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def _refuse(send: Callable[[Message], Awaitable[None]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(_TOO_LARGE)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": _TOO_LARGE})
