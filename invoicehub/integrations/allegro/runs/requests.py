"""Sync runs and the order ledger as the API, the UI and the admin see them.

Every function takes the caller's principal and goes through `service.find_integration`, so a
foreign id behaves like a missing one. `request_sync` is the only way a person starts a sync: it
writes the `sync_runs` row first and the job is enqueued after the commit.

At most one run per integration is active (queued, running or retrying). That is decided under
the integration's row lock: whoever creates a run holds it, and the check for an active run is a
statement started after the lock was granted, so it sees every run committed before.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session, col, select

from invoicehub import ratelimit
from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.domain.paging import page_bounds
from invoicehub.integrations.allegro.lifecycle import (
    SyncNotAllowed,
    may_sync,
    not_syncable_reason,
)
from invoicehub.integrations.allegro.runs.outcomes import ACTIVE_STATUSES
from invoicehub.integrations.allegro.service import find_integration, lock_integration
from invoicehub.integrations.allegro.sync import ledger_listing
from invoicehub.integrations.allegro.sync.reconcile import RECONCILE_TRIGGER
from invoicehub.integrations.allegro.views import RunView
from invoicehub.jobs.enqueue import enqueue_after_commit
from invoicehub.jobs.queues import sync_job_id
from invoicehub.models import (
    AllegroIntegration,
    Company,
    OrderState,
    SyncRun,
    SyncStatus,
)
from invoicehub.models.base import utcnow

MAX_RUNS_LISTED = 100


class RunNotFound(LookupError):
    pass


class CompanyNotFound(LookupError):
    """A companyId the caller's tenant does not own (a foreign id looks missing)."""


class ForeignReference(PermissionError):
    """A tenantId in the request that is not the caller's."""


def request_sync(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    *,
    trigger: str = "manual",
    enforce_rate_limit: bool = True,
    ip: str | None = None,
    reconcile: bool = False,
) -> SyncRun:
    """Queue a sync (or return the one already queued or running); commits.

    `reconcile` also asks for a reconciliation (reconcile.py): the next run to start does it.
    Raises IntegrationNotFound, SyncNotAllowed, or ratelimit.RateLimited (one manual sync a
    minute per integration).
    """
    run, _ = request_sync_run(
        session,
        principal,
        integration_id,
        trigger=trigger,
        enforce_rate_limit=enforce_rate_limit,
        ip=ip,
        reconcile=reconcile,
    )
    return run


def request_sync_run(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    *,
    trigger: str,
    enforce_rate_limit: bool,
    ip: str | None,
    reconcile: bool,
) -> tuple[SyncRun, bool]:
    """request_sync, also telling whether the run is new (False: one was queued or running)."""
    integration = find_integration(session, principal, integration_id)
    integration = lock_integration(session, integration.id)
    if not may_sync(integration):
        raise SyncNotAllowed(not_syncable_reason(integration))
    if enforce_rate_limit:
        ratelimit.hit(ratelimit.MANUAL_SYNC, str(integration.id))
    if reconcile:
        ask_reconciliation(integration)
        trigger = RECONCILE_TRIGGER
    run, created = queue_run(session, integration, trigger)
    record_audit(
        session,
        "allegro.sync.trigger",
        principal=principal,
        tenant_id=integration.tenant_id,
        target_type="allegro_integration",
        target_id=integration.id,
        after={"runId": str(run.id), "trigger": trigger, "alreadyQueued": not created},
        ip=ip,
    )
    session.commit()
    return run, created


def ask_reconciliation(integration: AllegroIntegration) -> None:
    """Make the integration's reconciliation due: the next run to start does it, whichever run
    that is (one already queued included). Hold the row lock first."""
    integration.reconciled_at = None
    integration.updated_at = utcnow()


def queue_run(
    session: Session, integration: AllegroIntegration, trigger: str
) -> tuple[SyncRun, bool]:
    """The active run, or a new queued one enqueued after commit. Hold the row lock first."""
    active = session.exec(
        select(SyncRun)
        .where(SyncRun.integration_id == integration.id, col(SyncRun.status).in_(ACTIVE_STATUSES))
        .order_by(col(SyncRun.queued_at).desc())
        .limit(1)
    ).first()
    if active is not None:
        return active, False
    run_id = uuid.uuid4()
    run = SyncRun(
        id=run_id,
        tenant_id=integration.tenant_id,
        integration_id=integration.id,
        trigger=trigger[:16],
        status=SyncStatus.QUEUED.value,
        job_id=sync_job_id(integration.id, run_id),
    )
    session.add(run)
    session.flush()
    enqueue_after_commit(session, [(run.id, integration.id)])
    return run, True


def check_caller_references(
    session: Session,
    principal: Principal,
    *,
    company_id: str | None = None,
    tenant_id: str | None = None,
) -> None:
    """Ids a client may send along (the seed's body); checked, never trusted or used.

    A tenantId other than the caller's raises ForeignReference; a companyId the caller's tenant
    does not own raises CompanyNotFound (a foreign id looks missing).
    """
    if tenant_id is not None and not principal.is_admin and tenant_id != str(principal.tenant_id):
        raise ForeignReference("tenantId does not match the signed-in tenant")
    if company_id is not None:
        try:
            cid = uuid.UUID(str(company_id))
        except ValueError as exc:
            raise CompanyNotFound("company not found") from exc
        company = session.get(Company, cid)
        if company is None or (not principal.is_admin and company.tenant_id != principal.tenant_id):
            raise CompanyNotFound("company not found")


def get_sync_run(session: Session, principal: Principal, run_id: uuid.UUID | str) -> SyncRun:
    try:
        rid = uuid.UUID(str(run_id))
    except ValueError as exc:
        raise RunNotFound("sync run not found") from exc
    query = select(SyncRun).where(SyncRun.id == rid)
    if not principal.is_admin:
        query = query.where(SyncRun.tenant_id == principal.tenant_id)
    run = session.exec(query.execution_options(populate_existing=True)).first()
    if run is None:
        raise RunNotFound("sync run not found")
    return run


def list_sync_runs(
    session: Session, principal: Principal, integration_id: uuid.UUID | str, limit: int = 20
) -> list[SyncRun]:
    """The integration's most recent runs, newest first."""
    integration = find_integration(session, principal, integration_id)
    query = (
        select(SyncRun)
        .where(SyncRun.integration_id == integration.id)
        .order_by(col(SyncRun.queued_at).desc(), col(SyncRun.id))
        .limit(min(max(limit, 1), MAX_RUNS_LISTED))
    )
    return list(session.exec(query).all())


def list_ledger(
    session: Session,
    principal: Principal,
    integration_id: uuid.UUID | str,
    state: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[ledger_listing.LedgerEntry], int]:
    """One page of the integration's orders (optionally in one state) and the total."""
    integration = find_integration(session, principal, integration_id)
    if state is not None and state not in {s.value for s in OrderState}:
        raise ValueError(f"state must be one of {', '.join(s.value for s in OrderState)}")
    limit, offset = page_bounds(page, page_size)
    return ledger_listing.list_entries(session, integration.id, state, limit, offset)


def run_view(run: SyncRun) -> RunView:
    """A run as the API and the UI show it."""
    return RunView.of(run)


def is_terminal(status: str) -> bool:
    return status in {s.value for s in SyncStatus.terminal()}
