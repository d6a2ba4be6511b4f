"""`make run`'s demo company sends to the KSeF emulator with a token the emulator issued."""

from __future__ import annotations

import httpx
from sqlmodel import Session, select

from invoicehub.demo import _seed_ksef, seed_demo
from invoicehub.integrations.ksef.connection import verify_connection
from invoicehub.models import Company, KsefConnection


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
