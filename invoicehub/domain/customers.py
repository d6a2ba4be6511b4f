"""Buyers: race-safe upsert (one row per NIP, or per external buyer id) and listing.

A customer with a NIP is the legal entity that NIP names, whatever account it bought from; one
without is identified by its source and external id (e.g. the Allegro buyer id). A NIP customer
does not claim the external id: one Allegro account may buy for several companies and as a
private person, and each of those is a different buyer on an invoice.

Both keys are partial unique indexes, and the upsert is one INSERT ... ON CONFLICT DO UPDATE on
the index of the key in use: concurrent syncs of the same buyer end with one row and no error,
which a check-then-insert cannot promise.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from invoicehub.domain.nip import is_valid_nip, normalize_nip
from invoicehub.domain.rows import like_pattern, page_bounds, remember_tenant_rows, table_of
from invoicehub.models import Customer, CustomerKind

_customers = table_of(Customer)
_LIMITS = {"name": 300, "email": 254, "street": 200, "city": 100, "postal_code": 16}
_REFRESHED = ("kind", "name", "street", "city", "postal_code", "country_code")


def _upsert_statement(index: list[str] | None, index_where: Any = None) -> Any:
    """INSERT one customer (ON CONFLICT on `index` refresh it), returning (Customer, created).

    Built once: a static statement skips SQLAlchemy's per-call compile on the sync's hot path.
    """
    stmt = insert(_customers)
    if index is not None:
        excluded = stmt.excluded
        stmt = stmt.on_conflict_do_update(
            index_elements=index,
            index_where=index_where,
            set_={
                # On a repeat purchase keep the newest name and address, and a known e-mail
                # when none came.
                **{key: excluded[key] for key in _REFRESHED},
                "email": sa.func.coalesce(sa.func.nullif(excluded.email, ""), _customers.c.email),
                "updated_at": sa.func.now(),
            },
        )
    created: Any = sa.literal_column("(xmax = 0)").label(
        "created"
    )  # true when the row was inserted
    returning = stmt.returning(*_customers.c, created)
    orm = sa.select(Customer, sa.column("created", sa.Boolean)).from_statement(returning)
    return orm.execution_options(populate_existing=True)


_UPSERT_BY_NIP = _upsert_statement(["tenant_id", "nip"], _customers.c.nip.isnot(None))
_UPSERT_BY_EXTERNAL_ID = _upsert_statement(
    ["tenant_id", "source", "external_id"], _customers.c.external_id.isnot(None)
)
_INSERT = _upsert_statement(None)


class CustomerError(ValueError):
    """A customer draft that cannot be stored; the message says why."""


@dataclass(frozen=True)
class CustomerDraft:
    name: str
    kind: str = CustomerKind.PERSON.value
    nip: str | None = None
    email: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country_code: str = "PL"
    source: str = "manual"
    external_id: str | None = None


def upsert_customer(
    session: Session, tenant_id: uuid.UUID, draft: CustomerDraft
) -> tuple[Customer, bool]:
    """Insert or refresh the buyer; returns (customer, created). Without a key it always inserts."""
    values = _values(tenant_id, draft)
    if values["nip"] is not None:
        values["external_id"] = None
        stmt = _UPSERT_BY_NIP
    elif values["external_id"] is not None:
        stmt = _UPSERT_BY_EXTERNAL_ID
    else:
        stmt = _INSERT
    session.flush()
    customer, created = session.execute(stmt, values).one()
    remember_tenant_rows(session, tenant_id, [customer.id])
    return customer, bool(created)


def get_customer(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    customer = session.get(Customer, customer_id)
    return customer if customer is not None and customer.tenant_id == tenant_id else None


def list_customers(
    session: Session,
    tenant_id: uuid.UUID,
    search: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> tuple[list[Customer], int]:
    """One page of the tenant's customers by name, and the total matching `search`."""
    where: list[sa.ColumnElement[bool]] = [col(Customer.tenant_id) == tenant_id]
    if search and search.strip():
        pattern = like_pattern(search.strip())
        where.append(
            sa.or_(
                col(Customer.name).ilike(pattern),
                col(Customer.nip).ilike(pattern),
                col(Customer.email).ilike(pattern),
                col(Customer.city).ilike(pattern),
            )
        )
    limit, offset = page_bounds(page, page_size)
    total = session.exec(select(sa.func.count()).select_from(Customer).where(*where)).one()
    stmt = (
        select(Customer)
        .where(*where)
        .order_by(col(Customer.name), col(Customer.id))
        .limit(limit)
        .offset(offset)
    )
    return list(session.exec(stmt).all()), total


def _values(tenant_id: uuid.UUID, draft: CustomerDraft) -> dict[str, object]:
    if draft.kind not in {k.value for k in CustomerKind}:
        raise CustomerError(f"customer kind must be company or person, not {draft.kind!r}")
    name = draft.name.strip()
    if not name:
        raise CustomerError("customer name is required")
    nip = normalize_nip(draft.nip) if draft.nip else None
    if nip is not None and not is_valid_nip(nip):
        raise CustomerError(f"invalid NIP {draft.nip}: the checksum does not match")
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "kind": draft.kind,
        "name": name,
        "nip": nip,
        "email": draft.email.strip(),
        "street": draft.street.strip(),
        "city": draft.city.strip(),
        "postal_code": draft.postal_code.strip(),
        "country_code": (draft.country_code or "PL").strip().upper()[:2],
        "source": draft.source,
        "external_id": draft.external_id or None,
    }
    for field, limit in _LIMITS.items():
        if len(str(values[field])) > limit:
            raise CustomerError(f"customer {field} is longer than {limit} characters")
    return values
