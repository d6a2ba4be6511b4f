"""`make run`'s demo company sends to the KSeF emulator with a token the emulator issued."""

from __future__ import annotations

import httpx
from sqlmodel import Session, select

from invoicehub.demo import DEMO_SELLER, _seed_ksef, seed_demo
from invoicehub.integrations.ksef.connection import verify_connection
from invoicehub.models import AllegroIntegration, Company, KsefConnection, SyncRun


def test_demo_company_sends_automatically_to_the_emulator_with_a_working_token(
    session: Session, ksef_control: httpx.Client
) -> None:
    list(seed_demo(with_emulator=False))
    said = list(_seed_ksef())
    again = list(_seed_ksef())  # a second `make run`: a fresh token, still one connection

    assert said and "KSeF emulator" in said[0] and again
    connection = session.exec(select(KsefConnection)).one()
    company = session.get(Company, connection.company_id)
    assert connection.auto_send and connection.environment == "emulator"
    assert verify_connection(session, company.tenant_id, company.id).ok


def test_the_full_demo_seed_connects_the_demo_allegro_account_and_queues_its_first_sync(
    session: Session, ksef_control: httpx.Client, emulator_url: str
) -> None:
    with httpx.Client(base_url=emulator_url, timeout=60) as control:
        control.post("/__emulator/reset").raise_for_status()
    said = list(seed_demo())
    again = list(seed_demo())  # a second `make run`: the emulator forgot its tokens: reconnect

    assert any("connected; first sync queued" in line for line in said), said
    assert any("connected; first sync queued" in line for line in again), again
    integration = session.exec(select(AllegroIntegration)).one()  # one account, reconnected
    assert integration.allegro_login == DEMO_SELLER and integration.status == "active"
    runs = session.exec(select(SyncRun).where(SyncRun.integration_id == integration.id)).all()
    assert [run.status for run in runs] == ["queued"]  # the second seed found it queued
    connection = session.exec(select(KsefConnection)).one()
    assert connection.auto_send  # the sync's invoices go to KSeF, then onto the Allegro orders
