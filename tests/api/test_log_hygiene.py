"""Scorecard row 18: DEBUG logs of login, OAuth, token refresh and a sync hold no secret.

Everything runs for real in this process at DEBUG (root, httpx, httpcore, SQLAlchemy, RQ): the
API through the mounted app, the OAuth flow and the refresh against the emulator, and the sync
job in an in-process RQ worker. Every secret met on the way is then searched in the records.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from rq import SimpleWorker
from sqlmodel import Session

from invoicehub.auth.browser import issue_login_ticket
from invoicehub.integrations.allegro.connection.refresh import refresh_token_if_needed
from invoicehub.integrations.allegro.connection.tokens import decrypt_token
from invoicehub.jobs.queues import WORKER_QUEUES, get_queue
from invoicehub.models import AllegroIntegration
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings
from tests.factories import make_user
from tests.support.allegro import approve, create_seller, emulator_control

PASSWORD = "Very-Secret-Passw0rd-42"
LOGGERS = ("", "httpx", "httpcore", "sqlalchemy.engine", "rq", "invoicehub", "urllib3")
TAIL = 16  # a secret's tail is searched too: a log line may cut its head off


def _fragments(secret: str) -> set[str]:
    return {secret, secret[-TAIL:]} if len(secret) > 2 * TAIL else {secret}


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_no_secret_reaches_the_logs_across_login_oauth_refresh_and_sync(
    api: TestClient, session: Session, emulator_url: str, debug_logs: pytest.LogCaptureFixture
):
    secrets: dict[str, str] = {}
    control = emulator_control(emulator_url)
    create_seller(control, "hygiene_seller", orders=3)
    user = make_user(session, password=PASSWORD)
    secrets["password"] = PASSWORD

    login = api.post("/auth/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200
    jwt = login.json()["accessToken"]
    secrets["api token"] = jwt
    headers = {"Authorization": f"Bearer {jwt}"}
    wrong = api.post("/auth/login", json={"email": user.email, "password": PASSWORD + "x"})
    assert wrong.status_code == 401
    secrets["wrong password"] = PASSWORD + "x"

    # The browser's sign-in after the Reflex handler. The ticket itself is in a URL (access
    # logs see it) by design: it is spent by that very request, and dies within 30 s anyway.
    ticket = issue_login_ticket(user.id)
    opened = api.get(f"/auth/session/{ticket}", follow_redirects=False)
    secrets["session cookie"] = opened.cookies["ih_session"]
    site = {"Origin": "http://127.0.0.1:8000"}
    assert api.post("/auth/logout", headers=site, follow_redirects=False).status_code == 303
    api.cookies.clear()

    auth_url = api.get("/allegro/auth/authorize", headers=headers).json()["authUrl"]
    state = parse_qs(urlsplit(auth_url).query)["state"][0]
    stored = get_redis().get(f"oauth:state:{hashlib.sha256(state.encode()).hexdigest()}")
    assert stored is not None
    secrets["pkce verifier"] = json.loads(stored)["v"]
    callback = approve(control, auth_url, "hygiene_seller")
    secrets["authorization code"] = callback["code"]
    connected = api.post("/allegro/auth/callback", json=callback, headers=headers)
    assert connected.status_code == 200, connected.text
    integration_id = connected.json()["integration"]["id"]
    integration = session.get(AllegroIntegration, integration_id)
    assert integration is not None and integration.access_token and integration.refresh_token
    secrets["allegro access token"] = decrypt_token(integration.access_token, integration.id)
    secrets["allegro refresh token"] = decrypt_token(integration.refresh_token, integration.id)

    integration.token_expires_at = utcnow() + timedelta(minutes=5)  # under the 1 h margin
    session.add(integration)
    session.commit()
    secrets["refreshed access token"] = refresh_token_if_needed(integration.id)
    session.refresh(integration)
    assert integration.refresh_token is not None
    secrets["refreshed refresh token"] = decrypt_token(integration.refresh_token, integration.id)
    assert secrets["refreshed access token"] != secrets["allegro access token"]

    queued = api.post("/allegro/sync", json={"integrationId": integration_id}, headers=headers)
    assert queued.status_code == 202, queued.text
    SimpleWorker([get_queue(name) for name in WORKER_QUEUES], connection=get_redis()).work(
        burst=True, with_scheduler=True
    )
    run = api.get(f"/allegro/sync-runs/{queued.json()['runId']}", headers=headers).json()
    assert run["status"] == "succeeded", run

    settings = get_settings()
    secrets["client secret"] = settings.allegro_client_secret
    secrets["jwt secret"] = settings.jwt_secret
    for n, key in enumerate(settings.token_keys):
        secrets[f"vault key {n}"] = key.partition(":")[2]

    records = debug_logs.records
    assert len(records) > 50, "DEBUG capture did not work"
    assert any(r.name.startswith("httpx") for r in records)
    assert any(r.name.startswith("httpcore") for r in records)
    text = "\n".join(_rendered(r) for r in records)
    found = {
        name
        for name, secret in secrets.items()
        if any(fragment in text for fragment in _fragments(secret))
    }
    assert not found, f"secrets in the logs: {sorted(found)}"


def _rendered(record: logging.LogRecord) -> str:
    parts = [record.name, record.getMessage()]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return " ".join(parts)
