"""Turn a login ticket into the HttpOnly session cookie, and clear it on logout."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from invoicehub.api.deps import SessionDep
from invoicehub.auth.accounts import SESSION_TTL, close_session
from invoicehub.auth.browser import (
    SESSION_COOKIE,
    redeem_login_ticket,
    safe_next_path,
    session_token_from_cookie_header,
)

router = APIRouter(prefix="/auth", tags=["auth"], include_in_schema=False)


@router.get("/session/{ticket}")
def start_browser_session(
    ticket: str, request: Request, next: str = "/settings"
) -> RedirectResponse:
    token = redeem_login_ticket(ticket)
    if token is None:
        return RedirectResponse("/login?error=expired", status_code=303)
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


@router.get("/logout")
def end_browser_session(request: Request, session: SessionDep) -> RedirectResponse:
    token = session_token_from_cookie_header(request.headers.get("cookie", ""))
    if token:
        close_session(session, token)
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
