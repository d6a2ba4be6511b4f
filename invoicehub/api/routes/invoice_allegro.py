"""POST /invoices/{id}/allegro/upload: attach (again) the invoice PDF to its Allegro order.

The seller's Retry: a failed upload goes back to the queue (and one never queued, issued while
uploads were off, is queued now); the job runs after this request commits. An invoice already
attached, or one that is not from Allegro, answers 409. Audited.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, status

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.errors import error_responses
from invoicehub.api.schema import ApiModel
from invoicehub.domain.invoice_queries import get_invoice
from invoicehub.integrations.allegro.runs.upload_requests import request_upload
from invoicehub.integrations.allegro.sync.invoice_uploads import upload_of
from invoicehub.models import UploadStatus

router = APIRouter(prefix="/invoices", tags=["invoices"])
NOT_FOUND_DETAIL = "invoice not found"
NOTHING_TO_UPLOAD = "the invoice is already attached to its Allegro order, or is not from Allegro"
ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("No such invoice for this tenant", NOT_FOUND_DETAIL),
        409: ("Nothing to upload", NOTHING_TO_UPLOAD),
    }
)


class UploadQueued(ApiModel):
    invoice_id: uuid.UUID
    upload_status: str


@router.post(
    "/{invoice_id}/allegro/upload",
    response_model=UploadQueued,
    status_code=status.HTTP_202_ACCEPTED,
    responses=ERRORS,
)
def upload_to_allegro(
    invoice_id: uuid.UUID, request: Request, principal: PrincipalDep, session: SessionDep
) -> UploadQueued:
    """Queue the invoice PDF for its Allegro order (Retry after a failure)."""
    invoice = get_invoice(session, principal.tenant_id, invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND_DETAIL)
    queued = request_upload(
        session,
        principal,
        invoice.id,
        action="invoice.allegro_upload_requested",
        ip=client_address(request),
    )
    if not queued:
        raise HTTPException(status.HTTP_409_CONFLICT, NOTHING_TO_UPLOAD)
    upload = upload_of(session, principal.tenant_id, invoice.id)
    return UploadQueued(
        invoice_id=invoice.id,
        upload_status=upload.status if upload else UploadStatus.PENDING.value,
    )
