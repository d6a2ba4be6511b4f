"""Demo data for `make run`: the demo tenant and company, a user, an admin, an Allegro seller."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
from sqlmodel import select

from invoicehub.auth.accounts import create_user, find_user_by_email, principal_of
from invoicehub.db import session_scope
from invoicehub.domain.companies import CompanyInput, update_company
from invoicehub.integrations.allegro.connection import oauth
from invoicehub.integrations.allegro.lifecycle import TransitionRefused
from invoicehub.integrations.allegro.runs.requests import request_sync
from invoicehub.integrations.ksef.connection import connection_of, update_connection
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.models import Company, Role, Tenant
from invoicehub.settings import get_settings

DEMO_TENANT = "Demo Shop Sp. z o.o."
DEMO_USER = "demo@invoicehub.local"
DEMO_ADMIN = "admin@invoicehub.local"
DEMO_SELLER = "demo_seller"
DEMO_ORDER_COUNT = 40
DEMO_COMPANY = CompanyInput(
    name=DEMO_TENANT,
    nip="1234563218",
    street="ul. Marszałkowska 10/12",
    city="Warszawa",
    postal_code="00-590",
    bank_account="61109010140000071219812874",
)


def seed_demo(*, with_emulator: bool = True) -> Iterator[str]:
    """Create what is missing; running it twice changes nothing."""
    password = get_settings().demo_password
    with session_scope() as session:
        for email, role in ((DEMO_USER, Role.USER), (DEMO_ADMIN, Role.ADMIN)):
            if find_user_by_email(session, email) is None:
                create_user(
                    session,
                    email=email,
                    password=password,
                    role=role,
                    tenant_name=DEMO_TENANT,
                    nip=DEMO_COMPANY.nip,
                    name="Anna Nowak" if role is Role.USER else "Platform Admin",
                )
                yield f"created {role.value} {email}"
        tenant = session.exec(select(Tenant).where(Tenant.name == DEMO_TENANT)).one()
        company = session.exec(select(Company).where(Company.tenant_id == tenant.id)).first()
        if company is not None and not company.street:
            update_company(session, tenant.id, company.id, DEMO_COMPANY)
            yield f"filled the demo company {DEMO_TENANT}"
    if with_emulator:
        yield from _seed_emulator()
        yield from _seed_ksef()
        yield from _connect_demo_seller()


def _seed_ksef() -> Iterator[str]:
    """The demo company sends to the KSeF emulator automatically, with a KSeF token the emulator
    issues for its NIP. The emulator keeps its tokens in memory, so every seed (every `make
    run`) asks for a fresh one; a company moved to another environment is left alone."""
    base = get_settings().ksef_emulator_url
    with session_scope() as session:
        tenant = session.exec(select(Tenant).where(Tenant.name == DEMO_TENANT)).one()
        company = session.exec(select(Company).where(Company.tenant_id == tenant.id)).first()
        if company is None:
            return
        connection = connection_of(session, tenant.id, company.id)
        if connection.environment != KsefEnvironment.EMULATOR.value:
            return
        try:
            with httpx.Client(base_url=base, timeout=10) as http:
                answer = http.post("/__emulator/tokens", json={"nip": company.nip})
                answer.raise_for_status()
                token = str(answer.json()["token"])
        except httpx.HTTPError as exc:
            yield f"KSeF emulator not reachable at {base} ({type(exc).__name__}); KSeF not set"
            return
        update_connection(
            session,
            tenant.id,
            company.id,
            environment=KsefEnvironment.EMULATOR,
            auto_send=True,
            token=token,
        )
        yield f"the demo company sends to the KSeF emulator ({base}) with a demo token"


def _connect_demo_seller() -> Iterator[str]:
    """Connect the demo user's Allegro account to the emulator's demo seller, as an API client
    would (the emulator approves for the seller), and queue its first sync: a fresh `make run`
    shows invoices with KSeF numbers without a manual step. The emulator keeps its tokens in
    memory, so every seed connects again (a reconnect once the integration exists)."""
    base = get_settings().emulator_url
    with session_scope() as session:
        user = find_user_by_email(session, DEMO_USER)
        if user is None:
            return
        principal = principal_of(user)
        auth_url = oauth.start_authorization(principal)
        try:
            with httpx.Client(base_url=base, timeout=10) as http:
                approved = http.post(
                    "/__emulator/oauth/approve", json={"authUrl": auth_url, "login": DEMO_SELLER}
                )
                approved.raise_for_status()
                redirect = str(approved.json()["redirectUrl"])
        except httpx.HTTPError as exc:
            yield f"emulator not reachable at {base} ({type(exc).__name__}); Allegro not connected"
            return
        query = dict(parse_qsl(urlsplit(redirect).query))
        try:
            integration = oauth.complete_authorization(
                session, query["code"], query["state"], principal
            )
        except TransitionRefused as exc:  # an admin holds it disabled: leave it so
            yield f"demo Allegro account not connected: {exc}"
            return
        request_sync(session, principal, integration.id, trigger="manual", enforce_rate_limit=False)
        session.commit()
        yield f"the demo user's Allegro account {DEMO_SELLER} is connected; first sync queued"


def _seed_emulator() -> Iterator[str]:
    base = get_settings().emulator_url
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            sellers = http.get("/__emulator/sellers").json()
            logins = {s["login"] for s in sellers.get("sellers", sellers)} if sellers else set()
            if DEMO_SELLER in logins:
                return
            http.post(
                "/__emulator/sellers",
                json={"login": DEMO_SELLER, "companyName": "Sklep Demo Allegro"},
            ).raise_for_status()
            http.post(
                f"/__emulator/sellers/{DEMO_SELLER}/orders/generate",
                json={"count": DEMO_ORDER_COUNT, "seed": 2026},
            ).raise_for_status()
            yield f"emulator seller {DEMO_SELLER} with {DEMO_ORDER_COUNT} orders"
    except httpx.HTTPError as exc:
        yield f"emulator not reachable at {base} ({type(exc).__name__}); skipped the Allegro seller"
