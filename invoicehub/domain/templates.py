"""Invoice templates a tenant may use: the built-ins (no tenant) and its own."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session

from invoicehub.models import STANDARD_TEMPLATE_ID, InvoiceTemplate

STANDARD_CODE = "standard"
COMPACT_CODE = "compact"
BUILT_IN_CODES = (STANDARD_CODE, COMPACT_CODE)


def _visible_to(tenant_id: uuid.UUID) -> sa.ColumnElement[bool]:
    return sa.or_(
        InvoiceTemplate.tenant_id.is_(None),  # type: ignore[union-attr]
        InvoiceTemplate.tenant_id == tenant_id,
    )


def list_templates(session: Session, tenant_id: uuid.UUID) -> list[InvoiceTemplate]:
    """Built-ins first, then the tenant's own, each by name."""
    stmt = (
        sa.select(InvoiceTemplate)
        .where(_visible_to(tenant_id))
        .order_by(
            InvoiceTemplate.tenant_id.is_not(None),  # type: ignore[union-attr]
            InvoiceTemplate.name,
        )
    )
    return list(session.scalars(stmt).all())


def get_template(
    session: Session, tenant_id: uuid.UUID, template_id: uuid.UUID
) -> InvoiceTemplate | None:
    """The template if the tenant may use it (None for another tenant's template)."""
    template = session.get(InvoiceTemplate, template_id)
    if template is None or template.tenant_id not in (None, tenant_id):
        return None
    return template


def default_template_id(session: Session, tenant_id: uuid.UUID) -> uuid.UUID:
    """The tenant's own default template, else the built-in default, else "standard"."""
    stmt = (
        sa.select(InvoiceTemplate.id)
        .where(_visible_to(tenant_id), InvoiceTemplate.is_default.is_(True))  # type: ignore[attr-defined]
        .order_by(InvoiceTemplate.tenant_id.is_(None))  # type: ignore[union-attr]
        .limit(1)
    )
    return session.scalar(stmt) or STANDARD_TEMPLATE_ID


def template_code(session: Session, template_id: uuid.UUID | None) -> str:
    """The layout code to render with; an unknown or missing template renders as standard."""
    if template_id is None:
        return STANDARD_CODE
    template = session.get(InvoiceTemplate, template_id)
    return template.code if template is not None else STANDARD_CODE
