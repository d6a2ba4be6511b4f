"""The page path (one customer upsert, one invoice batch) holds exactly the orders it must."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlmodel import select

from invoicehub.integrations.allegro.sync.pipeline import sync_integration
from invoicehub.models import AllegroOrder
from tests.sync.helpers import connect_seller, invoiced_orders, seller_forms

READY = "READY_FOR_PROCESSING"


def _ready_order() -> dict:
    path = Path(__file__).parents[1] / "fixtures/allegro/checkout_form__natural_person.json"
    order = json.loads(path.read_text())
    order.update(id=str(uuid.uuid4()), revision=None, updatedAt=None)
    return order


def test_a_buyer_the_customer_rules_refuse_holds_only_its_order(session, control):
    seller = connect_seller(session, control, "nameless", orders=20, seed=21)
    nameless = _ready_order()
    nameless["invoice"]["address"]["naturalPerson"] = None
    nameless["invoice"]["address"]["company"] = {"name": "   ", "ids": [], "taxId": None}
    control.post(
        "/__emulator/sellers/nameless/orders", json={"checkoutForms": [nameless]}
    ).raise_for_status()
    counts = sync_integration(seller.integration_id)
    row = session.exec(
        select(AllegroOrder).where(AllegroOrder.checkout_form_id == nameless["id"])
    ).one()
    assert row.state == "needs_review" and row.reason == "customer name is required"
    ready = [f for f in seller_forms(session, seller.integration_id) if f["status"] == READY]
    assert counts.needs_review == 1
    assert len(invoiced_orders(seller.integration_id)) == len(ready) - 1
    assert counts.customers_created == counts.invoices_created == len(ready) - 1
