"""KSeF sending tests: the real emulator process, a company connected to it, issued invoices."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from invoicehub.auth.accounts import default_company
from invoicehub.integrations.ksef.connection import update_connection
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.integrations.ksef.submissions import queue_invoices
from invoicehub.models import Company, Invoice, User
from invoicehub.settings import get_settings
from tests.domain.factories import SELLER_NIP, issue_invoice, make_company
from tests.factories import make_user
from tests.support.ksef_emulator import new_token
from tests.support.ksef_fixtures import ksef_control, ksef_url

__all__ = ["ksef_control", "ksef_url"]


@pytest.fixture
def user(session: Session) -> User:
    """A seller whose company has a bank account (what the API and the PDF tests issue with)."""
    user = make_user(session)
    company = default_company(session, user.tenant_id)
    company.bank_account = "61109010140000071219812874"
    session.add(company)
    session.commit()
    return user


@pytest.fixture(autouse=True)
def ksef_emulator_env(ksef_url: str) -> Iterator[str]:
    """The application's KSeF emulator URL points at the test emulator process."""
    previous = os.environ.get("INVOICEHUB_KSEF_EMULATOR_URL")
    os.environ["INVOICEHUB_KSEF_EMULATOR_URL"] = ksef_url
    get_settings.cache_clear()
    yield ksef_url
    if previous is None:
        os.environ.pop("INVOICEHUB_KSEF_EMULATOR_URL", None)
    else:
        os.environ["INVOICEHUB_KSEF_EMULATOR_URL"] = previous
    get_settings.cache_clear()


def connect(
    session: Session, company: Company, control: httpx.Client, *, auto_send: bool = True
) -> str:
    """The company sends to the emulator with a fresh KSeF token for its NIP; returns the token."""
    token = new_token(control, company.nip)
    update_connection(
        session,
        company.tenant_id,
        company.id,
        environment=KsefEnvironment.EMULATOR,
        auto_send=auto_send,
        token=token,
    )
    session.commit()
    return token


@pytest.fixture
def company(session: Session) -> Company:
    return make_company(session)


def issue(session: Session, company: Company, count: int, **overrides: Any) -> list[Invoice]:
    return [issue_invoice(session, company, **overrides) for _ in range(count)]


def queue(session: Session, company: Company, invoices: list[Invoice]) -> None:
    queue_invoices(
        session, company.tenant_id, company.id, [i.id for i in invoices], environment="emulator"
    )
    session.commit()


__all__ += ["SELLER_NIP", "connect", "issue", "queue"]
