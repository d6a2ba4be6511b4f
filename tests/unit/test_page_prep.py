"""A page decided ahead of its transaction: a decision stands only where the truth agrees."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from invoicehub.integrations.allegro.preferences import AllegroSettings
from invoicehub.integrations.allegro.sync.context import ImportContext
from invoicehub.integrations.allegro.sync.mapping import Action
from invoicehub.integrations.allegro.sync.page_prep import prepare_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allegro"


def _form(case: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"checkout_form__{case}.json").read_text())


def _ctx(known_rates: dict[str, str]) -> ImportContext:
    return ImportContext(
        tenant_id=uuid.uuid4(),
        integration_id=uuid.uuid4(),
        settings=AllegroSettings.model_validate({}),
        company_id=uuid.uuid4(),
        template_id=None,
        today=date(2026, 3, 10),
        known_rates=known_rates,
    )


def test_a_decision_ahead_stands_when_the_rates_read_are_the_ones_guessed():
    raw = _form("no_tax_rate")
    offer = raw["lineItems"][0]["offer"]["id"]
    page = prepare_page([raw], _ctx({offer: "8"}))

    ahead = page.decision(raw["id"], already_invoiced=False, rates={offer: "8"})
    assert ahead is not None and ahead.action is Action.INVOICE
    assert ahead.lines[0].vat_rate == "8"
    assert page.rate_offers == {offer}


def test_a_rate_changed_since_the_guess_or_an_invoiced_order_is_decided_again():
    raw = _form("no_tax_rate")
    offer = raw["lineItems"][0]["offer"]["id"]
    page = prepare_page([raw], _ctx({offer: "8"}))

    assert page.decision(raw["id"], already_invoiced=False, rates={offer: "5"}) is None
    assert page.decision(raw["id"], already_invoiced=False, rates={}) is None  # product gone
    assert page.decision(raw["id"], already_invoiced=True, rates={offer: "8"}) is None


def test_a_product_created_after_the_guess_is_not_taken_for_the_default_rate():
    raw = _form("no_tax_rate")
    offer = raw["lineItems"][0]["offer"]["id"]
    page = prepare_page([raw], _ctx({}))  # guessed: no product, so the default rate

    assert page.decision(raw["id"], already_invoiced=False, rates={}) is not None
    assert page.decision(raw["id"], already_invoiced=False, rates={offer: "8"}) is None


def test_without_a_context_nothing_is_decided_ahead():
    raw = _form("natural_person")
    page = prepare_page([raw, {"no": "id"}])
    assert page.decisions == {} and page.unkeyed == 1 and page.fetched == 2
    assert page.decision(raw["id"], already_invoiced=False, rates={}) is None
    assert set(page.forms) == set(page.parsed) == {raw["id"]}
