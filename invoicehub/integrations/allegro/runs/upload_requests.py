"""A person's request to (re)send an invoice's PDF to its Allegro order: one unit of work."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.integrations.allegro.sync.invoice_uploads import retry_upload


def request_upload(
    session: Session,
    principal: Principal,
    invoice_id: uuid.UUID,
    *,
    action: str,
    ip: str | None = None,
) -> bool:
    """Queue the tenant's invoice for upload again (its job runs after the commit), audited as
    `action`. False, with nothing stored, when there is nothing to upload."""
    queued = retry_upload(session, principal.tenant_id, invoice_id)
    if queued:
        record_audit(
            session,
            action,
            principal=principal,
            target_type="invoice",
            target_id=invoice_id,
            ip=ip,
        )
    session.commit()
    return queued
