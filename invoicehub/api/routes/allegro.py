"""The seed's settings and status endpoints for a seller's own integrations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import ConfigDict, Field
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.edit_errors import unknown_settings_detail
from invoicehub.api.lean_route import principal_get
from invoicehub.api.schema import ApiModel, ApiRequest, IsoDateTime
from invoicehub.auth.tokens import Principal
from invoicehub.db import read_session
from invoicehub.integrations.allegro.preferences import STORED_KEYS, AllegroSettings
from invoicehub.integrations.allegro.service import (
    cached_settings_json,
    cached_status_json,
    integration_status,
    list_integrations,
    settings_json_from_cache_async,
    status_json_from_cache_async,
    update_settings,
)
from invoicehub.integrations.allegro.views import IntegrationView

router = APIRouter(prefix="/allegro", tags=["allegro"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such integration for this tenant"}
}
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "A setting has a wrong type or value, or is unknown; nothing was stored"}
}


class SettingsUpdate(ApiRequest):
    """The settings to change (others keep their values); each is checked by AllegroSettings."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"settings": {"syncFrequencyMinutes": 30}}]},
    )

    settings: dict[str, Any]

    def by_name(self) -> dict[str, Any]:
        """The settings under their Python names, for the service. Only the documented camelCase
        keys are settings: any other key (a snake_case field name too) is refused with a 422."""
        unknown = [key for key in self.settings if key not in STORED_KEYS]
        if unknown:
            raise HTTPException(422, detail=unknown_settings_detail(unknown))
        return {STORED_KEYS[key]: value for key, value in self.settings.items()}


class SettingsResponse(ApiModel):
    settings: AllegroSettings


class UpdateSettingsResponse(ApiModel):
    success: bool
    settings: AllegroSettings


class IntegrationOut(ApiModel):
    """A seller's Allegro integration, never with any token."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    allegro_user_id: str | None
    allegro_login: str | None
    status: str
    is_active: bool
    token_expires_at: IsoDateTime | None
    last_sync_at: IsoDateTime | None
    next_sync_at: IsoDateTime | None
    sync_error_count: int
    last_sync_error: str | None
    admin_disabled_at: IsoDateTime | None = Field(
        default=None, description="Set while a platform admin keeps syncing disabled"
    )
    created_at: IsoDateTime | None
    updated_at: IsoDateTime | None

    @classmethod
    def of(cls, view: IntegrationView) -> IntegrationOut:
        # From the view's fields as a dict: a tenth of the cost of reading them as attributes.
        return cls.model_validate(vars(view))


class IntegrationList(ApiModel):
    items: list[IntegrationOut]
    total: int


@router.get("/integrations", response_model=IntegrationList)
def integrations(principal: PrincipalDep, session: SessionDep) -> IntegrationList:
    items = [
        IntegrationOut.of(integration_status(i)) for i in list_integrations(session, principal)
    ]
    return IntegrationList(items=items, total=len(items))


@principal_get(
    router, "/settings/{integration_id}", response_model=SettingsResponse, responses=NOT_FOUND
)
async def read_settings(integration_id: str, principal: PrincipalDep) -> Response:
    # Async and cached like the status: a hit is one Redis HMGET and the stored JSON as it is
    # (camelCase, AllegroSettings' aliases, as the answer spells them), wrapped in its one key.
    settings = await settings_json_from_cache_async(principal, integration_id)
    if settings is None:
        settings = await run_in_threadpool(_load_settings, principal, integration_id)
    return Response(b'{"settings":' + settings + b"}", media_type="application/json")


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
    ip, partial = client_address(request), body.by_name()
    return save_settings(
        session, lambda: update_settings(session, principal, integration_id, partial, ip=ip)
    )


@principal_get(
    router, "/status/{integration_id}", response_model=IntegrationOut, responses=NOT_FOUND
)
async def read_status(integration_id: str, principal: PrincipalDep) -> Response:
    # Async and cached like the settings: a hit is one Redis HMGET and the answer as it was
    # spelt when cached (IntegrationOut's JSON), with no thread hop and no database connection.
    status = await status_json_from_cache_async(principal, integration_id)
    if status is None:
        status = await run_in_threadpool(_load_status, principal, integration_id)
    return Response(status, media_type="application/json")


def _load_status(principal: Principal, integration_id: str) -> bytes:
    with read_session() as session:
        return cached_status_json(session, principal, integration_id, _status_json)


def _status_json(view: IntegrationView) -> bytes:
    return IntegrationOut.of(view).model_dump_json().encode()


def save_settings(session: Session, save: Callable[[], AllegroSettings]) -> UpdateSettingsResponse:
    """Run a settings update; a refused one (SettingsError: 422 naming the fields, nothing kept)
    and an unknown id (404) are answered by api/errors.py."""
    return UpdateSettingsResponse(success=True, settings=save())
