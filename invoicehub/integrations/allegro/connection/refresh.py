"""refreshTokenIfNeeded: a valid access token, refreshed once across every process.

Allegro rotates refresh tokens (the old pair dies 60 s after use), so two workers refreshing at
once would leave one of them with dead tokens. A Redis lock makes the refresh single-flight,
the row lock and `token_version` make the write safe even without Redis, and `invalid_grant`
re-reads the row before declaring `needs_reauth` (another process may just have won the race).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import select

from invoicehub.db import session_scope
from invoicehub.integrations.allegro.connection.oauth import auth_client
from invoicehub.integrations.allegro.connection.tokens import decrypt_token, store_tokens
from invoicehub.integrations.allegro.errors import AuthError
from invoicehub.integrations.allegro.lifecycle import mark_needs_reauth, may_sync
from invoicehub.models import AllegroIntegration
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis

REFRESH_MARGIN = timedelta(hours=1)
LOCK_TIMEOUT_SECONDS = 60
LOCK_WAIT_SECONDS = 45


class ReauthRequired(Exception):
    """The seller must connect the Allegro account again."""


def _fresh_enough(integration: AllegroIntegration) -> bool:
    expires = integration.token_expires_at
    return expires is not None and expires - utcnow() > REFRESH_MARGIN


def _usable(integration: AllegroIntegration | None) -> AllegroIntegration:
    if integration is None or not may_sync(integration) or not integration.access_token:
        raise ReauthRequired("the Allegro connection is not active")
    return integration


def refresh_token_if_needed(integration_id: uuid.UUID) -> str:
    """Return a usable access token for the integration, refreshing it when under 1 h remains."""
    with session_scope() as session:
        integration = _usable(session.get(AllegroIntegration, integration_id))
        if _fresh_enough(integration):
            return decrypt_token(integration.access_token or "", integration.id)
    lock = get_redis().lock(
        f"allegro:refresh-lock:{integration_id}",
        timeout=LOCK_TIMEOUT_SECONDS,
        blocking_timeout=LOCK_WAIT_SECONDS,
    )
    with lock:
        return _refresh_locked(integration_id)


def _refresh_locked(integration_id: uuid.UUID) -> str:
    with session_scope() as session:
        integration = _usable(
            session.exec(
                select(AllegroIntegration)
                .where(AllegroIntegration.id == integration_id)
                .with_for_update()
            ).first()
        )
        if _fresh_enough(integration):  # another process refreshed while we waited
            return decrypt_token(integration.access_token or "", integration.id)
        version = integration.token_version
        try:
            with auth_client() as client:
                tokens = client.refresh(
                    decrypt_token(integration.refresh_token or "", integration.id)
                )
        except AuthError:
            session.rollback()
            return _after_refused_refresh(integration_id, version)
        now = utcnow()
        access = tokens.access_token.get_secret_value()
        store_tokens(session, integration, access, tokens.refresh_token.get_secret_value())
        integration.token_expires_at = now + timedelta(seconds=int(tokens.expires_in))
        integration.token_version = version + 1
        integration.updated_at = now
        session.add(integration)
    get_redis().set(f"allegro:refresh-state:{integration_id}", now.isoformat(), ex=86400)
    return access


def _after_refused_refresh(integration_id: uuid.UUID, version: int) -> str:
    """invalid_grant: use a pair another process stored meanwhile, else ask for re-authorisation."""
    with session_scope() as session:
        integration = session.exec(
            select(AllegroIntegration)
            .where(AllegroIntegration.id == integration_id)
            .with_for_update()
        ).one()
        if (
            integration.token_version != version
            and integration.access_token
            and _fresh_enough(integration)
        ):
            return decrypt_token(integration.access_token, integration.id)
        mark_needs_reauth(
            session, integration, "Allegro refused the refresh token (invalid_grant)."
        )
    raise ReauthRequired("Allegro refused the refresh token")
