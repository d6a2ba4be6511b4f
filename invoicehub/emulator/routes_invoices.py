"""Seller invoices attached to orders: metadata (POST), the PDF (PUT .../file), the list (GET)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoicehub.emulator.config import (
    ALLEGRO_MEDIA_TYPE,
    MAX_INVOICE_FILE_BYTES,
    MAX_INVOICES_PER_ORDER,
)
from invoicehub.emulator.guards import ApiContext, api_endpoint, json_object
from invoicehub.emulator.orders import InvoiceRecord, StoredOrder
from invoicehub.emulator.responses import allegro_error, allegro_json
from invoicehub.emulator.state import EmulatorState
from invoicehub.emulator.timeutil import format_ts


def _invoices_path(order_id: str) -> str:
    return f"/order/checkout-forms/{order_id}/invoices"


def _order_not_found(order_id: str) -> Response:
    message = f"Order with id [{order_id}] not found"
    return allegro_error(404, "ORDER-NOT-FOUND", message, path=_invoices_path(order_id))


def _unsupported_media(content_type: str, path: str) -> Response:
    message = f"Content type '{content_type}' not supported"
    return allegro_error(415, "UnsupportedMediaTypeException", message, path=path)


def _scan_pending(state: EmulatorState, records: list[InvoiceRecord]) -> bool:
    now = state.now()
    scan = state.config.invoiceScanSeconds
    return any(r.uploaded_at is not None and r.uploaded_at + scan > now for r in records)


def _metadata_refusal(
    state: EmulatorState, order: StoredOrder, records: list[InvoiceRecord]
) -> Response | None:
    path = _invoices_path(order.id)
    invoice_info = order.data.get("invoice") or {}
    if state.config.rejectInvoiceWhenNotRequired and not invoice_info.get("required"):
        message = f"Order with id [{order.id}] cannot have an invoice"
        return allegro_error(422, "ORDER-WITHOUT-INVOICE", message, path=path)
    if len(records) >= MAX_INVOICES_PER_ORDER:
        message = (
            f"Order with id [{order.id}] already has {MAX_INVOICES_PER_ORDER} seller invoices, "
            "the maximum allowed"
        )
        return allegro_error(409, "INVOICE-LIMIT-EXCEEDED", message, path=path)
    if _scan_pending(state, records):
        message = f"Security scan for SELLER invoice in given order [{order.id}] is in progress."
        return allegro_error(422, "INVOICE-SCAN-IN-PROGRESS", message, path=path)
    return None


@api_endpoint("/order/checkout-forms/{id}/invoices", "orders:write")
async def create_invoice(request: Request, ctx: ApiContext) -> Response:
    order_id = request.path_params["id"]
    path = _invoices_path(order_id)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip() != ALLEGRO_MEDIA_TYPE:
        return _unsupported_media(content_type, path)
    body = json_object(await request.body())
    file_info = (body or {}).get("file")
    name = file_info.get("name") if isinstance(file_info, dict) else None
    number = (body or {}).get("invoiceNumber")
    if not isinstance(name, str) or not name.strip():
        return allegro_error(
            422, "VALIDATION_ERROR", "file.name must not be blank", path="file.name"
        )
    if number is not None and not isinstance(number, str):
        return allegro_error(422, "VALIDATION_ERROR", "invoiceNumber must be a string", path=path)
    with ctx.state.lock:
        order = ctx.seller.book.orders.get(order_id)
        if order is None:
            return _order_not_found(order_id)
        records = ctx.seller.book.invoices.setdefault(order_id, [])
        refusal = _metadata_refusal(ctx.state, order, records)
        if refusal is not None:
            return refusal
        record = InvoiceRecord(str(uuid.uuid4()), order_id, name, number, ctx.state.now())
        records.append(record)
    return allegro_json({"id": record.id}, 201)


def _upload_refusal(order_id: str, invoice_id: str, content: bytes) -> Response | None:
    path = f"{_invoices_path(order_id)}/{invoice_id}/file"
    if len(content) > MAX_INVOICE_FILE_BYTES:
        message = "The file is too large. Max file size is 3MB"
        return allegro_error(413, "FILE-TOO-LARGE", message, path=path)
    if not content:
        message = (
            f"Attachment for given order [{order_id}] and invoice [{invoice_id}] must not be empty"
        )
        return allegro_error(422, "EMPTY-ATTACHMENT", message, path=path)
    if not content.startswith(b"%PDF"):
        message = (
            f"File for given order [{order_id}] and invoice [{invoice_id}] must have a PDF content"
        )
        return allegro_error(422, "FILE-CONTENT-INVALID", message, path=path)
    return None


@api_endpoint("/order/checkout-forms/{id}/invoices/{invoiceId}/file", "orders:write")
async def upload_invoice_file(request: Request, ctx: ApiContext) -> Response:
    order_id = request.path_params["id"]
    invoice_id = request.path_params["invoiceId"]
    path = f"{_invoices_path(order_id)}/{invoice_id}/file"
    with ctx.state.lock:
        if order_id not in ctx.seller.book.orders:
            return _order_not_found(order_id)
        records = ctx.seller.book.invoices.get(order_id, [])
        record = next((r for r in records if r.id == invoice_id), None)
    if record is None:
        message = f"Invoice with id [{invoice_id}] not found in order [{order_id}]"
        return allegro_error(404, "INVOICE-NOT-FOUND", message, path=path)
    if record.content is not None:
        message = "Invoice with given id already has invoice file uploaded"
        return allegro_error(409, "INVOICE-FILE-ALREADY-UPLOADED", message, path=path)
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip() != "application/pdf":
        return _unsupported_media(content_type, path)
    content = await request.body()
    refusal = _upload_refusal(order_id, invoice_id, content)
    if refusal is not None:
        return refusal
    with ctx.state.lock:
        if record.content is not None:  # a concurrent upload won while the body was read
            message = "Invoice with given id already has invoice file uploaded"
            return allegro_error(409, "INVOICE-FILE-ALREADY-UPLOADED", message, path=path)
        record.content = content
        record.uploaded_at = ctx.state.now()
        record.sha256 = hashlib.sha256(content).hexdigest()
    return Response(status_code=200)


def invoice_json(state: EmulatorState, record: InvoiceRecord) -> dict[str, Any]:
    file: dict[str, Any] = {
        "name": record.file_name,
        "uploadedAt": None,
        "securityVerification": None,
        "verification": None,
    }
    if record.uploaded_at is not None:
        verified_at = record.uploaded_at + state.config.invoiceScanSeconds
        scanned = verified_at <= state.now()
        file["uploadedAt"] = format_ts(record.uploaded_at)
        file["securityVerification"] = {
            "status": "ACCEPTED" if scanned else "WAITING",
            "verifiedAt": format_ts(verified_at) if scanned else None,
        }
        file["verification"] = {"status": "NOT_APPLICABLE", "details": []}
    return {
        "id": record.id,
        "invoiceNumber": record.invoice_number,
        "createdAt": format_ts(record.created_at),
        "file": file,
    }


@api_endpoint("/order/checkout-forms/{id}/invoices", "orders:read")
async def list_invoices(request: Request, ctx: ApiContext) -> Response:
    order_id = request.path_params["id"]
    with ctx.state.lock:
        if order_id not in ctx.seller.book.orders:
            return _order_not_found(order_id)
        records = ctx.seller.book.invoices.get(order_id, [])
        invoices = [invoice_json(ctx.state, r) for r in records]
    return allegro_json(
        {"orderMode": "REGULAR", "invoices": invoices, "links": [], "hasExternalInvoices": False}
    )


routes = [
    Route("/order/checkout-forms/{id}/invoices", create_invoice, methods=["POST"]),
    Route("/order/checkout-forms/{id}/invoices", list_invoices, methods=["GET"]),
    Route(
        "/order/checkout-forms/{id}/invoices/{invoiceId}/file",
        upload_invoice_file,
        methods=["PUT"],
    ),
]
