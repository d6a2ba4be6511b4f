"""What the rest of the product may know of an invoice's way through KSeF, read from the KSeF
tables (models/ksef.py) so that no other integration imports the KSeF one: whether the invoice
may go to the buyer yet, and its KSeF number once accepted."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy import orm

from invoicehub.models import Invoice, KsefConnection, KsefStatus, KsefSubmission

_submissions: sa.Table = KsefSubmission.__table__  # type: ignore[attr-defined]
_connections: sa.Table = KsefConnection.__table__  # type: ignore[attr-defined]


def accepted_ksef_number(session: orm.Session, invoice_id: uuid.UUID) -> str | None:
    """The invoice's KSeF number once KSeF accepted it, else None."""
    stmt = sa.select(_submissions.c.ksef_number).where(
        _submissions.c.invoice_id == invoice_id,
        _submissions.c.status == KsefStatus.ACCEPTED.value,
    )
    return session.connection().execute(stmt).scalar_one_or_none()


def delivery_is_due(session: orm.Session, invoice: Invoice) -> bool:
    """Whether the invoice may be handed to the buyer (the Allegro upload): always when the
    company does not send to KSeF automatically, else only once KSeF accepted it."""
    auto_send = session.connection().execute(
        sa.select(_connections.c.id).where(
            _connections.c.company_id == invoice.company_id,
            _connections.c.auto_send.is_(True),
            _connections.c.token_encrypted.is_not(None),
        )
    )
    if auto_send.first() is None:
        return True
    status = session.connection().execute(
        sa.select(_submissions.c.status).where(_submissions.c.invoice_id == invoice.id)
    )
    return status.scalar_one_or_none() == KsefStatus.ACCEPTED.value
