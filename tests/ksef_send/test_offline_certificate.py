"""KOD II: the company's KSeF certificate of type Offline (from the emulator standing in for the
Ministry's application) is set through the API with its write-only key; an invoice that went
offline carries KOD II, a link signed with that key that the emulator's verification page
accepts, beside KOD I; an online invoice carries KOD I only."""

from __future__ import annotations

import io

import httpx
import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.documents.correction_pdf import render_document_pdf
from invoicehub.domain.invoice_queries import get_invoice_lines
from invoicehub.integrations.ksef.offline_cert import set_offline_certificate
from invoicehub.integrations.ksef.qr import ksef_mark
from invoicehub.integrations.ksef.sender import KsefUnavailable, send_company
from invoicehub.models import AuditEvent, KsefConnection, User
from tests.domain.factories import issue_invoice
from tests.factories import bearer, make_user
from tests.ksef_send.conftest import connect, queue
from tests.support.ksef_emulator import offline_certificate

URL = "/company/ksef/offline-certificate"


def _pdf_text(session: Session, invoice) -> str:
    session.expire_all()
    mark = ksef_mark(session, invoice)
    pdf = render_document_pdf(invoice, get_invoice_lines(session, invoice.id), "standard", mark)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_offline_certificate_is_set_with_a_write_only_key_and_refused_when_wrong(
    api, session: Session, user: User, ksef_control: httpx.Client
) -> None:
    headers = bearer(user)
    nip = api.get("/company", headers=headers).json()["nip"]
    cert, key, serial = offline_certificate(ksef_control, nip, password=b"tajne-haslo")
    _, other_key, _ = offline_certificate(ksef_control, nip)
    assert api.get(URL, headers=headers).status_code == 404

    wrong = api.put(URL, json={"certificate": cert, "privateKey": other_key}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "privateKey"]
    body = {"certificate": "nie certyfikat", "privateKey": key, "password": "tajne-haslo"}
    garbage = api.put(URL, json=body, headers=headers)
    assert garbage.json()["detail"][0]["loc"] == ["body", "certificate"]
    body = {"certificate": cert, "privateKey": key, "password": "złe"}
    assert api.put(URL, json=body, headers=headers).status_code == 422

    body["password"] = "tajne-haslo"
    answer = api.put(URL, json=body, headers=headers)

    assert answer.status_code == 200, answer.text
    assert answer.json()["serialNumber"] == serial and "PRIVATE" not in answer.text
    assert api.get(URL, headers=headers).json()["serialNumber"] == serial
    session.expire_all()
    stored = session.exec(select(KsefConnection)).one()
    key_body = key.splitlines()[1]
    assert stored.offline_key_encrypted and key_body not in stored.offline_key_encrypted
    assert "PRIVATE" not in stored.offline_key_encrypted
    audits = session.exec(select(AuditEvent).where(AuditEvent.tenant_id == user.tenant_id)).all()
    assert all("PRIVATE" not in str(a.after) for a in audits)
    stranger = bearer(make_user(session))
    assert api.get(URL, headers=stranger).status_code == 404  # another tenant sees none

    assert api.delete(URL, headers=headers).status_code == 204
    assert api.get(URL, headers=headers).status_code == 404


@pytest.mark.parametrize("key_type", ["ec", "rsa"])
def test_an_offline_invoice_carries_kod_ii_that_ksef_verifies_and_an_online_one_does_not(
    session: Session, user: User, ksef_control: httpx.Client, key_type: str
) -> None:
    company = default_company(session, user.tenant_id)
    connect(session, company, ksef_control)
    cert, key, serial = offline_certificate(ksef_control, company.nip, key_type=key_type)
    set_offline_certificate(session, company.tenant_id, company.id, cert, key)
    online = issue_invoice(session, company)
    queue(session, company, [online])
    send_company(company.id)
    assert ksef_mark(session, online).certificate_url is None  # online: KOD I only
    assert "CERTYFIKAT" not in _pdf_text(session, online)

    offline = issue_invoice(session, company)
    queue(session, company, [offline])
    ksef_control.post("/__emulator/faults", json={"outageSeconds": 600}).raise_for_status()
    with pytest.raises(KsefUnavailable):
        send_company(company.id)

    mark = ksef_mark(session, offline)
    assert mark is not None and mark.certificate_url and mark.label == "OFFLINE"
    prefix = f"/qr/certificate/Nip/{company.nip}/{company.nip}/{serial}/"
    assert prefix in mark.certificate_url
    assert mark.certificate_url.split("/")[-2] == mark.url.split("/")[-1]  # the same file hash
    text = _pdf_text(session, offline)
    assert "CERTYFIKAT" in text and "OFFLINE" in text
    ksef_control.delete("/__emulator/faults").raise_for_status()
    checked = httpx.get(mark.certificate_url)
    assert checked.status_code == 200, checked.text
    assert "Certyfikat wystawcy jest ważny" in checked.text
    forged = mark.certificate_url[:-6] + (
        "AAAAAA" if mark.certificate_url[-6:] != "AAAAAA" else "BBBBBB"
    )
    assert httpx.get(forged).status_code == 400

    send_company(company.id)
    mark = ksef_mark(session, offline)
    assert mark.ksef_number and mark.certificate_url  # both codes stay on the offline invoice
    assert httpx.get(mark.url).status_code == 200
