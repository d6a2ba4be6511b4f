"""A seller's edit of a product or customer: refusals naming each field, the row lock, the audit.

An edited row gets `edited_at`; the sync's upserts leave such a row as the seller left it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.i18n import N_
from invoicehub.models.base import utcnow

E = TypeVar("E", bound=BaseModel)
R = TypeVar("R", bound=SQLModel)


class EditRefused(ValueError):
    """Refused input: `errors` maps each offending field to a message; nothing was stored."""

    def __init__(self, errors: dict[str, str], details: list[Any] | None = None) -> None:
        self.errors = errors
        # The validation errors as pydantic gave them, for pages that word them for a seller.
        self.details = details or []
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class EditConflict(EditRefused):
    """Valid input that another row's unique value (SKU, NIP) refuses: nothing was stored."""


class EditModel(BaseModel):
    """The fields of an edit: text stripped, unknown fields refused, no NUL (PostgreSQL)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(N_("must not contain a NUL character"))
        return value


class RowNotFound(LookupError):
    """No such row for this tenant: a foreign id is refused exactly like a missing one."""

    def __init__(self, table: str) -> None:
        # "customers" -> "customer not found": the message the API answers with its 404.
        super().__init__(f"{table.removesuffix('s')} not found")


def parse_edit(model: type[E], values: Mapping[str, Any]) -> E:
    """The validated edit, or EditRefused with one message per refused field."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise EditRefused(
            {
                str(err["loc"][0]) if err["loc"] else "form": str(err["msg"]).removeprefix(
                    "Value error, "
                )
                for err in exc.errors()
            },
            list(exc.errors()),
        ) from exc


def find_for_edit(
    session: Session, model: type[R], tenant_id: uuid.UUID, row_id: object, *, lock: bool = True
) -> R:
    """The tenant's row; locked until commit, so that the audit's `before` is what was replaced."""
    try:
        key = row_id if isinstance(row_id, uuid.UUID) else uuid.UUID(str(row_id))
    except ValueError:
        raise RowNotFound(str(model.__tablename__)) from None
    table: Any = model
    query = select(model).where(table.id == key, table.tenant_id == tenant_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise RowNotFound(str(model.__tablename__))
    return row


def apply_edit(
    session: Session,
    principal: Principal,
    row: SQLModel,
    changes: Mapping[str, Any],
    *,
    target_type: str,
    conflict: dict[str, str],
    ip: str | None = None,
) -> None:
    """Set `changes` on `row`, mark it edited and write the audit row (before/after).

    A unique index refusing the change raises EditConflict(`conflict`) and stores nothing; the
    caller commits.
    """
    fields = list(changes)
    before = _snapshot(row, fields)
    try:
        with session.begin_nested():
            for field, value in changes.items():
                setattr(row, field, value)
            now = utcnow()
            row.edited_at = row.updated_at = now
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise EditConflict(conflict) from exc
    record_audit(
        session,
        f"{target_type}.update",
        principal=principal,
        target_type=target_type,
        target_id=row.id,  # type: ignore[attr-defined]
        before=before,
        after=_snapshot(row, fields),
        ip=ip,
    )


def _snapshot(row: SQLModel, fields: list[str]) -> dict[str, Any]:
    values = {field: getattr(row, field) for field in fields}
    return {k: f"{v:.2f}" if isinstance(v, Decimal) else v for k, v in values.items()}
