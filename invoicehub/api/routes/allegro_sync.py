"""Manual sync, sync runs and the order ledger of a seller's Allegro integrations.

The API never calls Allegro: POST /allegro/sync writes a run, the job is enqueued after commit,
and the client follows the run. Ids in the body other than the integration's are checked against
the caller and never trusted.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.integrations.allegro.runs.requests import (
    RunNotFound,
    check_caller_references,
    get_sync_run,
    list_ledger,
    list_sync_runs,
    request_sync,
    run_view,
)
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.integrations.allegro.sync.ledger import LedgerEntry
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


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    integrationId: str = Field(max_length=64)
    companyId: str | None = Field(default=None, max_length=64)
    tenantId: str | None = Field(default=None, max_length=64)


class SyncAccepted(BaseModel):
    runId: str
    integrationId: str
    status: SyncStatus  # "queued" for a new run; an earlier run's status when one is still active


class SyncRunOut(BaseModel):
    runId: str
    integrationId: str
    trigger: str
    status: SyncStatus
    attempts: int
    queuedAt: str | None
    startedAt: str | None
    finishedAt: str | None
    ordersFetched: int
    invoicesCreated: int
    customersCreated: int
    productsCreated: int
    skipped: int
    needsReview: int
    correctionsIssued: int = 0
    error: str | None


class SyncRunList(BaseModel):
    items: list[SyncRunOut]
    total: int


class LedgerOrderOut(BaseModel):
    checkoutFormId: str
    allegroStatus: str
    state: str
    reason: str | None
    needsCorrection: bool
    invoiceId: str | None
    updatedAt: str

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerOrderOut:
        return cls(
            checkoutFormId=entry.checkout_form_id,
            allegroStatus=entry.allegro_status,
            state=entry.state,
            reason=entry.reason,
            needsCorrection=entry.needs_correction,
            invoiceId=str(entry.invoice_id) if entry.invoice_id else None,
            updatedAt=entry.updated_at.isoformat(),
        )


class LedgerPage(BaseModel):
    items: list[LedgerOrderOut]
    total: int


def _not_found(what: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, f"{what} not found")


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
    try:
        check_caller_references(
            session, principal, company_id=body.companyId, tenant_id=body.tenantId
        )
        run = request_sync(session, principal, body.integrationId, ip=client_address(request))
    except (IntegrationNotFound, RunNotFound) as exc:
        raise _not_found("integration or company") from exc
    return SyncAccepted(
        runId=str(run.id), integrationId=str(run.integration_id), status=SyncStatus(run.status)
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
        runId=str(run.id), integrationId=str(run.integration_id), status=SyncStatus(run.status)
    )


@router.get("/sync-runs/{run_id}", response_model=SyncRunOut, responses=NOT_FOUND)
def read_sync_run(run_id: str, principal: PrincipalDep, session: SessionDep) -> SyncRunOut:
    return SyncRunOut(**run_view(get_sync_run(session, principal, run_id)))


@router.get("/sync-runs", response_model=SyncRunList, responses=NOT_FOUND)
def read_sync_runs(
    principal: PrincipalDep,
    session: SessionDep,
    integration_id: Annotated[str, Query(alias="integrationId", max_length=64)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SyncRunList:
    """The integration's most recent runs, newest first."""
    runs = list_sync_runs(session, principal, integration_id, limit)
    items = [SyncRunOut(**run_view(run)) for run in runs]
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
