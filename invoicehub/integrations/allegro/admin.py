"""Platform-admin queries: every tenant's integrations, notifications, the audit trail, the queues.

Plain functions taking a Session (or Redis), shared by the admin API and the admin Reflex pages.
Callers check the admin role; functions that take a Principal check it again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from redis import Redis
from rq import Queue, Worker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlmodel import Session, col, func, select

from invoicehub.auth.tokens import Principal
from invoicehub.integrations.allegro import service
from invoicehub.integrations.allegro.preferences import AllegroSettings
from invoicehub.jobs.queues import WORKER_QUEUES
from invoicehub.models import (
    AllegroIntegration,
    Audience,
    AuditEvent,
    IntegrationStatus,
    Notification,
    Tenant,
    User,
)
from invoicehub.models.base import utcnow

MAX_PAGE_SIZE = 100
MAX_SEARCH_LENGTH = 100
ERRORS_FILTER = "errors"  # pseudo-status: the integrations `integration_summary` counts as errors
SORT_COLUMNS = {  # API sort key -> column
    "lastSyncAt": "last_sync_at",
    "syncErrorCount": "sync_error_count",
    "status": "status",
    "allegroLogin": "allegro_login",
    "createdAt": "created_at",
}
# Never the token columns or the settings: a list page needs neither.
ROW_COLUMNS = tuple(
    col(getattr(AllegroIntegration, name))
    for name in (
        "id",
        "tenant_id",
        "user_id",
        "allegro_user_id",
        "allegro_login",
        "status",
        "is_active",
        "token_expires_at",
        "last_sync_at",
        "next_sync_at",
        "sync_error_count",
        "last_sync_error",
        "created_at",
        "updated_at",
    )
)
ERROR_STATUSES = (IntegrationStatus.NEEDS_REAUTH.value, IntegrationStatus.DISABLED.value)


class InvalidQuery(ValueError):
    """A filter, sort key or page the caller cannot ask for (the API answers 422)."""


class NotAdmin(PermissionError):
    """An admin function was called with a principal that is not a platform admin."""


class NotificationNotFound(LookupError):
    pass


class AdminIntegrationRow(BaseModel):
    id: str
    tenantId: str
    tenantName: str
    userId: str
    userEmail: str
    allegroUserId: str | None
    allegroLogin: str | None
    status: str
    isActive: bool
    tokenExpiresAt: datetime | None
    lastSyncAt: datetime | None
    nextSyncAt: datetime | None
    syncErrorCount: int
    lastSyncError: str | None
    createdAt: datetime
    updatedAt: datetime


class IntegrationSummary(BaseModel):
    total: int
    active: int
    errors: int
    lastSyncAt: datetime | None


class NotificationItem(BaseModel):
    id: str
    kind: str
    title: str
    body: str
    tenantId: str | None
    integrationId: str | None
    read: bool
    readAt: datetime | None
    createdAt: datetime


class AuditEventItem(BaseModel):
    id: int
    tenantId: str | None
    userId: str | None
    action: str
    targetType: str
    targetId: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    createdAt: datetime


class QueueStats(BaseModel):
    name: str
    queued: int
    started: int
    failed: int
    scheduled: int


class WorkerInfo(BaseModel):
    name: str
    state: str
    queues: list[str]
    lastHeartbeat: datetime | None


class QueueOverview(BaseModel):
    queues: list[QueueStats]
    workers: list[WorkerInfo]


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidQuery(f"page must be >= 1 and page size between 1 and {MAX_PAGE_SIZE}")
    return (page - 1) * page_size, page_size


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _errors_condition() -> Any:
    return sa.or_(
        col(AllegroIntegration.sync_error_count) > 0,
        col(AllegroIntegration.status).in_(ERROR_STATUSES),
    )


def _order_by(sort: str, columns: Any = None) -> list[Any]:
    """ORDER BY for a sort key, on the table or on a subquery's `columns`; id keeps pages stable."""
    name = SORT_COLUMNS.get(sort.removeprefix("-"))
    if name is None:
        raise InvalidQuery(f"sort must be one of {', '.join(SORT_COLUMNS)}, optionally with '-'")
    source = columns if columns is not None else AllegroIntegration.__table__.c  # type: ignore[attr-defined]
    column = source[name]
    ordered = column.desc() if sort.startswith("-") else column.asc()
    return [ordered.nulls_last(), source["id"].asc()]


def list_all_integrations(
    session: Session,
    *,
    status: str | None = None,
    search: str | None = None,
    sort: str = "-lastSyncAt",
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[AdminIntegrationRow], int]:
    """One page of every tenant's integrations, and how many match in total.

    `status` is an IntegrationStatus value or "errors" (as counted by `integration_summary`).
    `search` is a case-insensitive substring (ILIKE, wildcards escaped) of the Allegro login, the
    user's e-mail or the tenant's name. No trigram index: at 10,000 integrations a page costs
    about 10-20 ms (count + page, sequential scans), see tests/api/test_admin_api.py.
    """
    offset, limit = _page_bounds(page, page_size)
    conditions: list[Any] = []
    if status:
        if status == ERRORS_FILTER:
            conditions.append(_errors_condition())
        elif status in set(IntegrationStatus):
            conditions.append(AllegroIntegration.status == status)
        else:
            allowed = ", ".join([*IntegrationStatus, ERRORS_FILTER])
            raise InvalidQuery(f"status must be one of {allowed}")
    term = (search or "").strip()
    if len(term) > MAX_SEARCH_LENGTH:
        raise InvalidQuery(f"search must have at most {MAX_SEARCH_LENGTH} characters")
    if term:
        conditions.append(_search_condition(f"%{_escape_like(term)}%"))
    order = _order_by(sort)
    count = select(func.count()).select_from(AllegroIntegration).where(*conditions)
    total = int(session.exec(count).one())
    if offset >= total:
        return [], total
    # Sort and cut the page on the integrations alone, then join only the page's users and
    # tenants (joining first would hash-join every matching row).
    page_rows = (
        sa.select(*ROW_COLUMNS).where(*conditions).order_by(*order).offset(offset).limit(limit)
    ).subquery()
    query = (
        sa.select(page_rows, col(User.email), col(Tenant.name).label("tenant_name"))
        .join(User, col(User.id) == page_rows.c.user_id)
        .join(Tenant, col(Tenant.id) == page_rows.c.tenant_id)
        .order_by(*_order_by(sort, page_rows.c))
    )
    rows = session.execute(query).mappings().all()
    return [_admin_row(row) for row in rows], total


def _search_condition(pattern: str) -> Any:
    # Users and tenants are matched on their own (small) tables first: ILIKE then runs once per
    # user and tenant instead of once per joined integration row, about 3x faster at 10,000.
    users = select(User.id).where(col(User.email).ilike(pattern, escape="\\"))
    tenants = select(Tenant.id).where(col(Tenant.name).ilike(pattern, escape="\\"))
    return sa.or_(
        col(AllegroIntegration.allegro_login).ilike(pattern, escape="\\"),
        col(AllegroIntegration.user_id).in_(users),
        col(AllegroIntegration.tenant_id).in_(tenants),
    )


def _admin_row(row: Any) -> AdminIntegrationRow:
    return AdminIntegrationRow(
        id=str(row["id"]),
        tenantId=str(row["tenant_id"]),
        tenantName=row["tenant_name"],
        userId=str(row["user_id"]),
        userEmail=row["email"],
        allegroUserId=row["allegro_user_id"],
        allegroLogin=row["allegro_login"],
        status=row["status"],
        isActive=row["is_active"],
        tokenExpiresAt=row["token_expires_at"],
        lastSyncAt=row["last_sync_at"],
        nextSyncAt=row["next_sync_at"],
        syncErrorCount=row["sync_error_count"],
        lastSyncError=row["last_sync_error"],
        createdAt=row["created_at"],
        updatedAt=row["updated_at"],
    )


def integration_summary(session: Session) -> IntegrationSummary:
    """The admin dashboard's cards, over every tenant, in one query.

    - total: every integration row, disconnected ones included;
    - active: status `active` and `is_active` (the ones the scheduler syncs);
    - errors: `sync_error_count > 0` (the last run(s) failed after all retries) OR status
      `needs_reauth` or `disabled`; a seller's own `disconnected` is not an error;
    - lastSyncAt: the most recent successful sync of any integration (None if none ever synced).
    """
    active = sa.and_(
        col(AllegroIntegration.status) == IntegrationStatus.ACTIVE.value,
        col(AllegroIntegration.is_active).is_(True),
    )
    query = select(
        func.count(),
        func.count().filter(active),
        func.count().filter(_errors_condition()),
        func.max(AllegroIntegration.last_sync_at),
    ).select_from(AllegroIntegration)
    total, active_count, errors, last_sync = session.exec(query).one()
    return IntegrationSummary(total=total, active=active_count, errors=errors, lastSyncAt=last_sync)


def _require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise NotAdmin("administrator role required")


def admin_get_settings(
    session: Session, admin: Principal, integration_id: uuid.UUID | str
) -> AllegroSettings:
    """Any tenant's integration settings (IntegrationNotFound when there is no such row)."""
    _require_admin(admin)
    return service.get_settings(session, admin, integration_id)


def admin_update_settings(
    session: Session,
    admin: Principal,
    integration_id: uuid.UUID | str,
    partial: Any,
    *,
    ip: str | None = None,
) -> AllegroSettings:
    """The seller's validation and merge; commits, audited as `admin.allegro.settings.update`.

    Raises SettingsError (nothing stored) or IntegrationNotFound.
    """
    _require_admin(admin)
    return service.update_settings(session, admin, integration_id, partial, ip=ip)


def _notification_scope(principal: Principal) -> list[Any]:
    if principal.is_admin:
        return [Notification.audience == Audience.ADMIN.value]
    return [
        Notification.audience == Audience.USER.value,
        Notification.tenant_id == principal.tenant_id,
        sa.or_(col(Notification.user_id).is_(None), col(Notification.user_id) == principal.user_id),
    ]


def list_notifications(
    session: Session,
    principal: Principal,
    *,
    unread_only: bool = False,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[NotificationItem], int, int]:
    """(page of items newest first, total matching, unread overall) for this principal.

    Admins see the `admin` audience (every tenant); users see `user` notifications of their
    tenant addressed to them or to the whole tenant.
    """
    offset, limit = _page_bounds(page, page_size)
    scope = _notification_scope(principal)
    unread_cond = col(Notification.read_at).is_(None)
    counts = select(func.count(), func.count().filter(unread_cond)).where(*scope)
    everything, unread = session.exec(counts).one()
    query = select(Notification).where(*scope)
    total = everything
    if unread_only:
        query = query.where(unread_cond)
        total = unread
    query = query.order_by(col(Notification.created_at).desc(), col(Notification.id))
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return [_notification_item(n) for n in rows], int(total), int(unread)


def mark_notification_read(
    session: Session, principal: Principal, notification_id: uuid.UUID | str
) -> NotificationItem:
    """Mark a visible notification read (idempotent) and commit; else NotificationNotFound."""
    try:
        nid = uuid.UUID(str(notification_id))
    except ValueError as exc:
        raise NotificationNotFound("notification not found") from exc
    query = select(Notification).where(Notification.id == nid, *_notification_scope(principal))
    notification = session.exec(query.with_for_update()).first()
    if notification is None:
        raise NotificationNotFound("notification not found")
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.add(notification)
    session.commit()
    return _notification_item(notification)


def _notification_item(n: Notification) -> NotificationItem:
    return NotificationItem(
        id=str(n.id),
        kind=n.kind,
        title=n.title,
        body=n.body,
        tenantId=str(n.tenant_id) if n.tenant_id else None,
        integrationId=str(n.integration_id) if n.integration_id else None,
        read=n.read_at is not None,
        readAt=n.read_at,
        createdAt=n.created_at,
    )


def list_audit_events(
    session: Session,
    *,
    action: str | None = None,
    tenant_id: uuid.UUID | str | None = None,
    page: int = 1,
    page_size: int = 25,
) -> tuple[list[AuditEventItem], int]:
    """Audit rows newest first. `action` matches exactly or as a dotted prefix ("allegro")."""
    offset, limit = _page_bounds(page, page_size)
    conditions: list[Any] = []
    if action:
        conditions.append(
            sa.or_(
                col(AuditEvent.action) == action,
                col(AuditEvent.action).like(f"{_escape_like(action)}.%", escape="\\"),
            )
        )
    if tenant_id:
        try:
            conditions.append(AuditEvent.tenant_id == uuid.UUID(str(tenant_id)))
        except ValueError as exc:
            raise InvalidQuery("tenantId must be a UUID") from exc
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*conditions)).one()
    query = (
        select(AuditEvent)
        .where(*conditions)
        .order_by(col(AuditEvent.created_at).desc(), col(AuditEvent.id).desc())
    )
    rows = session.exec(query.offset(offset).limit(limit)).all()
    return [_audit_item(e) for e in rows], int(total)


def _audit_item(e: AuditEvent) -> AuditEventItem:
    return AuditEventItem(
        id=e.id or 0,
        tenantId=str(e.tenant_id) if e.tenant_id else None,
        userId=str(e.user_id) if e.user_id else None,
        action=e.action,
        targetType=e.target_type,
        targetId=e.target_id,
        before=e.before,
        after=e.after,
        ip=e.ip,
        createdAt=e.created_at,
    )


def queue_overview(redis: Redis) -> QueueOverview:
    """Depth of each RQ queue and its started/failed/scheduled registries, and the live workers."""
    names = {*WORKER_QUEUES, *(q.name for q in Queue.all(connection=redis))}
    queues = []
    for name in sorted(names):
        queue = Queue(name, connection=redis)
        queues.append(
            QueueStats(
                name=name,
                queued=queue.count,
                started=StartedJobRegistry(queue=queue).count,
                failed=FailedJobRegistry(queue=queue).count,
                scheduled=ScheduledJobRegistry(queue=queue).count,
            )
        )
    workers = [
        WorkerInfo(
            name=w.name,
            state=str(w.get_state()),
            queues=w.queue_names(),
            lastHeartbeat=w.last_heartbeat,
        )
        for w in Worker.all(connection=redis)
    ]
    return QueueOverview(queues=queues, workers=sorted(workers, key=lambda w: w.name))
