"""Scorecard row 13: tenant B calls every API route with tenant A's ids and gets nowhere.

Routes are enumerated from the FastAPI app itself, so a new route is covered the day it lands:
its path parameters, id-like query parameters and id-like body fields are filled with tenant A's
ids. A route fed any of A's ids must answer 403 or 404, and each such denial leaves an
`api.denied` audit row; a route fed none must not show any of A's data. A's rows stay unchanged.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.activity import notify
from invoicehub.api.app import create_api
from invoicehub.api.deps import get_principal
from invoicehub.auth.accounts import default_company, principal_of
from invoicehub.models import (
    AllegroIntegration,
    AuditEvent,
    Customer,
    Notification,
    Product,
    SyncRun,
)
from tests.domain.factories import issue_invoice
from tests.factories import bearer, make_integration, make_user

DENIED = {403, 404}
SKIPPED_PATHS = {"/openapi.json", "/docs", "/docs/oauth2-redirect"}


@dataclass
class TenantA:
    ids: dict[str, str]  # kind -> id ("integration", "invoice", ...)
    secrets: list[str]  # A's data that B must never see


@pytest.fixture
def tenant_a(session: Session) -> TenantA:
    from invoicehub.integrations.allegro.runs.requests import request_sync

    alice = make_user(session, tenant="Alicja Handel", email="alicja@handel.test")
    integration = make_integration(session, alice)
    company = default_company(session, alice.tenant_id)
    assert company is not None
    invoice = issue_invoice(session, company)
    customer = Customer(tenant_id=alice.tenant_id, name="Klient Alicji", email="klient@a.test")
    product = Product(tenant_id=alice.tenant_id, name="Produkt Alicji", sku="ALICJA-1")
    session.add_all([customer, product])
    notify(session, kind="test", title="Alicja only", tenant_id=alice.tenant_id, user_id=alice.id)
    session.commit()
    run = request_sync(session, principal_of(alice), integration.id, enforce_rate_limit=False)
    notification = session.exec(select(Notification)).one()
    ids = {
        "integration": str(integration.id),
        "invoice": str(invoice.id),
        "customer": str(customer.id),
        "product": str(product.id),
        "notification": str(notification.id),
        "run": str(run.id),
        "company": str(company.id),
        "tenant": str(alice.tenant_id),
        "user": str(alice.id),
    }
    secrets = [
        *ids.values(),
        alice.email,
        integration.allegro_login or "",
        invoice.number,
        "Klient Alicji",
        "Produkt Alicji",
        "Alicja only",
    ]
    return TenantA(ids=ids, secrets=secrets)


def _kind_of(name: str) -> str | None:
    """`integration_id`, `integrationId`, `tenantId`... -> the kind of A's id to send.

    A required query id (`/allegro/orders?integrationId=`) names the resource: it must be
    refused. An optional one is a filter (`/invoices?integrationId=`): a foreign id may give an
    empty page, as a missing id does, provided nothing of A's shows.
    """
    words = re.sub(r"([A-Z])", r"_\1", name).lower()
    match = re.fullmatch(r"_?([a-z]+)_id", words)
    if match:
        return match.group(1)
    return None


def _schema_value(schema: dict[str, Any], components: dict[str, Any], a: TenantA) -> Any:
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
    if schema.get("examples"):
        return schema["examples"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: a.ids.get(_kind_of(name) or "", None) or _schema_value(prop, components, a)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", []) or _kind_of(name) in a.ids
        }
    return {"integer": 1, "number": 1, "boolean": True, "array": []}.get(kind or "", "x")


@dataclass
class Call:
    method: str
    path: str
    url: str
    params: dict[str, str]
    body: Any
    uses_a_ids: bool  # in the path or the body: the route must refuse
    filters_by_a_ids: bool  # only as a list filter: refusing or an empty, leak-free page will do
    authenticated: bool


def _needs_principal(dependant: Any) -> bool:
    return any(d.call is get_principal or _needs_principal(d) for d in dependant.dependencies)


def every_call(a: TenantA) -> list[Call]:
    api = create_api()
    spec = api.openapi()
    components = spec.get("components", {}).get("schemas", {})
    calls = []
    for context in iter_route_contexts(api.routes):
        route = context.original_route
        if context.path in SKIPPED_PATHS or not hasattr(route, "dependant"):
            continue
        for method in sorted((context.methods or set()) - {"HEAD"}):
            url, uses = context.path, False
            for name in re.findall(r"{(\w+)}", context.path):
                value = a.ids.get(_kind_of(name) or "")
                uses |= value is not None
                url = url.replace(f"{{{name}}}", value or uuid.uuid4().hex)
            params = {}
            for param in route.dependant.query_params:
                value = a.ids.get(_kind_of(param.alias) or "")
                if value is not None:
                    params[param.alias] = value
            operation = spec["paths"].get(context.path, {}).get(method.lower(), {})
            body_schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            body = _schema_value(body_schema, components, a) if body_schema else None
            if isinstance(body, dict) and any(_kind_of(k) in a.ids for k in body):
                uses = True
            required = {p.alias for p in route.dependant.query_params if p.field_info.is_required()}
            refuse = uses or bool(required & params.keys())
            filters = bool(params) and not refuse
            auth = _needs_principal(route.dependant)
            calls.append(Call(method, context.path, url, params, body, refuse, filters, auth))
    return calls


def test_tenant_b_gets_nothing_from_any_route_with_tenant_a_ids(
    api: TestClient, session: Session, tenant_a: TenantA
):
    bob = make_user(session, tenant="Bob Hurt")
    before = _snapshot(session, tenant_a)
    calls = every_call(tenant_a)
    assert sum(call.uses_a_ids for call in calls) >= 12, [c.path for c in calls]
    failures, expected_denials = [], 0
    for call in calls:
        response = api.request(
            call.method,
            call.url,
            params=call.params,
            json=call.body,
            headers=bearer(bob),
            follow_redirects=False,
        )
        refused = response.status_code in DENIED
        if call.uses_a_ids and not refused:
            failures.append(
                f"{call.method} {call.path}: {response.status_code} {response.text[:200]}"
            )
        leaked = [s for s in tenant_a.secrets if s and s in response.text]
        if leaked and response.status_code < 400:
            failures.append(f"{call.method} {call.path} showed tenant A's {leaked}")
        if call.filters_by_a_ids and not refused and response.status_code >= 300:
            failures.append(
                f"{call.method} {call.path}: {response.status_code} on a foreign filter"
            )
        if response.status_code in DENIED and call.authenticated:
            expected_denials += 1
    assert not failures, "\n".join(failures)
    assert _snapshot(session, tenant_a) == before
    denials = session.exec(
        select(AuditEvent).where(AuditEvent.action == "api.denied", AuditEvent.user_id == bob.id)
    ).all()
    assert len(denials) == expected_denials, (
        "every 403/404 to a signed-in caller needs an api.denied audit row: "
        "is invoicehub.api.errors.install_error_handlers(api) called in create_api()?"
    )
    assert all(d.tenant_id == bob.tenant_id for d in denials)
    assert {d.after["route"] for d in denials} >= {
        "/allegro/settings/{integration_id}",
        "/invoices/{invoice_id}",
        "/notifications/{notification_id}/read",
    }


def _snapshot(session: Session, a: TenantA) -> dict[str, Any]:
    session.expire_all()
    integration = session.get(AllegroIntegration, uuid.UUID(a.ids["integration"]))
    notification = session.get(Notification, uuid.UUID(a.ids["notification"]))
    assert integration is not None and notification is not None
    runs = session.exec(select(SyncRun.id).where(SyncRun.integration_id == integration.id)).all()
    tenant_audit = session.exec(
        select(AuditEvent.id).where(AuditEvent.tenant_id == uuid.UUID(a.ids["tenant"]))
    ).all()
    return {
        "integration": integration.model_dump(),
        "read_at": notification.read_at,
        "runs": sorted(map(str, runs)),
        "audit": sorted(tenant_audit),
    }
