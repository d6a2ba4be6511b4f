"""Invoices attached to orders: metadata, raw PDF upload and Allegro's refusal rules (§4)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx
import pytest

from tests.support.emulator import SellerTokens

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allegro"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF_HEADERS = {"Content-Type": "application/pdf"}


@pytest.fixture
def order_id(emulator: httpx.Client, seller: SellerTokens) -> str:
    form = json.loads((FIXTURES / "checkout_form__company_buyer.json").read_text(encoding="utf-8"))
    emulator.post(f"/__emulator/sellers/{seller.login}/orders", json={"checkoutForms": [form]})
    return form["id"]


def _create(api: httpx.Client, order_id: str, number: str = "FV/2026/03/1") -> httpx.Response:
    body = {"file": {"name": "faktura.pdf"}, "invoiceNumber": number}
    return api.post(f"/order/checkout-forms/{order_id}/invoices", json=body)


def _upload(
    api: httpx.Client, order_id: str, invoice_id: str, content: bytes, **headers: str
) -> httpx.Response:
    path = f"/order/checkout-forms/{order_id}/invoices/{invoice_id}/file"
    return api.put(path, content=content, headers={**PDF_HEADERS, **headers})


def test_uploaded_invoice_is_listed_and_recorded(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens, order_id: str
) -> None:
    created = _create(api, order_id)
    assert created.status_code == 201
    invoice_id = created.json()["id"]
    uploaded = _upload(api, order_id, invoice_id, PDF)
    assert uploaded.status_code == 200 and uploaded.content == b""
    listed = api.get(f"/order/checkout-forms/{order_id}/invoices").json()
    assert listed["orderMode"] == "REGULAR" and listed["hasExternalInvoices"] is False
    [invoice] = listed["invoices"]
    assert invoice["id"] == invoice_id and invoice["invoiceNumber"] == "FV/2026/03/1"
    assert invoice["file"]["name"] == "faktura.pdf"
    assert invoice["file"]["securityVerification"]["status"] == "ACCEPTED"
    recorded = emulator.get(f"/__emulator/sellers/{seller.login}/invoices").json()["invoices"]
    assert recorded == [
        {
            "orderId": order_id,
            "invoiceId": invoice_id,
            "invoiceNumber": "FV/2026/03/1",
            "fileName": "faktura.pdf",
            "size": len(PDF),
            "sha256": hashlib.sha256(PDF).hexdigest(),
        }
    ]
    download = emulator.get(f"/__emulator/sellers/{seller.login}/invoices/{invoice_id}/file")
    assert download.content == PDF


def test_an_order_without_invoices_lists_none(api: httpx.Client, order_id: str) -> None:
    listed = api.get(f"/order/checkout-forms/{order_id}/invoices").json()
    assert listed["invoices"] == [] and listed["links"] == []


def test_metadata_for_an_unknown_order_is_404_order_not_found(api: httpx.Client) -> None:
    response = _create(api, "d620e891-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "ORDER-NOT-FOUND"


def test_metadata_needs_a_file_name(api: httpx.Client, order_id: str) -> None:
    response = api.post(f"/order/checkout-forms/{order_id}/invoices", json={"invoiceNumber": "X"})
    assert response.status_code == 422


def test_metadata_needs_the_allegro_content_type(api: httpx.Client, order_id: str) -> None:
    body = {"file": {"name": "a.pdf"}}
    response = api.post(
        f"/order/checkout-forms/{order_id}/invoices",
        json=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 415


def test_at_most_ten_invoices_per_order(api: httpx.Client, order_id: str) -> None:
    for number in range(10):
        assert _create(api, order_id, f"FV/{number}").status_code == 201
    response = _create(api, order_id, "FV/11")
    assert response.status_code == 409


def test_second_upload_to_the_same_invoice_is_409(api: httpx.Client, order_id: str) -> None:
    invoice_id = _create(api, order_id).json()["id"]
    assert _upload(api, order_id, invoice_id, PDF).status_code == 200
    assert _upload(api, order_id, invoice_id, PDF).status_code == 409


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"", 422, "EMPTY-ATTACHMENT"),
        (b"data=@faktura.pdf", 422, "FILE-CONTENT-INVALID"),
        (b"%PDF" + b"x" * (3 * 1024 * 1024), 413, "FILE-TOO-LARGE"),
    ],
)
def test_bad_files_are_refused(
    api: httpx.Client, order_id: str, content: bytes, status: int, code: str
) -> None:
    invoice_id = _create(api, order_id).json()["id"]
    response = _upload(api, order_id, invoice_id, content)
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    assert _upload(api, order_id, invoice_id, PDF).status_code == 200  # refusals consume nothing


def test_a_file_of_exactly_3_mb_is_accepted(api: httpx.Client, order_id: str) -> None:
    invoice_id = _create(api, order_id).json()["id"]
    assert (
        _upload(api, order_id, invoice_id, b"%PDF" + b"x" * (3 * 1024 * 1024 - 4)).status_code
        == 200
    )


def test_upload_needs_application_pdf(api: httpx.Client, order_id: str) -> None:
    invoice_id = _create(api, order_id).json()["id"]
    response = _upload(api, order_id, invoice_id, PDF, **{"Content-Type": "multipart/form-data"})
    assert response.status_code == 415


def test_upload_to_an_unknown_invoice_is_404(api: httpx.Client, order_id: str) -> None:
    response = _upload(api, order_id, "56ae349d-8045-4bb3-adcc-7cf6fb420f61", PDF)
    assert response.status_code == 404


def test_new_metadata_waits_for_the_security_scan(
    emulator: httpx.Client, api: httpx.Client, order_id: str
) -> None:
    emulator.post("/__emulator/config", json={"invoiceScanSeconds": 30})
    invoice_id = _create(api, order_id).json()["id"]
    _upload(api, order_id, invoice_id, PDF)
    scanning = api.get(f"/order/checkout-forms/{order_id}/invoices").json()["invoices"][0]
    assert scanning["file"]["securityVerification"]["status"] == "WAITING"
    refused = _create(api, order_id, "FV/2")
    assert refused.status_code == 422 and "in progress" in refused.json()["errors"][0]["message"]
    emulator.post("/__emulator/clock", json={"advanceSeconds": 31})
    assert _create(api, order_id, "FV/2").status_code == 201


def test_orders_without_invoice_request_can_be_made_to_refuse(
    emulator: httpx.Client, api: httpx.Client, seller: SellerTokens
) -> None:
    form = json.loads((FIXTURES / "checkout_form__no_tax_rate.json").read_text(encoding="utf-8"))
    emulator.post(f"/__emulator/sellers/{seller.login}/orders", json={"checkoutForms": [form]})
    assert _create(api, form["id"]).status_code == 201  # lenient by default
    emulator.post("/__emulator/config", json={"rejectInvoiceWhenNotRequired": True})
    refused = _create(api, form["id"])
    assert (
        refused.status_code == 422
        and refused.json()["errors"][0]["code"] == "ORDER-WITHOUT-INVOICE"
    )
