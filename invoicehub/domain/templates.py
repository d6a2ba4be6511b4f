"""Invoice templates a tenant may use: the built-ins (no tenant) and its own."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.models import STANDARD_TEMPLATE_ID, InvoiceTemplate

STANDARD_CODE = "standard"
COMPACT_CODE = "compact"
BUILT_IN_CODES = (STANDARD_CODE, COMPACT_CODE)


def _visible_to(tenant_id: uuid.UUID) -> sa.ColumnElement[bool]:
    return sa.or_(
        col(InvoiceTemplate.tenant_id).is_(None),
        col(InvoiceTemplate.tenant_id) == tenant_id,
    )


def list_templates(session: Session, tenant_id: uuid.UUID) -> list[InvoiceTemplate]:
    """Built-ins first, then the tenant's own, each by name."""
    stmt = (
        select(InvoiceTemplate)
        .where(_visible_to(tenant_id))
        .order_by(col(InvoiceTemplate.tenant_id).is_not(None), col(InvoiceTemplate.name))
    )
    return list(session.exec(stmt).all())


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
        select(InvoiceTemplate.id)
        .where(_visible_to(tenant_id), col(InvoiceTemplate.is_default).is_(True))
        .order_by(col(InvoiceTemplate.tenant_id).is_(None))
        .limit(1)
    )
    return session.exec(stmt).first() or STANDARD_TEMPLATE_ID


def template_code(session: Session, template_id: uuid.UUID | None) -> str:
    """The layout code to render with; an unknown or missing template renders as standard."""
    if template_id is None:
        return STANDARD_CODE
    template = session.get(InvoiceTemplate, template_id)
    return template.code if template is not None else STANDARD_CODE
