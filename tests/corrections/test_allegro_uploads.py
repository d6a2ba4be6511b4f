"""Invoice PDFs attached to their Allegro orders on the emulator, exactly once: after a sync,
across a lost answer and two workers; a refused file fails with Allegro's reason and the
seller's Retry attaches it; a transient error retries on the sync's backoff."""

from __future__ import annotations

import threading
import uuid

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.api.app import create_api
from invoicehub.db import get_engine
from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection.tokens import decrypt_token
from invoicehub.integrations.allegro.runs.upload_jobs import run_upload
from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AllegroIntegration, AllegroInvoiceUpload, Invoice
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings
from tests.corrections.conftest import ready_order
from tests.factories import bearer
from tests.sync.helpers import Seller, connect_seller, drain


def _client(session: Session, seller: Seller) -> AllegroApiClient:
    integration = session.get(AllegroIntegration, seller.integration_id)
    assert integration is not None and integration.access_token
    token = decrypt_token(integration.access_token, integration.id)
    return AllegroApiClient(token, base_url=get_settings().allegro_api_url)


def _slots(session: Session, seller: Seller, order_id: str) -> list[dict]:
    with _client(session, seller) as client:
        return client.list_invoices(order_id)["invoices"]


def _uploads(session: Session) -> list[AllegroInvoiceUpload]:
    session.expire_all()
    return list(session.exec(select(AllegroInvoiceUpload)))


def _one_order(session: Session, control: httpx.Client, login: str) -> tuple[Seller, dict]:
    seller = connect_seller(session, control, login)
    order = ready_order()
    control.post(f"/__emulator/sellers/{login}/orders", json={"checkoutForms": [order]})
    sync_integration(seller.integration_id)
    return seller, order


def test_after_a_sync_every_invoice_is_attached_once_to_its_order(session, control):
    seller = connect_seller(session, control, "up_all", orders=15, seed=5)
    sync_integration(seller.integration_id)
    drain()
    invoices = list(session.exec(select(Invoice)))
    assert invoices
    sync_integration(seller.integration_id)  # a second sync queues nothing new
    drain()
    for invoice in invoices:
        slots = _slots(session, seller, invoice.external_order_id)
        assert [s["invoiceNumber"] for s in slots] == [invoice.number]
        assert slots[0]["file"]["uploadedAt"] is not None
    uploads = _uploads(session)
    assert len(uploads) == len(invoices) and {u.status for u in uploads} == {"uploaded"}
    files = control.get("/__emulator/sellers/up_all/invoices").json()["invoices"]
    assert len(files) == len(invoices)


def test_a_retry_after_a_lost_answer_adopts_the_slot_instead_of_creating_another(session, control):
    seller, order = _one_order(session, control, "up_lost")
    get_redis().flushdb()  # the first attempt's job is "lost" with its answer
    invoice = session.exec(select(Invoice)).one()
    with _client(session, seller) as client:  # what the lost attempt did on Allegro
        client.create_invoice_metadata(order["id"], "Faktura.pdf", invoice.number)
    with get_engine().begin() as conn:
        conn.execute(sa.text("UPDATE allegro_invoice_uploads SET attempts = 1"))
    [upload] = _uploads(session)
    assert run_upload(str(upload.id))["status"] == "uploaded"
    slots = _slots(session, seller, order["id"])
    assert len(slots) == 1 and slots[0]["file"]["uploadedAt"] is not None
    [upload] = _uploads(session)
    assert upload.allegro_invoice_id == slots[0]["id"]


def test_two_workers_attach_the_invoice_once(session, control):
    seller, order = _one_order(session, control, "up_two")
    get_redis().flushdb()
    [upload] = _uploads(session)
    barrier, results = threading.Barrier(2), []

    def worker() -> None:
        barrier.wait()
        results.append(run_upload(str(upload.id)))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2
    assert len(_slots(session, seller, order["id"])) == 1
    assert _uploads(session)[0].status == "uploaded"


def test_a_refused_file_fails_with_the_reason_and_the_retry_attaches_it(session, control):
    seller, order = _one_order(session, control, "up_refused")
    body = {
        "errors": [
            {
                "code": "FILE-CONTENT-INVALID",
                "message": "File must have a PDF content",
                "details": None,
                "path": None,
                "userMessage": "File must have a PDF content",
            }
        ]
    }
    fault = {"pathPattern": "/order/checkout-forms/*/invoices/*/file", "status": 422, "body": body}
    control.post("/__emulator/faults", json=fault).raise_for_status()
    drain()
    invoice = session.exec(select(Invoice)).one()
    api = TestClient(create_api())
    shown = api.get(f"/invoices/{invoice.id}", headers=bearer(seller.user)).json()["allegro"]
    assert shown["uploadStatus"] == "failed" and "FILE-CONTENT-INVALID" in shown["error"]
    retried = api.post(f"/invoices/{invoice.id}/allegro/upload", headers=bearer(seller.user))
    assert retried.status_code == 202, retried.text
    drain()
    shown = api.get(f"/invoices/{invoice.id}", headers=bearer(seller.user)).json()["allegro"]
    assert shown["uploadStatus"] == "uploaded" and shown["error"] is None
    assert shown["allegroInvoiceId"] and shown["uploadedAt"]
    assert len(_slots(session, seller, order["id"])) == 1
    again = api.post(f"/invoices/{invoice.id}/allegro/upload", headers=bearer(seller.user))
    assert again.status_code == 409
    stranger = api.post(f"/invoices/{uuid.uuid4()}/allegro/upload", headers=bearer(seller.user))
    assert stranger.status_code == 404


def test_a_transient_error_retries_on_the_backoff_and_attaches_once(session, control):
    seller, order = _one_order(session, control, "up_transient")
    fault = {"pathPattern": "/order/checkout-forms/*/invoices", "status": 503, "method": "POST"}
    control.post("/__emulator/faults", json=fault).raise_for_status()
    assert drain() >= 1  # one retry was scheduled and run
    assert _uploads(session)[0].status == "uploaded"
    assert len(_slots(session, seller, order["id"])) == 1


def test_uploads_are_not_queued_when_the_setting_is_off(session, control):
    seller = connect_seller(session, control, "up_off")
    integration = session.get(AllegroIntegration, seller.integration_id)
    integration.settings = {**(integration.settings or {}), "uploadInvoicesToAllegro": False}
    session.add(integration)
    session.commit()
    control.post("/__emulator/sellers/up_off/orders", json={"checkoutForms": [ready_order()]})
    assert sync_integration(seller.integration_id).invoices_created == 1
    assert _uploads(session) == []


def test_a_refund_and_a_cancellation_give_two_corrections_attached_like_invoices(session, control):
    seller = connect_seller(session, control, "up_done")
    first, second = ready_order(), ready_order()
    control.post("/__emulator/sellers/up_done/orders", json={"checkoutForms": [first, second]})
    sync_integration(seller.integration_id)
    item = first["lineItems"][0]
    refund = {"orderId": first["id"], "lineItems": [{"id": item["id"], "quantity": 1}]}
    control.post("/__emulator/sellers/up_done/refunds", json=refund).raise_for_status()
    cancelled = {**second, "status": "CANCELLED"}
    control.post("/__emulator/sellers/up_done/orders", json={"checkoutForms": [cancelled]})
    assert sync_integration(seller.integration_id).corrections_issued == 2
    drain()
    api = TestClient(create_api())
    listed = api.get("/invoices", params={"kind": "correction"}, headers=bearer(seller.user))
    numbers = sorted(item["number"].rsplit("/", 1)[1] for item in listed.json()["items"])
    assert numbers == ["1", "2"]
    for order in (first, second):
        slots = _slots(session, seller, order["id"])
        assert len(slots) == 2 and all(s["file"]["uploadedAt"] for s in slots)
    assert {u.status for u in _uploads(session)} == {"uploaded"}
