"""Admin endpoints: every tenant's integrations, summary, settings, audit trail and queues."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from rq import Queue, SimpleWorker, Worker
from sqlmodel import Session, select

from invoicehub.activity import record_audit
from invoicehub.api.app import create_api
from invoicehub.auth.accounts import principal_of
from invoicehub.models import AllegroIntegration, AuditEvent, IntegrationStatus, Role
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from tests.factories import bearer, make_integration, make_user
from tests.support.services import analyze


@pytest.fixture
def admin(session: Session):
    return make_user(session, role=Role.ADMIN, tenant="Platform Operator")


@pytest.fixture
def sellers(session: Session):
    """Two tenants, three integrations with distinct sync histories."""
    now = utcnow()
    alice = make_user(session, tenant="Kwiaciarnia Róża", email="alice@roza.test")
    bob = make_user(session, tenant="Hurtownia Bolek", email="bob@bolek.test")
    rows = [
        make_integration(session, alice),
        make_integration(session, alice),
        make_integration(session, bob),
    ]
    updates = [
        {"allegro_login": "roza_shop", "last_sync_at": now - timedelta(hours=1)},
        {"allegro_login": "roza_100%_real", "sync_error_count": 2, "last_sync_at": None},
        {
            "allegro_login": "bolek_hurt",
            "status": IntegrationStatus.NEEDS_REAUTH.value,
            "last_sync_at": now,
        },
    ]
    for row, changes in zip(rows, updates, strict=True):
        for key, value in changes.items():
            setattr(row, key, value)
        session.add(row)
    session.commit()
    return alice, bob, rows


def admin_paths() -> list[tuple[str, str]]:
    from fastapi.routing import iter_route_contexts

    found = []
    for route in iter_route_contexts(create_api().routes):
        if (route.path or "").startswith("/admin/"):
            found += [
                (method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"
            ]
    return found


def test_every_admin_route_refuses_sellers_with_403(api: TestClient, session: Session, sellers):
    alice, _, rows = sellers
    paths = admin_paths()
    assert len(paths) >= 9
    for method, path in paths:
        url = path.replace("{integration_id}", str(rows[0].id))
        response = api.request(method, url, headers=bearer(alice), json={"settings": {}})
        assert response.status_code == 403, (method, path, response.text)
        assert response.json() == {"detail": "administrator role required"}


def test_admin_lists_every_tenant_with_user_email_and_tenant_name(api: TestClient, admin, sellers):
    response = api.get("/admin/allegro/integrations", headers=bearer(admin))
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    logins = [item["allegroLogin"] for item in body["items"]]
    assert logins == ["bolek_hurt", "roza_shop", "roza_100%_real"]  # -lastSyncAt, nulls last
    first = body["items"][0]
    assert first["userEmail"] == "bob@bolek.test" and first["tenantName"] == "Hurtownia Bolek"
    assert not any("token" in key.lower() and key != "tokenExpiresAt" for key in first)
    assert "plaintext" not in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"search": "ROZA_"}, {"roza_shop", "roza_100%_real"}),
        ({"search": "bob@BOLEK"}, {"bolek_hurt"}),
        ({"search": "kwiaciarnia"}, {"roza_shop", "roza_100%_real"}),
        ({"search": "100%"}, {"roza_100%_real"}),
        ({"search": "%"}, {"roza_100%_real"}),
        ({"search": "_"}, {"roza_shop", "roza_100%_real", "bolek_hurt"}),
        ({"status": "needs_reauth"}, {"bolek_hurt"}),
        ({"status": "errors"}, {"bolek_hurt", "roza_100%_real"}),
        ({"status": "active", "search": "roza"}, {"roza_shop", "roza_100%_real"}),
        ({"search": "nobody-matches"}, set()),
    ],
)
def test_search_and_status_filter_are_server_side(
    api: TestClient, admin, sellers, query: dict, expected: set
):
    response = api.get("/admin/allegro/integrations", params=query, headers=bearer(admin))
    assert response.status_code == 200, response.text
    body = response.json()
    assert {item["allegroLogin"] for item in body["items"]} == expected
    assert body["total"] == len(expected)


def test_a_nul_byte_in_a_search_is_dropped_not_a_server_error(api: TestClient, admin, sellers):
    response = api.get(
        "/admin/allegro/integrations", params={"search": "roza\x00_shop"}, headers=bearer(admin)
    )
    assert response.status_code == 200, response.text
    assert [item["allegroLogin"] for item in response.json()["items"]] == ["roza_shop"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("allegroLogin", ["bolek_hurt", "roza_100%_real", "roza_shop"]),
        ("-allegroLogin", ["roza_shop", "roza_100%_real", "bolek_hurt"]),
        ("-syncErrorCount", ["roza_100%_real"]),
        ("lastSyncAt", ["roza_shop", "bolek_hurt", "roza_100%_real"]),  # nulls last both ways
        ("-status", ["bolek_hurt"]),  # needs_reauth > active
    ],
)
def test_sort_keys(api: TestClient, admin, sellers, sort: str, expected: list[str]):
    response = api.get("/admin/allegro/integrations", params={"sort": sort}, headers=bearer(admin))
    assert response.status_code == 200
    logins = [item["allegroLogin"] for item in response.json()["items"]]
    assert logins[: len(expected)] == expected


def test_pages_are_stable_and_counted(api: TestClient, admin, sellers):
    seen = []
    for page in (1, 2, 3, 4):
        body = api.get(
            "/admin/allegro/integrations",
            params={"page": page, "pageSize": 1, "sort": "createdAt"},
            headers=bearer(admin),
        ).json()
        assert body["total"] == 3
        seen += [item["id"] for item in body["items"]]
    assert len(seen) == len(set(seen)) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "password"},
        {"status": "broken"},
        {"pageSize": 0},
        {"pageSize": 101},
        {"page": 0},
        {"search": "x" * 101},
    ],
)
def test_bad_list_queries_are_422(api: TestClient, admin, query: dict):
    response = api.get("/admin/allegro/integrations", params=query, headers=bearer(admin))
    assert response.status_code == 422


def test_summary_counts_active_errors_and_last_sync(api: TestClient, admin, sellers, session):
    _, bob, rows = sellers
    disconnected = make_integration(session, bob)
    disconnected.status = IntegrationStatus.DISCONNECTED.value
    session.add(disconnected)
    session.commit()
    body = api.get("/admin/allegro/summary", headers=bearer(admin)).json()
    assert body["total"] == 4
    assert body["active"] == 2  # roza_shop and roza_100%_real (failing, but still active)
    assert body["errors"] == 2  # sync_error_count > 0, needs_reauth; disconnected is not an error
    assert body["lastSyncAt"].startswith(rows[2].last_sync_at.isoformat()[:19])


def test_admin_reads_and_updates_any_tenants_settings_with_audit(
    api: TestClient, admin, sellers, session: Session
):
    alice, _, rows = sellers
    url = f"/admin/allegro/settings/{rows[0].id}"
    assert api.get(url, headers=bearer(admin)).json()["settings"]["syncFrequencyMinutes"] == 60
    saved = api.put(url, json={"settings": {"syncFrequencyMinutes": 15}}, headers=bearer(admin))
    assert saved.status_code == 200 and saved.json()["success"] is True
    seller_view = api.get(f"/allegro/settings/{rows[0].id}", headers=bearer(alice)).json()
    assert seller_view["settings"]["syncFrequencyMinutes"] == 15
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.action == "admin.allegro.settings.update")
    ).one()
    assert audit.user_id == admin.id and audit.tenant_id == alice.tenant_id
    assert audit.before["syncFrequencyMinutes"] == 60 and audit.after["syncFrequencyMinutes"] == 15


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"syncFrequencyMinutes": 7}, "syncFrequencyMinutes"),
        ({"defaultVatRate": "23"}, "defaultVatRate"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_admin_settings_use_the_seller_validation(
    api: TestClient, admin, sellers, session: Session, payload: dict, field: str
):
    _, _, rows = sellers
    refused = api.put(
        f"/admin/allegro/settings/{rows[0].id}", json={"settings": payload}, headers=bearer(admin)
    )
    assert refused.status_code == 422
    assert [err["loc"][-1] for err in refused.json()["detail"]] == [field]
    session.expire_all()
    assert session.get(AllegroIntegration, rows[0].id).settings is None


def test_admin_settings_of_a_missing_integration_is_404(api: TestClient, admin):
    for bad in ("00000000-0000-4000-8000-000000000099", "not-a-uuid"):
        assert api.get(f"/admin/allegro/settings/{bad}", headers=bearer(admin)).status_code == 404


def test_audit_events_filter_by_action_prefix_and_tenant(
    api: TestClient, admin, sellers, session: Session
):
    alice, bob, _ = sellers
    for action, user in (
        ("allegro.connect", alice),
        ("allegro.settings.update", alice),
        ("allegro.connect", bob),
        ("allegroish.other", bob),
    ):
        record_audit(session, action, principal=principal_of(user))
    session.commit()
    by_prefix = api.get(
        "/admin/audit-events", params={"action": "allegro"}, headers=bearer(admin)
    ).json()
    assert by_prefix["total"] == 3
    assert {item["action"] for item in by_prefix["items"]} == {
        "allegro.connect",
        "allegro.settings.update",
    }
    exact = api.get(
        "/admin/audit-events",
        params={"action": "allegro.connect", "tenantId": str(bob.tenant_id)},
        headers=bearer(admin),
    ).json()
    assert exact["total"] == 1 and exact["items"][0]["userId"] == str(bob.id)
    paged = api.get(
        "/admin/audit-events", params={"pageSize": 2, "page": 2}, headers=bearer(admin)
    ).json()
    assert paged["total"] == 4 and len(paged["items"]) == 2
    bad = api.get("/admin/audit-events", params={"tenantId": "nope"}, headers=bearer(admin))
    assert bad.status_code == 422


def _fail() -> None:
    raise RuntimeError("job failed on purpose")


def test_queues_show_depth_failures_scheduled_jobs_and_workers(api: TestClient, admin):
    redis = get_redis()
    sync = Queue("sync", connection=redis)
    sync.enqueue(_fail)
    SimpleWorker([sync], connection=redis).work(burst=True)
    sync.enqueue("builtins.print", "queued")
    sync.enqueue_in(timedelta(hours=1), "builtins.print", "later")
    worker = Worker(["sync", "default"], connection=redis, name="test-worker")
    worker.register_birth()
    try:
        body = api.get("/admin/queues", headers=bearer(admin)).json()
    finally:
        worker.register_death()
    queues = {q["name"]: q for q in body["queues"]}
    assert queues["sync"] == {
        "name": "sync",
        "queued": 1,
        "started": 0,
        "failed": 1,
        "scheduled": 1,
    }
    assert queues["default"]["queued"] == 0
    assert [w["name"] for w in body["workers"]] == ["test-worker"]
    assert body["workers"][0]["queues"] == ["sync", "default"]


PERF_INTEGRATIONS = 10_000
PERF_TENANTS = 2_000


def _seed_many_integrations(session: Session) -> None:
    import uuid

    from sqlalchemy import insert

    from invoicehub.models import Tenant, User

    now = utcnow()
    tenants = [{"id": uuid.uuid4(), "name": f"Firma {n} Sp. z o.o."} for n in range(PERF_TENANTS)]
    users = [
        {
            "id": uuid.uuid4(),
            "tenant_id": t["id"],
            "email": f"owner{n}@firma{n}.test",
            "password_hash": "x",
        }
        for n, t in enumerate(tenants)
    ]
    integrations = [
        {
            "id": uuid.uuid4(),
            "tenant_id": users[n % PERF_TENANTS]["tenant_id"],
            "user_id": users[n % PERF_TENANTS]["id"],
            "allegro_user_id": str(10_000_000 + n),
            "allegro_login": f"seller_{n}",
            "status": "needs_reauth" if n % 97 == 0 else "active",
            "sync_error_count": n % 13 == 0,
            "last_sync_at": None if n % 10 == 0 else now - timedelta(minutes=n),
        }
        for n in range(PERF_INTEGRATIONS)
    ]
    session.execute(insert(Tenant), tenants)
    session.execute(insert(User), users)
    session.execute(insert(AllegroIntegration), integrations)
    session.commit()
    analyze("tenants", "users", "allegro_integrations")


PERF_QUERIES = [
    {},
    {"search": "seller_4242"},
    {"search": "FIRMA 17"},
    {"search": "owner1"},
    {"status": "errors", "sort": "-sync_error_count"},
    {"sort": "allegro_login", "page": 200},
    {"search": "sp. z o.o.", "sort": "created_at", "page": 100},
]


def test_every_admin_query_pages_10000_integrations(session: Session):
    """Correctness at scale; the timing lives in bench/ (a timed test on a shared box is noise)."""
    from invoicehub.admin.overview import list_all_integrations

    _seed_many_integrations(session)
    for query in PERF_QUERIES:
        items, total = list_all_integrations(session, **query)
        assert total > 0 and items, query
        assert len(items) <= 25, query


def test_admin_sync_queues_a_run_through_the_sync_engine_with_audit(
    api: TestClient, admin, sellers, session: Session
):
    from invoicehub.models import SyncRun

    _, _, rows = sellers
    url = f"/admin/allegro/sync/{rows[0].id}"
    accepted = api.post(url, headers=bearer(admin))
    assert accepted.status_code == 202, accepted.text
    body = accepted.json()
    assert body["status"] == "queued"
    run = session.get(SyncRun, body["runId"])
    assert run is not None and run.integration_id == rows[0].id and run.trigger == "admin"
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.action == "allegro.sync.trigger")
    ).one()
    assert audit.user_id == admin.id and audit.tenant_id == rows[0].tenant_id
    again = api.post(url, headers=bearer(admin))
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0


def test_admin_sync_refuses_integrations_that_cannot_sync(api: TestClient, admin, sellers):
    _, _, rows = sellers
    refused = api.post(f"/admin/allegro/sync/{rows[2].id}", headers=bearer(admin))  # needs_reauth
    assert refused.status_code == 409 and "connected again" in refused.json()["detail"]
    missing = api.post(
        "/admin/allegro/sync/00000000-0000-4000-8000-000000000099", headers=bearer(admin)
    )
    assert missing.status_code == 404


def test_admin_disables_and_enables_an_integration_with_audit(
    api: TestClient, admin, sellers, session: Session
):
    _, _, rows = sellers
    failing = rows[1]
    disabled = api.post(f"/admin/allegro/{failing.id}/disable", headers=bearer(admin))
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["integration"]["status"] == "disabled"
    assert disabled.json()["integration"]["isActive"] is False
    enabled = api.post(f"/admin/allegro/{failing.id}/enable", headers=bearer(admin)).json()
    assert enabled["success"] is True
    assert enabled["integration"]["status"] == "active"
    assert enabled["integration"]["syncErrorCount"] == 0
    actions = session.exec(
        select(AuditEvent.action).where(AuditEvent.user_id == admin.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["admin.allegro.disable", "admin.allegro.enable"]
    needs_reauth = api.post(f"/admin/allegro/{rows[2].id}/enable", headers=bearer(admin))
    assert needs_reauth.status_code == 409
