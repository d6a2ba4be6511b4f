"""The integration lifecycle (lifecycle.py): the may-sync rule, the derived `is_active`, audited
transitions, the status cache dropped after commit, and migration 0013 that dropped the column."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.config import Config
from sqlmodel import Session, col, select

from alembic import command
from invoicehub.auth.accounts import principal_of
from invoicehub.integrations.allegro import lifecycle, service
from invoicehub.integrations.allegro.views import IntegrationView
from invoicehub.models import AllegroIntegration, AuditEvent, IntegrationStatus, Role
from invoicehub.models.base import utcnow
from invoicehub.redis_conn import get_redis
from tests.factories import make_integration, make_user
from tests.support import services

ROOT = services.ROOT


def _with_status(status: IntegrationStatus) -> AllegroIntegration:
    return AllegroIntegration(tenant_id=uuid.uuid4(), user_id=uuid.uuid4(), status=status.value)


@pytest.mark.parametrize("status", list(IntegrationStatus))
def test_only_an_active_integration_may_sync(status):
    assert lifecycle.may_sync(_with_status(status)) is (status == IntegrationStatus.ACTIVE)


@pytest.mark.parametrize(
    ("status", "active"),
    [("active", True), ("needs_reauth", True), ("disabled", False), ("disconnected", False)],
)
def test_is_active_is_false_only_when_switched_off(status, active):
    assert _with_status(IntegrationStatus(status)).is_active is active


def _actions(session: Session, integration_id: uuid.UUID) -> list[str]:
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.target_id == str(integration_id))
        .order_by(col(AuditEvent.id))
    ).all()
    return [event.action for event in events]


def test_the_fifth_failed_run_disables_the_integration_and_is_audited(session):
    integration = make_integration(session, make_user(session))
    later = utcnow() + timedelta(hours=1)
    disabled = [
        lifecycle.count_failure(session, integration, f"boom {n}", later)
        for n in range(lifecycle.MAX_CONSECUTIVE_FAILURES)
    ]
    session.commit()
    assert disabled == [False] * (lifecycle.MAX_CONSECUTIVE_FAILURES - 1) + [True]
    assert integration.status == "disabled" and integration.next_sync_at is None
    assert not integration.is_active and not lifecycle.may_sync(integration)
    assert _actions(session, integration.id) == ["allegro.disabled"]
    # A disabled integration counts no more failures.
    assert lifecycle.count_failure(session, integration, "again", later) is False
    assert integration.sync_error_count == lifecycle.MAX_CONSECUTIVE_FAILURES


def test_needs_reauth_is_one_audited_transition(session):
    integration = make_integration(session, make_user(session))
    for _ in range(2):
        lifecycle.mark_needs_reauth(session, integration, "invalid_grant")
    session.commit()
    assert integration.status == "needs_reauth" and integration.is_active
    assert _actions(session, integration.id) == ["allegro.needs_reauth"]


def test_admin_disable_holds_until_an_admin_enables(session):
    seller = make_user(session)
    admin = principal_of(make_user(session, role=Role.ADMIN))
    integration = make_integration(session, seller)
    lifecycle.set_enabled(session, admin, integration.id, False)
    with pytest.raises(lifecycle.TransitionRefused):
        lifecycle.connect(session, integration, reconnect=True, principal=principal_of(seller))
    session.rollback()
    enabled = lifecycle.set_enabled(session, admin, integration.id, True)
    assert enabled.status == "active" and enabled.admin_disabled_at is None
    lifecycle.disconnect(session, principal_of(seller), integration.id)
    assert _actions(session, integration.id) == [
        "admin.allegro.disable",
        "admin.allegro.enable",
        "allegro.disconnect",
    ]


def test_the_cached_status_is_dropped_when_a_change_commits_not_before(session):
    seller = make_user(session)
    principal = principal_of(seller)
    integration = make_integration(session, seller)
    keys = [service.status_key(integration.id), service.settings_key(integration.id)]
    assert _cached_status(session, principal, integration.id)["status"] == "active"
    service.cached_settings_json(session, principal, integration.id)
    assert get_redis().exists(*keys) == 2
    integration.status = IntegrationStatus.DISABLED.value
    session.add(integration)
    session.flush()
    assert get_redis().exists(*keys) == 2  # flushed, not committed: readers see the old row
    session.commit()
    assert get_redis().exists(*keys) == 0
    assert _cached_status(session, principal, integration.id)["is_active"] is False


def _cached_status(session, principal, integration_id) -> dict:
    def render(view: IntegrationView) -> bytes:
        return view.model_dump_json().encode()

    return json.loads(service.cached_status_json(session, principal, integration_id, render))


def test_the_cached_status_stays_when_nothing_about_an_integration_commits(session):
    seller = make_user(session)
    integration = make_integration(session, seller)
    _cached_status(session, principal_of(seller), integration.id)
    make_user(session)  # commits other rows only
    assert get_redis().exists(service.status_key(integration.id))


MIGRATION_DB = "invoicehub_migration_0013"


def _migrate(engine: sa.Engine, revision: str, *, down: bool = False) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["skip_logging"] = True
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def test_migration_0013_keeps_switched_off_rows_off_and_derives_is_active_back():
    engine = sa.create_engine(services.recreate_database(MIGRATION_DB))
    rows = {"on": ("active", True), "off": ("active", False), "reauth": ("needs_reauth", True)}
    try:
        _migrate(engine, "0010")
        with engine.begin() as conn:
            tenant, user = uuid.uuid4(), uuid.uuid4()
            conn.execute(sa.text("INSERT INTO tenants (id, name) VALUES (:t, 't')"), {"t": tenant})
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, tenant_id, email, name, password_hash, role, is_active)"
                    " VALUES (:u, :t, 'm@example.test', 'm', 'x', 'user', true)"
                ),
                {"u": user, "t": tenant},
            )
            for login, (status, active) in rows.items():
                conn.execute(
                    sa.text(
                        "INSERT INTO allegro_integrations (id, tenant_id, user_id, allegro_login,"
                        " status, is_active) VALUES (gen_random_uuid(), :t, :u, :l, :s, :a)"
                    ),
                    {"t": tenant, "u": user, "l": login, "s": status, "a": active},
                )
        _migrate(engine, "0013")
        with engine.connect() as conn:
            statuses = dict(
                conn.execute(
                    sa.text("SELECT allegro_login, status FROM allegro_integrations")
                ).all()
            )
            columns = sa.inspect(conn).get_columns("allegro_integrations")
        assert statuses == {"on": "active", "off": "disabled", "reauth": "needs_reauth"}
        assert "is_active" not in {c["name"] for c in columns}
        _migrate(engine, "0010", down=True)
        with engine.connect() as conn:
            flags = dict(
                conn.execute(
                    sa.text("SELECT allegro_login, is_active FROM allegro_integrations")
                ).all()
            )
        assert flags == {"on": True, "off": False, "reauth": True}
    finally:
        engine.dispose()
        services.drop_database(MIGRATION_DB)
