"""The /api/v1 FastAPI application (mounted into the Reflex app by `api_transformer`)."""

from __future__ import annotations

import importlib

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from invoicehub import ratelimit
from invoicehub.api.limits import BodySizeLimit

API_PREFIX = "/api/v1"
# Router modules, each exposing `router`; a module that does not exist yet is skipped.
ROUTER_MODULES = (
    "auth",
    "browser_session",
    "invoices",
    "customers",
    "products",
    "allegro_auth",
    "allegro",
    "allegro_sync",
    "admin",
    "notifications",
    "health",
)


def create_api() -> FastAPI:
    api = FastAPI(
        title="Invoice-HUB API",
        version="1.0.0",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        servers=[{"url": API_PREFIX}],
    )
    api.add_middleware(BodySizeLimit)
    for name in ROUTER_MODULES:
        try:
            module = importlib.import_module(f"invoicehub.api.routes.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"invoicehub.api.routes.{name}":
                raise
            continue
        api.include_router(module.router)

    @api.exception_handler(ratelimit.RateLimited)
    async def _rate_limited(_: Request, exc: ratelimit.RateLimited) -> JSONResponse:
        return JSONResponse(
            {"detail": "too many requests, try again later"},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )

    return api
