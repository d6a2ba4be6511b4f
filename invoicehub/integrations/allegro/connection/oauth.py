"""Connecting an Allegro account: authorization code + PKCE with a signed, single-use state.

The state names the user and tenant that started the flow and is signed with the server's secret;
its PKCE verifier stays in Redis (never in the browser) and is deleted on first use, so a state
can be redeemed once, within 10 minutes, and only by the user it was issued to.

A state started in the browser is also bound to that browser's session (a hash of the session
token's hash, kept in Redis beside the verifier): Allegro's redirect completes only in that same
signed-in session. Otherwise a seller tricked into approving someone else's authUrl would link
their Allegro account to the other person's company. A state started through the API carries no
binding; its client finishes it with POST and its bearer token, never through the redirect.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlmodel import Session, select

from invoicehub.auth.tokens import Principal
from invoicehub.integrations.allegro import lifecycle
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection.oauth_client import AllegroAuthClient
from invoicehub.integrations.allegro.connection.reconnect import (
    RECONNECT_KEY,
    ReconnectMismatch,
    check_reconnect_target,
)
from invoicehub.integrations.allegro.connection.tokens import store_tokens
from invoicehub.integrations.allegro.errors import AllegroError
from invoicehub.integrations.allegro.lifecycle import ADMIN_HOLD
from invoicehub.models import AllegroIntegration, User
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings

STATE_TTL_SECONDS = 600
# Only what the product calls: /me (profile:read); order events, checkout forms, customer
# returns and invoice lists (orders:read); invoice uploads to orders (orders:write); refunds
# (payments:read). Without `scope` Allegro grants every scope the app is registered for.
ALLEGRO_SCOPES = (
    "allegro:api:profile:read",
    "allegro:api:orders:read",
    "allegro:api:orders:write",
    "allegro:api:payments:read",
)


class ConnectError(Exception):
    """The connection was refused; the message is shown to the user."""


class NotThisBrowser(ConnectError):
    """Allegro's redirect reached another browser session than the one that asked for it."""


FOREIGN_SESSION = (
    "This Allegro authorization was not started in this browser session, so no Allegro account "
    "was connected. To connect your account, sign in to Invoice-HUB in this browser and click "
    "Connect on the Integrations tab of Settings. If someone sent you this link, ignore it."
)
STARTED_BY_API = (
    "This Allegro authorization was started by an API client, so it was not completed here and "
    "no Allegro account was connected. The client finishes it with POST "
    "/api/v1/allegro/auth/callback (code and state) and its own bearer token."
)
ACCOUNT_UNAVAILABLE = (
    "This Allegro account cannot be connected to your company. If it is yours, contact support."
)


@dataclass(frozen=True)
class PendingAuthorization:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    code_verifier: str
    reconnect_id: str | None = None  # the integration a Reconnect is for (reconnect.py)


def auth_client() -> AllegroAuthClient:
    settings = get_settings()
    return AllegroAuthClient(
        settings.allegro_client_id,
        settings.allegro_client_secret,
        oauth_url=settings.allegro_oauth_url,
    )


def start_authorization(
    principal: Principal,
    *,
    browser_session_hash: str | None = None,
    reconnect: str | None = None,
) -> str:
    """Return the Allegro authorize URL for this user, with a fresh state and PKCE challenge.

    `browser_session_hash` (the session token's hash, as Reflex sees the cookie) binds the state
    to that browser session; without it (an API client) only POST can redeem the state.
    `reconnect` names the integration a Reconnect is for: the callback then accepts only its
    Allegro account (reconnect.py).
    """
    payload = {
        "n": secrets.token_urlsafe(16),
        "u": str(principal.user_id),
        "t": str(principal.tenant_id),
        "e": int(time.time()) + STATE_TTL_SECONDS,
    }
    if reconnect:
        payload[RECONNECT_KEY] = reconnect
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    state = f"{body}.{_sign(body)}"
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    binding = _binding(browser_session_hash) if browser_session_hash else None
    get_redis().set(
        _state_key(state), json.dumps({"v": verifier, "b": binding}), ex=STATE_TTL_SECONDS
    )
    with auth_client() as client:
        return client.build_authorize_url(
            get_settings().allegro_redirect_uri,
            state=state,
            code_challenge=challenge,
            scopes=ALLEGRO_SCOPES,
        )


def redeem_state(
    state: str, principal: Principal | None, *, browser_session_hash: str | None = None
) -> PendingAuthorization:
    """Check signature, expiry, owner, binding and single use.

    `browser_session_hash` is given for Allegro's redirect to the browser ("" without a valid
    session): the state must have been issued to that very session, else it is spent and
    refused. A state an API client started is left for that client's POST.
    """
    body, _, signature = (state or "").partition(".")
    # compare_digest refuses non-ASCII text (a TypeError): no state we issue contains any.
    if not body or not state.isascii() or not hmac.compare_digest(_sign(body), signature):
        raise ConnectError("The authorization request is not valid. Please connect again.")
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError as exc:
        raise ConnectError("The authorization request is not valid. Please connect again.") from exc
    redis, key = get_redis(), _state_key(state)
    if browser_session_hash is not None:
        _check_browser_binding(key, browser_session_hash)
    stored = cast(bytes | None, redis.getdel(key))
    if payload["e"] < time.time() or stored is None:
        raise ConnectError(
            "The authorization request has expired or was already used. Please connect again."
        )
    pending = PendingAuthorization(
        user_id=uuid.UUID(payload["u"]),
        tenant_id=uuid.UUID(payload["t"]),
        code_verifier=str(_stored_state(stored)["v"]),
        reconnect_id=payload.get(RECONNECT_KEY),
    )
    if (
        principal is None
        or principal.user_id != pending.user_id
        or principal.tenant_id != pending.tenant_id
    ):
        raise ConnectError("This authorization was started by another user. Please connect again.")
    return pending


def complete_authorization(
    session: Session,
    code: str,
    state: str,
    principal: Principal | None,
    *,
    ip: str | None = None,
    browser_session_hash: str | None = None,
) -> AllegroIntegration:
    """Exchange the code, identify the Allegro account, create or update the integration.

    `browser_session_hash`: see `redeem_state` (given for Allegro's redirect to the browser).
    """
    pending = redeem_state(state, principal, browser_session_hash=browser_session_hash)
    owner = session.get(User, pending.user_id)
    if owner is None or not owner.is_active or owner.tenant_id != pending.tenant_id:
        raise ConnectError("The account that started this authorization no longer exists.")
    if not code:
        raise ConnectError("Allegro did not return an authorization code.")
    try:
        with auth_client() as client:
            tokens = client.exchange_code(
                code, get_settings().allegro_redirect_uri, pending.code_verifier
            )
        access = tokens.access_token.get_secret_value()
        with AllegroApiClient(access, base_url=get_settings().allegro_api_url) as api:
            me = api.get_me()
    except AllegroError as exc:
        raise ConnectError(
            f"Allegro refused the connection ({type(exc).__name__}). Please try again."
        ) from exc
    allegro_user_id = str(me["id"])
    try:
        check_reconnect_target(
            session, pending.reconnect_id, pending.tenant_id, allegro_user_id, me.get("login", "")
        )
    except ReconnectMismatch as exc:
        raise ConnectError(str(exc)) from exc
    integration = session.exec(
        select(AllegroIntegration)
        .where(AllegroIntegration.allegro_user_id == allegro_user_id)
        .with_for_update()
    ).first()
    if integration is not None and integration.tenant_id != pending.tenant_id:
        # Nothing about the other company, nor that the account uses Invoice-HUB at all.
        raise ConnectError(ACCOUNT_UNAVAILABLE)
    if integration is not None and lifecycle.under_admin_hold(integration):
        raise ConnectError(ADMIN_HOLD)
    reconnect = integration is not None
    if integration is None:
        integration = AllegroIntegration(
            tenant_id=pending.tenant_id, user_id=pending.user_id, allegro_user_id=allegro_user_id
        )
        session.add(integration)
        session.flush()
    now = utcnow()
    store_tokens(
        session,
        integration,
        tokens.access_token.get_secret_value(),
        tokens.refresh_token.get_secret_value(),
    )
    integration.token_expires_at = now + timedelta(seconds=int(tokens.expires_in))
    integration.allegro_login = str(me.get("login") or "")[:100]
    lifecycle.connect(session, integration, reconnect=reconnect, principal=principal, ip=ip)
    session.commit()
    return integration


def _check_browser_binding(key: str, browser_session_hash: str) -> None:
    """Refuse a redirect that reached another browser session (spending the state), or that
    carries a state an API client started (kept for that client's POST)."""
    redis = get_redis()
    stored = cast(bytes | None, redis.get(key))
    if stored is None:
        return  # expired or already used: said by the caller
    binding = _stored_state(stored).get("b")
    if binding is None:
        raise NotThisBrowser(STARTED_BY_API)
    if not browser_session_hash or not hmac.compare_digest(binding, _binding(browser_session_hash)):
        redis.delete(key)
        raise NotThisBrowser(FOREIGN_SESSION)


def _stored_state(raw: bytes) -> dict[str, Any]:
    """The verifier and binding kept for a state (a bare verifier: a state issued before
    bindings existed, which only POST can redeem)."""
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    return value if isinstance(value, dict) else {"v": raw.decode(), "b": None}


def _binding(browser_session_hash: str) -> str:
    return hashlib.sha256(f"allegro-oauth:{browser_session_hash}".encode()).hexdigest()


def _state_key(state: str) -> str:
    return f"oauth:state:{hashlib.sha256(state.encode()).hexdigest()}"


def _sign(body: str) -> str:
    return _b64(
        hmac.new(
            get_settings().jwt_secret.encode(), f"allegro-state:{body}".encode(), hashlib.sha256
        ).digest()
    )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
