"""The cached settings and status reads are PrincipalRoutes (api/lean_route.py, no dependency
solving per request): each of their answers (401s, 404s, 429, 200) is byte for byte, headers
included, the one the same endpoint gives as an ordinary FastAPI route in the same app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from invoicehub import ratelimit
from invoicehub.api.app import create_api
from invoicehub.api.routes import allegro
from invoicehub.models import Role
from invoicehub.redis_conn import get_redis
from invoicehub.web import security_headers
from tests.factories import bearer, make_integration, make_user


@pytest.fixture(scope="module")
def twin() -> Iterator[TestClient]:
    """The API with the two reads also declared as ordinary routes under /plain."""
    api = create_api()
    api.add_api_route("/plain/settings/{integration_id}", allegro.read_settings, methods=["GET"])
    api.add_api_route("/plain/status/{integration_id}", allegro.read_status, methods=["GET"])
    with TestClient(security_headers(api)) as client:  # type: ignore[arg-type]
        yield client


def _answers(twin: TestClient, path: str, headers: dict[str, str]) -> list[tuple]:
    answers = []
    for prefix in ("/allegro", "/plain"):
        response = twin.get(prefix + path, headers=headers)
        kept = sorted((k, v) for k, v in response.headers.items() if k != "date")
        answers.append((response.status_code, kept, response.content))
    return answers


def _same(twin: TestClient, path: str, headers: dict[str, str], status: int) -> None:
    lean, plain = _answers(twin, path, headers)
    assert lean == plain, path
    assert lean[0] == status, (path, lean)


def test_the_principal_routes_answer_exactly_as_ordinary_routes(twin: TestClient, session: Session):
    owner = make_user(session)
    integration = make_integration(session, owner)
    stranger, admin = make_user(session), make_user(session, role=Role.ADMIN)
    token = bearer(owner)["Authorization"].removeprefix("Bearer ")
    for read in ("settings", "status"):
        path = f"/{read}/{integration.id}"
        _same(twin, path, {}, 401)
        _same(twin, path, {"Authorization": f"Basic {token}"}, 401)
        _same(twin, path, {"Authorization": "Bearer"}, 401)
        _same(twin, path, {"Authorization": "Bearer not-a-jwt"}, 401)
        _same(twin, path, bearer(owner), 200)  # a miss (the database), then a cache hit
        _same(twin, path, bearer(owner), 200)
        _same(twin, path, bearer(stranger), 404)
        _same(twin, path, bearer(admin), 200)
        _same(twin, f"/{read}/{uuid.uuid4()}", bearer(owner), 404)


def test_a_user_over_the_limit_gets_the_same_429(twin: TestClient, session: Session):
    owner = make_user(session)
    integration = make_integration(session, owner)
    key = ratelimit._key(ratelimit.API_PER_USER, str(owner.id))
    get_redis().set(key, ratelimit.API_PER_USER.max_hits, ex=60)
    try:
        lean, plain = _answers(twin, f"/settings/{integration.id}", bearer(owner))
        assert lean[0] == plain[0] == 429
        assert lean[2] == plain[2]
        assert {k for k, _ in lean[1]} == {k for k, _ in plain[1]}  # Retry-After may tick
    finally:
        ratelimit.reset(ratelimit.API_PER_USER, str(owner.id))
