"""Products: race-safe upsert (one row per external offer id, else per SKU) and listing.

Two partial unique indexes guard products: (source, external_id) and SKU. Known offers are
refreshed by one UPDATE for the whole order (`upsert_products`); a new one keyed by its external
id may carry a SKU another product already holds (a seller reuses one signature across offers),
so its insert cannot name a single conflict target: it inserts with ON CONFLICT DO NOTHING (any
index), and if that inserted nothing and the key still finds no row, the SKU belonged to another
product and the new one is stored without it. No step can fail on a concurrent insert, so
concurrent syncs of one offer end with one row. Every other case is a single INSERT ... ON
CONFLICT DO UPDATE on the one index in play.

A seller's edit (`update_product`) makes the product the seller's: from then on no sync
rewrites its name, unit, VAT rate or price (the statements in `product_sql` keep an edited
row), while order lines still link to it by offer id.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import Field, ValidationInfo, field_validator
from sqlmodel import Session, col, select

from invoicehub.auth.tokens import Principal
from invoicehub.domain import product_sql as sql
from invoicehub.domain.edits import EditModel, apply_edit, find_for_edit
from invoicehub.domain.paging import like_pattern, page_bounds
from invoicehub.domain.rows import remember_tenant_rows
from invoicehub.domain.taxes import DEFAULT_VAT_RATE, RATE_FRACTIONS, to_grosz
from invoicehub.i18n import N_
from invoicehub.ids import new_id
from invoicehub.models import VAT_RATES, Product, VatRate

_LIMITS = {"name": 300, "sku": 100, "unit": 16, "external_id": 100}
MAX_PRICE = Decimal("9999999999.99")  # NUMERIC(12,2)
GROSZ = Decimal("0.01")


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
    """Insert or refresh one product: (product, created). Without a key it always inserts."""
    return upsert_products(session, tenant_id, [draft])[0]


def upsert_products(
    session: Session, tenant_id: uuid.UUID, drafts: Sequence[ProductDraft], *, load: bool = True
) -> list[tuple[Any, bool]]:
    """Upsert an order's products, in the drafts' order: one UPDATE when all are known.

    `load=False`: the known products come back as Core rows (id, source, external_id), not
    Product objects loaded into the session (a sync's page needs only their ids).
    """
    values = [_values(tenant_id, draft) for draft in drafts]
    session.flush()
    named = [v for v in values if v["external_id"] is not None]
    known = _refresh_known(session, named, load=load)
    results: list[tuple[Any, bool]] = []
    for value in values:
        key = (value["source"], value["external_id"])
        if value["external_id"] is not None and key in known:
            results.append((known[key], False))
            continue
        product, created = _upsert_new(session, value)
        if value["external_id"] is not None:
            known[key] = product  # the same offer twice in one order
        results.append((product, created))
    remember_tenant_rows(session, tenant_id, [product.id for product, _ in results])
    return results


def _refresh_known(
    session: Session, values: list[dict[str, Any]], *, load: bool = True
) -> dict[tuple[str, str], Any]:
    """Refresh the products these drafts name by external id; the ones found, by key."""
    if not values:
        return {}
    records = [
        {key: str(v[key]) if key == "gross_price" else v[key] for key in sql.REFRESH_FIELDS}
        for v in values
    ]
    params = {"tenant_id": values[0]["tenant_id"], "drafts": records}
    if not load:
        rows = session.connection().execute(sql.REFRESH_KEYS_BY_EXTERNAL_ID, params)
        return {(row.source, row.external_id): row for row in rows}
    found = session.execute(sql.REFRESH_BY_EXTERNAL_ID, params).all()
    return {(product.source, product.external_id): product for product, _ in found}


def _upsert_new(session: Session, value: dict[str, Any]) -> tuple[Product, bool]:
    if value["external_id"] is not None and value["sku"] is not None:
        return _insert_keeping_sku_if_free(session, value)
    if value["external_id"] is not None:
        row = session.execute(sql.UPSERT_BY_EXTERNAL_ID, value).one()
    elif value["sku"] is not None:
        row = session.execute(sql.UPSERT_BY_SKU, value).one()
    else:
        row = session.execute(sql.INSERT, _without_rate_given(value)).one()
    return row[0], bool(row[1])


def _insert_keeping_sku_if_free(session: Session, value: dict[str, Any]) -> tuple[Product, bool]:
    row = session.execute(sql.INSERT_IF_FREE, _without_rate_given(value)).one_or_none()
    if row is not None:
        return row[0], True
    # Nothing inserted: either a concurrent sync stored this offer first, or the SKU is taken.
    key = (value["source"], value["external_id"])
    if (product := _refresh_known(session, [value]).get(key)) is not None:
        return product, False
    row = session.execute(sql.UPSERT_BY_EXTERNAL_ID, {**value, "sku": None}).one()
    return row[0], bool(row[1])


def _without_rate_given(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if k != "rate_given"}


class ProductEdit(EditModel):
    """What a seller may set on a product; every field is checked before anything is stored."""

    name: str = Field(max_length=_LIMITS["name"])
    sku: str | None = Field(max_length=_LIMITS["sku"])
    unit: str = Field(max_length=_LIMITS["unit"])
    vat_rate: VatRate
    gross_price: Decimal = Field(description='unit gross price in PLN, e.g. "39.90"')
    annex15: bool = Field(
        default=False,
        description="a good of Annex 15 to the VAT act: above 15,000 PLN gross to a business the "
        'invoice says "mechanizm podzielonej płatności" (omitted: false)',
    )

    @field_validator("name", "unit")
    @classmethod
    def _required(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            raise ValueError(f"{info.field_name} is required")
        return value

    @field_validator("sku")
    @classmethod
    def _sku(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("vat_rate", mode="before")
    @classmethod
    def _rate(cls, value: object) -> object:
        if not isinstance(value, str) or value not in VAT_RATES:
            raise ValueError(f"VAT rate must be one of {', '.join(VAT_RATES)}")
        return value

    @field_validator("gross_price", mode="before")
    @classmethod
    def _price(cls, value: object) -> Decimal:
        text = str(value).strip().replace(" ", "").replace(",", ".")
        try:
            price = Decimal(text) if not isinstance(value, bool) else Decimal("NaN")
        except ArithmeticError:
            price = Decimal("NaN")
        if not price.is_finite():
            raise ValueError(N_("gross price must be an amount like 49.99"))
        if price < 0:
            raise ValueError(N_("gross price cannot be negative"))
        if price > MAX_PRICE:  # before quantize, which cannot hold a larger number
            raise ValueError(f"gross price must not exceed {MAX_PRICE}")
        if price != price.quantize(GROSZ, rounding=ROUND_DOWN):
            raise ValueError(N_("gross price has at most 2 decimal places"))
        return price.quantize(GROSZ)


def update_product(
    session: Session,
    principal: Principal,
    product_id: uuid.UUID | str,
    edit: ProductEdit,
    *,
    ip: str | None = None,
) -> Product:
    """Store a seller's edit of one of the tenant's products, with its audit row; the caller
    commits.

    The product is marked edited, and a later sync keeps everything the seller set: the VAT
    rate (which the sync uses for line items that state none, so a rate fixed by hand must
    stick), and also the name, unit and price, because a seller who typed them expects to see
    them again. The sync still links order lines to the product. Raises RowNotFound for a
    missing or foreign id and EditRefused when another product holds the SKU.
    """
    product = find_for_edit(session, Product, principal.tenant_id, product_id)
    apply_edit(
        session,
        principal,
        product,
        edit.model_dump(),
        target_type="product",
        conflict={"sku": f"another product already has SKU {edit.sku}"},
        ip=ip,
    )
    return product


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
    where: list[sa.ColumnElement[bool]] = [col(Product.tenant_id) == tenant_id]
    if search and search.strip():
        pattern = like_pattern(search.strip())
        where.append(
            sa.or_(
                col(Product.name).ilike(pattern),
                col(Product.sku).ilike(pattern),
            )
        )
    limit, offset = page_bounds(page, page_size)
    total = session.exec(select(sa.func.count()).select_from(Product).where(*where)).one()
    stmt = (
        select(Product)
        .where(*where)
        .order_by(col(Product.name), col(Product.id))
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(stmt).all()), total


def _storable(text: str | None) -> str | None:
    """PostgreSQL refuses NUL in text (and in the jsonb the refresh sends): never a page's fault."""
    return text.replace("\x00", "") if text is not None else None


def _values(tenant_id: uuid.UUID, draft: ProductDraft) -> dict[str, Any]:
    name = (_storable(draft.name) or "").strip()
    if not name:
        raise ProductError("product name is required")
    for rate in (draft.vat_rate, draft.default_vat_rate):
        if rate is not None and rate not in RATE_FRACTIONS:
            raise ProductError(f"unknown VAT rate {rate!r}")
    price = Decimal(draft.gross_price)
    if not price.is_finite() or price < 0:
        raise ProductError("product price must be a non-negative amount")
    values: dict[str, Any] = {
        "id": new_id(),
        "tenant_id": tenant_id,
        "name": name,
        "sku": (_storable(draft.sku) or "").strip() or None,
        "unit": (_storable(draft.unit) or "").strip() or "szt.",
        "vat_rate": draft.vat_rate or draft.default_vat_rate,
        "rate_given": draft.vat_rate is not None,
        "gross_price": to_grosz(price),
        "source": draft.source,
        "external_id": _storable(draft.external_id) or None,
    }
    for field, limit in _LIMITS.items():
        if values[field] is not None and len(values[field]) > limit:
            raise ProductError(f"product {field} is longer than {limit} characters")
    return values
