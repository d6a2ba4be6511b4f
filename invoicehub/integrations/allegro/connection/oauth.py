"""Connecting an Allegro account: authorization code + PKCE with a signed, single-use state.

The state names the user and tenant that started the flow and is signed with the server's secret;
its PKCE verifier stays in Redis (never in the browser) and is deleted on first use, so a state
can be redeemed once, within 10 minutes, and only by the user it was issued to.
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

from sqlmodel import Session, select

from invoicehub.auth.tokens import Principal
from invoicehub.integrations.allegro import lifecycle
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection.oauth_client import AllegroAuthClient
from invoicehub.integrations.allegro.connection.tokens import store_tokens
from invoicehub.integrations.allegro.errors import AllegroError
from invoicehub.integrations.allegro.lifecycle import ADMIN_HOLD
from invoicehub.models import AllegroIntegration, User
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings

STATE_TTL_SECONDS = 600


class ConnectError(Exception):
    """The connection was refused; the message is shown to the user."""


@dataclass(frozen=True)
class PendingAuthorization:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    code_verifier: str


def auth_client() -> AllegroAuthClient:
    settings = get_settings()
    return AllegroAuthClient(
        settings.allegro_client_id,
        settings.allegro_client_secret,
        oauth_url=settings.allegro_oauth_url,
    )


def start_authorization(principal: Principal) -> str:
    """Return the Allegro authorize URL for this user, with a fresh state and PKCE challenge."""
    payload = {
        "n": secrets.token_urlsafe(16),
        "u": str(principal.user_id),
        "t": str(principal.tenant_id),
        "e": int(time.time()) + STATE_TTL_SECONDS,
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    state = f"{body}.{_sign(body)}"
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = _b64(hashlib.sha256(verifier.encode()).digest())
    get_redis().set(_state_key(state), verifier, ex=STATE_TTL_SECONDS)
    with auth_client() as client:
        return client.build_authorize_url(
            get_settings().allegro_redirect_uri, state=state, code_challenge=challenge
        )


def redeem_state(
    state: str, principal: Principal | None, *, trust_state_owner: bool = False
) -> PendingAuthorization:
    """Check signature, expiry, owner and single use; the state is spent even when refused.

    `trust_state_owner` accepts a request that carries no identity at all (a redirect followed
    without the session cookie): the signed, single-use state then names the user. A request
    that carries another user's identity is always refused.
    """
    body, _, signature = (state or "").partition(".")
    # compare_digest refuses non-ASCII text (a TypeError): no state we issue contains any.
    if not body or not state.isascii() or not hmac.compare_digest(_sign(body), signature):
        raise ConnectError("The authorization request is not valid. Please connect again.")
    verifier = get_redis().getdel(_state_key(state))
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError as exc:
        raise ConnectError("The authorization request is not valid. Please connect again.") from exc
    if payload["e"] < time.time() or verifier is None:
        raise ConnectError(
            "The authorization request has expired or was already used. Please connect again."
        )
    pending = PendingAuthorization(
        user_id=uuid.UUID(payload["u"]),
        tenant_id=uuid.UUID(payload["t"]),
        code_verifier=verifier.decode() if isinstance(verifier, bytes) else str(verifier),
    )
    if principal is None and trust_state_owner:
        return pending
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
    trust_state_owner: bool = False,
) -> AllegroIntegration:
    """Exchange the code, identify the Allegro account, create or update the integration."""
    pending = redeem_state(state, principal, trust_state_owner=trust_state_owner)
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
    integration = session.exec(
        select(AllegroIntegration)
        .where(AllegroIntegration.allegro_user_id == allegro_user_id)
        .with_for_update()
    ).first()
    if integration is not None and integration.tenant_id != pending.tenant_id:
        raise ConnectError(
            f"The Allegro account {me.get('login', allegro_user_id)} is already connected to "
            "another "
            "Invoice-HUB company."
        )
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
