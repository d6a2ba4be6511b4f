"""Platform-admin endpoints for what happened and what is waiting: the audit trail, the queues.

Every route depends on AdminDep (403 for sellers).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from redis.exceptions import RedisError

from invoicehub.admin.overview import (
    InvalidQuery,
    list_audit_events,
    queue_overview,
)
from invoicehub.api.deps import AdminDep, SessionDep
from invoicehub.api.errors import error_responses
from invoicehub.api.routes.admin import (
    ADMIN_ERRORS,
    EXAMPLE_ROW,
    PageQuery,
    PageSizeQuery,
    example_response,
    invalid_query_error,
)
from invoicehub.api.routes.admin_schemas import AuditEventOut, QueueOverviewOut
from invoicehub.api.schema import ApiModel
from invoicehub.redis_conn import get_redis

router = APIRouter(prefix="/admin", tags=["admin"])


class AuditEventList(ApiModel):
    items: list[AuditEventOut]
    total: int


@router.get(
    "/audit-events",
    response_model=AuditEventList,
    responses={
        **example_response(
            {
                "items": [
                    {
                        "id": 17,
                        "tenantId": EXAMPLE_ROW["tenantId"],
                        "userId": EXAMPLE_ROW["userId"],
                        "action": "allegro.settings.update",
                        "targetType": "allegro_integration",
                        "targetId": EXAMPLE_ROW["id"],
                        "before": {"autoMarkAsPaid": False},
                        "after": {"autoMarkAsPaid": True},
                        "ip": "127.0.0.1",
                        "createdAt": "2026-11-28T09:15:00Z",
                    }
                ],
                "total": 1,
            }
        ),
        **ADMIN_ERRORS,
    },
)
def audit_events(
    _: AdminDep,
    session: SessionDep,
    action: Annotated[
        str | None,
        Query(max_length=60, description="Exact action, or a dotted prefix such as `allegro`"),
    ] = None,
    tenant_id: Annotated[str | None, Query(alias="tenantId", max_length=36)] = None,
    page: PageQuery = 1,
    page_size: PageSizeQuery = 25,
) -> AuditEventList:
    """The insert-only audit trail, newest first."""
    try:
        items, total = list_audit_events(
            session, action=action, tenant_id=tenant_id, page=page, page_size=page_size
        )
    except InvalidQuery as exc:
        raise invalid_query_error(exc, "tenantId") from exc
    return AuditEventList(items=[AuditEventOut.model_validate(i) for i in items], total=total)


@router.get(
    "/queues",
    response_model=QueueOverviewOut,
    responses={
        **example_response(
            {
                "queues": [
                    {"name": "default", "queued": 0, "started": 0, "failed": 0, "scheduled": 1},
                    {"name": "sync", "queued": 2, "started": 1, "failed": 0, "scheduled": 0},
                ],
                "workers": [
                    {
                        "name": "worker-1",
                        "state": "busy",
                        "queues": ["sync", "default"],
                        "lastHeartbeat": "2026-11-28T09:15:00Z",
                    }
                ],
            }
        ),
        **ADMIN_ERRORS,
        **error_responses({503: "Redis is unavailable"}),
    },
)
def queues(_: AdminDep) -> QueueOverviewOut:
    """Depth, started, failed and scheduled jobs per RQ queue, and the live workers."""
    try:
        return QueueOverviewOut.model_validate(queue_overview(get_redis()))
    except RedisError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "redis is unavailable") from exc
