"""Notifications and the audit trail as the admin dashboard and the API list them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, col, func, select

from invoicehub.auth.tokens import Principal
from invoicehub.domain.paging import InvalidQuery, checked_page_bounds, escape_like
from invoicehub.models import Audience, AuditEvent, Notification
from invoicehub.models.base import utcnow


class NotificationNotFound(LookupError):
    pass


class NotificationItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    kind: str
    title: str
    body: str
    tenant_id: str | None
    integration_id: str | None
    read: bool
    read_at: datetime | None
    created_at: datetime


class AuditEventItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    tenant_id: str | None
    user_id: str | None
    action: str
    target_type: str
    target_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    created_at: datetime


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
    limit, offset = checked_page_bounds(page, page_size)
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


def mark_all_notifications_read(session: Session, principal: Principal) -> int:
    """Mark every unread notification this principal sees read and commit; how many were."""
    result = session.connection().execute(
        sa.update(Notification)
        .where(*_notification_scope(principal), col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    return int(result.rowcount)


def _notification_item(n: Notification) -> NotificationItem:
    return NotificationItem(
        id=str(n.id),
        kind=n.kind,
        title=n.title,
        body=n.body,
        tenant_id=str(n.tenant_id) if n.tenant_id else None,
        integration_id=str(n.integration_id) if n.integration_id else None,
        read=n.read_at is not None,
        read_at=n.read_at,
        created_at=n.created_at,
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
    limit, offset = checked_page_bounds(page, page_size)
    conditions: list[Any] = []
    if action:
        conditions.append(
            sa.or_(
                col(AuditEvent.action) == action,
                col(AuditEvent.action).like(f"{escape_like(action)}.%", escape="\\"),
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
        tenant_id=str(e.tenant_id) if e.tenant_id else None,
        user_id=str(e.user_id) if e.user_id else None,
        action=e.action,
        target_type=e.target_type,
        target_id=e.target_id,
        before=e.before,
        after=e.after,
        ip=e.ip,
        created_at=e.created_at,
    )
