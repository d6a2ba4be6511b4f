"""No invoice without the seller data art. 106e requires (name, NIP, full address): the orders
wait for review with the reason, nothing is numbered, the seller is told once, and a sync the
seller asks for after completing the company invoices them with the address."""

from __future__ import annotations

from sqlmodel import Session, select

from invoicehub.integrations.allegro.runs.requests import queue_run, request_sync
from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AllegroIntegration, Company, Invoice, InvoiceCounter, Notification
from tests.sync.helpers import (
    connect_seller,
    drain,
    invoiced_orders,
    ledger_states,
    run_of,
    seller_forms,
)

READY = "READY_FOR_PROCESSING"


def _company(session: Session, tenant_id) -> Company:
    return session.exec(select(Company).where(Company.tenant_id == tenant_id)).one()


def _strip_address(session: Session, company: Company) -> None:
    company.street = company.postal_code = company.city = ""
    session.add(company)
    session.commit()


def test_company_without_address_holds_every_order_and_numbers_nothing(session, control):
    seller = connect_seller(session, control, "noaddress", orders=20, seed=3)
    _strip_address(session, _company(session, seller.user.tenant_id))

    run = sync_integration(seller.integration_id)

    ready = {f["id"] for f in seller_forms(session, seller.integration_id) if f["status"] == READY}
    assert ready and run.invoices_created == 0 and run.needs_review == len(ready)
    reasons = {r.reason for r in _held(session, seller.integration_id)}
    assert reasons == {"company data incomplete: street, postal code, city"}
    assert session.exec(select(Invoice)).all() == []
    assert session.exec(select(InvoiceCounter)).all() == []  # no number taken, none to give back


def test_the_seller_is_told_once_while_the_company_stays_incomplete(session, control):
    seller = connect_seller(session, control, "toldonce", orders=10, seed=4)
    _strip_address(session, _company(session, seller.user.tenant_id))
    for _ in range(3):  # requested syncs (the rate limit aside): each holds the orders again
        integration = session.get(AllegroIntegration, seller.integration_id)
        run, _ = queue_run(session, integration, "manual")
        session.commit()
        drain()
        assert run_of(session, run.id).needs_review > 0

    notices = session.exec(
        select(Notification).where(
            Notification.user_id == seller.user.id, Notification.kind == "company.incomplete"
        )
    ).all()
    assert len(notices) == 1
    assert "street, postal code, city" in notices[0].body


def test_completing_the_company_and_a_manual_sync_invoice_with_the_seller_address(session, control):
    seller = connect_seller(session, control, "completed", orders=15, seed=6)
    company = _company(session, seller.user.tenant_id)
    _strip_address(session, company)
    sync_integration(seller.integration_id)
    ready = {f["id"] for f in seller_forms(session, seller.integration_id) if f["status"] == READY}
    assert {ledger_states(seller.integration_id)[i] for i in ready} == {"needs_review"}

    company.street, company.postal_code, company.city = "ul. Długa 5", "80-831", "Gdańsk"
    session.add(company)
    session.commit()
    run = request_sync(session, seller.principal, seller.integration_id)
    drain()

    assert run_of(session, run.id).invoices_created == len(ready)
    assert set(invoiced_orders(seller.integration_id)) == ready
    sellers = {
        (i.seller["street"], i.seller["postalCode"], i.seller["city"])
        for i in session.exec(select(Invoice)).all()
    }
    assert sellers == {("ul. Długa 5", "80-831", "Gdańsk")}


def _held(session: Session, integration_id):
    from invoicehub.models import AllegroOrder

    return session.exec(
        select(AllegroOrder).where(
            AllegroOrder.integration_id == integration_id, AllegroOrder.state == "needs_review"
        )
    ).all()
