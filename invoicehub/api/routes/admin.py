"""Platform-admin endpoints: every tenant's integrations, their settings and syncs.

Every route depends on AdminDep (403 for sellers). Actions are audited: settings changes by the
AllegroService, syncs and enable/disable by the sync engine or here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic.alias_generators import to_snake

from invoicehub.admin.overview import (
    MAX_PAGE_SIZE,
    MAX_SEARCH_LENGTH,
    InvalidQuery,
    admin_get_settings,
    admin_update_settings,
    integration_summary,
    list_all_integrations,
)
from invoicehub.api.deps import AdminDep, SessionDep, client_address
from invoicehub.api.errors import error_responses, validation_error_response
from invoicehub.api.routes.admin_schemas import AdminIntegrationOut, IntegrationSummaryOut
from invoicehub.api.routes.allegro import (
    IntegrationOut,
    SettingsResponse,
    SettingsUpdate,
    UpdateSettingsResponse,
    save_settings,
)
from invoicehub.api.schema import ApiModel
from invoicehub.integrations.allegro.lifecycle import set_enabled
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.integrations.allegro.service import integration_status

router = APIRouter(prefix="/admin", tags=["admin"])
ADMIN_SYNC_TRIGGER = "admin"

StatusFilter = Literal["active", "needs_reauth", "disabled", "disconnected", "errors"]
SortKey = Literal[
    "lastSyncAt",
    "-lastSyncAt",
    "syncErrorCount",
    "-syncErrorCount",
    "status",
    "-status",
    "allegroLogin",
    "-allegroLogin",
    "createdAt",
    "-createdAt",
]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PageSizeQuery = Annotated[int, Query(alias="pageSize", ge=1, le=MAX_PAGE_SIZE)]

ADMIN_ERRORS = error_responses({401: "Not signed in", 403: "Not a platform administrator"})
NOT_FOUND = error_responses({404: "No such integration"})
EXAMPLE_ROW = {
    "id": "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    "tenantId": "0b8f7c1e-5a43-4a53-8f3c-2d1e0f9a8b7c",
    "tenantName": "Demo Shop Sp. z o.o.",
    "userId": "5d6e7f80-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
    "userEmail": "demo@invoicehub.local",
    "allegroUserId": "43210987",
    "allegroLogin": "demo_seller",
    "status": "active",
    "isActive": True,
    "tokenExpiresAt": "2026-11-28T21:15:00Z",
    "lastSyncAt": "2026-11-28T09:15:00Z",
    "nextSyncAt": "2026-11-28T10:15:00Z",
    "syncErrorCount": 0,
    "lastSyncError": None,
    "adminDisabledAt": None,
    "createdAt": "2026-11-20T08:00:00Z",
    "updatedAt": "2026-11-28T09:15:00Z",
}


def example_response(value: Any) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {"application/json": {"example": value}}}}


def invalid_query_error(exc: InvalidQuery, name: str) -> HTTPException:
    detail = [{"loc": ["query", name], "msg": str(exc), "type": "value_error"}]
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail)


class AdminIntegrationList(ApiModel):
    items: list[AdminIntegrationOut]
    total: int


class SyncAccepted(ApiModel):
    run_id: str
    status: str  # "queued" for a new run; the active run's status when one was already queued


class IntegrationChanged(ApiModel):
    success: bool
    integration: IntegrationOut


def _field_sort(sort: str) -> str:
    """The API's sort key ("-lastSyncAt") as the admin view's field ("-last_sync_at")."""
    descending = sort.startswith("-")
    return ("-" if descending else "") + to_snake(sort.removeprefix("-"))


def _conflict(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_409_CONFLICT, str(exc))


@router.get(
    "/allegro/integrations",
    response_model=AdminIntegrationList,
    responses={**example_response({"items": [EXAMPLE_ROW], "total": 1}), **ADMIN_ERRORS},
)
def all_integrations(
    _: AdminDep,
    session: SessionDep,
    status_filter: Annotated[StatusFilter | None, Query(alias="status")] = None,
    search: Annotated[
        str | None,
        Query(
            max_length=MAX_SEARCH_LENGTH,
            description="Part of the Allegro login, the user's e-mail or the tenant's name",
        ),
    ] = None,
    sort: Annotated[SortKey, Query(description="Sort key; '-' sorts descending")] = "-lastSyncAt",
    page: PageQuery = 1,
    page_size: PageSizeQuery = 25,
) -> AdminIntegrationList:
    """Every tenant's integrations, one page at a time (`errors`: the summary's error count)."""
    try:
        items, total = list_all_integrations(
            session,
            status=status_filter,
            search=search,
            sort=_field_sort(sort),
            page=page,
            page_size=page_size,
        )
    except InvalidQuery as exc:
        raise invalid_query_error(exc, "search") from exc
    return AdminIntegrationList(
        items=[AdminIntegrationOut.model_validate(i) for i in items], total=total
    )


@router.get(
    "/allegro/summary",
    response_model=IntegrationSummaryOut,
    responses={
        **example_response(
            {"total": 42, "active": 38, "errors": 3, "lastSyncAt": "2026-11-28T09:15:00Z"}
        ),
        **ADMIN_ERRORS,
    },
)
def summary(_: AdminDep, session: SessionDep) -> IntegrationSummaryOut:
    """Counts for the admin dashboard; `errors` = failing syncs, `needs_reauth` or `disabled`."""
    return IntegrationSummaryOut.model_validate(integration_summary(session))


@router.get(
    "/allegro/settings/{integration_id}",
    response_model=SettingsResponse,
    responses={**ADMIN_ERRORS, **NOT_FOUND},
)
def read_settings(integration_id: str, admin: AdminDep, session: SessionDep) -> SettingsResponse:
    """Any tenant's integration settings, in the seller endpoint's shape."""
    return SettingsResponse(settings=admin_get_settings(session, admin, integration_id))


@router.put(
    "/allegro/settings/{integration_id}",
    response_model=UpdateSettingsResponse,
    responses={
        **ADMIN_ERRORS,
        **NOT_FOUND,
        **validation_error_response(
            "A setting has a wrong type or value, or is unknown; nothing was stored",
            "syncFrequencyMinutes",
            "must be one of 5, 15, 30, 60, 120, 360, 720, 1440 minutes",
        ),
    },
)
def write_settings(
    integration_id: str,
    request: Request,
    admin: AdminDep,
    session: SessionDep,
    body: SettingsUpdate,
) -> UpdateSettingsResponse:
    """Same validation as the seller's PUT; audited as `admin.allegro.settings.update`."""
    ip, partial = client_address(request), body.by_name()
    return save_settings(
        session,
        lambda: admin_update_settings(session, admin, integration_id, partial, ip=ip),
    )


@router.post(
    "/allegro/sync/{integration_id}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncAccepted,
    responses={
        202: {
            "content": {
                "application/json": {
                    "example": {"runId": "2c9d4e1f-8a7b-4c6d-9e0f-1a2b3c4d5e6f", "status": "queued"}
                }
            }
        },
        **ADMIN_ERRORS,
        **NOT_FOUND,
        **error_responses(
            {
                409: (
                    "Disabled, disconnected or needs re-authorisation",
                    "the integration is disabled",
                ),
                429: "One manual sync a minute per integration; see Retry-After",
            }
        ),
    },
)
def sync_integration(
    integration_id: str, request: Request, admin: AdminDep, session: SessionDep
) -> SyncAccepted:
    """Queue a sync of any tenant's integration (or return the run already queued); audited."""
    run = request_sync(
        session, admin, integration_id, trigger=ADMIN_SYNC_TRIGGER, ip=client_address(request)
    )
    return SyncAccepted(run_id=str(run.id), status=run.status)


def _set_enabled(
    integration_id: str, enabled: bool, request: Request, admin: AdminDep, session: SessionDep
) -> IntegrationChanged:
    integration = set_enabled(session, admin, integration_id, enabled, ip=client_address(request))
    return IntegrationChanged(
        success=True, integration=IntegrationOut.of(integration_status(integration))
    )


ENABLE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **example_response(
        {
            "success": True,
            "integration": {
                k: v for k, v in EXAMPLE_ROW.items() if k not in ("tenantName", "userEmail")
            },
        }
    ),
    **ADMIN_ERRORS,
    **NOT_FOUND,
}


@router.post(
    "/allegro/{integration_id}/enable",
    response_model=IntegrationChanged,
    responses={
        **ENABLE_RESPONSES,
        **error_responses(
            {
                409: (
                    "Needs re-authorisation or disconnected",
                    "the integration is needs_reauth: connect it again",
                )
            }
        ),
    },
)
def enable_integration(
    integration_id: str, request: Request, admin: AdminDep, session: SessionDep
) -> IntegrationChanged:
    """Enable again: status active, failure count reset, a sync due now; audited."""
    return _set_enabled(integration_id, True, request, admin, session)


@router.post(
    "/allegro/{integration_id}/disable",
    response_model=IntegrationChanged,
    responses=ENABLE_RESPONSES,
)
def disable_integration(
    integration_id: str, request: Request, admin: AdminDep, session: SessionDep
) -> IntegrationChanged:
    """Stop syncing the integration (status disabled) until an admin enables it; audited."""
    return _set_enabled(integration_id, False, request, admin, session)
