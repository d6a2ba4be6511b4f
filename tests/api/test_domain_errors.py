"""Domain errors are mapped to HTTP once (api/errors.py), whichever route lets them through."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from invoicehub.admin.feed import NotificationNotFound
from invoicehub.api.errors import DOMAIN_ERRORS, install_error_handlers
from invoicehub.integrations.allegro.lifecycle import SyncNotAllowed, TransitionRefused
from invoicehub.integrations.allegro.runs.requests import ForeignReference, RunNotFound
from invoicehub.integrations.allegro.service import IntegrationNotFound


def _client_raising(exc: Exception) -> TestClient:
    api = FastAPI()
    install_error_handlers(api)

    @api.get("/boom")
    def boom() -> None:
        raise exc

    return TestClient(api, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("exc", "status", "detail"),
    [
        (IntegrationNotFound("no such row 123"), 404, "integration not found"),
        (RunNotFound("x"), 404, "sync run not found"),
        (NotificationNotFound("x"), 404, "notification not found"),
        (SyncNotAllowed("the integration is disabled"), 409, "the integration is disabled"),
        (TransitionRefused("connect it again"), 409, "connect it again"),
        (ForeignReference("tenantId is not yours"), 403, "tenantId is not yours"),
    ],
)
def test_a_domain_error_answers_its_status_and_detail(exc, status, detail):
    response = _client_raising(exc).get("/boom")
    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_every_mapped_error_is_a_domain_error_not_a_generic_one():
    assert all(cls not in (Exception, LookupError, PermissionError) for cls in DOMAIN_ERRORS)
