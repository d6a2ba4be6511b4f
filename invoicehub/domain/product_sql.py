"""The product upsert statements, built once at import.

Static statements skip SQLAlchemy's per-call compile on the sync's hot path; each returns
(Product, created) rows and refreshes entities the session already holds. A product a seller
edited (`edited_at` set) is returned as it is: no refresh rewrites the seller's values.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, insert

from invoicehub.domain.rows import table_of
from invoicehub.models import Product

_products = table_of(Product)
_XMAX_IS_ZERO: Any = sa.literal_column("(xmax = 0)")  # true when ON CONFLICT inserted the row
REFRESH_FIELDS = ("source", "external_id", "name", "unit", "gross_price", "vat_rate", "rate_given")


def _as_products(stmt: Any) -> Any:
    orm = sa.select(Product, sa.column("created", sa.Boolean)).from_statement(stmt)
    return orm.execution_options(populate_existing=True)


def _unless_edited(name: str, refreshed: Any) -> Any:
    column = _products.c[name]
    return sa.case((_products.c.edited_at.isnot(None), column), else_=refreshed)


def _insert(on_conflict_index: list[str] | None = None, index_where: Any = None) -> Any:
    stmt = insert(_products)
    if on_conflict_index is not None:
        excluded = stmt.excluded
        refreshed = {
            "name": excluded.name,
            "unit": excluded.unit,
            "gross_price": excluded.gross_price,
            # A known product's rate is overwritten only when the source stated one.
            "vat_rate": sa.case(
                (sa.bindparam("rate_given", type_=sa.Boolean), excluded.vat_rate),
                else_=_products.c.vat_rate,
            ),
        }
        stmt = stmt.on_conflict_do_update(
            index_elements=on_conflict_index,
            index_where=index_where,
            set_={
                **{name: _unless_edited(name, value) for name, value in refreshed.items()},
                "updated_at": sa.func.now(),
            },
        )
    return _as_products(stmt.returning(*_products.c, _XMAX_IS_ZERO.label("created")))


INSERT = _as_products(insert(_products).returning(*_products.c, sa.true().label("created")))
INSERT_IF_FREE = _as_products(
    insert(_products).on_conflict_do_nothing().returning(*_products.c, sa.true().label("created"))
)
UPSERT_BY_SKU = _insert(["tenant_id", "sku"], _products.c.sku.isnot(None))
UPSERT_BY_EXTERNAL_ID = _insert(
    ["tenant_id", "source", "external_id"], _products.c.external_id.isnot(None)
)
# Refresh every known offer of an order at once (drafts: JSON records of REFRESH_FIELDS).
_REFRESH_SQL = """
        UPDATE products AS product
           SET name = CASE WHEN product.edited_at IS NULL THEN draft.name ELSE product.name END,
               unit = CASE WHEN product.edited_at IS NULL THEN draft.unit ELSE product.unit END,
               gross_price = CASE WHEN product.edited_at IS NULL
                                  THEN draft.gross_price ELSE product.gross_price END,
               vat_rate = CASE WHEN draft.rate_given AND product.edited_at IS NULL
                               THEN draft.vat_rate ELSE product.vat_rate END,
               updated_at = now()
          FROM jsonb_to_recordset(CAST(:drafts AS jsonb)) AS draft(
                   source text, external_id text, name text, unit text, gross_price numeric,
                   vat_rate text, rate_given boolean)
         WHERE product.tenant_id = :tenant_id
           AND product.source = draft.source
           AND product.external_id = draft.external_id
        RETURNING {returning}, false AS created
        """
REFRESH_BY_EXTERNAL_ID = _as_products(
    sa.text(_REFRESH_SQL.format(returning="product.*")).bindparams(
        sa.bindparam("drafts", type_=JSONB)
    )
)
# The same, as Core rows of the keys only (a sync's page needs ids, not Product objects).
REFRESH_KEYS_BY_EXTERNAL_ID = sa.text(
    _REFRESH_SQL.format(returning="product.id, product.source, product.external_id")
).bindparams(sa.bindparam("drafts", type_=JSONB))
