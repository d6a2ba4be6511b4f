"""Audit rows and notifications: written in the caller's transaction, never updated (a refusal's
`api.denied` row alone commits in a transaction of its own)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from invoicehub.auth.system import is_system
from invoicehub.auth.tokens import Principal
from invoicehub.db import session_scope
from invoicehub.models import Audience, AuditEvent, Notification

# A refusal to a signed-in caller (a foreign or missing id, a role it lacks), from an API route
# or a Reflex event handler alike: every probe of another tenant's ids leaves a trace.
DENIAL_ACTION = "api.denied"
MAX_TARGET_ID = 64


def record_audit(
    session: Session,
    action: str,
    *,
    principal: Principal | None = None,
    tenant_id: uuid.UUID | None = None,
    target_type: str = "",
    target_id: object = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    person = None if is_system(principal) else principal
    session.add(
        AuditEvent(
            tenant_id=tenant_id or (person.tenant_id if person else None),
            user_id=person.user_id if person else None,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=before,
            after=after,
            ip=ip,
        )
    )


def record_denial(
    principal: Principal,
    *,
    target_type: str,
    target: object,
    after: dict[str, Any],
    ip: str | None,
) -> None:
    """An `api.denied` row in a transaction of its own: the refused work may still roll back."""
    with session_scope() as session:
        record_audit(
            session,
            DENIAL_ACTION,
            principal=principal,
            target_type=target_type,
            target_id=str(target)[:MAX_TARGET_ID],
            after=after,
            ip=ip,
        )


def notify(
    session: Session,
    *,
    kind: str,
    title: str,
    body: str = "",
    audience: Audience = Audience.USER,
    tenant_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    integration_id: uuid.UUID | None = None,
) -> None:
    session.add(
        Notification(
            audience=audience.value,
            kind=kind,
            title=title,
            body=body,
            tenant_id=tenant_id,
            user_id=user_id,
            integration_id=integration_id,
        )
    )
