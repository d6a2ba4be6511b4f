"""Corrections issued by the sync against the emulator over HTTP: a refund of one line, a full
refund, a price reduction spread to the grosz, a cancellation, a return; one per source event,
never more than invoiced, numbered without gaps in their own series."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import httpx
import sqlalchemy as sa
from sqlmodel import Session, col, select

from invoicehub.db import get_engine
from invoicehub.domain.correction_issue import CorrectionRequest, issue_correction
from invoicehub.domain.corrections import CorrectionChange, CorrectionKind
from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import Invoice, InvoiceLine
from tests.corrections.conftest import ready_order
from tests.sync.helpers import Seller, connect_seller

D = Decimal


def _seller_with_order(session: Session, control: httpx.Client, login: str) -> tuple[Seller, dict]:
    seller = connect_seller(session, control, login)
    order = ready_order()
    control.post(f"/__emulator/sellers/{login}/orders", json={"checkoutForms": [order]})
    assert sync_integration(seller.integration_id).invoices_created == 1
    return seller, order


def _corrections(session: Session) -> list[Invoice]:
    session.expire_all()
    query = select(Invoice).where(Invoice.kind == "correction").order_by(col(Invoice.number))
    return list(session.exec(query))


def _lines(session: Session, invoice: Invoice) -> list[InvoiceLine]:
    query = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
    return list(session.exec(query.order_by(col(InvoiceLine.position))))


def _diffs(correction: Invoice) -> dict[str, D]:
    return {d["rate"]: D(d["gross"]) for d in correction.correction["differences"]}


def _refund(control: httpx.Client, login: str, body: dict) -> dict:
    response = control.post(f"/__emulator/sellers/{login}/refunds", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_refund_of_one_line_of_a_two_line_order_corrects_that_line_only(session, control):
    seller, order = _seller_with_order(session, control, "kor_line")
    item = order["lineItems"][0]
    refund = _refund(
        control,
        "kor_line",
        {"orderId": order["id"], "lineItems": [{"id": item["id"], "quantity": 1}]},
    )
    counts = sync_integration(seller.integration_id)
    assert counts.corrections_issued == 1
    [correction] = _corrections(session)
    today = date.today()
    assert correction.number == f"KOR/{today:%Y}/{today:%m}/1"
    assert correction.correction_event_id == f"refund:{refund['id']}"
    assert "Zwrot" in correction.correction["reason"]
    original = session.get(Invoice, correction.corrects_invoice_id)
    assert original.external_order_id == order["id"]
    assert correction.correction["correctedNumber"] == original.number
    after = _lines(session, correction)
    before = correction.correction["linesBefore"]
    assert D(before[0]["quantity"]) - after[0].quantity == 1
    assert [line.quantity for line in after[1:]] == [D(b["quantity"]) for b in before[1:]]
    price = D(item["price"]["amount"])
    assert _diffs(correction)["23"] == -price and correction.total_gross == -price
    assert sync_integration(seller.integration_id).corrections_issued == 0  # replay: no-op


def test_a_full_refund_corrects_the_invoice_to_zero(session, control):
    seller, order = _seller_with_order(session, control, "kor_full")
    total = order["summary"]["totalToPay"]["amount"]
    _refund(control, "kor_full", {"orderId": order["id"], "amount": total})
    sync_integration(seller.integration_id)
    [correction] = _corrections(session)
    assert all(line.gross == 0 for line in _lines(session, correction))
    assert correction.total_gross == -D(total)


def test_a_price_reduction_is_spread_over_the_lines_to_the_grosz(session, control):
    seller, order = _seller_with_order(session, control, "kor_spread")
    _refund(control, "kor_spread", {"orderId": order["id"], "amount": "10.01"})
    sync_integration(seller.integration_id)
    [correction] = _corrections(session)
    assert correction.correction["kind"] == "price_reduction"
    assert "Obniżka ceny" in correction.correction["reason"]
    before = correction.correction["linesBefore"]
    after = _lines(session, correction)
    cuts = [D(b["gross"]) - a.gross for b, a in zip(before, after, strict=True)]
    assert sum(cuts) == D("10.01") and all(cut > 0 for cut in cuts)
    assert sum(_diffs(correction).values()) == D("-10.01") == correction.total_gross


def test_a_cancellation_after_invoicing_gives_a_correction_to_zero(session, control):
    seller, order = _seller_with_order(session, control, "kor_cancel")
    control.post(
        "/__emulator/sellers/kor_cancel/orders",
        json={"checkoutForms": [{**order, "status": "CANCELLED"}]},
    ).raise_for_status()
    assert sync_integration(seller.integration_id).corrections_issued == 1
    [correction] = _corrections(session)
    assert correction.correction_event_id == f"cancel:{order['id']}"
    assert "Anulowanie" in correction.correction["reason"]
    assert all(line.quantity == 0 for line in _lines(session, correction))
    assert correction.total_gross == -D(order["summary"]["totalToPay"]["amount"])
    # A later refund finds nothing left to correct: never more than was invoiced.
    _refund(control, "kor_cancel", {"orderId": order["id"], "amount": "5.00"})
    assert sync_integration(seller.integration_id).corrections_issued == 0


def test_an_order_cancelled_before_invoicing_gets_no_correction(session, control):
    seller = connect_seller(session, control, "kor_never")
    order = {**ready_order(), "status": "CANCELLED"}
    control.post("/__emulator/sellers/kor_never/orders", json={"checkoutForms": [order]})
    counts = sync_integration(seller.integration_id)
    assert counts.invoices_created == 0 and counts.corrections_issued == 0


def test_a_finished_customer_return_corrects_the_returned_quantity(session, control):
    seller, order = _seller_with_order(session, control, "kor_return")
    offer = order["lineItems"][0]["offer"]["id"]
    body = {
        "orderId": order["id"],
        "items": [{"offerId": offer, "quantity": 2}],
        "status": "DELIVERED",
    }
    opened = control.post("/__emulator/sellers/kor_return/customer-returns", json=body)
    assert opened.status_code == 201
    assert sync_integration(seller.integration_id).corrections_issued == 0  # not refunded yet
    body["status"] = "FINISHED"
    control.post("/__emulator/sellers/kor_return/customer-returns", json=body).raise_for_status()
    sync_integration(seller.integration_id)
    [correction] = _corrections(session)
    assert correction.correction["kind"] == "return"
    assert _lines(session, correction)[0].quantity == 0
    assert _diffs(correction)["23"] == -2 * D(order["lineItems"][0]["price"]["amount"])


def test_one_correction_per_event_under_concurrency_and_the_numbers_stay_contiguous(
    session, control
):
    seller, _ = _seller_with_order(session, control, "kor_race")
    invoice_id = session.exec(select(Invoice.id).where(Invoice.kind == "invoice")).one()
    barrier, errors = threading.Barrier(8), []

    def racer(event: str) -> None:
        try:
            barrier.wait()
            with Session(get_engine()) as own:
                change = CorrectionChange(CorrectionKind.PRICE_REDUCTION, amount=D("1.00"))
                request = CorrectionRequest(
                    seller.user.tenant_id, invoice_id, change, event, "Obniżka ceny", date.today()
                )
                issue_correction(own, request)
                own.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    events = ["refund:a", "refund:a", "refund:a", "refund:a", "refund:b", "refund:b", "x", "y"]
    threads = [threading.Thread(target=racer, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    corrections = _corrections(session)
    assert sorted(c.correction_event_id for c in corrections) == ["refund:a", "refund:b", "x", "y"]
    numbers = sorted(int(c.number.rsplit("/", 1)[1]) for c in corrections)
    assert numbers == [1, 2, 3, 4]
    gross = sum(c.total_gross for c in corrections)
    assert gross == D("-4.00")  # each started from what the previous one left
    with get_engine().connect() as conn:
        taken = conn.execute(
            sa.text("SELECT last_number FROM invoice_counters WHERE pattern LIKE 'KOR%'")
        ).scalar()
    assert taken == 4


def test_a_return_and_the_refund_of_its_units_correct_them_once(session, control):
    seller, order = _seller_with_order(session, control, "kor_both")
    item = order["lineItems"][0]
    body = {"orderId": order["id"], "items": [{"offerId": item["offer"]["id"], "quantity": 1}]}
    control.post("/__emulator/sellers/kor_both/customer-returns", json=body).raise_for_status()
    assert sync_integration(seller.integration_id).corrections_issued == 1
    refund = {"orderId": order["id"], "lineItems": [{"id": item["id"], "quantity": 1}]}
    _refund(control, "kor_both", refund)  # the money of that return
    assert sync_integration(seller.integration_id).corrections_issued == 0
    _refund(control, "kor_both", refund)  # a second unit, refunded without a return
    assert sync_integration(seller.integration_id).corrections_issued == 1
    kinds = [c.correction["kind"] for c in _corrections(session)]
    assert sorted(kinds) == ["refund", "return"]


def test_corrections_stay_immutable_like_invoices(session, control):
    seller, order = _seller_with_order(session, control, "kor_frozen")
    _refund(control, "kor_frozen", {"orderId": order["id"], "amount": "1.00"})
    sync_integration(seller.integration_id)
    [correction] = _corrections(session)
    with get_engine().connect() as conn:
        for statement in (
            "UPDATE invoices SET total_gross = 0 WHERE id = :id",
            "UPDATE invoices SET correction = NULL WHERE id = :id",
            "DELETE FROM invoices WHERE id = :id",
            "UPDATE invoice_lines SET quantity = 9 WHERE invoice_id = :id",
        ):
            try:
                conn.execute(sa.text(statement), {"id": correction.id})
            except sa.exc.DBAPIError:
                conn.rollback()
            else:
                raise AssertionError(f"{statement} was allowed")


def test_a_return_whose_units_a_refund_already_corrected_adds_nothing(session, control):
    seller, order = _seller_with_order(session, control, "kor_refund_first")
    item = order["lineItems"][0]
    refund = {"orderId": order["id"], "lineItems": [{"id": item["id"], "quantity": 1}]}
    _refund(control, "kor_refund_first", refund)
    body = {"orderId": order["id"], "items": [{"offerId": item["offer"]["id"], "quantity": 1}]}
    control.post("/__emulator/sellers/kor_refund_first/customer-returns", json=body)
    assert sync_integration(seller.integration_id).corrections_issued == 1
    assert [c.correction["kind"] for c in _corrections(session)] == ["refund"]
