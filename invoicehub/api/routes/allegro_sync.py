"""Manual sync, sync runs and the order ledger of a seller's Allegro integrations.

The API never calls Allegro: POST /allegro/sync writes a run, the job is enqueued after commit,
and the client follows the run. Ids in the body other than the integration's are checked against
the caller and never trusted.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from pydantic import ConfigDict, Field

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.schema import ApiModel, ApiRequest, IsoDateTime
from invoicehub.integrations.allegro.runs.requests import (
    check_caller_references,
    get_sync_run,
    list_ledger,
    list_sync_runs,
    request_sync,
    run_view,
)
from invoicehub.integrations.allegro.sync.ledger_listing import LedgerEntry
from invoicehub.models import OrderState, SyncStatus

router = APIRouter(prefix="/allegro", tags=["allegro sync"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such integration, run or company for this tenant"}
}
TRIGGER_ERRORS: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    403: {"description": "tenantId is not the signed-in tenant"},
    409: {"description": "The integration is disabled, disconnected or needs re-authorisation"},
    429: {"description": "One manual sync a minute per integration; see Retry-After"},
}


class SyncRequest(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    integration_id: str = Field(max_length=64)
    company_id: str | None = Field(default=None, max_length=64)
    tenant_id: str | None = Field(default=None, max_length=64)


class SyncAccepted(ApiModel):
    run_id: str
    integration_id: str
    status: SyncStatus  # "queued" for a new run; an earlier run's status when one is still active


class SyncRunOut(ApiModel):
    """A sync run: what started it, where it is, and what it did."""

    run_id: uuid.UUID
    integration_id: uuid.UUID
    trigger: str
    status: SyncStatus
    attempts: int
    queued_at: IsoDateTime | None
    started_at: IsoDateTime | None
    finished_at: IsoDateTime | None
    orders_fetched: int
    invoices_created: int
    customers_created: int
    products_created: int
    skipped: int
    needs_review: int
    corrections_issued: int = 0
    error: str | None


class SyncRunList(ApiModel):
    items: list[SyncRunOut]
    total: int


class LedgerOrderOut(ApiModel):
    checkout_form_id: str
    allegro_status: str
    state: str
    reason: str | None
    needs_correction: bool
    invoice_id: str | None
    updated_at: str

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerOrderOut:
        return cls(
            checkout_form_id=entry.checkout_form_id,
            allegro_status=entry.allegro_status,
            state=entry.state,
            reason=entry.reason,
            needs_correction=entry.needs_correction,
            invoice_id=str(entry.invoice_id) if entry.invoice_id else None,
            updated_at=entry.updated_at.isoformat(),
        )


class LedgerPage(ApiModel):
    items: list[LedgerOrderOut]
    total: int


@router.post(
    "/sync",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncAccepted,
    responses=TRIGGER_ERRORS,
)
def trigger_sync(
    body: SyncRequest, request: Request, principal: PrincipalDep, session: SessionDep
) -> SyncAccepted:
    """Queue a sync of the integration, or answer with the run already queued or running.

    Unlike the scheduled syncs, a requested one first tries the orders set aside for review again.
    """
    check_caller_references(
        session, principal, company_id=body.company_id, tenant_id=body.tenant_id
    )
    run = request_sync(session, principal, body.integration_id, ip=client_address(request))
    return SyncAccepted(
        run_id=str(run.id), integration_id=str(run.integration_id), status=SyncStatus(run.status)
    )


@router.post(
    "/sync/{integrationId}/reconcile",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=SyncAccepted,
    responses=TRIGGER_ERRORS,
)
def trigger_reconciliation(
    integration_id: Annotated[str, Path(alias="integrationId", max_length=64)],
    request: Request,
    principal: PrincipalDep,
    session: SessionDep,
) -> SyncAccepted:
    """Queue a sync that also lists the last 7 days of Allegro orders and brings into the
    ledger any the event journal missed (the daily reconciliation, now). Joins a run already
    queued; the same one-a-minute limit as a manual sync."""
    run = request_sync(
        session, principal, integration_id, ip=client_address(request), reconcile=True
    )
    return SyncAccepted(
        run_id=str(run.id), integration_id=str(run.integration_id), status=SyncStatus(run.status)
    )


@router.get("/sync-runs/{run_id}", response_model=SyncRunOut, responses=NOT_FOUND)
def read_sync_run(run_id: str, principal: PrincipalDep, session: SessionDep) -> SyncRunOut:
    return SyncRunOut.model_validate(run_view(get_sync_run(session, principal, run_id)))


@router.get("/sync-runs", response_model=SyncRunList, responses=NOT_FOUND)
def read_sync_runs(
    principal: PrincipalDep,
    session: SessionDep,
    integration_id: Annotated[str, Query(alias="integrationId", max_length=64)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SyncRunList:
    """The integration's most recent runs, newest first."""
    runs = list_sync_runs(session, principal, integration_id, limit)
    items = [SyncRunOut.model_validate(run_view(run)) for run in runs]
    return SyncRunList(items=items, total=len(items))


@router.get("/orders", response_model=LedgerPage, responses=NOT_FOUND)
def read_orders(
    principal: PrincipalDep,
    session: SessionDep,
    integration_id: Annotated[str, Query(alias="integrationId", max_length=64)],
    state: Annotated[OrderState | None, Query()] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(alias="pageSize", ge=1, le=100)] = 20,
) -> LedgerPage:
    """The integration's orders as the sync recorded them, newest change first."""
    entries, total = list_ledger(
        session, principal, integration_id, state.value if state else None, page, page_size
    )
    return LedgerPage(items=[LedgerOrderOut.of(entry) for entry in entries], total=total)
