"""The web process's front door: /api/v1 goes to the API alone, the rest still to Reflex.

Headers and CORS through the whole web app are checked in test_security_headers.py (it builds
the same `app()`); here: what reaches which side, the API's own rules through the front (body
limit, path with a newline), and Reflex's routes (ping, the state websocket, lifespan).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from invoicehub.front import api_app, dispatch_by_path
from tests.api.test_security_headers import (
    ALLOWED,
    REFLEX_SKIP_COMPILE,
    assert_browser_safety_headers,
)
from tests.factories import bearer, make_integration, make_user


@pytest.fixture(scope="module")
def web() -> Iterator[TestClient]:
    """Reflex's backend app as granian serves it (factory call), lifespan included."""
    saved = os.environ.get(REFLEX_SKIP_COMPILE)
    os.environ[REFLEX_SKIP_COMPILE] = "true"
    try:
        from invoicehub.app import app

        asgi = app()
    finally:
        if saved is None:
            os.environ.pop(REFLEX_SKIP_COMPILE, None)
        else:
            os.environ[REFLEX_SKIP_COMPILE] = saved
    with TestClient(asgi, base_url=ALLOWED) as client:
        yield client


async def _reflex_must_not_be_called(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError(f"{scope['type']} {scope.get('path')} reached Reflex")


@pytest.fixture
def api_only() -> TestClient:
    """The front with a Reflex side that fails on any call (no lifespan: that is Reflex's)."""
    front = dispatch_by_path(api=api_app(), site=_reflex_must_not_be_called)
    return TestClient(front, base_url=ALLOWED)  # type: ignore[arg-type]


def test_api_requests_never_reach_reflex(api_only: TestClient, session):
    user = make_user(session)
    integration = make_integration(session, user)
    for path in (f"/allegro/settings/{integration.id}", f"/allegro/status/{integration.id}"):
        response = api_only.get("/api/v1" + path, headers={**bearer(user), "Origin": ALLOWED})
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] == ALLOWED
        assert_browser_safety_headers(response)
    assert api_only.get("/api/v1/no-such-route").json() == {"detail": "Not Found"}


def test_a_newline_in_an_api_path_is_still_the_apis_json_404(api_only: TestClient, session):
    user = make_user(session)
    response = api_only.get("/api/v1/allegro/status/x%0Ay", headers=bearer(user))
    assert response.status_code == 404
    assert response.json() == {"detail": "integration not found"}


def test_the_body_limit_holds_through_the_front(api_only: TestClient, session):
    user = make_user(session)
    integration = make_integration(session, user)
    huge = {"settings": {"x": "a" * (1024 * 1024 + 10)}}
    url = f"/api/v1/allegro/settings/{integration.id}"
    response = api_only.put(url, json=huge, headers=bearer(user))
    assert response.status_code == 413
    assert_browser_safety_headers(response)


def test_api_answers_the_same_through_the_whole_web_app(web: TestClient, session):
    user = make_user(session)
    integration = make_integration(session, user)
    response = web.get(f"/api/v1/allegro/status/{integration.id}", headers=bearer(user))
    assert response.status_code == 200 and response.json()["id"] == str(integration.id)
    assert response.headers["vary"] == "Origin"  # one CORS pass, not Reflex's and ours


def test_reflex_routes_still_answer_behind_the_front(web: TestClient):
    ping = web.get("/ping")
    assert ping.status_code == 200 and ping.json() == "pong"
    assert_browser_safety_headers(ping)
    assert web.get("/api/v1").status_code == 404  # not under /api/v1/: Reflex's, as before


def test_the_state_websocket_still_reaches_reflex(web: TestClient):
    url = "/_event/?EIO=4&transport=websocket"
    # Engine.IO wants the upgrade headers a browser sends (the test client adds none).
    headers = {"Origin": ALLOWED, "Upgrade": "websocket", "Connection": "Upgrade"}
    with web.websocket_connect(url, headers=headers) as socket:
        opening = socket.receive_text()
    assert opening.startswith("0") and '"sid"' in opening  # Engine.IO's open packet
