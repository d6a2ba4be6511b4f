"""Connecting an Allegro account over real HTTP against the emulator (scorecard row 15).

The browser flow starts from the Settings page's Connect handler, as a click would."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from invoicehub.integrations.allegro.connection import oauth
from invoicehub.integrations.allegro.connection.tokens import decrypt_token
from invoicehub.models import AllegroIntegration, AuditEvent, Role
from invoicehub.pages.settings.integrations_state import IntegrationsState
from invoicehub.redis_conn import get_redis
from tests.factories import bearer, make_user
from tests.state.conftest import call, redirects_to, session_token, state_for
from tests.support.allegro import approve, connect, create_seller, emulator_control


@pytest.fixture
def control(emulator_url: str):
    client = emulator_control(emulator_url)
    create_seller(client, "seller_one")
    yield client
    client.close()


def _count(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(AllegroIntegration)).one()


def test_authorize_url_points_at_allegro_with_pkce_and_state(
    api: TestClient, session: Session, emulator_url, control
):
    user = make_user(session)
    url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert url.startswith(f"{emulator_url}/auth/oauth/authorize?")
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/api/v1/allegro/auth/callback"]
    assert len(query["state"][0]) > 40 and "code_verifier" not in url
    assert query["scope"] == [
        "allegro:api:profile:read allegro:api:orders:read allegro:api:orders:write "
        "allegro:api:payments:read"
    ]


def test_connect_creates_an_active_integration_with_encrypted_tokens(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    integration_id = connect(api, control, user, "seller_one")
    integration = session.get(AllegroIntegration, integration_id)
    assert integration.status == "active" and integration.allegro_login == "seller_one"
    assert integration.tenant_id == user.tenant_id and integration.token_expires_at is not None
    assert integration.access_token.startswith("k1:")
    access = decrypt_token(integration.access_token, integration.id)
    me = control.get(
        "/me",
        headers={
            "Authorization": f"Bearer {access}",
            "Accept": "application/vnd.allegro.public.v1+json",
        },
    )
    assert me.status_code == 200 and me.json()["login"] == "seller_one"
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "allegro.connect")).one()


def browser_auth_url(session: Session, user) -> tuple[str, str]:
    """Sign `user` in and click Connect: the session cookie and the authUrl bound to it."""
    cookie = session_token(session, user)
    events = call(state_for(IntegrationsState, cookie, "/settings?tab=integrations"), "connect")
    return cookie, redirects_to(events)


def test_browser_callback_completes_in_the_session_that_clicked_connect(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    cookie, auth_url = browser_auth_url(session, user)
    params = approve(control, auth_url, "seller_one")
    api.cookies.set("ih_session", cookie)
    response = api.get("/allegro/auth/callback", params=params, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/settings?tab=integrations&connected=")
    assert _count(session) == 1


def test_a_callback_without_the_session_cookie_links_nothing(
    api: TestClient, session: Session, control
):
    """A seller tricked into approving someone else's authUrl lands here without that session."""
    user = make_user(session)
    cookie, auth_url = browser_auth_url(session, user)
    params = approve(control, auth_url, "seller_one")
    response = api.get("/allegro/auth/callback", params=params, follow_redirects=False)
    assert response.status_code == 400 and "text/html" in response.headers["content-type"]
    assert "not started in this browser session" in response.text
    assert "Allegro account not connected" in response.text
    assert _count(session) == 0
    api.cookies.set("ih_session", cookie)  # the state was spent by the refusal
    again = api.get("/allegro/auth/callback", params=params, follow_redirects=False)
    assert "already+used" in again.headers["location"] and _count(session) == 0


def test_a_callback_in_another_browser_session_links_nothing(
    api: TestClient, session: Session, control
):
    alice, mallory = make_user(session), make_user(session)
    foreign_sessions = (
        session_token(session, alice),
        session_token(session, mallory),  # even the state's owner, in another browser
        "forged-cookie-value",
    )
    for cookie in foreign_sessions:
        _, auth_url = browser_auth_url(session, mallory)  # Mallory's link, approved by Alice
        params = approve(control, auth_url, "seller_one")
        api.cookies.set("ih_session", cookie)
        response = api.get("/allegro/auth/callback", params=params, follow_redirects=False)
        assert response.status_code == 400 and "not started in this browser" in response.text
    api.cookies.clear()
    _, auth_url = browser_auth_url(session, mallory)
    params = approve(control, auth_url, "seller_one")
    with_bearer = api.get(
        "/allegro/auth/callback", params=params, headers=bearer(mallory), follow_redirects=False
    )
    assert with_bearer.status_code == 400  # a bearer token counts for nothing on the redirect
    assert _count(session) == 0


def test_an_api_clients_state_is_finished_by_post_never_by_the_redirect(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    api.cookies.set("ih_session", session_token(session, user))
    redirected = api.get("/allegro/auth/callback", params=params, follow_redirects=False)
    assert redirected.status_code == 400 and "started by an API client" in redirected.text
    assert _count(session) == 0
    api.cookies.clear()
    finished = api.post("/allegro/auth/callback", json=params, headers=bearer(user))
    assert finished.status_code == 200 and _count(session) == 1


def test_forged_state_is_rejected_and_nothing_stored(api: TestClient, session: Session, control):
    user = make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    body, _, signature = params["state"].partition(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=="))
    payload["t"] = "00000000-0000-0000-0000-000000000000"
    forged_body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    forgeries = (
        f"{forged_body}.{signature}",
        "garbage",
        params["state"][:-2] + "xx",
        "Kraków.żółć",  # non-ASCII: once a 500 (compare_digest refuses such text)
    )
    for state in forgeries:
        response = api.post(
            "/allegro/auth/callback", json={**params, "state": state}, headers=bearer(user)
        )
        assert response.status_code == 400
    assert _count(session) == 0


def test_replayed_state_is_rejected(api: TestClient, session: Session, control):
    user = make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    assert api.post("/allegro/auth/callback", json=params, headers=bearer(user)).status_code == 200
    replay = api.post("/allegro/auth/callback", json=params, headers=bearer(user))
    assert replay.status_code == 400 and "already used" in replay.json()["detail"]


def test_expired_state_is_rejected_and_nothing_stored(
    api: TestClient, session: Session, control, monkeypatch
):
    user = make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    monkeypatch.setattr(
        oauth.time, "time", lambda: time.monotonic() * 0 + 4_102_444_800
    )  # year 2100
    response = api.post("/allegro/auth/callback", json=params, headers=bearer(user))
    assert response.status_code == 400 and "expired" in response.json()["detail"]
    assert _count(session) == 0


def test_state_past_its_redis_lifetime_is_rejected(api: TestClient, session: Session, control):
    user = make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(user)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    for key in get_redis().scan_iter("oauth:state:*"):
        get_redis().delete(key)
    assert api.post("/allegro/auth/callback", json=params, headers=bearer(user)).status_code == 400
    assert _count(session) == 0


def test_another_users_state_is_rejected_and_nothing_stored(
    api: TestClient, session: Session, control
):
    alice, mallory = make_user(session), make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(alice)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    body = {**params, "tenantId": str(alice.tenant_id), "userId": str(alice.id)}
    response = api.post("/allegro/auth/callback", json=body, headers=bearer(mallory))
    assert response.status_code == 400 and "another user" in response.json()["detail"]
    assert _count(session) == 0


def test_tenant_and_user_in_the_body_are_never_trusted(api: TestClient, session: Session, control):
    alice, bob = make_user(session), make_user(session)
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(alice)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    body = {**params, "tenantId": str(bob.tenant_id), "userId": str(bob.id)}
    response = api.post("/allegro/auth/callback", json=body, headers=bearer(alice))
    assert response.json()["integration"]["tenantId"] == str(alice.tenant_id)


def test_reconnecting_the_same_account_updates_its_tokens(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    first = connect(api, control, user, "seller_one")
    before = session.get(AllegroIntegration, first)
    old_version, old_token = before.token_version, before.access_token
    second = connect(api, control, user, "seller_one")
    session.expire_all()
    after = session.get(AllegroIntegration, second)
    assert second == first and _count(session) == 1
    assert after.token_version == old_version + 1 and after.access_token != old_token


def test_an_account_bound_to_another_tenant_is_refused(api: TestClient, session: Session, control):
    alice, bob = make_user(session), make_user(session)
    connect(api, control, alice, "seller_one")
    auth_url = api.get("/allegro/auth/authorize", headers=bearer(bob)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    response = api.post("/allegro/auth/callback", json=params, headers=bearer(bob))
    assert response.status_code == 400 and response.json()["detail"] == oauth.ACCOUNT_UNAVAILABLE
    assert "seller_one" not in response.text  # nothing about the account or the other company
    session.expire_all()
    assert session.exec(select(AllegroIntegration)).one().tenant_id == alice.tenant_id


def test_an_admins_disable_holds_against_the_sellers_reconnect(
    api: TestClient, session: Session, control
):
    """Reconnecting lifts a disable caused by failed syncs, never one an admin chose."""
    seller, admin = make_user(session), make_user(session, role=Role.ADMIN)
    integration_id = connect(api, control, seller, "seller_one")
    assert api.post(f"/admin/allegro/{integration_id}/disable", headers=bearer(admin)).is_success
    assert api.post(f"/allegro/deactivate/{integration_id}", headers=bearer(seller)).is_success

    auth_url = api.get("/allegro/auth/authorize", headers=bearer(seller)).json()["authUrl"]
    params = approve(control, auth_url, "seller_one")
    refused = api.post("/allegro/auth/callback", json=params, headers=bearer(seller))
    assert refused.status_code == 400 and refused.json()["detail"] == oauth.ADMIN_HOLD
    session.expire_all()
    held = session.get(AllegroIntegration, integration_id)
    assert held.status == "disconnected" and held.admin_disabled_at is not None
    told = api.get("/notifications", headers=bearer(seller)).json()["items"]
    assert [n["title"] for n in told] == [
        "Allegro account seller_one disabled by the platform administrator"
    ]

    lifted = api.post(f"/admin/allegro/{integration_id}/enable", headers=bearer(admin))
    assert lifted.is_success and lifted.json()["integration"]["status"] == "disconnected"
    assert lifted.json()["integration"]["adminDisabledAt"] is None
    assert connect(api, control, seller, "seller_one") == integration_id
    session.expire_all()
    assert session.get(AllegroIntegration, integration_id).status == "active"


def test_disconnect_wipes_tokens(api: TestClient, session: Session, control):
    user = make_user(session)
    integration_id = connect(api, control, user, "seller_one")
    assert api.post(f"/allegro/deactivate/{integration_id}", headers=bearer(user)).json() == {
        "success": True
    }
    session.expire_all()
    integration = session.get(AllegroIntegration, integration_id)
    assert integration.access_token is None and integration.status == "disconnected"


def test_authorize_requires_a_signed_in_user(api: TestClient, control):
    assert api.get("/allegro/auth/authorize").status_code == 401
    assert isinstance(control, httpx.Client)
