"""GET /notifications and POST /notifications/{id}/read: each caller sees only their own feed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from invoicehub.activity import notify
from invoicehub.models import Audience, Notification, Role
from tests.factories import bearer, make_user


@pytest.fixture
def feed(session: Session):
    """Alice and Adam share a tenant; Bob is another tenant; plus the admin feed."""
    alice = make_user(session, tenant="Sklep Alicji")
    adam = make_user(session, tenant="Sklep Alicji")
    bob = make_user(session, tenant="Sklep Boba")
    admin = make_user(session, role=Role.ADMIN, tenant="Operator")
    for title, audience, user in (
        ("for alice", Audience.USER, alice),
        ("for the whole shop", Audience.USER, None),
        ("for adam", Audience.USER, adam),
        ("for bob", Audience.USER, bob),
        ("for the admin", Audience.ADMIN, None),
    ):
        tenant = (user or alice).tenant_id
        notify(
            session,
            kind="test",
            title=title,
            audience=audience,
            tenant_id=tenant,
            user_id=user.id if user else None,
        )
    session.commit()
    return alice, adam, bob, admin


def titles(response) -> set[str]:
    return {item["title"] for item in response.json()["items"]}


def test_a_seller_sees_their_own_and_tenant_wide_notifications_only(api: TestClient, feed):
    alice, adam, bob, _ = feed
    mine = api.get("/notifications", headers=bearer(alice))
    assert mine.status_code == 200
    assert titles(mine) == {"for alice", "for the whole shop"}
    assert mine.json()["total"] == 2 and mine.json()["unread"] == 2
    assert titles(api.get("/notifications", headers=bearer(adam))) == {
        "for adam",
        "for the whole shop",
    }
    assert titles(api.get("/notifications", headers=bearer(bob))) == {"for bob"}


def test_the_admin_sees_the_admin_feed_of_every_tenant(api: TestClient, feed):
    *_, admin = feed
    response = api.get("/notifications", headers=bearer(admin))
    assert titles(response) == {"for the admin"}
    assert response.json()["items"][0]["tenantId"] is not None


def test_marking_read_is_idempotent_and_updates_the_unread_count(
    api: TestClient, feed, session: Session
):
    alice, *_ = feed
    first_id = api.get("/notifications", headers=bearer(alice)).json()["items"][0]["id"]
    marked = api.post(f"/notifications/{first_id}/read", headers=bearer(alice))
    assert marked.status_code == 200
    body = marked.json()
    assert body["success"] is True and body["notification"]["read"] is True
    assert body["unread"] == 1
    read_at = body["notification"]["readAt"]
    again = api.post(f"/notifications/{first_id}/read", headers=bearer(alice)).json()
    assert again["notification"]["readAt"] == read_at and again["unread"] == 1
    unread = api.get("/notifications", params={"unreadOnly": "true"}, headers=bearer(alice))
    assert unread.json()["total"] == 1 and unread.json()["unread"] == 1
    assert first_id not in {item["id"] for item in unread.json()["items"]}


def test_nobody_marks_another_callers_notification(api: TestClient, feed, session: Session):
    alice, adam, bob, admin = feed
    rows = {n.title: n for n in session.exec(select(Notification)).all()}
    attempts = [
        (bob, rows["for alice"]),
        (adam, rows["for alice"]),
        (alice, rows["for the admin"]),
        (admin, rows["for alice"]),
    ]
    for caller, notification in attempts:
        response = api.post(f"/notifications/{notification.id}/read", headers=bearer(caller))
        assert response.status_code == 404, (caller.email, notification.title)
    assert api.post("/notifications/not-a-uuid/read", headers=bearer(alice)).status_code == 404
    session.expire_all()
    assert all(n.read_at is None for n in session.exec(select(Notification)).all())


def test_notifications_are_paged_newest_first(api: TestClient, session: Session):
    user = make_user(session)
    for n in range(5):
        notify(session, kind="test", title=f"n{n}", tenant_id=user.tenant_id, user_id=user.id)
        session.flush()
    session.commit()
    page = api.get("/notifications", params={"page": 2, "pageSize": 2}, headers=bearer(user))
    assert page.json()["total"] == 5
    assert [item["title"] for item in page.json()["items"]] == ["n2", "n1"]
    assert (
        api.get("/notifications", params={"pageSize": 101}, headers=bearer(user)).status_code == 422
    )


def test_notifications_need_a_signed_in_caller(api: TestClient):
    assert api.get("/notifications").status_code == 401


def test_read_all_marks_only_what_the_caller_sees(api: TestClient, session: Session, feed):
    alice, *_ = feed
    response = api.post("/notifications/read-all", headers=bearer(alice))
    assert response.status_code == 200
    assert response.json() == {"success": True, "marked": 2, "unread": 0}
    session.expire_all()
    unread = set(session.exec(select(Notification.title).where(Notification.read_at == None)))  # noqa: E711
    assert unread == {"for adam", "for bob", "for the admin"}
    again = api.post("/notifications/read-all", headers=bearer(alice)).json()
    assert again["marked"] == 0
    assert api.post("/notifications/read-all").status_code == 401
