"""Products of a page of orders: the rates of known offers and the page's product upserts."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import nullcontext
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.db_rounds import fetch_together
from invoicehub.domain.products import ProductDraft, ProductError, upsert_product, upsert_products
from invoicehub.integrations.allegro.preferences import AllegroSettings
from invoicehub.integrations.allegro.sync.buyers import SOURCE
from invoicehub.integrations.allegro.sync.context import ImportContext, SyncCounts
from invoicehub.integrations.allegro.sync.mapping import Action, MappedLine, OrderDecision

logger = logging.getLogger(__name__)


# psycopg SQL: sent with the page's other reads in one round trip (db_rounds.fetch_together).
KNOWN_RATES = """
    SELECT external_id, vat_rate FROM products
     WHERE tenant_id = %(tenant_id)s AND source = %(source)s
       AND external_id = ANY(CAST(%(offer_ids)s AS text[]))
    """


def product_rates(
    session: Session, ctx: ImportContext, raws: Iterable[Mapping[str, Any]]
) -> dict[str, str]:
    """Rates of known products for line items that carry no `tax.rate` (one query a page)."""
    query = rates_query(ctx, offers_needing_rates(raws))
    return rates_of(fetch_together(session, [query])[0]) if query else {}


def rates_of(rows: Iterable[Any]) -> dict[str, str]:
    return {row.external_id: row.vat_rate for row in rows}


def rates_query(
    ctx: ImportContext, offer_ids: Collection[str]
) -> tuple[str, dict[str, Any]] | None:
    """The statement reading the known rates of these offers (None: there are none)."""
    if not offer_ids:
        return None
    params = {"tenant_id": ctx.tenant_id, "source": SOURCE, "offer_ids": sorted(offer_ids)}
    return KNOWN_RATES, params


def offers_needing_rates(raws: Iterable[Mapping[str, Any]]) -> set[str]:
    """The offers of line items that carry no `tax.rate`: their product's rate decides."""
    offer_ids: set[str] = set()
    for raw in raws:
        items = raw.get("lineItems")
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, Mapping):
                continue
            tax, offer = item.get("tax"), item.get("offer")
            if not (isinstance(tax, Mapping) and tax.get("rate")) and isinstance(offer, Mapping):
                offer_ids.add(str(offer.get("id")))
    return offer_ids


def ensure_products(
    session: Session,
    ctx: ImportContext,
    decisions: Sequence[OrderDecision],
    counts: SyncCounts,
    *,
    guarded: bool = True,
) -> dict[str, uuid.UUID]:
    """Upsert the offers of the page's invoices, once each (auto_create_product): offer -> id.

    One UPDATE refreshes the known ones; only new offers cost an INSERT each. `guarded`: a
    statement the database refuses falls back to offer by offer under savepoints; unguarded
    (the page pass, which runs again order by order, guarded, when the database refuses any of
    its statements) it propagates, and the batch needs no SAVEPOINT of its own.
    """
    if not ctx.settings.auto_create_product:
        return {}
    drafts: dict[str, ProductDraft] = {}
    for decision in decisions:
        if decision.action is not Action.INVOICE:
            continue
        for line in decision.lines:
            if line.offer_id:
                drafts.setdefault(line.offer_id, _product_draft(line, ctx.settings))
    if not drafts:
        return {}
    try:
        with session.begin_nested() if guarded else nullcontext():
            results = upsert_products(session, ctx.tenant_id, [*drafts.values()], load=False)
    except sa.exc.OperationalError:
        raise  # the connection is gone: the whole page is retried
    except ProductError:  # refused before anything was written
        results = _upsert_products_one_by_one(session, ctx.tenant_id, drafts.values())
    except sa.exc.DBAPIError:
        if not guarded:
            raise
        results = _upsert_products_one_by_one(session, ctx.tenant_id, drafts.values())
    counts.products_created += sum(1 for _, created in results if created)
    return {
        product.external_id: product.id
        for product, _ in results
        if product is not None and product.external_id
    }


def _upsert_products_one_by_one(
    session: Session, tenant_id: uuid.UUID, drafts: Iterable[ProductDraft]
) -> list[tuple[Any, bool]]:
    """The slow path when one offer cannot be a product: its lines go without a product.

    Whatever the database refuses (text the sanitizer missed, a constraint) costs that offer
    its product row, never the page: this runs outside the per-order savepoints.
    """
    results: list[tuple[Any, bool]] = []
    for draft in drafts:
        try:
            with session.begin_nested():
                results.append(upsert_product(session, tenant_id, draft))
        except sa.exc.OperationalError:
            raise
        except ProductError as exc:
            logger.info("offer %s stays a plain line: %s", draft.external_id, exc)
        except sa.exc.DBAPIError as exc:  # never fails the page: the line just has no product
            logger.warning("offer %s refused by the database: %s", draft.external_id, exc.orig)
    return results


def _product_draft(line: MappedLine, settings: AllegroSettings) -> ProductDraft:
    return ProductDraft(
        name=line.name,
        sku=line.sku,
        vat_rate=line.vat_rate if line.rate_from_offer else None,
        gross_price=line.unit_gross,
        source=SOURCE,
        external_id=line.offer_id,
        default_vat_rate=settings.vat_rate_code,
    )
