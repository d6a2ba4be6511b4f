"""refreshTokenIfNeeded against the emulator's rotating refresh tokens (scorecard row 4)."""

from __future__ import annotations

import contextlib
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.integrations.allegro.connection.refresh import (
    ReauthRequired,
    refresh_token_if_needed,
)
from invoicehub.integrations.allegro.connection.tokens import decrypt_token
from invoicehub.models import AllegroIntegration, Notification
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from tests.factories import make_user
from tests.support.allegro import connect, create_seller, emulator_control

ACCEPT = {"Accept": "application/vnd.allegro.public.v1+json"}


@pytest.fixture
def control(emulator_url: str):
    client = emulator_control(emulator_url)
    create_seller(client, "seller_one")
    yield client
    client.close()


def _expire_soon(session: Session, integration_id, minutes: int = 30) -> AllegroIntegration:
    integration = session.get(AllegroIntegration, integration_id)
    integration.token_expires_at = utcnow() + timedelta(minutes=minutes)
    session.add(integration)
    session.commit()
    return integration


def _refresh_calls(control) -> int:
    return control.get("/__emulator/stats").json()["tokenCalls"].get("refresh_token", 0)


def test_a_token_with_more_than_an_hour_left_is_used_as_is(
    api: TestClient, session: Session, control
):
    integration_id = connect(api, control, make_user(session), "seller_one")
    stored = session.get(AllegroIntegration, integration_id)
    control.delete("/__emulator/stats")
    assert refresh_token_if_needed(integration_id) == decrypt_token(
        stored.access_token, integration_id
    )
    assert _refresh_calls(control) == 0


def test_ten_workers_hitting_expiry_together_refresh_once(
    api: TestClient, session: Session, control
):
    integration_id = connect(api, control, make_user(session), "seller_one")
    version_before = _expire_soon(session, integration_id).token_version
    control.delete("/__emulator/stats")
    with ThreadPoolExecutor(max_workers=10) as pool:
        tokens = list(pool.map(lambda _: refresh_token_if_needed(integration_id), range(10)))
    assert _refresh_calls(control) == 1
    assert len(set(tokens)) == 1
    session.expire_all()
    after = session.get(AllegroIntegration, integration_id)
    assert after.status == "active" and after.token_version == version_before + 1
    assert after.token_expires_at - utcnow() > timedelta(hours=11)
    me = control.get("/me", headers={**ACCEPT, "Authorization": f"Bearer {tokens[0]}"})
    assert me.status_code == 200
    # The stored refresh token is the newest one: it refreshes again without invalid_grant.
    _expire_soon(session, integration_id)
    assert refresh_token_if_needed(integration_id) != tokens[0]
    assert _refresh_calls(control) == 2


def test_old_access_token_is_dead_after_refresh(api: TestClient, session: Session, control):
    integration_id = connect(api, control, make_user(session), "seller_one")
    old = decrypt_token(_expire_soon(session, integration_id).access_token, integration_id)
    new = refresh_token_if_needed(integration_id)
    assert (
        control.get("/me", headers={**ACCEPT, "Authorization": f"Bearer {old}"}).status_code == 401
    )
    assert (
        control.get("/me", headers={**ACCEPT, "Authorization": f"Bearer {new}"}).status_code == 200
    )


def test_a_revoked_account_needs_reauth_and_notifies_seller_and_admin(
    api: TestClient, session: Session, control
):
    integration_id = connect(api, control, make_user(session), "seller_one")
    _expire_soon(session, integration_id)
    control.post("/__emulator/sellers/seller_one/revoke").raise_for_status()
    with pytest.raises(ReauthRequired):
        refresh_token_if_needed(integration_id)
    session.expire_all()
    assert session.get(AllegroIntegration, integration_id).status == "needs_reauth"
    audiences = sorted(n.audience for n in session.exec(select(Notification)).all())
    assert audiences == ["admin", "user"]
    with pytest.raises(ReauthRequired):  # no second refresh attempt, no second notification
        refresh_token_if_needed(integration_id)
    assert len(session.exec(select(Notification)).all()) == 2


class _RedisWithoutLocks:
    """Redis as after it lost the refresh lock's key: every `lock` is granted at once."""

    def __init__(self, redis: Any) -> None:
        self._redis = redis

    def lock(self, *_: Any, **__: Any) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._redis, name)


def test_ten_workers_refresh_once_even_when_redis_loses_the_refresh_lock(
    api: TestClient, session: Session, control, monkeypatch: pytest.MonkeyPatch
):
    """Scorecard 4 without its fast path: the row lock and token_version alone decide."""
    integration_id = connect(api, control, make_user(session), "seller_one")
    version_before = _expire_soon(session, integration_id).token_version
    module = sys.modules[refresh_token_if_needed.__module__]
    monkeypatch.setattr(module, "get_redis", lambda: _RedisWithoutLocks(get_redis()))
    control.delete("/__emulator/stats")
    with ThreadPoolExecutor(max_workers=10) as pool:
        tokens = list(pool.map(lambda _: refresh_token_if_needed(integration_id), range(10)))
    assert _refresh_calls(control) == 1
    session.expire_all()
    after = session.get(AllegroIntegration, integration_id)
    assert after.status == "active" and after.token_version == version_before + 1
    assert set(tokens) == {decrypt_token(after.access_token, integration_id)}
