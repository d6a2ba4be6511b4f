"""Connecting and disconnecting Allegro accounts (the seed's auth endpoints, made safe).

The seed's unauthenticated callback that trusted `tenantId`/`userId` from the body is replaced by
a signed state bound to the signed-in user; such body fields are ignored.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.auth.accounts import principal_of, user_for_session
from invoicehub.auth.browser import session_token_from_cookie_header
from invoicehub.auth.tokens import InvalidToken, Principal, decode_access_token
from invoicehub.integrations.allegro.connection.oauth import (
    ConnectError,
    complete_authorization,
    start_authorization,
)
from invoicehub.integrations.allegro.lifecycle import disconnect
from invoicehub.integrations.allegro.service import integration_status

router = APIRouter(prefix="/allegro", tags=["allegro"])
SETTINGS_URL = "/settings"


class AuthorizeResponse(BaseModel):
    authUrl: str


class CallbackRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # tenantId/userId from the seed are never trusted

    code: str = Field(min_length=1, max_length=2048)
    state: str = Field(min_length=1, max_length=2048)


class CallbackResponse(BaseModel):
    success: bool
    integration: dict


class SuccessResponse(BaseModel):
    success: bool


@router.get(
    "/auth/authorize",
    response_model=AuthorizeResponse,
    responses={401: {"description": "Not signed in"}},
)
def authorize(principal: PrincipalDep) -> AuthorizeResponse:
    return AuthorizeResponse(authUrl=start_authorization(principal))


@router.get("/auth/callback", include_in_schema=False)
def browser_callback(
    request: Request, session: SessionDep, code: str = "", state: str = "", error: str = ""
) -> RedirectResponse:
    """Allegro redirects the browser here.

    Who is connecting: the session cookie, else a bearer token; a redirect followed with neither
    falls back to the user named by the signed, single-use state. Another user's identity is
    always refused.
    """
    identified = _caller(request, session)
    if error:
        return _back_to_settings(error="Allegro authorization was cancelled.")
    try:
        integration = complete_authorization(
            session,
            code,
            state,
            identified,
            ip=client_address(request),
            trust_state_owner=identified is None and not _claims_identity(request),
        )
    except ConnectError as exc:
        session.rollback()
        return _back_to_settings(error=str(exc))
    return _back_to_settings(connected=str(integration.id))


@router.post(
    "/auth/callback",
    response_model=CallbackResponse,
    responses={
        400: {"description": "Invalid, expired, replayed or foreign state"},
        401: {"description": "Not signed in"},
    },
)
def api_callback(
    body: CallbackRequest, request: Request, principal: PrincipalDep, session: SessionDep
) -> CallbackResponse:
    try:
        integration = complete_authorization(
            session, body.code, body.state, principal, ip=client_address(request)
        )
    except ConnectError as exc:
        session.rollback()
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
    return CallbackResponse(success=True, integration=integration_status(integration))


@router.post(
    "/deactivate/{integration_id}",
    response_model=SuccessResponse,
    responses={404: {"description": "No such integration for this tenant"}},
)
def deactivate_integration(
    integration_id: str, request: Request, principal: PrincipalDep, session: SessionDep
) -> SuccessResponse:
    disconnect(session, principal, integration_id, ip=client_address(request))
    return SuccessResponse(success=True)


def _claims_identity(request: Request) -> bool:
    cookie = session_token_from_cookie_header(request.headers.get("cookie", ""))
    return bool(cookie or request.headers.get("authorization"))


def _caller(request: Request, session: Session) -> Principal | None:
    token = session_token_from_cookie_header(request.headers.get("cookie", ""))
    user = user_for_session(session, token) if token else None
    if user is not None:
        return principal_of(user)
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer:
        try:
            return decode_access_token(bearer)
        except InvalidToken:
            return None
    return None


def _back_to_settings(**params: str) -> RedirectResponse:
    query = urlencode({"tab": "integrations", **params})
    return RedirectResponse(f"{SETTINGS_URL}?{query}", status_code=303)
