"""rq-dashboard at /admin/rq/: platform admins only, through the browser's session cookie."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rq import Queue
from sqlmodel import Session

from invoicehub.auth.accounts import open_session
from invoicehub.auth.browser import SESSION_COOKIE
from invoicehub.models import Role, User
from invoicehub.redis_conn import get_redis
from invoicehub.web import mounted_apps, security_headers
from tests.factories import bearer, make_user

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def web() -> Iterator[TestClient]:
    """The web process's mounted apps at the site root, as a browser reaches them."""
    with TestClient(security_headers(mounted_apps()), base_url=ORIGIN) as client:  # type: ignore[arg-type]
        yield client


def browser_session(session: Session, user: User) -> dict[str, str]:
    token = open_session(session, user)
    session.commit()
    return {"Cookie": f"{SESSION_COOKIE}={token}"}


def test_anonymous_visitors_are_sent_to_the_login_page(web: TestClient):
    for path in ("/admin/rq/", "/admin/rq/static/css/main.css", "/admin/rq/0/data/queues.json"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login?next=/admin/rq/"


def test_a_forged_or_expired_cookie_is_anonymous(web: TestClient):
    response = web.get(
        "/admin/rq/", headers={"Cookie": f"{SESSION_COOKIE}=forged"}, follow_redirects=False
    )
    assert response.status_code == 303


def test_sellers_get_403_even_with_a_valid_session_or_bearer(web: TestClient, session: Session):
    seller = make_user(session)
    assert web.get("/admin/rq/", headers=browser_session(session, seller)).status_code == 403
    by_bearer = web.get("/admin/rq/", headers=bearer(seller), follow_redirects=False)
    assert by_bearer.status_code == 303  # the dashboard only knows browser sessions


def test_admins_see_the_dashboard_and_its_static_files(web: TestClient, session: Session):
    admin = make_user(session, role=Role.ADMIN)
    cookie = browser_session(session, admin)
    Queue("sync", connection=get_redis()).enqueue("builtins.print", "x")
    page = web.get("/admin/rq/", headers=cookie)
    assert page.status_code == 200 and "RQ" in page.text
    assert page.headers["x-frame-options"] == "DENY"
    assets = re.findall(r'(?:href|src)="(/admin/rq/static/[^"]+)"', page.text)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert web.get(asset, headers=cookie).status_code == 200, asset
    queues = web.get("/admin/rq/0/data/queues.json", headers=cookie).json()
    assert {"name": "sync", "count": 1} in [
        {"name": q["name"], "count": q["count"]} for q in queues["queues"]
    ]


def test_state_changing_requests_must_come_from_this_site(web: TestClient, session: Session):
    admin = make_user(session, role=Role.ADMIN)
    cookie = browser_session(session, admin)
    Queue("default", connection=get_redis()).enqueue("builtins.print", "x")
    url = "/admin/rq/queue/default/queued/empty"
    forged = web.post(url, headers={**cookie, "Origin": "https://evil.example"})
    assert forged.status_code == 403
    assert web.post(url, headers=cookie).status_code == 403  # no Origin nor Referer
    assert Queue("default", connection=get_redis()).count == 1
    same_site = web.post(url, headers={**cookie, "Origin": ORIGIN})
    assert same_site.status_code == 200
    assert Queue("default", connection=get_redis()).count == 0
    requeue = web.get("/admin/rq/requeue/default", headers=cookie)  # a state-changing GET
    assert requeue.status_code == 403
    referred = web.get("/admin/rq/requeue/default", headers={**cookie, "Referer": f"{ORIGIN}/x"})
    assert referred.status_code == 200


def test_dashboard_pages_link_back_to_the_app(web: TestClient, session: Session):
    admin = make_user(session, role=Role.ADMIN)
    page = web.get("/admin/rq/", headers=browser_session(session, admin))
    assert page.status_code == 200
    assert re.search(r'<body[^>]*><nav[^>]*><a id="back-to-app" href="/admin/allegro">', page.text)
    css = web.get("/admin/rq/static/css/main.css", headers=browser_session(session, admin))
    assert "back-to-app" not in css.text
