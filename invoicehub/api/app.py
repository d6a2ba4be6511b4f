"""The /api/v1 FastAPI application (mounted into the Reflex app by `api_transformer`)."""

from __future__ import annotations

import importlib

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from invoicehub import ratelimit
from invoicehub.api.errors import install_error_handlers
from invoicehub.api.limits import BodySizeLimit
from invoicehub.api.unavailable import install_unavailable_handlers

API_PREFIX = "/api/v1"
# Router modules, each exposing `router`; a module that does not exist yet is skipped. The most
# requested first: FastAPI tries the included routers in order, each with its own bookkeeping, and
# the settings/status reads behind every seller's page paid for the 13 routers before them (about
# a quarter of an API request's CPU). No two routes match the same method and path
# (tests/unit/test_api_routes.py), so the order never changes which route answers.
ROUTER_MODULES = (
    "allegro",
    "allegro_sync",
    "invoices",
    "notifications",
    "allegro_auth",
    "auth",
    "browser_session",
    "invoice_payments",
    "invoice_allegro",
    "invoice_ksef",
    "company",
    "company_offline_cert",
    "customers",
    "products",
    "admin",
    "admin_activity",
    "health",
)


def create_api() -> FastAPI:
    api = FastAPI(
        title="Invoice-HUB API",
        version="1.0.0",
        openapi_url="/openapi.json",
        docs_url=None,  # served below from local files: no CDN is reachable (nor allowed by CSP)
        redoc_url=None,
        servers=[{"url": API_PREFIX}],
        # No OpenTelemetry provider is ever configured here, so FastAPI's native telemetry has
        # nothing to record; switched off, it no longer looks for providers (three environment
        # lookups) on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    api.add_middleware(BodySizeLimit)
    install_error_handlers(api)
    install_unavailable_handlers(api)
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

    _mount_docs(api)
    return api


def _mount_docs(api: FastAPI) -> None:
    """Swagger UI from the swagger-ui-bundle-v2 wheel, same origin as the API."""
    api.mount("/docs-static", StaticFiles(directory=swagger_ui_path), name="docs-static")

    @api.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{API_PREFIX}/openapi.json",
            title="Invoice-HUB API",
            swagger_js_url=f"{API_PREFIX}/docs-static/swagger-ui-bundle.js",
            swagger_css_url=f"{API_PREFIX}/docs-static/swagger-ui.css",
            swagger_favicon_url=f"{API_PREFIX}/docs-static/favicon-32x32.png",
        )
