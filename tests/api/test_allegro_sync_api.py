"""Manual sync, sync runs and the order ledger over HTTP (/api/v1/allegro/...)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.auth.accounts import default_company
from invoicehub.jobs.queues import get_queue
from invoicehub.models import AllegroIntegration, AuditEvent, SyncRun
from tests.factories import bearer, make_user
from tests.sync.helpers import Seller, connect_seller, drain, ledger_states

RUN_FIELDS = {
    "runId",
    "integrationId",
    "trigger",
    "status",
    "attempts",
    "queuedAt",
    "startedAt",
    "finishedAt",
    "ordersFetched",
    "invoicesCreated",
    "customersCreated",
    "productsCreated",
    "skipped",
    "needsReview",
    "correctionsIssued",
    "error",
}


@pytest.fixture
def control(emulator_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator_url, timeout=60) as client:
        client.post("/__emulator/reset").raise_for_status()
        yield client


@pytest.fixture
def seller(session: Session, control: httpx.Client) -> Seller:
    return connect_seller(session, control, "api_seller", orders=25, seed=8)


def trigger(api: TestClient, seller: Seller, **body: object) -> httpx.Response:
    return api.post(
        "/allegro/sync",
        json={"integrationId": str(seller.integration_id), **body},
        headers=bearer(seller.user),
    )


def test_manual_sync_answers_202_with_a_queued_run_written_before_the_job(api, session, seller):
    response = trigger(api, seller)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "queued" and body["integrationId"] == str(seller.integration_id)
    run = session.get(SyncRun, body["runId"])
    assert run is not None and run.trigger == "manual" and get_queue().job_ids == [run.job_id]
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.action == "allegro.sync.trigger")
    ).one()
    assert audit.after["runId"] == body["runId"] and audit.user_id == seller.user.id


def test_second_manual_sync_within_a_minute_is_refused_with_retry_after(api, seller):
    assert trigger(api, seller).status_code == 202
    response = trigger(api, seller)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_a_queued_run_is_returned_instead_of_a_second_one(api, session, seller):
    from invoicehub.integrations.allegro.runs.cli import run_sync_command

    assert run_sync_command(str(seller.integration_id), wait=False) == 0
    (existing,) = session.exec(select(SyncRun)).all()
    response = trigger(api, seller)
    assert response.status_code == 202 and response.json()["runId"] == str(existing.id)
    assert get_queue().count == 1


def test_foreign_or_unknown_integration_is_not_found(api, session, seller):
    stranger = make_user(session)
    response = api.post(
        "/allegro/sync",
        json={"integrationId": str(seller.integration_id)},
        headers=bearer(stranger),
    )
    assert response.status_code == 404
    response = api.post("/allegro/sync", json={"integrationId": "nope"}, headers=bearer(stranger))
    assert response.status_code == 404
    assert session.exec(select(SyncRun)).all() == []


def test_tenant_and_company_ids_are_checked_against_the_caller(api, session, seller):
    stranger = make_user(session)
    foreign_company = default_company(session, stranger.tenant_id)
    assert trigger(api, seller, tenantId=str(stranger.tenant_id)).status_code == 403
    assert trigger(api, seller, companyId=str(foreign_company.id)).status_code == 404
    own_company = default_company(session, seller.user.tenant_id)
    response = trigger(
        api, seller, tenantId=str(seller.user.tenant_id), companyId=str(own_company.id)
    )
    assert response.status_code == 202


def test_unknown_body_fields_are_refused(api, seller):
    assert trigger(api, seller, userId="someone").status_code == 422


def test_disabled_integration_cannot_be_synced(api, session, seller):
    integration = session.get(AllegroIntegration, seller.integration_id)
    integration.status = "disabled"
    session.add(integration)
    session.commit()
    response = trigger(api, seller)
    assert response.status_code == 409 and "disabled" in response.json()["detail"]


def test_sync_run_shows_its_counts_to_its_tenant_only(api, session, seller):
    run_id = trigger(api, seller).json()["runId"]
    drain()
    response = api.get(f"/allegro/sync-runs/{run_id}", headers=bearer(seller.user))
    assert response.status_code == 200
    run = response.json()
    assert set(run) == RUN_FIELDS and run["status"] == "succeeded"
    assert run["ordersFetched"] == 25 and run["invoicesCreated"] > 0
    assert run["startedAt"] and run["finishedAt"] and run["error"] is None
    stranger = make_user(session)
    assert api.get(f"/allegro/sync-runs/{run_id}", headers=bearer(stranger)).status_code == 404
    assert api.get("/allegro/sync-runs/bogus", headers=bearer(seller.user)).status_code == 404


def test_recent_runs_are_listed_newest_first(api, session, seller):
    from invoicehub.integrations.allegro.runs.cli import run_sync_command

    first = trigger(api, seller).json()["runId"]
    drain()
    run_sync_command(str(seller.integration_id), wait=False)
    drain()
    params = {"integrationId": str(seller.integration_id), "limit": 10}
    body = api.get("/allegro/sync-runs", params=params, headers=bearer(seller.user)).json()
    assert body["total"] == 2 and body["items"][1]["runId"] == first
    assert body["items"][0]["trigger"] == "cli"
    stranger = make_user(session)
    assert api.get("/allegro/sync-runs", params=params, headers=bearer(stranger)).status_code == 404


def test_ledger_lists_orders_by_state_page_by_page(api, session, seller):
    trigger(api, seller)
    drain()
    states = ledger_states(seller.integration_id)
    invoiced = sum(1 for s in states.values() if s == "invoiced")
    params = {
        "integrationId": str(seller.integration_id),
        "state": "invoiced",
        "page": 1,
        "pageSize": 5,
    }
    body = api.get("/allegro/orders", params=params, headers=bearer(seller.user)).json()
    assert body["total"] == invoiced and len(body["items"]) == 5
    item = body["items"][0]
    assert set(item) == {
        "checkoutFormId",
        "allegroStatus",
        "state",
        "reason",
        "needsCorrection",
        "invoiceId",
        "updatedAt",
    }
    assert item["state"] == "invoiced" and item["invoiceId"]
    everything = {"integrationId": str(seller.integration_id), "pageSize": 100}
    assert api.get("/allegro/orders", params=everything, headers=bearer(seller.user)).json()[
        "total"
    ] == len(states)
    bad_state = {**params, "state": "paid"}
    assert (
        api.get("/allegro/orders", params=bad_state, headers=bearer(seller.user)).status_code == 422
    )
    stranger = make_user(session)
    assert api.get("/allegro/orders", params=params, headers=bearer(stranger)).status_code == 404


def test_sync_routes_need_a_token(api):
    assert api.post("/allegro/sync", json={"integrationId": "x"}).status_code == 401
    assert api.get("/allegro/orders", params={"integrationId": "x"}).status_code == 401


def test_openapi_documents_the_sync_routes(api):
    paths = api.get("/openapi.json").json()["paths"]
    assert {"202", "404", "409", "429"} <= set(paths["/allegro/sync"]["post"]["responses"])
    for path in ("/allegro/sync-runs/{run_id}", "/allegro/sync-runs", "/allegro/orders"):
        assert "$ref" in str(paths[path]["get"]["responses"]["200"])
