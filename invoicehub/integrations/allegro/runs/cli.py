"""`invoicehub sync <integration-id> [--wait] [--reconcile]`: queue a sync like the manual one,
no rate limit; `--reconcile` also compares Allegro's recent orders with the ledger."""

from __future__ import annotations

import sys
import time
import uuid

from invoicehub.activity import record_audit
from invoicehub.db import session_scope
from invoicehub.integrations.allegro.runs.requests import (
    ask_reconciliation,
    is_terminal,
    not_syncable_reason,
    queue_run,
    run_view,
)
from invoicehub.integrations.allegro.service import lock_integration
from invoicehub.integrations.allegro.sync.reconcile import RECONCILE_TRIGGER
from invoicehub.models import AllegroIntegration, IntegrationStatus, SyncRun

POLL_SECONDS = 0.5
COUNT_FIELDS = (
    "ordersFetched",
    "invoicesCreated",
    "customersCreated",
    "productsCreated",
    "skipped",
    "needsReview",
    "correctionsIssued",
)


def run_sync_command(integration_id: str, wait: bool, reconcile: bool = False) -> int:
    """Queue (or join) a sync of the integration; with `wait`, follow it and print the counts."""
    try:
        iid = uuid.UUID(integration_id)
    except ValueError:
        print(f"error: {integration_id!r} is not an integration id", file=sys.stderr)
        return 2
    with session_scope() as session:
        if session.get(AllegroIntegration, iid) is None:
            print(f"error: integration {iid} not found", file=sys.stderr)
            return 2
        integration = lock_integration(session, iid)
        if integration.status != IntegrationStatus.ACTIVE.value or not integration.is_active:
            print(f"error: {not_syncable_reason(integration)}", file=sys.stderr)
            return 1
        if reconcile:
            ask_reconciliation(integration)
        trigger = RECONCILE_TRIGGER if reconcile else "cli"
        run, created = queue_run(session, integration, trigger)
        record_audit(
            session,
            "allegro.sync.trigger",
            tenant_id=integration.tenant_id,
            target_type="allegro_integration",
            target_id=integration.id,
            after={"runId": str(run.id), "trigger": trigger, "alreadyQueued": not created},
        )
        run_id = run.id
    print(f"{'queued' if created else 'already queued'}: run {run_id}")
    return _follow(run_id) if wait else 0


def _follow(run_id: uuid.UUID) -> int:
    last_status = None
    while True:
        with session_scope() as session:
            run = session.get(SyncRun, run_id)
            assert run is not None
            view = run_view(run)
        if view["status"] != last_status:
            print(f"status: {view['status']}" + (f" ({view['error']})" if view["error"] else ""))
            last_status = view["status"]
        if is_terminal(view["status"]):
            print(" ".join(f"{name}={view[name]}" for name in COUNT_FIELDS))
            return 0 if view["status"] == "succeeded" else 1
        time.sleep(POLL_SECONDS)
