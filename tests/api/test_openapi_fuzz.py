"""Scorecard row 19: schemathesis over the live OpenAPI of the mounted app.

Every operation of `/api/v1/openapi.json` is fuzzed in-process (ASGI) as a platform admin and as
a seller; ids in the path are sent both as generated and as ids of real rows, so the handlers
run past their 404s with fuzzed bodies and queries. No 5xx, and every response must conform to
the documented status codes, content types and schemas. Bounded: 25 examples per operation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import Session

from invoicehub.activity import notify
from invoicehub.models import Role
from invoicehub.web import mounted_apps, security_headers
from tests.factories import bearer, make_integration, make_user

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", security_headers(mounted_apps()))


@dataclass
class Actors:
    admin: dict[str, str]
    seller: dict[str, str]
    real_ids: dict[str, str]  # path parameter name -> id of a real row the seller owns


@pytest.fixture
def actors(session: Session) -> Actors:
    admin = make_user(session, role=Role.ADMIN, tenant="Fuzz Operator")
    seller = make_user(session, tenant="Fuzz Shop")
    integration = make_integration(session, seller)
    notify(session, kind="fuzz", title="hello", tenant_id=seller.tenant_id, user_id=seller.id)
    session.commit()
    from sqlmodel import select

    from invoicehub.models import Notification

    notification = session.exec(select(Notification)).one()
    return Actors(
        admin=bearer(admin),
        seller=bearer(seller),
        real_ids={"integration_id": str(integration.id), "notification_id": str(notification.id)},
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_openapi(case, actors: Actors):
    for headers in (actors.admin, actors.seller):
        case.call_and_validate(headers=headers, checks=CHECKS)
        real = {k: v for k, v in actors.real_ids.items() if k in (case.path_parameters or {})}
        if real:
            generated = dict(case.path_parameters or {})
            case.path_parameters = {**generated, **real}
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                case.path_parameters = generated
