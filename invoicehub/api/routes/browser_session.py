"""Open the browser session from a login ticket (setting the HttpOnly cookie), and end it.

Logout is a POST from this site only (Origin or Referer, the CSRF check of every
cookie-authenticated unsafe request): a GET, or a form on another site, signs nobody out.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from invoicehub.api.deps import SessionDep
from invoicehub.auth.accounts import SESSION_TTL
from invoicehub.auth.browser import (
    SESSION_COOKIE,
    is_same_site,
    redeem_login_ticket,
    safe_next_path,
    session_token_from_cookie_header,
)
from invoicehub.auth.changes import end_browser_session as close_browser_session
from invoicehub.auth.changes import start_browser_session as open_browser_session
from invoicehub.models import User
from invoicehub.settings import get_settings

router = APIRouter(prefix="/auth", tags=["auth"], include_in_schema=False)


@router.get("/session/{ticket}")
def start_browser_session(
    ticket: str, request: Request, session: SessionDep, next: str = "/settings"
) -> RedirectResponse:
    user_id = redeem_login_ticket(ticket)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active:
        return RedirectResponse("/login?error=expired", status_code=303)
    token = open_browser_session(session, user)
    response = RedirectResponse(safe_next_path(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",
        path="/",
    )
    return response


@router.post("/logout", response_model=None)
def end_browser_session(request: Request, session: SessionDep) -> Response:
    headers = request.headers
    if not is_same_site(
        origin=headers.get("origin", ""),
        referer=headers.get("referer", ""),
        host=headers.get("host", ""),
        allowed_origins=get_settings().allowed_origins,
    ):
        return PlainTextResponse("cross-site request refused", status_code=403)
    token = session_token_from_cookie_header(headers.get("cookie", ""))
    if token:
        close_browser_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
