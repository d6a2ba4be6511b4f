"""The Company tab, the product dialog and PUT /products/{id} take the new FA(3) fields."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.domain.products import ProductDraft, upsert_product
from invoicehub.models import AuditEvent, Product
from invoicehub.pages.products_state import ProductEditState
from invoicehub.pages.settings.state import SettingsState
from tests.factories import bearer, make_user
from tests.state.conftest import call, session_token, state_for


def test_company_tab_saves_the_exemption_kind_and_cash_accounting(session: Session):
    user = make_user(session)
    tab = state_for(SettingsState, session_token(session, user), "/settings?tab=company")
    call(tab, "load")
    assert (tab.company["vat_exemption_kind"], tab.company["cash_accounting"]) == ("", "false")
    call(tab, "set_company_field", "vat_exemption_basis", "art. 132 dyrektywy 2006/112/WE")
    call(tab, "set_company_field", "vat_exemption_kind", "B")
    call(tab, "set_company_field", "cash_accounting", "true")
    call(tab, "save_company")
    assert tab.company_errors == {} and tab.company_message == "Zapisano dane firmy."
    session.expire_all()
    company = default_company(session, user.tenant_id)
    assert company is not None
    assert (company.vat_exemption_kind, company.cash_accounting) == ("B", True)
    assert tab.company["cash_accounting"] == "true"


def test_company_tab_refuses_an_unknown_exemption_kind_and_stores_nothing(session: Session):
    user = make_user(session)
    tab = state_for(SettingsState, session_token(session, user), "/settings?tab=company")
    call(tab, "load")
    call(tab, "set_company_field", "vat_exemption_basis", "art. 113 ust. 1 ustawy o VAT")
    call(tab, "set_company_field", "vat_exemption_kind", "Z")
    call(tab, "save_company")
    assert "vat_exemption_kind" in tab.company_errors
    session.expire_all()
    company = default_company(session, user.tenant_id)
    assert company is not None and company.vat_exemption_basis == ""


def _product(session: Session, user) -> Product:
    product, _ = upsert_product(
        session, user.tenant_id, ProductDraft(name="Laptop", gross_price=Decimal("4999.00"))
    )
    session.commit()
    return product


def test_product_dialog_edits_the_annex15_flag(session: Session):
    user = make_user(session)
    product = _product(session, user)
    dialog = state_for(ProductEditState, session_token(session, user), "/products")
    call(dialog, "open_for", str(product.id))
    assert dialog.form["annex15"] == "false"
    call(dialog, "set_field", "annex15", "true")
    call(dialog, "save")
    assert dialog.error == "" and dialog.success == "Zapisano."
    session.expire_all()
    assert session.get(Product, product.id).annex15 is True  # type: ignore[union-attr]


def test_put_product_sets_annex15_answers_it_and_audits_it(session: Session, api: TestClient):
    user = make_user(session)
    product = _product(session, user)
    body = {"name": "Laptop", "sku": None, "unit": "szt.", "vatRate": "23", "grossPrice": "4999.00"}
    answer = api.put(
        f"/products/{product.id}", json={**body, "annex15": True}, headers=bearer(user)
    )
    assert answer.status_code == 200 and answer.json()["annex15"] is True
    refused = api.put(
        f"/products/{product.id}", json={**body, "annex15": "maybe"}, headers=bearer(user)
    )
    assert refused.status_code == 422 and "annex15" in refused.text
    session.expire_all()
    assert session.get(Product, product.id).annex15 is True  # type: ignore[union-attr]
    audit = session.exec(select(AuditEvent).where(AuditEvent.target_type == "product")).all()
    assert any((event.after or {}).get("annex15") is True for event in audit)
