"""Products: race-safe upsert (one row per external offer id, else per SKU) and listing.

Two partial unique indexes guard products: (source, external_id) and SKU. A product keyed by its
external id may carry a SKU another product already holds (a seller reuses one signature across
offers), so its upsert cannot name a single conflict target. Instead it refreshes the row by key,
else inserts with ON CONFLICT DO NOTHING (any index), and if that inserted nothing and the key
still finds no row, the SKU belonged to another product: the new one is stored without it. No
step can fail on a concurrent insert, so concurrent syncs of one offer end with one row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.domain.rows import attach_row, like_pattern, page_bounds, table_of
from invoicehub.domain.taxes import DEFAULT_VAT_RATE, RATE_FRACTIONS, to_grosz
from invoicehub.models import Product

_products = table_of(Product)
_CREATED = sa.literal_column("(xmax = 0)").label("created")
_LIMITS = {"name": 300, "sku": 100, "unit": 16, "external_id": 100}


class ProductError(ValueError):
    """A product draft that cannot be stored; the message says why."""


@dataclass(frozen=True)
class ProductDraft:
    """`vat_rate` None keeps a known product's own rate; a new one gets `default_vat_rate`."""

    name: str
    sku: str | None = None
    unit: str = "szt."
    vat_rate: str | None = None
    gross_price: Decimal = Decimal("0.00")
    source: str = "manual"
    external_id: str | None = None
    default_vat_rate: str = DEFAULT_VAT_RATE


def upsert_product(
    session: Session, tenant_id: uuid.UUID, draft: ProductDraft
) -> tuple[Product, bool]:
    """Insert or refresh the product; returns (product, created). Without a key it always inserts."""
    values = _values(tenant_id, draft)
    session.flush()
    if values["external_id"] is not None:
        row = _upsert_by_external_id(session, values)
    elif values["sku"] is not None:
        row = _upsert_on(session, values, ["tenant_id", "sku"], _products.c.sku.isnot(None))
    else:
        row = session.connection().execute(_insert(values).returning(*_products.c, _CREATED)).one()
    return attach_row(session, Product, row._mapping), bool(row.created)


def _upsert_by_external_id(session: Session, values: dict[str, Any]) -> sa.Row[Any]:
    conn = session.connection()
    key = sa.and_(
        _products.c.tenant_id == values["tenant_id"],
        _products.c.source == values["source"],
        _products.c.external_id == values["external_id"],
    )
    refresh = sa.update(_products).where(key).values(_refreshed(values))
    refresh = refresh.returning(*_products.c, sa.false().label("created"))
    if (row := conn.execute(refresh).one_or_none()) is not None:
        return row
    insert_new = _insert(values).on_conflict_do_nothing().returning(*_products.c, _CREATED)
    if (row := conn.execute(insert_new).one_or_none()) is not None:
        return row
    # Nothing inserted: either a concurrent sync stored this offer first, or the SKU is taken.
    if (row := conn.execute(refresh).one_or_none()) is not None:
        return row
    return _upsert_on(
        session,
        {**values, "sku": None},
        ["tenant_id", "source", "external_id"],
        _products.c.external_id.isnot(None),
    )


def _upsert_on(
    session: Session, values: dict[str, Any], index: list[str], where: Any
) -> sa.Row[Any]:
    stmt = _insert(values)
    excluded = stmt.excluded
    updates = {key: excluded[key] for key in _refreshed(values)}
    stmt = stmt.on_conflict_do_update(index_elements=index, index_where=where, set_=updates)
    return session.connection().execute(stmt.returning(*_products.c, _CREATED)).one()


def _insert(values: dict[str, Any]) -> Any:
    new_rate = values["vat_rate"] or values["default_vat_rate"]
    row = {k: v for k, v in values.items() if k != "default_vat_rate"}
    return insert(_products).values({**row, "vat_rate": new_rate})


def _refreshed(values: dict[str, Any]) -> dict[str, Any]:
    """What a repeat sighting updates: name, unit, price, and the rate only when one was given."""
    updates: dict[str, Any] = {
        "name": values["name"],
        "unit": values["unit"],
        "gross_price": values["gross_price"],
        "updated_at": sa.func.now(),
    }
    if values["vat_rate"] is not None:
        updates["vat_rate"] = values["vat_rate"]
    return updates


def get_product(session: Session, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product | None:
    product = session.get(Product, product_id)
    return product if product is not None and product.tenant_id == tenant_id else None


def list_products(
    session: Session,
    tenant_id: uuid.UUID,
    search: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[Product], int]:
    """One page of the tenant's products by name, and the total matching `search`."""
    where = [Product.tenant_id == tenant_id]
    if search and search.strip():
        pattern = like_pattern(search.strip())
        where.append(
            sa.or_(
                Product.name.ilike(pattern),  # type: ignore[attr-defined]
                Product.sku.ilike(pattern),  # type: ignore[union-attr]
            )
        )
    limit, offset = page_bounds(page, page_size)
    total = session.scalar(sa.select(sa.func.count()).select_from(Product).where(*where)) or 0
    items = session.scalars(
        sa.select(Product)
        .where(*where)
        .order_by(Product.name, Product.id)  # type: ignore[arg-type]
        .limit(limit)
        .offset(offset)
    ).all()
    return list(items), total


def _values(tenant_id: uuid.UUID, draft: ProductDraft) -> dict[str, Any]:
    name = draft.name.strip()
    if not name:
        raise ProductError("product name is required")
    for rate in (draft.vat_rate, draft.default_vat_rate):
        if rate is not None and rate not in RATE_FRACTIONS:
            raise ProductError(f"unknown VAT rate {rate!r}")
    if draft.gross_price < 0:
        raise ProductError("product price cannot be negative")
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "name": name,
        "sku": (draft.sku or "").strip() or None,
        "unit": draft.unit.strip() or "szt.",
        "vat_rate": draft.vat_rate,
        "default_vat_rate": draft.default_vat_rate,
        "gross_price": to_grosz(Decimal(draft.gross_price)),
        "source": draft.source,
        "external_id": draft.external_id or None,
    }
    for field, limit in _LIMITS.items():
        if values[field] is not None and len(values[field]) > limit:
            raise ProductError(f"product {field} is longer than {limit} characters")
    return values
