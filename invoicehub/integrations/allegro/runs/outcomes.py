"""What a sync run's end does to the run row and to its integration (ARCHITECTURE §6).

queued -> running -> (retrying -> running)* -> succeeded | failed. A success resets the
integration's failure count and schedules the next sync; a run that ends failed (its retries used
up, or a failure no retry can fix) counts one failure, tells the platform admin, and the
MAX_CONSECUTIVE_FAILURES-th in a row disables the integration (one admin notification per
streak: see _count_failure). The integration's transitions are lifecycle.py's; each function
here is its own transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.activity import notify
from invoicehub.db import session_scope
from invoicehub.domain.plain_errors import explain_failure
from invoicehub.domain.seller_data import notify_seller_data_missing
from invoicehub.integrations.allegro import lifecycle
from invoicehub.integrations.allegro.service import get_settings_with_defaults, lock_integration
from invoicehub.jobs.after_sync import enqueue_after_sync
from invoicehub.models import (
    AllegroIntegration,
    Audience,
    IntegrationStatus,
    Notification,
    SyncRun,
    SyncStatus,
)
from invoicehub.models.base import utcnow

MAX_ERROR_LENGTH = 2000
ACTIVE_STATUSES = (SyncStatus.QUEUED.value, SyncStatus.RUNNING.value, SyncStatus.RETRYING.value)
_runs: sa.Table = SyncRun.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ClaimedRun:
    run_id: uuid.UUID
    integration_id: uuid.UUID
    attempts: int
    trigger: str


def active_run_integration(run_id: uuid.UUID) -> uuid.UUID | None:
    """The integration of a run that may still execute; None for a finished or missing run."""
    with session_scope() as session:
        row = session.connection().execute(
            sa.select(_runs.c.integration_id).where(
                _runs.c.id == run_id, _runs.c.status.in_(ACTIVE_STATUSES)
            )
        )
        return row.scalar_one_or_none()


def claim_run(run_id: uuid.UUID) -> ClaimedRun | None:
    """Move the run to `running` (one more attempt); None when it is already finished."""
    stmt = (
        sa.update(_runs)
        .where(_runs.c.id == run_id, _runs.c.status.in_(ACTIVE_STATUSES))
        .values(
            status=SyncStatus.RUNNING.value,
            attempts=_runs.c.attempts + 1,
            started_at=sa.func.coalesce(_runs.c.started_at, sa.func.now()),
        )
        .returning(_runs.c.integration_id, _runs.c.attempts, _runs.c.trigger)
    )
    with session_scope() as session:
        row = session.connection().execute(stmt).one_or_none()
    if row is None:
        return None
    return ClaimedRun(run_id, row.integration_id, row.attempts, row.trigger)


def record_retrying(run_id: uuid.UUID, error: str) -> None:
    with session_scope() as session:
        session.connection().execute(
            sa.update(_runs)
            .where(_runs.c.id == run_id)
            .values(status=SyncStatus.RETRYING.value, error=error[:MAX_ERROR_LENGTH])
        )


def record_success(run_id: uuid.UUID) -> None:
    with session_scope() as session:
        run = _finish(session, run_id, SyncStatus.SUCCEEDED, None)
        integration = lock_integration(session, run.integration_id)
        lifecycle.record_sync_success(session, integration, _next_sync(session, integration))
        enqueue_after_sync(session, integration.tenant_id)  # KSeF: send what the sync issued
        if run.needs_review:
            _notify_held(session, integration, run.needs_review)
            notify_seller_data_missing(session, integration.tenant_id, integration.user_id)


def _notify_held(session: Session, integration: AllegroIntegration, held: int) -> None:
    orders = "1 order" if held == 1 else f"{held} orders"
    notify(
        session,
        kind="allegro.needs_review",
        title=f"{orders} from {integration.login_label} set aside for review",
        body="Settings → Integrations lists them with the reason. Fix the cause, then run a "
        "manual sync: it tries them again.",
        tenant_id=integration.tenant_id,
        user_id=integration.user_id,
        integration_id=integration.id,
    )


def record_failure(run_id: uuid.UUID, error: str, *, counts: bool = True) -> None:
    """End the run failed; when `counts`, one more consecutive failure of the integration."""
    with session_scope() as session:
        run = _finish(session, run_id, SyncStatus.FAILED, error)
        integration = lock_integration(session, run.integration_id)
        if counts:
            _count_failure(session, integration, error[:MAX_ERROR_LENGTH])


def record_needs_reauth(run_id: uuid.UUID, reason: str) -> None:
    """Allegro refused the tokens: the seller must connect again; no retry can help."""
    with session_scope() as session:
        run = _finish(session, run_id, SyncStatus.FAILED, f"re-authorisation needed: {reason}")
        integration = lock_integration(session, run.integration_id)
        if integration.status in (IntegrationStatus.ACTIVE, IntegrationStatus.NEEDS_REAUTH):
            # A run that ended refused is a failed sync like any other: the seller's "failed
            # syncs in a row" must not stay 0.
            integration.sync_error_count += 1
        lifecycle.mark_needs_reauth(session, integration, reason[:MAX_ERROR_LENGTH])


def _finish(session: Session, run_id: uuid.UUID, status: SyncStatus, error: str | None) -> SyncRun:
    run = session.exec(select(SyncRun).where(SyncRun.id == run_id).with_for_update()).one()
    run.status = status.value
    run.finished_at = utcnow()
    run.error = error[:MAX_ERROR_LENGTH] if error else None
    session.add(run)
    return run


def _count_failure(session: Session, integration: AllegroIntegration, error: str) -> None:
    """One more failed run. The admin hears of a failure streak once: its first failure adds a
    notification, and the disable (a new fact) turns that same notification into the disable,
    unread again, instead of adding another; a success ends the streak."""
    if not lifecycle.may_sync(integration):
        return
    disabled = lifecycle.count_failure(
        session, integration, error, _next_sync(session, integration)
    )
    login = integration.login_label
    if disabled:
        title = (
            f"Allegro account {login} disabled after {integration.sync_error_count} failed syncs"
        )
        _tell_admin_of_streak(session, integration, "allegro.disabled", title, error)
        notify(
            session,
            kind="allegro.disabled",
            title=title,
            body=explain_failure(error).text,  # English, translated when shown
            audience=Audience.USER,
            tenant_id=integration.tenant_id,
            user_id=integration.user_id,
            integration_id=integration.id,
        )
    elif integration.sync_error_count == 1:
        title = f"Allegro sync failed for {login}; retried on schedule"
        _tell_admin_of_streak(session, integration, "allegro.sync_failed", title, error)


def _tell_admin_of_streak(
    session: Session, integration: AllegroIntegration, kind: str, title: str, body: str
) -> None:
    """Update the streak's admin notification (created since the last success), else add one."""
    query = select(Notification).where(
        Notification.audience == Audience.ADMIN.value,
        Notification.integration_id == integration.id,
        Notification.kind == "allegro.sync_failed",
    )
    if integration.last_sync_at is not None:
        query = query.where(col(Notification.created_at) >= integration.last_sync_at)
    streak = session.exec(query.order_by(col(Notification.created_at).desc()).limit(1)).first()
    if streak is None:
        notify(
            session,
            kind=kind,
            title=title,
            body=body,
            audience=Audience.ADMIN,
            tenant_id=integration.tenant_id,
            integration_id=integration.id,
        )
        return
    streak.kind, streak.title, streak.body = kind, title[:200], body
    streak.read_at = None  # a new fact: unread again, at the top of the feed
    streak.created_at = utcnow()
    session.add(streak)


def _next_sync(session: Session, integration: AllegroIntegration) -> datetime:
    minutes = get_settings_with_defaults(session, integration).sync_frequency_minutes
    return utcnow() + timedelta(minutes=minutes)
