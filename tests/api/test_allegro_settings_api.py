"""The seed's settings endpoints: defaults, partial merge, strict validation that stores nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.models import (
    STANDARD_TEMPLATE_ID,
    AllegroIntegration,
    AuditEvent,
    Company,
    Role,
)
from tests.factories import bearer, make_integration, make_user


@pytest.fixture
def owner(session: Session):
    user = make_user(session)
    return user, make_integration(session, user)


def test_settings_start_from_the_seed_defaults(api: TestClient, session: Session, owner):
    user, integration = owner
    company = session.exec(select(Company).where(Company.tenant_id == user.tenant_id)).one()
    response = api.get(f"/allegro/settings/{integration.id}", headers=bearer(user))
    assert response.status_code == 200
    assert response.json() == {
        "settings": {
            "autoGenerateInvoices": True,
            "invoiceTemplateId": str(STANDARD_TEMPLATE_ID),
            "syncFrequencyMinutes": 60,
            "autoMarkAsPaid": False,
            "autoCreateCustomer": True,
            "autoCreateProduct": True,
            "defaultVatRate": 23,
            "invoiceMode": "all",
            "includeShipping": True,
            "companyId": str(company.id),
            "autoCorrections": True,
            "uploadInvoicesToAllegro": True,
        }
    }


def test_partial_update_merges_with_stored_settings(api: TestClient, session: Session, owner):
    user, integration = owner
    url = f"/allegro/settings/{integration.id}"
    first = api.put(url, json={"settings": {"autoMarkAsPaid": True}}, headers=bearer(user))
    assert first.status_code == 200, first.json()
    assert first.json()["success"] is True
    second = api.put(
        url,
        json={"settings": {"defaultVatRate": "zw", "syncFrequencyMinutes": 15}},
        headers=bearer(user),
    )
    settings = second.json()["settings"]
    assert settings["autoMarkAsPaid"] is True and settings["defaultVatRate"] == "zw"
    assert settings["syncFrequencyMinutes"] == 15
    assert api.get(url, headers=bearer(user)).json()["settings"] == settings
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.action == "allegro.settings.update")
    ).all()
    assert (
        len(audit) == 2
        and audit[0].before["autoMarkAsPaid"] is False
        and audit[0].after["autoMarkAsPaid"] is True
    )


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"syncFrequencyMinutes": 7}, "syncFrequencyMinutes"),
        ({"syncFrequencyMinutes": "60"}, "syncFrequencyMinutes"),
        ({"defaultVatRate": 22}, "defaultVatRate"),
        ({"defaultVatRate": "23"}, "defaultVatRate"),
        ({"autoMarkAsPaid": "yes"}, "autoMarkAsPaid"),
        ({"autoGenerateInvoices": 1}, "autoGenerateInvoices"),
        ({"invoiceMode": "some"}, "invoiceMode"),
        ({"invoiceTemplateId": "00000000-0000-4000-8000-00000000dead"}, "invoiceTemplateId"),
        ({"companyId": "not-a-uuid"}, "companyId"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_invalid_settings_are_refused_naming_the_field_and_nothing_is_stored(
    api: TestClient, session: Session, owner, payload: dict, field: str
):
    user, integration = owner
    url = f"/allegro/settings/{integration.id}"
    api.put(url, json={"settings": {"syncFrequencyMinutes": 30}}, headers=bearer(user))
    refused = api.put(
        url, json={"settings": {"autoCreateProduct": False, **payload}}, headers=bearer(user)
    )
    assert refused.status_code == 422
    assert any(err["loc"][-1] == field for err in refused.json()["detail"])
    stored = api.get(url, headers=bearer(user)).json()["settings"]
    assert stored["syncFrequencyMinutes"] == 30 and stored["autoCreateProduct"] is True


def test_a_body_over_one_megabyte_is_413(api: TestClient, owner):
    user, integration = owner
    huge = {"settings": {"x": "a" * (1024 * 1024 + 10)}}
    response = api.put(f"/allegro/settings/{integration.id}", json=huge, headers=bearer(user))
    assert response.status_code == 413


def test_another_tenants_integration_is_404_everywhere(api: TestClient, session: Session, owner):
    _, integration = owner
    stranger = make_user(session)
    for method, path, body in [
        ("GET", f"/allegro/settings/{integration.id}", None),
        ("PUT", f"/allegro/settings/{integration.id}", {"settings": {"autoMarkAsPaid": True}}),
        ("GET", f"/allegro/status/{integration.id}", None),
        ("POST", f"/allegro/deactivate/{integration.id}", None),
    ]:
        response = api.request(method, path, json=body, headers=bearer(stranger))
        assert response.status_code == 404, (method, path)
    session.expire_all()
    assert session.get(AllegroIntegration, integration.id).status == "active"


def test_cached_settings_and_status_are_still_404_for_another_tenant(
    api: TestClient, session: Session, owner
):
    user, integration = owner
    paths = [f"/allegro/settings/{integration.id}", f"/allegro/status/{integration.id}"]
    for path in paths:  # the owner's reads fill the Redis cache
        assert api.get(path, headers=bearer(user)).status_code == 200
    stranger = make_user(session)
    for path in paths:
        assert api.get(path, headers=bearer(stranger)).status_code == 404, path
    admin = make_user(session, role=Role.ADMIN)
    for path in paths:
        assert api.get(path, headers=bearer(admin)).status_code == 200, path


def test_status_never_shows_tokens_and_is_cached_until_a_change(
    api: TestClient, session: Session, owner
):
    user, integration = owner
    body = api.get(f"/allegro/status/{integration.id}", headers=bearer(user)).json()
    assert body["status"] == "active" and "accessToken" not in body and "refreshToken" not in body
    assert "plaintext" not in str(body)
    api.post(f"/allegro/deactivate/{integration.id}", headers=bearer(user))
    after = api.get(f"/allegro/status/{integration.id}", headers=bearer(user)).json()
    assert after["status"] == "disconnected" and after["isActive"] is False
    session.expire_all()
    stored = session.get(AllegroIntegration, integration.id)
    assert stored.access_token is None and stored.refresh_token is None


def test_integrations_lists_only_the_callers_own(api: TestClient, session: Session, owner):
    user, integration = owner
    other = make_user(session)
    make_integration(session, other)
    items = api.get("/allegro/integrations", headers=bearer(user)).json()["items"]
    assert [i["id"] for i in items] == [str(integration.id)]
