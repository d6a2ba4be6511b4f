"""The seller's company data, saved in one unit of work."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from invoicehub.activity import record_audit
from invoicehub.auth.tokens import Principal
from invoicehub.domain.companies import CompanyInput, update_company
from invoicehub.models import Company


def save_company(
    session: Session,
    principal: Principal,
    company_id: uuid.UUID,
    data: CompanyInput,
    *,
    audit_after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> Company:
    """Store the company's fields; with `audit_after`, a `company.updated` row records it."""
    company = update_company(session, principal.tenant_id, company_id, data)
    if audit_after is not None:
        record_audit(
            session,
            "company.updated",
            principal=principal,
            target_type="company",
            target_id=company.id,
            after=audit_after,
            ip=ip,
        )
    session.commit()
    return company
