"""Bad request bodies (scorecard row 20): unknown keys and 15.0 for an integer refused with
422, nothing stored; 413 for any body over 1 MB, chunked or not; a 422 never echoes a big input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlmodel import Session
from starlette.responses import PlainTextResponse

from invoicehub.api.app import create_api
from invoicehub.api.errors import MAX_QUOTED_INPUT
from invoicehub.api.limits import _TOO_LARGE, BodySizeLimit
from invoicehub.models import AllegroIntegration, Role
from invoicehub.web import around
from tests.factories import bearer, make_integration, make_user

BIG = "A" * 100_000


def _stored_settings(session: Session, integration: AllegroIntegration) -> dict:
    session.expire_all()
    row = session.get(AllegroIntegration, integration.id)
    assert row is not None
    return dict(row.settings or {})


def test_every_request_body_model_refuses_unknown_fields():
    models: dict[str, type] = {}
    for context in iter_route_contexts(create_api().routes):
        dependant = getattr(context.original_route, "dependant", None)
        for param in dependant.body_params if dependant is not None else []:
            model = param.field_info.annotation
            assert isinstance(model, type) and issubclass(model, BaseModel), context.path
            models[context.path] = model
    assert len(models) >= 8  # login, callback, sync, payment, product, customer, 2 settings
    lax = {
        path: m.__name__ for path, m in models.items() if m.model_config.get("extra") != "forbid"
    }
    assert lax == {}


def test_settings_refuse_an_unknown_top_level_key_and_store_nothing(
    api: TestClient, session: Session
):
    seller, admin = make_user(session), make_user(session, role=Role.ADMIN)
    integration = make_integration(session, seller)
    before = _stored_settings(session, integration)
    body = {"settings": {"syncFrequencyMinutes": 30}, "isActive": False}
    for url, user in (
        (f"/allegro/settings/{integration.id}", seller),
        (f"/admin/allegro/settings/{integration.id}", admin),
    ):
        response = api.put(url, json=body, headers=bearer(user))
        assert response.status_code == 422, url
        assert response.json()["detail"][0]["type"] == "extra_forbidden"
    assert _stored_settings(session, integration) == before


def test_settings_refuse_a_decimal_for_an_integer_and_store_nothing(
    api: TestClient, session: Session
):
    seller = make_user(session)
    integration = make_integration(session, seller)
    url = f"/allegro/settings/{integration.id}"
    for field in ("syncFrequencyMinutes", "defaultVatRate"):
        response = api.put(
            url,
            json={"settings": {field: 15.0 if "sync" in field else 8.0}},
            headers=bearer(seller),
        )
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == field
    assert _stored_settings(session, integration) == {}
    ok = api.put(url, json={"settings": {"syncFrequencyMinutes": 15}}, headers=bearer(seller))
    assert ok.status_code == 200 and ok.json()["settings"]["syncFrequencyMinutes"] == 15


def test_settings_take_only_the_camel_case_names_not_the_python_ones(
    api: TestClient, session: Session
):
    seller, admin = make_user(session), make_user(session, role=Role.ADMIN)
    integration = make_integration(session, seller)
    for url, user in (
        (f"/allegro/settings/{integration.id}", seller),
        (f"/admin/allegro/settings/{integration.id}", admin),
    ):
        body = {"settings": {"sync_frequency_minutes": 30, "autoMarkAsPaid": True}}
        response = api.put(url, json=body, headers=bearer(user))
        assert response.status_code == 422, url
        assert response.json()["detail"] == [
            {
                "loc": ["body", "settings", "sync_frequency_minutes"],
                "msg": "unknown setting sync_frequency_minutes",
                "type": "value_error",
            }
        ]
    assert _stored_settings(session, integration) == {}
    ok = {"settings": {"syncFrequencyMinutes": 30}}
    response = api.put(f"/allegro/settings/{integration.id}", json=ok, headers=bearer(seller))
    assert response.status_code == 200
    assert _stored_settings(session, integration)["syncFrequencyMinutes"] == 30


def test_a_chunked_body_over_one_megabyte_is_413(api: TestClient, session: Session):
    seller = make_user(session)
    integration = make_integration(session, seller)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the body is counted as it arrives
        yield b'{"settings": {"x": "'
        for _ in range(10 * 16):
            yield b"A" * 65_536
        yield b'"}}'

    response = api.put(
        f"/allegro/settings/{integration.id}",
        content=chunks(),
        headers={**bearer(seller), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "request body too large (limit 1 MB)"}
    assert _stored_settings(session, integration) == {}


def test_a_body_just_under_the_limit_still_reaches_the_route(api: TestClient, session: Session):
    def chunks() -> Iterator[bytes]:
        yield b'{"email": "'
        yield b"a" * 1_000_000
        yield b'", "password": "x"}'

    response = api.post(
        "/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422  # the route's own answer: the e-mail is too long


def test_a_422_quotes_only_a_short_excerpt_of_a_big_input(api: TestClient, session: Session):
    seller = make_user(session)
    integration = make_integration(session, seller)
    answers = [
        api.post("/auth/login", json={"email": BIG, "password": "x"}),
        api.post("/auth/login", json={"email": "a@b.pl", "password": "x", BIG: 1}),
        api.put(
            f"/allegro/settings/{integration.id}",
            json={"settings": {BIG: True}},
            headers=bearer(seller),
        ),
        api.put(
            f"/allegro/settings/{integration.id}",
            json={"settings": {"syncFrequencyMinutes": 30}, "extra": [BIG]},
            headers=bearer(seller),
        ),
    ]
    for response in answers:
        assert response.status_code == 422
        assert len(response.content) < 2_000, response.content[:300]
        for error in response.json()["detail"]:
            quoted = error.get("input", "")
            assert not isinstance(quoted, str) or len(quoted) <= MAX_QUOTED_INPUT
    assert answers[0].json()["detail"][0]["input"].startswith("AAAA")


def test_a_big_body_to_reflexs_own_paths_is_413_too():
    """/_upload and the rest of Reflex sit behind the same limit in the web process."""
    reached: list[bytes] = []

    async def reflex(scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        reached.append(body)
        await PlainTextResponse("ok")(scope, receive, send)

    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"A" * 65_536

    with TestClient(around(reflex)) as web:  # type: ignore[arg-type]
        assert web.post("/_upload", content=chunks()).status_code == 413
        assert web.post("/_upload", content=b"small").text == "ok"
    assert reached == [b"small"]


def _through_the_limit(
    headers: list[tuple[bytes, bytes]], body: list[bytes], http_version: str = "1.1"
) -> tuple[int, bytes, int]:
    """(status, body the app read, receive calls made) for one request through BodySizeLimit."""
    import asyncio

    calls = 0
    pending = [
        {"type": "http.request", "body": chunk, "more_body": i < len(body) - 1}
        for i, chunk in enumerate(body or [b""])
    ]

    async def receive() -> dict[str, Any]:
        nonlocal calls
        calls += 1
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        read = b""
        if scope["method"] != "GET":
            while True:
                message = await receive()
                read += message.get("body", b"")
                if not message.get("more_body"):
                    break
        await PlainTextResponse(read.decode() or "-")(scope, receive, send)

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    method = "GET" if not body else "POST"
    scope = {"type": "http", "method": method, "http_version": http_version, "headers": headers}
    asyncio.run(BodySizeLimit(app, max_bytes=10)(scope, receive, send))
    status = sent[0]["status"]
    return status, b"".join(m.get("body", b"") for m in sent[1:]), calls


def test_a_request_without_a_body_is_not_read_by_the_limit():
    """HTTP/1.1 frames a request with neither Content-Length nor Transfer-Encoding as bodiless:
    the limit has nothing to count and does not ask the server for the body (a GET's cost)."""
    assert _through_the_limit([(b"host", b"x")], []) == (200, b"-", 0)


def test_a_declared_body_within_the_limit_streams_to_the_app_unbuffered():
    headers = [(b"content-length", b"8")]
    assert _through_the_limit(headers, [b"1234", b"5678"]) == (200, b"12345678", 2)
    over = [(b"content-length", b"11")]
    assert _through_the_limit(over, [b"12345678901"])[:2] == (413, _TOO_LARGE)


def test_a_chunked_or_http2_body_is_still_counted():
    chunked = [(b"transfer-encoding", b"chunked")]
    assert _through_the_limit(chunked, [b"123456", b"789012"])[:2] == (413, _TOO_LARGE)
    assert _through_the_limit(chunked, [b"1234", b"5678"])[:2] == (200, b"12345678")
    # HTTP/2 carries a body in DATA frames with no length header at all.
    assert _through_the_limit([], [b"123456", b"789012"], "2")[:2] == (413, _TOO_LARGE)
