"""`invoicehub sync <integration-id> [--wait] [--reconcile]`: queue a sync through request_sync as
the system principal (any tenant, no rate limit, audited without a user); `--reconcile` also
compares Allegro's recent orders with the ledger."""

from __future__ import annotations

import sys
import time
import uuid

from invoicehub.auth.system import SYSTEM_PRINCIPAL
from invoicehub.db import session_scope
from invoicehub.integrations.allegro.lifecycle import SyncNotAllowed
from invoicehub.integrations.allegro.runs.requests import is_terminal, request_sync_run, run_view
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.models import SyncRun

POLL_SECONDS = 0.5
COUNT_FIELDS = {  # the label the command prints -> RunView field
    "ordersFetched": "orders_fetched",
    "invoicesCreated": "invoices_created",
    "customersCreated": "customers_created",
    "productsCreated": "products_created",
    "skipped": "skipped",
    "needsReview": "needs_review",
    "correctionsIssued": "corrections_issued",
}


def run_sync_command(integration_id: str, wait: bool, reconcile: bool = False) -> int:
    """Queue (or join) a sync of the integration; with `wait`, follow it and print the counts."""
    try:
        iid = uuid.UUID(integration_id)
    except ValueError:
        print(f"error: {integration_id!r} is not an integration id", file=sys.stderr)
        return 2
    with session_scope() as session:
        try:
            run, created = request_sync_run(
                session,
                SYSTEM_PRINCIPAL,
                iid,
                trigger="cli",
                enforce_rate_limit=False,
                ip=None,
                reconcile=reconcile,
            )
        except IntegrationNotFound:
            print(f"error: integration {iid} not found", file=sys.stderr)
            return 2
        except SyncNotAllowed as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
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
        if view.status != last_status:
            print(f"status: {view.status}" + (f" ({view.error})" if view.error else ""))
            last_status = view.status
        if is_terminal(view.status):
            print(
                " ".join(f"{label}={getattr(view, name)}" for label, name in COUNT_FIELDS.items())
            )
            return 0 if view.status == "succeeded" else 1
        time.sleep(POLL_SECONDS)
