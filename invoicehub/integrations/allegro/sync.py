"""The Allegro order sync of one integration: events (or a first listing) -> pages -> commits.

Incremental: read `/order/events` from the integration's `event_cursor`, fetch the changed checkout
forms (events carry only ids), import them page by page. First sync: remember the journal's head
from `/order/event-stats`, then stream the checkout forms updated within FIRST_SYNC_WINDOW, and
start the journal from that head once every page is in.

A page is at most PAGE_SIZE orders and one transaction; the cursor moves in the same transaction
as the last statement of the page it covers, so it can never run ahead of committed work and a
crash replays at most one page (which the ledger turns into no-ops). Memory stays flat: one page
of forms is held at a time. Redis keys (24 h) remember the revision each order was last decided at
so replayed events skip the HTTP fetch; they are only a fast path, the ledger decides.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import httpx
import redis
import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db import get_engine
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.errors import NotFound
from invoicehub.integrations.allegro.mapping import POLAND
from invoicehub.integrations.allegro.order_import import (
    ImportContext,
    SyncCounts,
    import_page,
)
from invoicehub.integrations.allegro.refresh import refresh_token_if_needed
from invoicehub.integrations.allegro.service import get_settings_with_defaults
from invoicehub.models import AllegroIntegration, IntegrationStatus, SyncRun
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings

logger = logging.getLogger(__name__)

FIRST_SYNC_WINDOW = timedelta(days=30)
PAGE_SIZE = 100  # orders per transaction (and Allegro's largest checkout-form page)
EVENTS_PAGE = 1000  # Allegro's largest event page
FETCH_CONCURRENCY = 8  # parallel GET /order/checkout-forms/{id} of one page
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
HTTP_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
START_OF_JOURNAL = "0"  # `from=0`: every retained event (a seller without any event yet)

_integrations: sa.Table = AllegroIntegration.__table__  # type: ignore[attr-defined]
_runs: sa.Table = SyncRun.__table__  # type: ignore[attr-defined]
T = TypeVar("T")


class IntegrationInactive(Exception):
    """The integration is disabled, disconnected or waiting for re-authorisation."""


def sync_integration(integration_id: uuid.UUID, run_id: uuid.UUID | None = None) -> SyncCounts:
    """Run one sync to the end of the journal; counts are also added to the run row per page."""
    access_token = refresh_token_if_needed(integration_id)
    with Session(get_engine(), expire_on_commit=False) as session:
        ctx, cursor = _load_context(session, integration_id)
        session.commit()
        with open_client(access_token) as client:
            if cursor is None:
                return _first_sync(session, client, ctx, run_id)
            return _incremental_sync(session, client, ctx, run_id, cursor)


def open_client(access_token: str) -> AllegroApiClient:
    return AllegroApiClient(
        access_token, base_url=get_settings().allegro_api_url, timeout=HTTP_TIMEOUT
    )


def _load_context(session: Session, integration_id: uuid.UUID) -> tuple[ImportContext, str | None]:
    integration = session.get(AllegroIntegration, integration_id)
    if integration is None:
        raise IntegrationInactive("the integration no longer exists")
    if integration.status != IntegrationStatus.ACTIVE.value or not integration.is_active:
        raise IntegrationInactive(f"the integration is {integration.status}")
    settings = get_settings_with_defaults(session, integration)
    ctx = ImportContext(
        tenant_id=integration.tenant_id,
        integration_id=integration.id,
        settings=settings,
        company_id=_as_uuid(settings.companyId),
        template_id=_as_uuid(settings.invoiceTemplateId),
        today=datetime.now(POLAND).date(),
    )
    return ctx, integration.event_cursor


def _first_sync(
    session: Session, client: AllegroApiClient, ctx: ImportContext, run_id: uuid.UUID | None
) -> SyncCounts:
    latest = (client.get_event_stats().get("latestEvent") or {}).get("id")
    since = utcnow() - FIRST_SYNC_WINDOW
    counts = SyncCounts()
    pages = client.iter_checkout_forms(updated_at_gte=since, page_size=PAGE_SIZE)
    for page in prefetched(pages):
        counts.add(_commit_page(session, ctx, run_id, page, cursor=None))
    # Events older than `latest` are covered by the listing; the journal starts after it.
    _set_cursor(session, ctx.integration_id, str(latest) if latest else START_OF_JOURNAL)
    session.commit()
    return counts


def _incremental_sync(
    session: Session,
    client: AllegroApiClient,
    ctx: ImportContext,
    run_id: uuid.UUID | None,
    cursor: str,
) -> SyncCounts:
    counts = SyncCounts()
    with ThreadPoolExecutor(FETCH_CONCURRENCY, thread_name_prefix="allegro-fetch") as pool:
        for events in client.iter_order_events(from_id=cursor, limit=EVENTS_PAGE):
            for revisions, last_event_id in _chunks(events):
                wanted = _unseen(ctx, revisions)
                forms = _fetch_forms(client, pool, wanted)
                page_counts = _commit_page(session, ctx, run_id, forms, cursor=last_event_id)
                known = len(revisions) - len(wanted)
                page_counts.orders_fetched += known
                page_counts.skipped += known + len(wanted) - len(forms)
                counts.add(page_counts)
    return counts


def prefetched(pages: Iterator[T]) -> Iterator[T]:
    """The same pages, the next one fetched by a thread while the caller works on this one.

    At most one page waits in the queue, so memory stays at about two pages. An error of the
    fetching thread is raised here, at the page it would have produced.
    """
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for page in pages:
                if not put(("page", page)):
                    return
            put(("end", None))
        except BaseException as exc:
            put(("error", exc))

    thread = threading.Thread(target=pump, name="allegro-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = handoff.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def _chunks(events: Sequence[Mapping[str, Any]]) -> Iterator[tuple[dict[str, str | None], str]]:
    """Split an event page into runs of at most PAGE_SIZE distinct orders.

    Each chunk maps its orders (first seen in this event page) to the revision the event named,
    with the id of the chunk's last event: the cursor once the chunk is committed. An order met
    again later in the page was already fetched in its newest state, so it is not repeated.
    """
    seen: set[str] = set()
    chunk: dict[str, str | None] = {}
    last_id = yielded_id = None
    for event in events:
        last_id = str(event.get("id"))
        form = (event.get("order") or {}).get("checkoutForm") or {}
        form_id = form.get("id")
        if isinstance(form_id, str) and form_id not in seen:
            seen.add(form_id)
            chunk[form_id] = form.get("revision")
            if len(chunk) >= PAGE_SIZE:
                yield chunk, last_id
                chunk, yielded_id = {}, last_id
    if last_id is not None and last_id != yielded_id:
        yield chunk, last_id  # possibly no order left: the cursor still moves past the events


def _fetch_forms(
    client: AllegroApiClient, pool: ThreadPoolExecutor, form_ids: Sequence[str]
) -> list[dict[str, Any]]:
    def fetch(form_id: str) -> dict[str, Any] | None:
        try:
            return client.get_checkout_form(form_id)
        except NotFound:
            logger.info("checkout form %s is gone; skipped", form_id)
            return None

    return [form for form in pool.map(fetch, form_ids) if form is not None]


def _commit_page(
    session: Session,
    ctx: ImportContext,
    run_id: uuid.UUID | None,
    raws: Sequence[dict[str, Any]],
    *,
    cursor: str | None,
) -> SyncCounts:
    """Import, count, move the cursor and commit, all or nothing."""
    fresh = _fresh_forms(ctx, raws) if cursor is None else list(raws)
    try:
        result = import_page(session, ctx, fresh)
        known = len(raws) - len(fresh)
        result.counts.orders_fetched += known
        result.counts.skipped += known
        if run_id is not None:
            _add_run_counts(session, run_id, result.counts)
        if cursor is not None:
            _set_cursor(session, ctx.integration_id, cursor)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    ctx.product_ids.update(result.new_products)
    _remember_decided(ctx, result.decided)
    return result.counts


def _set_cursor(session: Session, integration_id: uuid.UUID, cursor: str) -> None:
    session.connection().execute(
        sa.update(_integrations)
        .where(_integrations.c.id == integration_id)
        .values(event_cursor=cursor)
    )


def _add_run_counts(session: Session, run_id: uuid.UUID, counts: SyncCounts) -> None:
    values = {name: _runs.c[name] + value for name, value in counts.as_dict().items()}
    session.connection().execute(sa.update(_runs).where(_runs.c.id == run_id).values(values))


# -- the Redis fast path (never the source of truth) ---------------------------------------------


def _seen_key(integration_id: uuid.UUID, form_id: str) -> str:
    return f"allegro:order-seen:{integration_id}:{form_id}"


def _unseen(ctx: ImportContext, revisions: Mapping[str, str | None]) -> list[str]:
    """Orders whose event revision is not the one already decided (per the 24 h keys)."""
    ids = list(revisions)
    if not ids:
        return []
    try:
        keys = [_seen_key(ctx.integration_id, i) for i in ids]
        stored = cast(list[bytes | None], get_redis().mget(keys))
    except redis.RedisError as exc:
        logger.warning("idempotency keys unavailable (%s); every order is decided again", exc)
        return ids
    return [
        form_id
        for form_id, value in zip(ids, stored, strict=True)
        if value is None or revisions[form_id] is None or value.decode() != revisions[form_id]
    ]


def _fresh_forms(ctx: ImportContext, raws: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The listed forms not already decided at their revision (one MGET for the page)."""
    revisions = {
        raw["id"]: raw.get("revision")
        for raw in raws
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str)
    }
    unseen = set(_unseen(ctx, revisions))
    return [
        raw
        for raw in raws
        if not isinstance(raw, Mapping) or raw.get("id") not in revisions or raw["id"] in unseen
    ]


def _remember_decided(ctx: ImportContext, decided: Mapping[str, str | None]) -> None:
    try:
        pipe = get_redis().pipeline(transaction=False)
        for form_id, revision in decided.items():
            if revision is not None:
                pipe.set(
                    _seen_key(ctx.integration_id, form_id), revision, ex=IDEMPOTENCY_TTL_SECONDS
                )
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("idempotency keys not stored (%s); the ledger still decides", exc)


def _as_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None
