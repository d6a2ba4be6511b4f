"""An invoice in KSeF: its FA(3) XML, its UPO, and the seller's Send/Resend.

GET /invoices/{id}/fa3 answers the exact bytes sent (before the first send: the bytes that will
be sent, built from the invoice's snapshot and XSD-valid). GET /invoices/{id}/upo answers 404
until KSeF accepted the invoice. POST /invoices/{id}/ksef/send queues it (the `ksef` worker sends
after this request commits); 409 once accepted or while no KSeF token is set.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, Response, status

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.errors import error_responses
from invoicehub.api.routes.invoice_schemas import KsefOut, ksef_out
from invoicehub.api.schema import ApiModel
from invoicehub.documents.formatting import pdf_filename
from invoicehub.domain.invoice_queries import get_invoice
from invoicehub.integrations.ksef.connection import connection_of
from invoicehub.integrations.ksef.documents import render_invoice_xml
from invoicehub.integrations.ksef.fa3 import Fa3Invalid
from invoicehub.integrations.ksef.service import send_invoice
from invoicehub.integrations.ksef.submissions import (
    submission_of,
    view_of,
)
from invoicehub.models import Invoice, KsefStatus

router = APIRouter(prefix="/invoices", tags=["invoices"])
NOT_FOUND_DETAIL = "invoice not found"
ACCEPTED_DETAIL = "KSeF already accepted this invoice; it is never sent again"
NO_TOKEN_DETAIL = "no KSeF token is set for the company (PUT /company/ksef)"  # noqa: S105
XML: dict[str, dict[str, str]] = {"application/xml": {}}
ERRORS = error_responses(
    {
        401: "Missing, invalid or expired bearer token",
        404: ("No such invoice for this tenant", NOT_FOUND_DETAIL),
    }
)


class KsefQueued(ApiModel):
    invoice_id: uuid.UUID
    ksef: KsefOut


def _owned(session: SessionDep, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice:
    invoice = get_invoice(session, tenant_id, invoice_id)
    if invoice is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND_DETAIL)
    return invoice


def _file_name(invoice: Invoice, suffix: str) -> str:
    return pdf_filename(invoice.number).removesuffix(".pdf") + suffix


@router.get(
    "/{invoice_id}/fa3",
    response_class=Response,
    responses={
        200: {"content": XML, "description": "The FA(3) XML (UTF-8, the exact bytes sent)"},
        422: {"description": "The invoice's FA(3) is not valid against the XSD (the fields)"},
        **ERRORS,
    },
)
def download_fa3(invoice_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> Response:
    invoice = _owned(session, principal.tenant_id, invoice_id)
    submission = submission_of(session, principal.tenant_id, invoice.id)
    xml = submission.xml if submission is not None else None
    if xml is None:
        try:
            xml = render_invoice_xml(session, invoice)
        except Fa3Invalid as exc:
            detail = [
                {"loc": ["fa3", p.field], "msg": p.message, "type": "fa3"} for p in exc.problems
            ]
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from exc
    name = _file_name(invoice, ".xml")
    return Response(
        content=xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/{invoice_id}/upo",
    response_class=Response,
    responses={
        200: {"content": XML, "description": "The UPO KSeF issued for the invoice"},
        **error_responses(
            {
                401: "Missing, invalid or expired bearer token",
                404: ("No such invoice, or KSeF has not accepted it yet", "no UPO yet"),
            }
        ),
    },
)
def download_upo(invoice_id: uuid.UUID, principal: PrincipalDep, session: SessionDep) -> Response:
    invoice = _owned(session, principal.tenant_id, invoice_id)
    submission = submission_of(session, principal.tenant_id, invoice.id)
    if submission is None or submission.status != KsefStatus.ACCEPTED or not submission.upo_xml:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no UPO yet")
    name = "UPO_" + _file_name(invoice, ".xml").removeprefix("Faktura_")
    return Response(
        content=submission.upo_xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/{invoice_id}/ksef/send",
    response_model=KsefQueued,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(
        {
            401: "Missing, invalid or expired bearer token",
            404: ("No such invoice for this tenant", NOT_FOUND_DETAIL),
            409: ("Already accepted, or no KSeF token set", ACCEPTED_DETAIL),
        }
    ),
)
def send_to_ksef(
    invoice_id: uuid.UUID, request: Request, principal: PrincipalDep, session: SessionDep
) -> KsefQueued:
    """Send (or resend) the invoice to KSeF."""
    invoice = _owned(session, principal.tenant_id, invoice_id)
    connection = connection_of(session, principal.tenant_id, invoice.company_id)
    if connection.token_encrypted is None:
        raise HTTPException(status.HTTP_409_CONFLICT, NO_TOKEN_DETAIL)
    send_invoice(
        session,
        principal,
        invoice,
        environment=connection.environment,
        ip=client_address(request),
    )
    view = view_of(submission_of(session, principal.tenant_id, invoice.id))
    return KsefQueued(invoice_id=invoice.id, ksef=ksef_out(view))
