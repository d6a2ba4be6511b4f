"""AllegroService: the seed's facade over settings, connection state and syncs.

Every function takes the caller's principal and scopes its query to the caller's tenant, so a
foreign integration id behaves exactly like a missing one (the API answers 404).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, cast

from redis.exceptions import RedisError
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from invoicehub.activity import record_audit
from invoicehub.auth.accounts import default_company, default_company_id
from invoicehub.auth.tokens import Principal
from invoicehub.integrations.allegro.preferences import (
    AllegroSettings,
    merge_settings,
    with_defaults,
)
from invoicehub.integrations.allegro.views import IntegrationView
from invoicehub.models import AllegroIntegration
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_async_redis, get_redis

logger = logging.getLogger(__name__)
STATUS_CACHE_TTL_SECONDS = 300


class IntegrationNotFound(LookupError):
    pass


def _owned_by(principal: Principal, integration_id: uuid.UUID | str) -> list[Any]:
    """WHERE clauses for the caller's integration (any tenant for the platform admin)."""
    try:
        iid = uuid.UUID(str(integration_id))
    except ValueError as exc:
        raise IntegrationNotFound("integration not found") from exc
    clauses: list[Any] = [AllegroIntegration.id == iid]
    if not principal.is_admin:
        clauses.append(AllegroIntegration.tenant_id == principal.tenant_id)
    return clauses


def find_integration(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    *,
    for_update: bool = False,
) -> AllegroIntegration:
    """The caller's integration (any tenant for the platform admin when `principal.is_admin`)."""
    query = select(AllegroIntegration).where(*_owned_by(principal, integration_id))
    if for_update:
        query = query.with_for_update()
    integration = session.exec(query).first()
    if integration is None:
        raise IntegrationNotFound("integration not found")
    return integration


def lock_integration(session: Session, integration_id: uuid.UUID) -> AllegroIntegration:
    """The row, locked FOR NO KEY UPDATE (inserts of runs and orders referencing it still pass)."""
    query = (
        select(AllegroIntegration)
        .where(AllegroIntegration.id == integration_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    return session.exec(query).one()


def list_integrations(session: Session, principal: Principal) -> list[AllegroIntegration]:
    query = (
        select(AllegroIntegration)
        .where(AllegroIntegration.tenant_id == principal.tenant_id)
        .order_by(col(AllegroIntegration.created_at))
    )
    return list(session.exec(query).all())


def get_settings_with_defaults(
    session: Session, integration: AllegroIntegration
) -> AllegroSettings:
    company = default_company(session, integration.tenant_id)
    return with_defaults(integration.settings, company.id if company else None)


def get_settings(
    session: Session, principal: Principal, integration_id: uuid.UUID | str
) -> AllegroSettings:
    """The stored settings over the defaults, in one query (a hot API read)."""
    query = select(
        AllegroIntegration.settings, default_company_id(AllegroIntegration.tenant_id)
    ).where(*_owned_by(principal, integration_id))
    row = session.exec(query).first()
    if row is None:
        raise IntegrationNotFound("integration not found")
    stored, company_id = row
    return with_defaults(stored, company_id)


def update_settings(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    partial: Any,
    *,
    ip: str | None = None,
) -> AllegroSettings:
    """Validate, merge and save; on any error raise SettingsError and store nothing."""
    integration = find_integration(session, principal, integration_id, for_update=True)
    current = get_settings_with_defaults(session, integration)
    merged = merge_settings(session, integration.tenant_id, current, partial)
    before = current.stored()
    integration.settings = merged.stored()
    if merged.sync_frequency_minutes != current.sync_frequency_minutes and integration.last_sync_at:
        integration.next_sync_at = integration.last_sync_at + timedelta(
            minutes=merged.sync_frequency_minutes
        )
    integration.updated_at = utcnow()
    session.add(integration)
    record_audit(
        session,
        "allegro.settings.update" if not principal.is_admin else "admin.allegro.settings.update",
        principal=principal,
        tenant_id=integration.tenant_id,
        target_type="allegro_integration",
        target_id=integration.id,
        before=before,
        after=merged.stored(),
        ip=ip,
    )
    session.commit()
    return merged


def integration_status(integration: AllegroIntegration) -> IntegrationView:
    """The integration as the API shows it: never any token."""
    return IntegrationView.of(integration)


def cached_status_json(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    render: Callable[[IntegrationView], bytes],
) -> bytes:
    """The integration's status as `render` spells it (the API's JSON), through the 5-minute
    Redis cache like the settings: a hash of the owner's tenant id and the rendered status, so a
    hit is answered as it is stored, nothing parsed. Ownership is still checked on every read."""
    status = integration_status(find_integration(session, principal, integration_id))
    rendered = render(status)
    _store(status_key(integration_id), status.tenant_id, {"status": rendered})
    return rendered


async def status_json_from_cache_async(
    principal: Principal, integration_id: uuid.UUID | str
) -> bytes | None:
    """The cached status JSON, if any (no database, nothing parsed); a foreign one raises
    IntegrationNotFound."""
    return await _cached_async(principal, status_key(integration_id), "status")


# Each entry is a hash of the owner's tenant id and one JSON answer; a new shape gets new key
# names, so an entry written by an older release is never read as the new one (it expires).
def status_key(integration_id: uuid.UUID | str) -> str:
    return f"allegro:status-json:{integration_id}"


def settings_key(integration_id: uuid.UUID | str) -> str:
    return f"allegro:settings-view:{integration_id}"


def cached_settings_json(
    session: Session, principal: Principal, integration_id: uuid.UUID | str
) -> bytes:
    """The integration's settings over the defaults as JSON (camelCase keys, as they are stored and
    as the API spells them), cached like the status.

    What it depends on changes only through `update_settings` (which drops the cache) and the
    tenant's default company, which exists before the tenant has any integration. The entry is a
    Redis hash: the owner's tenant id and the settings JSON.
    """
    query = select(
        AllegroIntegration.tenant_id,
        AllegroIntegration.settings,
        default_company_id(AllegroIntegration.tenant_id),
    ).where(*_owned_by(principal, integration_id))
    row = session.exec(query).first()
    if row is None:
        raise IntegrationNotFound("integration not found")
    tenant_id, stored, company_id = row
    settings = with_defaults(stored, company_id).model_dump_json(by_alias=True).encode()
    _store(settings_key(integration_id), tenant_id, {"settings": settings})
    return settings


async def settings_json_from_cache_async(
    principal: Principal, integration_id: uuid.UUID | str
) -> bytes | None:
    """The cached settings JSON, if any (no database, nothing parsed); a foreign one raises
    IntegrationNotFound."""
    return await _cached_async(principal, settings_key(integration_id), "settings")


def _store(key: str, tenant_id: uuid.UUID, answer: dict[str, bytes]) -> None:
    pipe = get_redis().pipeline(transaction=True)
    pipe.hset(key, mapping={"tenant_id": str(tenant_id), **answer})
    pipe.expire(key, STATUS_CACHE_TTL_SECONDS)
    pipe.execute()


async def _cached_async(principal: Principal, key: str, field: str) -> bytes | None:
    fields = get_async_redis().hmget(key, ["tenant_id", field])
    tenant, answer = await cast(Awaitable[list[bytes | None]], fields)
    if tenant is None or answer is None:
        return None
    if principal.is_admin or tenant.decode() == str(principal.tenant_id):
        return answer
    raise IntegrationNotFound("integration not found")


# The cached status and settings go stale when a transaction that changed an integration row
# commits: the ids are noted at every flush and both cache entries dropped once, after the
# commit. A rollback keeps the notes (an extra invalidation is harmless; a missed one is not).
_CHANGED = "invoicehub.allegro.changed_integrations"


@event.listens_for(OrmSession, "after_flush")
def _note_changed_integrations(session: OrmSession, _flush_context: Any) -> None:
    changed = [
        obj.id
        for obj in (*session.new, *session.dirty, *session.deleted)
        if isinstance(obj, AllegroIntegration)
    ]
    if changed:
        session.info.setdefault(_CHANGED, set()).update(changed)


@event.listens_for(OrmSession, "after_commit")
def _drop_changed_statuses(session: OrmSession) -> None:
    changed = session.info.pop(_CHANGED, None)
    if not changed:
        return
    try:
        keys = [key(iid) for iid in changed for key in (status_key, settings_key)]
        get_redis().delete(*keys)
    except RedisError:  # the commit stands; the entries expire within STATUS_CACHE_TTL_SECONDS
        logger.warning("could not drop the cached status of %d integrations", len(changed))
