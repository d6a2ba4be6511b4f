"""The integration's lifecycle: its status and every transition between statuses, in one place.

    connect / reconnect ─────────────────────────────▶ active
    active ── Allegro refuses the tokens ────────────▶ needs_reauth ── connect ──▶ active
    active ── MAX_CONSECUTIVE_FAILURES failed runs ──▶ disabled ── admin enable ──▶ active
    any ── admin disable ────────────────────────────▶ disabled (an admin hold)
    any ── disconnect ───────────────────────────────▶ disconnected ── connect ──▶ active

An admin's disable is a hold (`admin_disabled_at`) that connecting again cannot lift: only an
admin's enable does. Only `active` integrations sync (`may_sync`). `is_active` (the seed's field,
still in the API) is derived by the model: neither disabled nor disconnected.

Every transition changes the (locked) row in the caller's transaction and records an audit event
(a system one when no person acted); the caller commits. Nobody invalidates the cached status by
hand: service.py drops it after the commit of any transaction that changed the row.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session

from invoicehub.activity import notify, record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.domain.plain_errors import explain_failure
from invoicehub.i18n import N_, gettext
from invoicehub.integrations.allegro.service import find_integration, lock_integration
from invoicehub.models import AllegroIntegration, Audience, IntegrationStatus
from invoicehub.models.base import utcnow

MAX_CONSECUTIVE_FAILURES = 5
SYNCABLE = frozenset({IntegrationStatus.ACTIVE})
# A msgid: the pages show it in the reader's language.
ADMIN_HOLD = N_(
    "A platform administrator has disabled syncing for this Allegro account. "
    "Contact support to have it enabled again."
)
# The hold with the admin's reason: one msgid, so a stored notification body is matched back to
# it (invoicehub/i18n/stored.py) and shown in the reader's language.
ADMIN_HOLD_WITH_REASON = N_(
    "A platform administrator has disabled syncing for this Allegro account. "
    "Contact support to have it enabled again. Reason given by the administrator: {reason}"
)
_TARGET = "allegro_integration"


class TransitionRefused(Exception):
    """The integration cannot make this move from where it is (the message says why)."""


class SyncNotAllowed(TransitionRefused):
    """The integration cannot sync now (disabled, disconnected, needs re-authorisation)."""


def admin_hold_text(reason: str | None, language: str = "en") -> str:
    """The standard hold text, and the admin's reason when one was given (English, as stored,
    unless a reader's `language` is given)."""
    if reason:
        return gettext(language, ADMIN_HOLD_WITH_REASON, reason=reason)
    return gettext(language, ADMIN_HOLD)


def status_of(integration: AllegroIntegration) -> IntegrationStatus:
    return IntegrationStatus(integration.status)


def under_admin_hold(integration: AllegroIntegration) -> bool:
    return integration.admin_disabled_at is not None


def may_sync(integration: AllegroIntegration) -> bool:
    """The one rule for whether a sync may start or go on."""
    return status_of(integration) in SYNCABLE


def not_syncable_reason(integration: AllegroIntegration) -> str:
    if status_of(integration) == IntegrationStatus.NEEDS_REAUTH:
        return "the Allegro account needs to be connected again"
    return f"the integration is {integration.status}"


def _move(integration: AllegroIntegration, status: IntegrationStatus, now: datetime) -> None:
    integration.status = status.value
    integration.updated_at = now


def _audit(
    session: Session,
    integration: AllegroIntegration,
    action: str,
    *,
    principal: Principal | None = None,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
    ip: str | None = None,
) -> None:
    record_audit(
        session,
        action,
        principal=principal,
        tenant_id=integration.tenant_id,
        target_type=_TARGET,
        target_id=integration.id,
        before=before,
        after=after,
        ip=ip,
    )


def _snapshot(integration: AllegroIntegration) -> dict[str, object]:
    return {"status": integration.status, "isActive": integration.is_active}


def connect(
    session: Session,
    integration: AllegroIntegration,
    *,
    reconnect: bool,
    principal: Principal | None,
    ip: str | None = None,
) -> None:
    """Tokens were just stored: active, the failure streak forgotten, a sync due now.

    Raises TransitionRefused (ADMIN_HOLD) while an admin holds the integration disabled.
    """
    if under_admin_hold(integration):
        raise TransitionRefused(ADMIN_HOLD)
    now = utcnow()
    _move(integration, IntegrationStatus.ACTIVE, now)
    integration.sync_error_count = 0
    integration.last_sync_error = None
    integration.token_version += 1
    integration.next_sync_at = now
    session.add(integration)
    _audit(
        session,
        integration,
        "allegro.reconnect" if reconnect else "allegro.connect",
        principal=principal,
        after={
            "allegroUserId": integration.allegro_user_id,
            "allegroLogin": integration.allegro_login,
        },
        ip=ip,
    )


def mark_needs_reauth(session: Session, integration: AllegroIntegration, reason: str) -> None:
    """Set `needs_reauth` and tell the seller and the platform admin (once per transition)."""
    if status_of(integration) == IntegrationStatus.NEEDS_REAUTH:
        return
    before = _snapshot(integration)
    _move(integration, IntegrationStatus.NEEDS_REAUTH, utcnow())
    integration.last_sync_error = reason
    session.add(integration)
    title = f"Allegro account {integration.login_label} needs to be connected again"
    for audience in (Audience.USER, Audience.ADMIN):
        notify(
            session,
            kind="allegro.needs_reauth",
            title=title,
            # the seller reads a plain sentence; the admin's copy keeps the technical detail
            body=explain_failure(reason).text if audience == Audience.USER else reason,
            audience=audience,
            tenant_id=integration.tenant_id,
            user_id=integration.user_id if audience == Audience.USER else None,
            integration_id=integration.id,
        )
    _audit(
        session, integration, "allegro.needs_reauth", before=before, after=_snapshot(integration)
    )


def record_sync_success(
    session: Session, integration: AllegroIntegration, next_sync_at: datetime
) -> None:
    """A run succeeded: the failure streak ends and the next sync is scheduled."""
    now = utcnow()
    integration.sync_error_count = 0
    integration.last_sync_error = None
    integration.last_sync_at = now
    integration.next_sync_at = next_sync_at
    integration.updated_at = now
    session.add(integration)


def count_failure(
    session: Session, integration: AllegroIntegration, error: str, next_sync_at: datetime
) -> bool:
    """One more consecutive failed run of an active integration; True when it disabled it.

    Runs are counted, not attempts: a 20-minute Allegro outage must not disable every seller.
    """
    if not may_sync(integration):
        return False
    integration.sync_error_count += 1
    integration.last_sync_error = error
    integration.updated_at = utcnow()
    session.add(integration)
    if integration.sync_error_count < MAX_CONSECUTIVE_FAILURES:
        integration.next_sync_at = next_sync_at
        return False
    before = _snapshot(integration)
    _move(integration, IntegrationStatus.DISABLED, integration.updated_at)
    integration.next_sync_at = None
    _audit(
        session,
        integration,
        "allegro.disabled",
        before=before,
        after={**_snapshot(integration), "syncErrorCount": integration.sync_error_count},
    )
    return True


def disconnect(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    *,
    ip: str | None = None,
) -> None:
    """The seller disconnects: tokens wiped, status `disconnected`, no more syncs; commits."""
    integration = find_integration(session, principal, integration_id, for_update=True)
    integration.access_token = integration.refresh_token = None
    integration.token_expires_at = None
    _move(integration, IntegrationStatus.DISCONNECTED, utcnow())
    integration.next_sync_at = None
    integration.token_version += 1
    session.add(integration)
    _audit(session, integration, "allegro.disconnect", principal=principal, ip=ip)
    session.commit()


def set_enabled(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    enabled: bool,
    *,
    ip: str | None = None,
    reason: str = "",
) -> AllegroIntegration:
    """Admin: disable an integration, or enable it again (failure count reset, sync due now);
    commits.

    An admin's disable holds until an admin enables it: the seller cannot lift it by connecting
    again. Enabling one the seller has disconnected (or must re-authorise) lifts the hold only;
    it starts once the seller connects it. Raises PermissionError for a non-admin and
    SyncNotAllowed for enabling such an integration that no admin holds.
    """
    if not principal.is_admin:
        raise PermissionError("administrator role required")
    integration = lock_integration(session, find_integration(session, principal, integration_id).id)
    before = _snapshot(integration)
    now = utcnow()
    status = status_of(integration)
    if not enabled:
        _move(integration, IntegrationStatus.DISABLED, now)
        integration.next_sync_at = None
        integration.admin_disabled_at = now
        integration.admin_disabled_reason = reason.strip()[:500] or None
    elif status in (IntegrationStatus.NEEDS_REAUTH, IntegrationStatus.DISCONNECTED):
        if not under_admin_hold(integration):
            raise SyncNotAllowed(f"the integration is {status}: connect it again")
        integration.admin_disabled_at = integration.admin_disabled_reason = None
        integration.updated_at = now
    else:
        _move(integration, IntegrationStatus.ACTIVE, now)
        integration.sync_error_count = 0
        integration.last_sync_error = None
        integration.next_sync_at = now
        integration.admin_disabled_at = integration.admin_disabled_reason = None
    session.add(integration)
    change = "enabled again" if enabled else "disabled"
    notify(
        session,
        kind="allegro.enabled" if enabled else "allegro.disabled_by_admin",
        title=f"Allegro account {integration.login_label} {change} by the platform administrator",
        body="" if enabled else admin_hold_text(integration.admin_disabled_reason),
        tenant_id=integration.tenant_id,
        user_id=integration.user_id,
        integration_id=integration.id,
    )
    _audit(
        session,
        integration,
        "admin.allegro.enable" if enabled else "admin.allegro.disable",
        principal=principal,
        before=before,
        after={
            **_snapshot(integration),
            **({} if enabled else {"reason": integration.admin_disabled_reason}),
        },
        ip=ip,
    )
    session.commit()
    return integration
