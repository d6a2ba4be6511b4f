"""The API bench's floor: a bare ASGI app answering recorded JSON bodies from memory.

bench/api_load.py serves it with granian (same interface and worker count as the web process)
and loads it with the same client; BENCH_FLOOR_BODIES holds {path: body} as JSON.
"""

from __future__ import annotations

import json
import os
from typing import Any

_BODIES = {
    path: body.encode() for path, body in json.loads(os.environ["BENCH_FLOOR_BODIES"]).items()
}
_NOT_FOUND = b'{"detail":"Not Found"}'


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = _BODIES.get(scope["path"])
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body or _NOT_FOUND)),
    ]
    await send({"type": "http.response.start", "status": 200 if body else 404, "headers": headers})
    await send({"type": "http.response.body", "body": body or _NOT_FOUND})
