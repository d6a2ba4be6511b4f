"""503 with Retry-After when Redis does not answer in time, instead of a hung request.

The web process's Redis client has short socket timeouts (invoicehub/redis_conn.py), so a
stalled or unreachable Redis surfaces here as a ConnectionError or TimeoutError after about two
seconds. The answer names no host: the error text could carry one.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_DETAIL = "a required service is unavailable, try again shortly"


def install_unavailable_handlers(api: FastAPI) -> None:
    async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
        log.warning("Redis unavailable on a request: %s", type(exc).__name__)
        return JSONResponse(
            {"detail": UNAVAILABLE_DETAIL},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    api.add_exception_handler(RedisConnectionError, _unavailable)
    api.add_exception_handler(RedisTimeoutError, _unavailable)
