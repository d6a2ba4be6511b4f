"""The Allegro order sync of one integration: events (or a first listing) -> pages -> commits.

Incremental: read `/order/events` from the integration's `event_cursor`, fetch the changed checkout
forms (events carry only ids), import them page by page. First sync: remember the journal's head
from `/order/event-stats`, then stream the checkout forms updated within FIRST_SYNC_WINDOW, and
start the journal from that head once every page is in.

A page is at most PAGE_SIZE orders and one transaction; the cursor moves in the same transaction
as the last statement of the page it covers, so it can never run ahead of committed work and a
crash replays at most one page (which the ledger turns into no-ops); a first sync joins its pages
to FIRST_SYNC_BATCH orders. Memory stays flat: one batch at a time. Redis keys (24 h) remember the
revision each order was last decided at so replayed events skip the fetch (the ledger decides).

Orders set aside for review come back only with a new Allegro revision, except when a person asks
for the sync (`retry_held`): the cause may be theirs to fix (no company, a VAT rate), so such a
run fetches up to RETRY_HELD_LIMIT of them again and decides them anew.

No order is lost: one Allegro does not send (a 404 right after its event, a 400) gets its ledger
row in the transaction that moves the cursor past it and is fetched again by later syncs
(fetch_retry.py); a bad order costs only itself (order_guard.py); once a day, and on request,
the orders Allegro lists for the last days are compared with the ledger (reconcile.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.db_rounds import commit_together
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection.refresh import refresh_token_if_needed
from invoicehub.integrations.allegro.errors import AuthError, TransientError
from invoicehub.integrations.allegro.lifecycle import may_sync
from invoicehub.integrations.allegro.service import get_settings_with_defaults
from invoicehub.integrations.allegro.sync import fetch_retry, ledger, page_writes, seen
from invoicehub.integrations.allegro.sync import reconcile as reconciliation
from invoicehub.integrations.allegro.sync.context import ImportContext, SyncCounts
from invoicehub.integrations.allegro.sync.fetch_retry import FetchFailure, fetch_forms
from invoicehub.integrations.allegro.sync.mapping import POLAND
from invoicehub.integrations.allegro.sync.order_import import import_page
from invoicehub.integrations.allegro.sync.page_prep import PreparedPage, prepare_page
from invoicehub.integrations.allegro.sync.refunds import follow_order
from invoicehub.integrations.allegro.sync.streaming import fewer_gc_pauses, joined, prefetched
from invoicehub.models import AllegroIntegration
from invoicehub.models.base import utcnow
from invoicehub.settings import get_settings

logger = logging.getLogger(__name__)

FIRST_SYNC_WINDOW = timedelta(days=30)
EVENT_RETENTION = timedelta(days=55)  # Allegro keeps order events 60 days; a margin for clocks
PAGE_SIZE = 100  # orders per transaction (and Allegro's largest checkout-form page)
FIRST_SYNC_BATCH = 500  # orders per transaction of a first sync's listing (streaming.joined)
EVENTS_PAGE = 1000  # Allegro's largest event page
FETCH_CONCURRENCY = 8  # parallel GET /order/checkout-forms/{id} of one page
HTTP_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
RETRY_HELD_LIMIT = 1000  # held orders one requested sync fetches again
START_OF_JOURNAL = "0"  # `from=0`: every retained event (a seller without any event yet)

_integrations: sa.Table = AllegroIntegration.__table__  # type: ignore[attr-defined]
# The pages of a sync share a connection: a session and transaction each, one pool checkout.
_pages_connection: ContextVar[sa.Connection | None] = ContextVar("pages", default=None)


class IntegrationInactive(Exception):
    """The integration is disabled, disconnected or waiting for re-authorisation."""


def sync_integration(
    integration_id: uuid.UUID,
    run_id: uuid.UUID | None = None,
    *,
    retry_held: bool = False,
    reconcile: bool = False,
) -> SyncCounts:
    """Run one sync to the end of the journal; counts are also added to the run row per page.

    `retry_held` then decides the orders still set aside for review again; `reconcile` (or a
    day since the last one) then compares Allegro's recent orders with the ledger.
    """
    with Session(get_engine(), expire_on_commit=False) as session:
        ctx, cursor, since = _load_context(session, integration_id)  # refuses inactive ones
        reconcile = reconcile or reconciliation.is_due(session, integration_id)
    access_token = refresh_token_if_needed(integration_id)
    try:
        with open_client(access_token) as client, fewer_gc_pauses(), _shared_connection():
            # Held orders first: the journal pass then finds them decided at their revision
            # and skips them, so a run counts each order once.
            counts = _retry_held(client, ctx, run_id) if retry_held else SyncCounts()
            counts.add(_retry_fetches(client, ctx, run_id))  # Allegro's 404s of earlier runs
            if cursor is None or since is not None:
                counts.add(_first_sync(client, ctx, run_id, since))  # counts as reconciled
            else:
                counts.add(_incremental_sync(client, ctx, run_id, cursor))
                if reconcile:
                    counts.add(_reconcile(client, ctx, run_id))
            # Corrections for cancellations, refunds, returns; invoice PDFs onto the orders.
            counts.corrections_issued += follow_order(client, ctx, run_id)
            return counts
    except AuthError:
        # Another process may have refreshed (which kills the old access token): retry with
        # the stored pair. A token still current and refused means re-authorisation.
        if refresh_token_if_needed(integration_id) != access_token:
            raise TransientError("the access token was replaced during the sync") from None
        raise


@contextmanager
def _shared_connection() -> Iterator[None]:
    with get_engine().connect() as connection:
        token = _pages_connection.set(connection)
        try:
            yield
        finally:
            _pages_connection.reset(token)


def open_client(access_token: str) -> AllegroApiClient:
    return AllegroApiClient(
        access_token, base_url=get_settings().allegro_api_url, timeout=HTTP_TIMEOUT
    )


def _load_context(
    session: Session, integration_id: uuid.UUID
) -> tuple[ImportContext, str | None, datetime | None]:
    """The context, the event cursor, and a listing start when the cursor is too old to use.

    Allegro keeps events for 60 days: after a longer pause (a disabled integration enabled
    again) the journal has gaps, so the orders changed since the last sync are listed instead.
    """
    integration = session.get(AllegroIntegration, integration_id)
    if integration is None:
        raise IntegrationInactive("the integration no longer exists")
    if not may_sync(integration):
        raise IntegrationInactive(f"the integration is {integration.status}")
    settings = get_settings_with_defaults(session, integration)
    ctx = ImportContext(
        tenant_id=integration.tenant_id,
        integration_id=integration.id,
        settings=settings,
        company_id=_as_uuid(settings.company_id),
        template_id=_as_uuid(settings.invoice_template_id),
        today=datetime.now(POLAND).date(),
    )
    last, since = integration.last_sync_at, None
    if integration.event_cursor is not None and last and utcnow() - last > EVENT_RETENTION:
        since = last - timedelta(days=1)
    return ctx, integration.event_cursor, since


def _first_sync(
    client: AllegroApiClient,
    ctx: ImportContext,
    run_id: uuid.UUID | None,
    since: datetime | None = None,
) -> SyncCounts:
    latest = (client.get_event_stats().get("latestEvent") or {}).get("id")
    since = since or utcnow() - FIRST_SYNC_WINDOW
    counts = SyncCounts()
    listing = client.iter_checkout_forms(updated_at_gte=since, page_size=PAGE_SIZE)
    pages = joined(listing, FIRST_SYNC_BATCH)
    # The Redis filter and the page's preparation run in the prefetch thread too, while the page
    # before is written (its keys may not be stored yet: an order listed twice is then a no-op
    # of the ledger's).
    listed = ((page, prepare_page(seen.fresh_forms(ctx, page), ctx)) for page in pages)
    for page, fresh in prefetched(listed):
        counts.add(_commit_page(ctx, run_id, page, cursor=None, fresh=fresh))
    # Events older than `latest` are covered by the listing; the journal starts after it.
    with Session(get_engine()) as session:
        _set_cursor(session, ctx.integration_id, str(latest) if latest else START_OF_JOURNAL)
        reconciliation.mark_reconciled(session, ctx.integration_id, utcnow())
        session.commit()
    return counts


def _reconcile(
    client: AllegroApiClient, ctx: ImportContext, run_id: uuid.UUID | None
) -> SyncCounts:
    """List RECONCILE_WINDOW of orders and import those the ledger lacks (reconcile.py)."""
    started, counts, listed = utcnow(), SyncCounts(), 0
    since = started - reconciliation.RECONCILE_WINDOW
    for page in prefetched(client.iter_checkout_forms(updated_at_gte=since, page_size=PAGE_SIZE)):
        with Session(get_engine()) as session:
            missing = reconciliation.missing_forms(session, ctx.integration_id, page)
        listed += len(page)
        if missing:
            counts.add(_commit_page(ctx, run_id, missing, cursor=None, recheck=True))
    reconciliation.log_found(ctx.integration_id, listed, counts.orders_fetched)
    with Session(get_engine()) as session:
        reconciliation.mark_reconciled(session, ctx.integration_id, started)
        session.commit()
    return counts


def _incremental_sync(
    client: AllegroApiClient,
    ctx: ImportContext,
    run_id: uuid.UUID | None,
    cursor: str,
) -> SyncCounts:
    counts = SyncCounts()
    with ThreadPoolExecutor(FETCH_CONCURRENCY, thread_name_prefix="allegro-fetch") as pool:
        for events in client.iter_order_events(from_id=cursor, limit=EVENTS_PAGE):
            for revisions, last_event_id in _chunks(events):
                wanted = seen.unseen(ctx, revisions)
                fetched = fetch_forms(client, pool, wanted)
                page_counts = _commit_page(
                    ctx, run_id, fetched.forms, cursor=last_event_id, failures=fetched.failures
                )
                known = len(revisions) - len(wanted)
                page_counts.orders_fetched += known
                page_counts.skipped += known
                counts.add(page_counts)
    return counts


def _retry_held(
    client: AllegroApiClient, ctx: ImportContext, run_id: uuid.UUID | None
) -> SyncCounts:
    """Fetch the orders set aside for review again and decide them anew, a page at a time.

    An order Allegro does not send stays recorded (fetch_retry.py says how).
    """
    with Session(get_engine()) as session:
        held = ledger.held_form_ids(session, ctx.integration_id, RETRY_HELD_LIMIT)
    return _fetch_again(client, ctx, run_id, held)


def _retry_fetches(
    client: AllegroApiClient, ctx: ImportContext, run_id: uuid.UUID | None
) -> SyncCounts:
    """Fetch the orders Allegro did not send before (a 404 after their event) whose retry is due."""
    with Session(get_engine()) as session:
        due = fetch_retry.due_form_ids(session, ctx.integration_id, utcnow())
    return _fetch_again(client, ctx, run_id, due) if due else SyncCounts()


def _fetch_again(
    client: AllegroApiClient, ctx: ImportContext, run_id: uuid.UUID | None, ids: Sequence[str]
) -> SyncCounts:
    counts = SyncCounts()
    with ThreadPoolExecutor(FETCH_CONCURRENCY, thread_name_prefix="allegro-fetch") as pool:
        for start in range(0, len(ids), PAGE_SIZE):
            fetched = fetch_forms(client, pool, ids[start : start + PAGE_SIZE])
            counts.add(
                _commit_page(
                    ctx, run_id, fetched.forms, cursor=None, recheck=True, failures=fetched.failures
                )
            )
    return counts


def _chunks(events: Sequence[Mapping[str, Any]]) -> Iterator[tuple[dict[str, str | None], str]]:
    """Split an event page into runs of at most PAGE_SIZE distinct orders.

    Each chunk maps its orders (by first appearance in this event page) to the revision the
    page's *last* event of that order names, with the id of the chunk's last event: the cursor
    once the chunk is committed. An order met again later in the page is not repeated: it is
    fetched after every event of the page was written, so in a state at least that new.
    """
    forms = [_form_of(event) for event in events]
    newest = {form_id: revision for form_id, revision in forms if form_id is not None}
    chunk: dict[str, str | None] = {}
    last_id = yielded_id = None
    for event, (form_id, _) in zip(events, forms, strict=True):
        last_id = str(event.get("id"))
        if form_id is not None and form_id not in chunk and form_id in newest:
            chunk[form_id] = newest.pop(form_id)
            if len(chunk) >= PAGE_SIZE:
                yield chunk, last_id
                chunk, yielded_id = {}, last_id
    if last_id is not None and last_id != yielded_id:
        yield chunk, last_id  # possibly no order left: the cursor still moves past the events


def _form_of(event: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(checkout form id, revision) named by an event; (None, None) when it names none."""
    order = event.get("order")
    form = order.get("checkoutForm") if isinstance(order, Mapping) else None
    if not isinstance(form, Mapping) or not isinstance(form.get("id"), str):
        return None, None
    revision = form.get("revision")
    return form["id"], revision if isinstance(revision, str) else None


def _commit_page(
    ctx: ImportContext,
    run_id: uuid.UUID | None,
    raws: Sequence[dict[str, Any]],
    *,
    cursor: str | None,
    recheck: bool = False,
    failures: Sequence[FetchFailure] = (),
    fresh: PreparedPage | None = None,
) -> SyncCounts:
    """Import, record the orders Allegro did not send, count, move the cursor and commit, all
    or nothing: the cursor never passes an order the ledger does not know.

    A listed page (no cursor) leaves out the forms already decided at their revision, unless
    `recheck` asks for them again. A session per page: its identity map and caches end with the
    page, so memory does not grow with the number of orders.
    """
    if fresh is None:  # `fresh`: the listed forms already filtered (seen.fresh_forms), prepared
        fresh = prepare_page(
            list(raws) if recheck or cursor is not None else seen.fresh_forms(ctx, raws)
        )
    bind = _pages_connection.get() or get_engine()
    with Session(bind, expire_on_commit=False) as session:
        result = import_page(session, ctx, fresh, fresh_transaction=True)
        known = len(raws) - fresh.fetched
        result.counts.orders_fetched += known
        result.counts.skipped += known
        held = fetch_retry.record_failures(
            session, ctx.tenant_id, ctx.integration_id, failures, utcnow()
        )
        result.counts.needs_review += held
        result.counts.skipped += len(failures) - held
        writes = [] if run_id is None else [page_writes.run_counts(run_id, result.counts)]
        if cursor is not None:
            writes.append(page_writes.event_cursor(ctx.integration_id, cursor))
        commit_together(session, writes)  # with the COMMIT: one round trip
    seen.remember_decided(ctx, result.decided)
    return result.counts


def _set_cursor(session: Session, integration_id: uuid.UUID, cursor: str) -> None:
    session.connection().execute(
        sa.update(_integrations)
        .where(_integrations.c.id == integration_id)
        .values(event_cursor=cursor)
    )


def _as_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
