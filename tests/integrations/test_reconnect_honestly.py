"""Reconnect honestly (issue 13, item 6): a Reconnect accepts only the integration's own Allegro
account; signing in as another login is refused and never reported as reconnected."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from invoicehub.auth.accounts import principal_of
from invoicehub.integrations.allegro.connection import oauth
from invoicehub.models import AllegroIntegration
from tests.factories import make_user
from tests.support.allegro import approve, connect, create_seller, emulator_control


@pytest.fixture
def control(emulator_url: str):
    client = emulator_control(emulator_url)
    create_seller(client, "honest_one")
    create_seller(client, "honest_two")
    yield client
    client.close()


def _broken(session: Session, api: TestClient, control, user) -> AllegroIntegration:
    integration = session.get(AllegroIntegration, connect(api, control, user, "honest_one"))
    integration.status = "needs_reauth"
    session.add(integration)
    session.commit()
    return integration


def test_reconnect_as_another_login_is_refused_and_changes_nothing(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    broken = _broken(session, api, control, user)
    principal = principal_of(user)
    auth_url = oauth.start_authorization(principal, reconnect=str(broken.id))
    params = approve(control, auth_url, "honest_two")
    with pytest.raises(oauth.ConnectError) as refused:
        oauth.complete_authorization(session, params["code"], params["state"], principal)
    session.rollback()
    assert "honest_two" in str(refused.value) and "honest_one" in str(refused.value)
    session.expire_all()
    assert session.get(AllegroIntegration, broken.id).status == "needs_reauth"
    count = session.exec(select(func.count()).select_from(AllegroIntegration)).one()
    assert count == 1  # honest_two was not added behind the seller's back


def test_reconnect_as_the_same_login_restores_the_integration(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    broken = _broken(session, api, control, user)
    principal = principal_of(user)
    auth_url = oauth.start_authorization(principal, reconnect=str(broken.id))
    params = approve(control, auth_url, "honest_one")
    again = oauth.complete_authorization(session, params["code"], params["state"], principal)
    assert again.id == broken.id and again.status == "active"


def test_connect_another_account_still_adds_a_second_login(
    api: TestClient, session: Session, control
):
    user = make_user(session)
    _broken(session, api, control, user)
    second = connect(api, control, user, "honest_two")
    assert session.get(AllegroIntegration, second).allegro_login == "honest_two"
