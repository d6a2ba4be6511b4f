"""Buyers: race-safe upsert (one row per NIP, or per external buyer id) and listing.

A customer with a NIP is the legal entity that NIP names, whatever account it bought from; one
without is identified by its source and external id (e.g. the Allegro buyer id). A NIP customer
does not claim the external id: one Allegro account may buy for several companies and as a
private person, and each of those is a different buyer on an invoice.

Both keys are partial unique indexes, and the upsert is one INSERT ... ON CONFLICT DO UPDATE on
the index of the key in use: concurrent syncs of the same buyer end with one row and no error,
which a check-then-insert cannot promise.

A seller's edit (`update_customer`) makes the customer the seller's: a repeat purchase still
finds it by its key, but no longer rewrites its name, e-mail or address. Invoices keep the buyer
they were issued with, so an edit never changes an issued invoice.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import Field, ValidationInfo, field_validator
from sqlmodel import Session

from invoicehub import json_text
from invoicehub.auth.tokens import Principal
from invoicehub.domain.edits import EditModel, apply_edit, find_for_edit
from invoicehub.domain.nip import is_valid_nip, normalize_nip
from invoicehub.domain.rows import remember_tenant_rows, table_of
from invoicehub.i18n import N_
from invoicehub.ids import new_id
from invoicehub.models import Customer, CustomerKind

_customers = table_of(Customer)
_LIMITS = {"name": 300, "email": 254, "street": 200, "city": 100, "postal_code": 16}
_NO_TENANT = uuid.UUID(int=0)  # validation only: the tenant is a value, never checked
_REFRESHED = ("kind", "name", "street", "city", "postal_code", "country_code")


_COLUMNS = [column.name for column in _customers.c]
_RECORD = (
    "id uuid, kind text, name text, nip text, email text, street text, city text, "
    "postal_code text, country_code text, source text, external_id text"
)
_INSERTED = (
    "id, tenant_id, kind, name, nip, email, street, city, postal_code, country_code, source, "
    "external_id"
)
_FROM_DRAFT = (
    "d.id, CAST(:tenant_id AS uuid), d.kind, d.name, d.nip, d.email, d.street, d.city, "
    "d.postal_code, d.country_code, d.source, d.external_id"
)
# On a repeat purchase keep the newest name and address, and a known e-mail when none came;
# a customer the seller edited keeps what the seller set.
_REFRESH = (
    ", ".join(
        f"{key} = CASE WHEN c.edited_at IS NULL THEN {value} ELSE c.{key} END"
        for key, value in [
            *[(key, f"excluded.{key}") for key in _REFRESHED],
            ("email", "coalesce(nullif(excluded.email, ''), c.email)"),
        ]
    )
    + ", updated_at = now()"
)
_POSTAL_CODE_PL = re.compile(r"^\d{2}-\d{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_RETURNING = ", ".join(f"c.{name}" for name in _COLUMNS)
# One statement for a page of buyers, one INSERT per key (the two partial unique indexes cannot
# share an ON CONFLICT target). A NIP row carries no external id, so the three inserts never touch
# the same index entry; each is fed distinct keys (merged in Python), sorted so that concurrent
# pages lock rows in one order. `xmax = 0` is true when the row was inserted.
_UPSERT_PAGE_SQL = f"""
    WITH d AS (
        SELECT * FROM jsonb_to_recordset(CAST(:drafts AS jsonb)) AS d({_RECORD})
    ),
    by_nip AS (
        INSERT INTO customers AS c ({_INSERTED})
        SELECT {_FROM_DRAFT} FROM d WHERE d.nip IS NOT NULL ORDER BY d.nip
        ON CONFLICT (tenant_id, nip) WHERE nip IS NOT NULL DO UPDATE SET {_REFRESH}
        RETURNING {{returning}}, (xmax = 0) AS created
    ),
    by_external_id AS (
        INSERT INTO customers AS c ({_INSERTED})
        SELECT {_FROM_DRAFT} FROM d
         WHERE d.nip IS NULL AND d.external_id IS NOT NULL ORDER BY d.source, d.external_id
        ON CONFLICT (tenant_id, source, external_id) WHERE external_id IS NOT NULL
        DO UPDATE SET {_REFRESH}
        RETURNING {{returning}}, (xmax = 0) AS created
    ),
    keyless AS (
        INSERT INTO customers AS c ({_INSERTED})
        SELECT {_FROM_DRAFT} FROM d WHERE d.nip IS NULL AND d.external_id IS NULL
        RETURNING {{returning}}, true AS created
    )
    SELECT * FROM by_nip UNION ALL SELECT * FROM by_external_id UNION ALL SELECT * FROM keyless
"""  # noqa: S608 (constant SQL: values travel as bind parameters)
_UPSERT_PAGE = (
    sa.select(Customer, sa.column("created", sa.Boolean))
    .from_statement(
        sa.text(_UPSERT_PAGE_SQL.format(returning=_RETURNING))
        .bindparams(sa.bindparam("drafts", type_=sa.Text))
        .columns(*_customers.c, sa.column("created", sa.Boolean))
    )
    .execution_options(populate_existing=True)
)


# The same statement returning only the keys: Core rows, no ORM objects (the sync needs ids).
_UPSERT_PAGE_KEYS = sa.text(
    _UPSERT_PAGE_SQL.format(returning="c.id, c.nip, c.source, c.external_id")
).bindparams(sa.bindparam("drafts", type_=sa.Text))


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
    return upsert_customers(session, tenant_id, [draft])[0]


def upsert_customers(
    session: Session, tenant_id: uuid.UUID, drafts: Sequence[CustomerDraft]
) -> list[tuple[Customer, bool]]:
    """upsert_customer for a page of buyers in one statement: (customer, created) per draft.

    The same as upserting them one by one in order: drafts sharing a key end as one row holding
    the last draft's name and address (and its last non-empty e-mail), and only the first of
    them reports it created. Raises CustomerError for the first invalid draft, writing nothing.
    """
    return _upsert_page(session, tenant_id, drafts, load=True)


def upsert_customer_ids(
    session: Session, tenant_id: uuid.UUID, drafts: Sequence[CustomerDraft]
) -> list[tuple[uuid.UUID, bool]]:
    """upsert_customers giving (customer id, created): Core rows, no Customer objects loaded."""
    return _upsert_page(session, tenant_id, drafts, load=False)


def _upsert_page(
    session: Session, tenant_id: uuid.UUID, drafts: Sequence[CustomerDraft], *, load: bool
) -> list[tuple[Any, bool]]:
    rows = [_values(tenant_id, draft) for draft in drafts]
    merged: dict[object, dict[str, object]] = {}
    for values in rows:
        key = _key_of(values)
        first = merged.get(key)
        if first is None:
            merged[key] = dict(values)
            continue
        first.update({field: values[field] for field in _REFRESHED})
        if values["email"]:
            first["email"] = values["email"]
    if not rows:
        return []
    session.flush()
    records = [
        {k: str(v) if k == "id" else v for k, v in values.items() if k != "tenant_id"}
        for values in merged.values()
    ]
    payload = json_text.dumps(records)
    params = {"tenant_id": tenant_id, "drafts": payload}
    stored: dict[object, tuple[Any, bool]] = {}
    for row in session.execute(_UPSERT_PAGE if load else _UPSERT_PAGE_KEYS, params):
        customer = row[0] if load else row
        found = {"nip": customer.nip, "source": customer.source, "id": customer.id}
        found["external_id"] = customer.external_id
        keys = [key for key in _keys_of(found) if key in merged]
        stored[keys[0]] = (customer if load else customer.id, bool(row[-1]))
    remember_tenant_rows(session, tenant_id, [_id_of(customer) for customer, _ in stored.values()])
    results: list[tuple[Any, bool]] = []
    reported: set[object] = set()
    for values in rows:
        key = _key_of(values)
        customer, created = stored[key]
        results.append((customer, created and key not in reported))
        reported.add(key)
    return results


def _id_of(customer: Customer | uuid.UUID) -> uuid.UUID:
    return customer if isinstance(customer, uuid.UUID) else customer.id


def check_customer(draft: CustomerDraft) -> None:
    """Raise CustomerError when upserting the draft would be refused; writes nothing."""
    _values(_NO_TENANT, draft)


def _key_of(values: Mapping[str, Any]) -> object:
    """The unique key the upsert goes by: NIP, else (source, external id), else the new id."""
    return _keys_of(values)[0]


def _keys_of(values: Mapping[str, Any]) -> list[object]:
    keys: list[object] = []
    if values["nip"] is not None:
        keys.append(("nip", values["nip"]))
    if values["external_id"] is not None:
        keys.append(("external_id", values["source"], values["external_id"]))
    return [*keys, values["id"]]


class CustomerEdit(EditModel):
    """What a seller may set on a customer; every field is checked before anything is stored.

    `country_code` comes before `postal_code`: a Polish postal code is checked for its shape.
    """

    name: str = Field(max_length=_LIMITS["name"])
    nip: str | None
    email: str = Field(max_length=_LIMITS["email"])
    street: str = Field(max_length=_LIMITS["street"])
    country_code: str
    postal_code: str = Field(max_length=_LIMITS["postal_code"])
    city: str = Field(max_length=_LIMITS["city"])

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError(N_("name is required"))
        return value

    @field_validator("nip")
    @classmethod
    def _nip(cls, value: str | None) -> str | None:
        if not value:
            return None
        nip = normalize_nip(value)
        if len(nip) != 10 or not nip.isdigit():
            raise ValueError(f"invalid NIP {value}: a NIP has 10 digits")
        if not is_valid_nip(nip):
            raise ValueError(f"invalid NIP {value}: the checksum does not match")
        return nip

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not _EMAIL.match(value):
            raise ValueError(N_("e-mail must look like name@example.com"))
        return value

    @field_validator("country_code")
    @classmethod
    def _country(cls, value: str) -> str:
        if not _COUNTRY.match(value.upper()):
            raise ValueError(N_("country code must be two letters, like PL"))
        return value.upper()

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, value: str, info: ValidationInfo) -> str:
        if value and info.data.get("country_code") == "PL" and not _POSTAL_CODE_PL.match(value):
            raise ValueError(N_("a Polish postal code looks like 00-950"))
        return value


def update_customer(
    session: Session,
    principal: Principal,
    customer_id: uuid.UUID | str,
    edit: CustomerEdit,
    *,
    ip: str | None = None,
) -> Customer:
    """Store a seller's edit of one of the tenant's customers, with its audit row; the caller
    commits.

    The customer is marked edited: a later sync of the same buyer keeps the seller's name,
    e-mail and address. Giving a NIP makes the customer a company, and, as in the upsert, a NIP
    customer does not claim the Allegro buyer id (that account's private purchases become a
    customer of their own). Raises RowNotFound for a missing or foreign id and EditRefused when
    another customer holds the NIP.
    """
    customer = find_for_edit(session, Customer, principal.tenant_id, customer_id)
    changes: dict[str, Any] = edit.model_dump()
    if edit.nip is not None:
        changes.update(kind=CustomerKind.COMPANY.value, external_id=None)
    apply_edit(
        session,
        principal,
        customer,
        changes,
        target_type="customer",
        conflict={"nip": f"another customer already has NIP {edit.nip}"},
        ip=ip,
    )
    return customer


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
        "id": new_id(),
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
        "external_id": None if nip is not None else draft.external_id or None,
    }
    for field, limit in _LIMITS.items():
        if len(str(values[field])) > limit:
            raise CustomerError(f"customer {field} is longer than {limit} characters")
    return values
