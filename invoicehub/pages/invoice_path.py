"""The invoice a page at `/invoices/<id>` shows: one parser for the invoice page's states."""

from __future__ import annotations

import re
import uuid

from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.domain.invoice_queries import get_invoice
from invoicehub.models import Invoice

_PATH = re.compile(r"/invoices/([0-9a-fA-F-]{36})/?")


def path_invoice_id(path: str) -> uuid.UUID | None:
    """The invoice id in an invoice page's path, or None for any other path."""
    match = _PATH.fullmatch(path or "")
    try:
        return uuid.UUID(match.group(1)) if match else None
    except ValueError:
        return None


def invoice_at(session: Session, principal: Principal, path: str) -> Invoice | None:
    """The principal's own invoice the page at `path` shows (None: not theirs, or no invoice)."""
    invoice_id = path_invoice_id(path)
    return get_invoice(session, principal.tenant_id, invoice_id) if invoice_id else None
