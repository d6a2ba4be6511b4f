"""The caller's notifications: sellers see their tenant's, the platform admin the admin feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from invoicehub.admin.feed import mark_all_notifications_read
from invoicehub.admin.overview import (
    MAX_PAGE_SIZE,
    list_notifications,
    mark_notification_read,
)
from invoicehub.api.deps import PrincipalDep, SessionDep
from invoicehub.api.errors import error_responses
from invoicehub.api.routes.admin_schemas import NotificationOut
from invoicehub.api.schema import ApiModel

router = APIRouter(prefix="/notifications", tags=["notifications"])

EXAMPLE_ITEM = {
    "id": "6f1c7a56-3f7e-4d1e-9d0b-0d6f1b1a2c3d",
    "kind": "allegro.needs_reauth",
    "title": "Allegro account demo_seller needs to be connected again",
    "body": "Allegro refused the refresh token (invalid_grant).",
    "tenantId": "0b8f7c1e-5a43-4a53-8f3c-2d1e0f9a8b7c",
    "integrationId": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    "read": False,
    "readAt": None,
    "createdAt": "2026-11-28T09:15:00Z",
}


class NotificationList(ApiModel):
    items: list[NotificationOut]
    total: int
    unread: int


class MarkReadResponse(ApiModel):
    success: bool
    notification: NotificationOut
    unread: int


class MarkAllReadResponse(ApiModel):
    success: bool
    marked: int
    unread: int


@router.get(
    "",
    response_model=NotificationList,
    responses={
        200: {
            "content": {
                "application/json": {"example": {"items": [EXAMPLE_ITEM], "total": 1, "unread": 1}}
            }
        },
        **error_responses({401: "Not signed in", 429: "Too many requests"}),
    },
)
def notifications(
    principal: PrincipalDep,
    session: SessionDep,
    unread_only: Annotated[bool, Query(alias="unreadOnly")] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)] = 25,
) -> NotificationList:
    """Newest first; `total` counts what the filter matches, `unread` all unread ones."""
    items, total, unread = list_notifications(
        session, principal, unread_only=unread_only, page=page, page_size=page_size
    )
    return NotificationList(
        items=[NotificationOut.model_validate(i) for i in items], total=total, unread=unread
    )


@router.post(
    "/{notification_id}/read",
    response_model=MarkReadResponse,
    responses={
        200: {
            "content": {
                "application/json": {
                    "example": {
                        "success": True,
                        "notification": {**EXAMPLE_ITEM, "read": True},
                        "unread": 0,
                    }
                }
            }
        },
        **error_responses(
            {
                401: "Not signed in",
                404: ("No such notification for this caller", "notification not found"),
            }
        ),
    },
)
def read_notification(
    notification_id: str, principal: PrincipalDep, session: SessionDep
) -> MarkReadResponse:
    """Mark one notification read (repeating it changes nothing)."""
    item = mark_notification_read(session, principal, notification_id)
    _, _, unread = list_notifications(session, principal, page=1, page_size=1)
    return MarkReadResponse(
        success=True, notification=NotificationOut.model_validate(item), unread=unread
    )


@router.post(
    "/read-all",
    response_model=MarkAllReadResponse,
    responses={
        200: {
            "content": {
                "application/json": {"example": {"success": True, "marked": 3, "unread": 0}}
            }
        },
        **error_responses({401: "Not signed in"}),
    },
)
def read_all_notifications(principal: PrincipalDep, session: SessionDep) -> MarkAllReadResponse:
    """Mark every unread notification the caller sees read."""
    marked = mark_all_notifications_read(session, principal)
    _, _, unread = list_notifications(session, principal, page=1, page_size=1)
    return MarkAllReadResponse(success=True, marked=marked, unread=unread)
