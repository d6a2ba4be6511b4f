"""The seed's settings and status endpoints for a seller's own integrations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.auth.tokens import Principal
from invoicehub.db import read_session
from invoicehub.integrations.allegro.preferences import AllegroSettings, SettingsError
from invoicehub.integrations.allegro.service import (
    cached_settings_json,
    cached_status,
    integration_status,
    list_integrations,
    settings_json_from_cache_async,
    status_from_cache_async,
    update_settings,
)

router = APIRouter(prefix="/allegro", tags=["allegro"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such integration for this tenant"}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "A setting has a wrong type or value, or is unknown; nothing was stored"}
}


class SettingsUpdate(BaseModel):
    """The settings to change (others keep their values); each is checked by AllegroSettings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"settings": {"syncFrequencyMinutes": 30}}]},
    )

    settings: dict[str, Any]


class SettingsResponse(BaseModel):
    settings: AllegroSettings


class UpdateSettingsResponse(BaseModel):
    success: bool
    settings: AllegroSettings


class IntegrationOut(BaseModel):
    id: str
    tenantId: str
    userId: str
    allegroUserId: str | None
    allegroLogin: str | None
    status: str
    isActive: bool
    tokenExpiresAt: str | None
    lastSyncAt: str | None
    nextSyncAt: str | None
    syncErrorCount: int
    lastSyncError: str | None
    adminDisabledAt: str | None = Field(
        default=None, description="Set while a platform admin keeps syncing disabled"
    )
    createdAt: str | None
    updatedAt: str | None


class IntegrationList(BaseModel):
    items: list[IntegrationOut]
    total: int


@router.get("/integrations", response_model=IntegrationList)
def integrations(principal: PrincipalDep, session: SessionDep) -> IntegrationList:
    items = [IntegrationOut(**integration_status(i)) for i in list_integrations(session, principal)]
    return IntegrationList(items=items, total=len(items))


@router.get("/settings/{integration_id}", response_model=SettingsResponse, responses=NOT_FOUND)
async def read_settings(integration_id: str, principal: PrincipalDep) -> Response:
    # Async and cached like the status: a hit is one Redis GET and the stored JSON as it is.
    body = await settings_json_from_cache_async(principal, integration_id)
    if body is None:
        body = await run_in_threadpool(_load_settings, principal, integration_id)
    return Response(body, media_type="application/json")


def _load_settings(principal: Principal, integration_id: str) -> bytes:
    with read_session() as session:
        return cached_settings_json(session, principal, integration_id)


@router.put(
    "/settings/{integration_id}",
    response_model=UpdateSettingsResponse,
    responses={**NOT_FOUND, **INVALID},
)
def write_settings(
    integration_id: str,
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
    body: SettingsUpdate,
) -> UpdateSettingsResponse:
    ip = client_address(request)
    return save_settings(
        session, lambda: update_settings(session, principal, integration_id, body.settings, ip=ip)
    )


@router.get("/status/{integration_id}", response_model=IntegrationOut, responses=NOT_FOUND)
async def read_status(integration_id: str, principal: PrincipalDep) -> Response:
    # Async: a cache hit is one Redis GET, with no thread hop and no database connection; the
    # cached JSON is IntegrationOut's own shape (integration_status), sent as it is.
    cached = await status_from_cache_async(principal, integration_id)
    if cached is None:
        cached = await run_in_threadpool(_load_status, principal, integration_id)
    return Response(json.dumps(cached), media_type="application/json")


def _load_status(principal: Principal, integration_id: str) -> dict[str, Any]:
    with read_session() as session:
        return cached_status(session, principal, integration_id)


def save_settings(session: Session, save: Callable[[], AllegroSettings]) -> UpdateSettingsResponse:
    """Run a settings update; 404 for an unknown id, 422 naming refused fields (nothing kept)."""
    try:
        merged = save()
    except SettingsError as exc:
        session.rollback()
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, settings_error_detail(exc)
        ) from exc
    return UpdateSettingsResponse(success=True, settings=merged)


def settings_error_detail(exc: SettingsError) -> list[dict[str, Any]]:
    """FastAPI's own 422 shape, one entry per refused field."""
    return [
        {"loc": ["body", "settings", field], "msg": message, "type": "value_error"}
        for field, message in exc.errors.items()
    ]
