"""Checkout form -> decision (ARCHITECTURE §7): one test per business rule, on real fixtures."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from invoicehub.integrations.allegro.preferences import AllegroSettings
from invoicehub.integrations.allegro.sync.mapping import (
    SHIPPING_LINE_NAME,
    Action,
    OrderProblem,
    decide_order,
    normalize_rate,
    order_key,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allegro"
TODAY = date(2026, 3, 10)


def fixture(case: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"checkout_form__{case}.json").read_text())


def settings(**changes: Any) -> AllegroSettings:
    return AllegroSettings.model_validate(changes)


def decide(raw: dict[str, Any], *, already_invoiced: bool = False, **kwargs: Any):
    rates = kwargs.pop("product_rates", None)
    return decide_order(
        raw,
        settings(**kwargs),
        today=TODAY,
        product_rates=rates,
        already_invoiced=already_invoiced,
    )


def lines_of(decision) -> list[tuple[str, Decimal, Decimal, str]]:
    return [(line.name, line.quantity, line.unit_gross, line.vat_rate) for line in decision.lines]


# -- lines and VAT rates ------------------------------------------------------------------------


def test_ready_order_gives_one_line_per_item_with_offer_name_quantity_and_unit_gross():
    decision = decide(fixture("company_buyer"))
    assert decision.action is Action.INVOICE
    items = lines_of(decision)[:2]
    assert items[0][1:] == (Decimal(1), Decimal("59.90"), "5")
    assert items[0][0].startswith("Miód wielokwiatowy")
    assert items[1][1:] == (Decimal(2), Decimal("34.90"), "23")
    assert decision.lines[0].offer_id == fixture("company_buyer")["lineItems"][0]["offer"]["id"]


def test_allegro_tax_rate_is_normalised_to_the_domain_rate_code():
    assert [normalize_rate(r) for r in ("23.00", "8.00", "5.00", "0.00", "23", "zw")] == [
        "23",
        "8",
        "5",
        "0",
        "23",
        "zw",
    ]
    assert normalize_rate(None) is None


def test_unsupported_vat_rate_holds_the_order_for_review():
    raw = fixture("natural_person")
    raw["lineItems"][0]["tax"]["rate"] = "21.00"
    decision = decide(raw)
    assert decision.action is Action.REVIEW and decision.reason == "unsupported VAT rate 21.00"
    with pytest.raises(OrderProblem):
        normalize_rate("7.50")


def test_shipping_line_when_delivery_costs_something_and_shipping_is_included():
    decision = decide(fixture("natural_person"))
    assert lines_of(decision)[-1] == (SHIPPING_LINE_NAME, Decimal(1), Decimal("12.99"), "23")


def test_shipping_takes_the_items_rate_when_they_share_one():
    decision = decide(fixture("natural_person"), default_vat_rate=8)
    assert decision.lines[-1].vat_rate == "23"


def test_shipping_takes_the_default_rate_when_items_rates_differ():
    decision = decide(fixture("mixed_rates_shipping"), default_vat_rate=8)
    assert [line.vat_rate for line in decision.lines] == ["23", "8", "5", "8"]
    assert decision.lines[-1].unit_gross == Decimal("14.99")


def test_free_delivery_adds_no_shipping_line():
    decision = decide(fixture("taxid_only"))
    assert decision.action is Action.INVOICE
    assert all(line.name != SHIPPING_LINE_NAME for line in decision.lines)


def test_without_include_shipping_the_lines_must_equal_total_minus_delivery():
    decision = decide(fixture("natural_person"), include_shipping=False)
    assert decision.action is Action.INVOICE
    assert lines_of(decision) == [(lines_of(decision)[0][0], Decimal(2), Decimal("34.90"), "23")]


def test_missing_tax_rate_falls_back_to_the_known_products_rate():
    raw = fixture("no_tax_rate")
    offer_id = raw["lineItems"][0]["offer"]["id"]
    decision = decide(raw, product_rates={offer_id: "8"})
    assert decision.lines[0].vat_rate == "8" and not decision.lines[0].rate_from_offer
    assert decision.lines[-1].vat_rate == "8"  # shipping follows the single item rate


def test_missing_tax_rate_without_a_product_uses_the_default_rate():
    decision = decide(fixture("no_tax_rate"), default_vat_rate="zw")
    assert [line.vat_rate for line in decision.lines] == ["zw", "zw"]


def test_gross_of_the_lines_equals_total_to_pay_to_the_grosz():
    for case in ("company_buyer", "natural_person", "mixed_rates_shipping", "taxid_only"):
        raw = fixture(case)
        decision = decide(raw)
        gross = sum((line.gross for line in decision.lines), Decimal(0))
        assert gross == Decimal(raw["summary"]["totalToPay"]["amount"]), case


def test_total_mismatch_holds_the_order_for_review_with_both_amounts():
    decision = decide(fixture("total_mismatch"))
    assert decision.action is Action.REVIEW
    assert decision.reason == "total mismatch: lines 82.79 != totalToPay 92.79"


def test_total_mismatch_without_shipping_names_the_delivery_cost():
    decision = decide(fixture("total_mismatch"), include_shipping=False)
    assert decision.reason == "total mismatch: lines 69.80 != totalToPay 92.79 minus delivery 12.99"


# -- buyer -------------------------------------------------------------------------------------


def test_company_buyer_with_pl_nip_from_company_ids():
    decision = decide(fixture("company_buyer"))
    assert decision.buyer.kind == "company"
    assert decision.buyer.name == "Zorza Źródło Sp. z o.o."
    assert decision.buyer.nip == "8884450801"
    assert decision.customer.nip == "8884450801" and decision.customer.source == "allegro"


def test_company_ids_win_over_the_deprecated_tax_id():
    raw = fixture("company_buyer")
    raw["invoice"]["address"]["company"]["taxId"] = "1234567890"  # invalid, but not used
    assert decide(raw).buyer.nip == "8884450801"


def test_company_without_ids_uses_the_deprecated_tax_id_normalised():
    decision = decide(fixture("taxid_only"))
    assert decision.buyer.nip == "2437805897" and decision.buyer.kind == "company"


def test_invalid_nip_holds_the_order_for_review():
    decision = decide(fixture("invalid_nip"))
    assert decision.action is Action.REVIEW and decision.reason == "invalid NIP 1234567890"


def test_natural_person_buyer_from_the_invoice_address():
    raw = fixture("natural_person")
    decision = decide(raw)
    assert decision.buyer.name == "Małgorzata Zielińska" and decision.buyer.kind == "person"
    assert decision.buyer.nip is None
    assert decision.buyer.postal_code == raw["invoice"]["address"]["zipCode"]


def test_without_invoice_data_the_buyer_is_the_allegro_buyer():
    raw = fixture("no_tax_rate")
    decision = decide(raw)
    buyer = raw["buyer"]
    assert decision.buyer.name == f"{buyer['firstName']} {buyer['lastName']}"
    assert decision.buyer.postal_code == buyer["address"]["postCode"]
    assert decision.customer.external_id == buyer["id"]


def test_without_auto_create_customer_only_the_buyer_snapshot_is_kept():
    decision = decide(fixture("company_buyer"), auto_create_customer=False)
    assert decision.action is Action.INVOICE
    assert decision.customer is None and decision.buyer.nip == "8884450801"


# -- decisions ---------------------------------------------------------------------------------


def test_unpaid_bought_order_is_pending():
    decision = decide(fixture("unpaid_bought"))
    assert decision.action is Action.PENDING and "BOUGHT" in decision.reason


def test_filled_in_order_is_pending():
    raw = fixture("natural_person")
    raw["status"] = "FILLED_IN"
    assert decide(raw).action is Action.PENDING


def test_cancelled_order_is_skipped_and_never_invoiced():
    decision = decide(fixture("cancelled"))
    assert decision.action is Action.SKIP and not decision.needs_correction
    assert decision.lines == ()


def test_cancelled_after_invoicing_is_flagged_for_a_correction():
    decision = decide(fixture("cancelled"), already_invoiced=True)
    assert decision.action is Action.SKIP and decision.needs_correction


def test_new_revision_of_an_invoiced_order_never_asks_for_a_second_invoice():
    decision = decide(fixture("company_buyer"), already_invoiced=True)
    assert decision.action is Action.SKIP and decision.reason == "already invoiced"


def test_non_pln_currency_holds_the_order_for_review():
    decision = decide(fixture("czk_currency"))
    assert decision.action is Action.REVIEW and decision.reason == "currency CZK not supported"


def test_auto_generate_off_skips_ready_orders():
    decision = decide(fixture("company_buyer"), auto_generate_invoices=False)
    assert decision.action is Action.SKIP and "automatic invoicing is off" in decision.reason


def test_requested_only_mode_invoices_only_orders_whose_buyer_asked():
    assert decide(fixture("company_buyer"), invoice_mode="requested_only").action is Action.INVOICE
    not_requested = decide(fixture("no_tax_rate"), invoice_mode="requested_only")
    assert not_requested.action is Action.SKIP
    assert decide(fixture("no_tax_rate"), invoice_mode="all").action is Action.INVOICE


def test_malformed_payload_goes_to_review_with_the_validation_reason():
    raw = fixture("company_buyer")
    del raw["lineItems"]
    decision = decide(raw)
    assert decision.action is Action.REVIEW
    assert decision.reason.startswith("malformed checkout form:") and "lineItems" in decision.reason
    bad_amount = fixture("natural_person")
    bad_amount["summary"]["totalToPay"]["amount"] = "a lot"
    assert decide(bad_amount).reason.startswith("malformed checkout form: summary")


def test_payload_without_an_id_has_no_ledger_key():
    raw = fixture("company_buyer")
    raw.pop("id")
    assert order_key(raw) is None
    assert order_key({"id": "x" * 65}) is None


def test_ledger_key_survives_a_malformed_payload():
    key = order_key({"id": "abc", "status": "READY_FOR_PROCESSING", "revision": 7})
    assert key is not None and key.revision == "7" and key.allegro_status == "READY_FOR_PROCESSING"


# -- payment ------------------------------------------------------------------------------------


def test_auto_mark_as_paid_when_paid_amount_covers_the_total_and_payment_finished():
    raw = fixture("company_buyer")
    decision = decide(raw, auto_mark_as_paid=True)
    assert decision.paid_at == datetime(2026, 3, 8, 6, 46, 13, 626000, tzinfo=UTC)


def test_not_paid_without_auto_mark_as_paid():
    assert decide(fixture("company_buyer")).paid_at is None


def test_not_paid_when_the_paid_amount_is_short():
    raw = fixture("company_buyer")
    raw["payment"]["paidAmount"]["amount"] = "100.00"
    assert decide(raw, auto_mark_as_paid=True).paid_at is None


def test_not_paid_without_finished_payment():
    raw = fixture("company_buyer")
    raw["payment"]["finishedAt"] = None
    assert decide(raw, auto_mark_as_paid=True).paid_at is None


def test_sale_date_is_the_polish_date_of_the_payment():
    raw = copy.deepcopy(fixture("natural_person"))
    raw["payment"]["finishedAt"] = "2026-03-02T23:30:00.000Z"  # 00:30 on 3 March in Warsaw
    assert decide(raw).sale_date == date(2026, 3, 3)
