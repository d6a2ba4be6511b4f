"""Browser-safety headers on API and page responses, and CORS only for the allowed origins.

The app is Reflex's real backend ASGI app, built in-process the way `reflex run --env prod
--single-port` builds it (no compile, the built frontend mounted when `.web/build` exists), so
Reflex's own CORS middleware and our `api_transformer` stack are what answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from invoicehub.settings import get_settings

ALLOWED = "http://127.0.0.1:8000"
UNKNOWN = "https://evil.example"
# Reflex reads these internal switches (`__` prefix) while building the backend app.
REFLEX_SKIP_COMPILE = "__REFLEX_SKIP_COMPILE"
REFLEX_MOUNT_FRONTEND = "__REFLEX_MOUNT_FRONTEND_COMPILED_APP"


def _built_frontend_exists() -> bool:
    from reflex.utils import prerequisites
    from reflex_base import constants
    from reflex_base.config import get_config

    static = prerequisites.get_web_dir() / constants.Dirs.STATIC
    return (static / get_config().frontend_path.strip("/")).is_dir()


@pytest.fixture(scope="module")
def site() -> Iterator[TestClient]:
    switches = {REFLEX_SKIP_COMPILE: "true"}
    if _built_frontend_exists():  # a fresh clone has no build yet: pages then answer 404
        switches[REFLEX_MOUNT_FRONTEND] = "true"
    saved = {name: os.environ.get(name) for name in (REFLEX_SKIP_COMPILE, REFLEX_MOUNT_FRONTEND)}
    os.environ.update(switches)
    try:
        from invoicehub.app import app

        asgi = app()
    finally:  # never leak the switches into web processes other tests start
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    yield TestClient(asgi, base_url=ALLOWED)


def assert_browser_safety_headers(response) -> None:
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, csp
    assert "object-src" not in csp or "object-src 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in {
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/health"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/auth/me"),  # 401
        ("GET", "/api/v1/allegro/settings/00000000-0000-4000-8000-000000000001"),  # 401
        ("POST", "/api/v1/auth/login"),  # 422
        ("GET", "/api/v1/no-such-route"),  # 404
    ],
)
def test_api_responses_carry_the_headers(site: TestClient, method: str, path: str):
    assert_browser_safety_headers(site.request(method, path, json={}))


@pytest.mark.parametrize("path", ["/login/", "/settings/", "/", "/ping", "/no-such-page/"])
def test_page_responses_carry_the_headers(site: TestClient, path: str):
    response = site.get(path)
    assert response.status_code in {200, 404}  # pages are 404 until the frontend is built
    assert_browser_safety_headers(response)


def test_the_rq_dashboard_redirect_carries_the_headers(site: TestClient):
    response = site.get("/admin/rq/", follow_redirects=False)
    assert response.status_code == 303
    assert_browser_safety_headers(response)


def test_an_allowed_origin_gets_cors_headers(site: TestClient):
    assert ALLOWED in get_settings().allowed_origins
    simple = site.get("/api/v1/health", headers={"Origin": ALLOWED})
    assert simple.headers["access-control-allow-origin"] == ALLOWED
    assert simple.headers["access-control-allow-credentials"] == "true"
    preflight = site.options(
        "/api/v1/allegro/settings/x",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    assert "PUT" in preflight.headers["access-control-allow-methods"]


def test_an_unknown_origin_gets_no_cors_headers(site: TestClient):
    simple = site.get("/api/v1/health", headers={"Origin": UNKNOWN})
    assert "access-control-allow-origin" not in simple.headers
    preflight = site.options(
        "/api/v1/allegro/settings/x",
        headers={"Origin": UNKNOWN, "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "*" not in get_settings().allowed_origins
