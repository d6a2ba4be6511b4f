"""The company and KSeF API: camelCase, 422 per field, write-only token, tenant scoping, and an
invoice's way through KSeF as the API shows it (status, FA(3) bytes, UPO, Send/Resend)."""

from __future__ import annotations

import logging

import httpx
from lxml import etree
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.integrations.ksef.fa3 import validate_fa3
from invoicehub.integrations.ksef.sender import send_company
from invoicehub.models import AuditEvent, KsefConnection, User
from tests.domain.factories import issue_invoice
from tests.factories import VALID_NIPS, bearer, make_user
from tests.support.ksef_emulator import new_token


def _connect(api, user: User, control: httpx.Client, auto_send: bool = False) -> str:
    nip = api.get("/company", headers=bearer(user)).json()["nip"]
    token = new_token(control, nip)
    body = {"environment": "emulator", "token": token, "autoSend": auto_send}
    answer = api.put("/company/ksef", json=body, headers=bearer(user))
    assert answer.status_code == 200, answer.text
    return token


def test_company_reads_and_writes_every_company_tab_field_in_camel_case(
    api, session: Session, user: User
) -> None:
    current = api.get("/company", headers=bearer(user)).json()
    body = {k: v for k, v in current.items() if k not in ("id", "missingFields")}
    body.update(city="Kraków", postalCode="30-001", cashAccounting=True, vatExemptionKind="A")
    body["vatExemptionBasis"] = "art. 43 ust. 1 pkt 37 ustawy o VAT"

    answer = api.put("/company", json=body, headers=bearer(user))

    assert answer.status_code == 200, answer.text
    saved = api.get("/company", headers=bearer(user)).json()
    changed = (saved["city"], saved["postalCode"], saved["cashAccounting"])
    assert changed == ("Kraków", "30-001", True)
    assert saved["missingFields"] == []


def test_company_refuses_each_wrong_field_with_its_name_and_stores_nothing(
    api, session: Session, user: User
) -> None:
    body = {"name": "Sklep", "nip": "1234567890", "postalCode": "3000", "invoiceSeries": "FV"}

    answer = api.put("/company", json=body, headers=bearer(user))

    assert answer.status_code == 422
    fields = {tuple(e["loc"]) for e in answer.json()["detail"]}
    assert fields == {("body", "nip"), ("body", "postalCode"), ("body", "invoiceSeries")}
    assert api.get("/company", headers=bearer(user)).json()["name"] != "Sklep"


def test_ksef_token_is_write_only_and_never_in_clear_in_answers_database_audit_or_logs(
    api, session: Session, user: User, ksef_control: httpx.Client, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    token = _connect(api, user, ksef_control, auto_send=True)
    read = api.get("/company/ksef", headers=bearer(user))
    verified = api.post("/company/ksef/verify", headers=bearer(user))
    invoice = issue_invoice(session, default_company(session, user.tenant_id))
    api.post(f"/invoices/{invoice.id}/ksef/send", headers=bearer(user))
    send_company(invoice.company_id)
    detail = api.get(f"/invoices/{invoice.id}", headers=bearer(user))

    assert read.json() == {
        "environment": "emulator",
        "autoSend": True,
        "tokenSet": True,
        "verifiedAt": None,
        "lastError": None,
    }
    assert verified.status_code == 200 and verified.json()["verifiedAt"]
    assert detail.json()["ksef"]["status"] == "accepted"
    for text in (read.text, verified.text, detail.text, caplog.text):
        assert token not in text
    session.expire_all()
    stored = session.exec(select(KsefConnection)).one()
    assert stored.token_encrypted and token not in stored.token_encrypted
    audits = " ".join(str(a.after) for a in session.exec(select(AuditEvent)).all())
    assert "company.ksef_updated" in {a.action for a in session.exec(select(AuditEvent))}
    assert token not in audits


def test_verify_answers_422_with_ksefs_reason_for_a_token_of_another_nip(
    api, user: User, ksef_control: httpx.Client
) -> None:
    company_nip = api.get("/company", headers=bearer(user)).json()["nip"]
    foreign = new_token(ksef_control, next(n for n in VALID_NIPS if n != company_nip))
    body = {"environment": "emulator", "token": foreign, "autoSend": False}
    api.put("/company/ksef", json=body, headers=bearer(user))

    answer = api.post("/company/ksef/verify", headers=bearer(user))

    assert answer.status_code == 422
    assert "415" in answer.json()["detail"]
    assert api.get("/company/ksef", headers=bearer(user)).json()["verifiedAt"] is None


def test_ksef_settings_refuse_an_unknown_environment_by_field(api, user: User) -> None:
    body = {"environment": "staging", "autoSend": "maybe"}
    answer = api.put("/company/ksef", json=body, headers=bearer(user))
    assert answer.status_code == 422
    assert {e["loc"][-1] for e in answer.json()["detail"]} == {"environment", "autoSend"}


def test_an_invoice_through_ksef_as_the_api_shows_it(
    api, session: Session, user: User, ksef_control: httpx.Client
) -> None:
    company = default_company(session, user.tenant_id)
    invoice, other = issue_invoice(session, company), issue_invoice(session, company)
    headers = bearer(user)
    before = api.get(f"/invoices/{invoice.id}", headers=headers).json()["ksef"]
    assert before == {
        "status": "not_sent",
        "ksefNumber": None,
        "acquisitionDate": None,
        "errorCode": None,
        "errorDescription": None,
        "offline": False,
        "offlineMode": None,
        "offlineDeadline": None,
    }
    assert api.get(f"/invoices/{invoice.id}/upo", headers=headers).status_code == 404
    assert api.post(f"/invoices/{invoice.id}/ksef/send", headers=headers).status_code == 409
    _connect(api, user, ksef_control)

    queued = api.post(f"/invoices/{invoice.id}/ksef/send", headers=headers)
    assert queued.status_code == 202 and queued.json()["ksef"]["status"] == "queued"
    send_company(company.id)

    ksef = api.get(f"/invoices/{invoice.id}", headers=headers).json()["ksef"]
    assert ksef["status"] == "accepted" and ksef["ksefNumber"] and ksef["acquisitionDate"]
    fa3 = api.get(f"/invoices/{invoice.id}/fa3", headers=headers)
    assert fa3.headers["content-type"].startswith("application/xml")
    sent = ksef_control.get("/__emulator/invoices").json()["invoices"]
    assert [r["xml"].encode() for r in sent] == [fa3.content]
    assert validate_fa3(fa3.content) == []
    upo = api.get(f"/invoices/{invoice.id}/upo", headers=headers)
    assert upo.status_code == 200 and ksef["ksefNumber"].encode() in upo.content
    etree.fromstring(upo.content)
    assert api.post(f"/invoices/{invoice.id}/ksef/send", headers=headers).status_code == 409
    accepted = api.get("/invoices", params={"ksefStatus": "accepted"}, headers=headers).json()
    assert [i["id"] for i in accepted["items"]] == [str(invoice.id)]
    assert accepted["items"][0]["ksefStatus"] == "accepted"
    unsent = api.get("/invoices", params={"ksefStatus": "not_sent"}, headers=headers).json()
    assert [i["id"] for i in unsent["items"]] == [str(other.id)]


def test_another_tenants_invoice_answers_404_on_every_ksef_route(
    api, session: Session, user: User
) -> None:
    stranger = make_user(session)
    invoice = issue_invoice(session, default_company(session, user.tenant_id))
    headers = bearer(stranger)
    for method, path in (
        ("GET", f"/invoices/{invoice.id}/fa3"),
        ("GET", f"/invoices/{invoice.id}/upo"),
        ("POST", f"/invoices/{invoice.id}/ksef/send"),
    ):
        assert api.request(method, path, headers=headers).status_code == 404, path
    assert api.get("/company/ksef").status_code == 401
