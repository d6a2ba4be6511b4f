"""Products: race-safe upsert (one row per external offer id, else per SKU) and listing.

Two partial unique indexes guard products: (source, external_id) and SKU. A product keyed by its
external id may carry a SKU another product already holds (a seller reuses one signature across
offers), so that upsert cannot name a single conflict target. Instead it refreshes the row by
key, else inserts with ON CONFLICT DO NOTHING (any index), and if that inserted nothing and the
key still finds no row, the SKU belonged to another product: the new one is stored without it.
No step can fail on a concurrent insert, so concurrent syncs of one offer end with one row.
Every other case is a single INSERT ... ON CONFLICT DO UPDATE on the one index in play.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session

from invoicehub.domain.rows import like_pattern, page_bounds, table_of
from invoicehub.domain.taxes import DEFAULT_VAT_RATE, RATE_FRACTIONS, to_grosz
from invoicehub.models import Product

_products = table_of(Product)
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


def _as_products(stmt: Any, created: Any) -> Any:
    """(Product, created) rows from a RETURNING statement, refreshing entities already loaded.

    The statements are built once at import: static statements skip SQLAlchemy's per-call
    compile on the sync's hot path.
    """
    returning = stmt.returning(*_products.c, created.label("created"))
    orm = sa.select(Product, sa.column("created", sa.Boolean)).from_statement(returning)
    return orm.execution_options(populate_existing=True)


def _upsert_statement(index: list[str] | None = None, index_where: Any = None) -> Any:
    stmt = insert(_products)
    if index is not None:
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=index,
            index_where=index_where,
            set_={
                "name": excluded.name,
                "unit": excluded.unit,
                "gross_price": excluded.gross_price,
                # A rate is overwritten only when the source stated one.
                "vat_rate": sa.case(
                    (sa.bindparam("rate_given", type_=sa.Boolean), excluded.vat_rate),
                    else_=_products.c.vat_rate,
                ),
                "updated_at": sa.func.now(),
            },
        )
    return _as_products(stmt, sa.literal_column("(xmax = 0)"))


_INSERT = _as_products(insert(_products), sa.true())
_INSERT_IF_FREE = _as_products(insert(_products).on_conflict_do_nothing(), sa.true())
_UPSERT_BY_SKU = _upsert_statement(["tenant_id", "sku"], _products.c.sku.isnot(None))
_UPSERT_BY_EXTERNAL_ID = _upsert_statement(
    ["tenant_id", "source", "external_id"], _products.c.external_id.isnot(None)
)
_REFRESH_BY_EXTERNAL_ID = _as_products(
    sa.update(_products)
    .where(
        _products.c.tenant_id == sa.bindparam("key_tenant_id"),
        _products.c.source == sa.bindparam("key_source"),
        _products.c.external_id == sa.bindparam("key_external_id"),
    )
    .values(
        name=sa.bindparam("new_name"),
        unit=sa.bindparam("new_unit"),
        gross_price=sa.bindparam("new_gross_price"),
        vat_rate=sa.func.coalesce(
            sa.bindparam("new_vat_rate", type_=sa.String), _products.c.vat_rate
        ),
        updated_at=sa.func.now(),
    ),
    sa.false(),
)


def upsert_product(
    session: Session, tenant_id: uuid.UUID, draft: ProductDraft
) -> tuple[Product, bool]:
    """Insert or refresh the product: (product, created). Without a key it always inserts."""
    values = _values(tenant_id, draft)
    session.flush()
    if values["external_id"] is not None and values["sku"] is not None:
        product, created = _upsert_by_external_id_keeping_sku(session, values, draft.vat_rate)
    elif values["external_id"] is not None:
        product, created = session.execute(_UPSERT_BY_EXTERNAL_ID, values).one()
    elif values["sku"] is not None:
        product, created = session.execute(_UPSERT_BY_SKU, values).one()
    else:
        product, created = session.execute(_INSERT, _without(values, "rate_given")).one()
    return product, bool(created)


def _upsert_by_external_id_keeping_sku(
    session: Session, values: dict[str, Any], vat_rate: str | None
) -> sa.Row[Any]:
    refresh = {
        "key_tenant_id": values["tenant_id"],
        "key_source": values["source"],
        "key_external_id": values["external_id"],
        "new_name": values["name"],
        "new_unit": values["unit"],
        "new_gross_price": values["gross_price"],
        "new_vat_rate": vat_rate,
    }
    if (row := session.execute(_REFRESH_BY_EXTERNAL_ID, refresh).one_or_none()) is not None:
        return row
    new = _without(values, "rate_given")
    if (row := session.execute(_INSERT_IF_FREE, new).one_or_none()) is not None:
        return row
    # Nothing inserted: either a concurrent sync stored this offer first, or the SKU is taken.
    if (row := session.execute(_REFRESH_BY_EXTERNAL_ID, refresh).one_or_none()) is not None:
        return row
    return session.execute(_UPSERT_BY_EXTERNAL_ID, {**values, "sku": None}).one()


def _without(values: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != key}


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
        "vat_rate": draft.vat_rate or draft.default_vat_rate,
        "rate_given": draft.vat_rate is not None,
        "gross_price": to_grosz(Decimal(draft.gross_price)),
        "source": draft.source,
        "external_id": draft.external_id or None,
    }
    for field, limit in _LIMITS.items():
        if values[field] is not None and len(values[field]) > limit:
            raise ProductError(f"product {field} is longer than {limit} characters")
    return values
