"""Connecting and disconnecting Allegro accounts (the seed's auth endpoints, made safe).

The seed's unauthenticated callback that trusted `tenantId`/`userId` from the body is replaced by
a signed state bound to the signed-in user (and, for the browser, to its session); such body
fields are accepted for the seed's clients and ignored.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.routes.allegro import IntegrationOut
from invoicehub.api.schema import ApiModel, ApiRequest
from invoicehub.auth.accounts import principal_of, user_for_session
from invoicehub.auth.browser import session_token_from_cookie_header, session_token_hash
from invoicehub.integrations.allegro.connection.oauth import (
    ConnectError,
    NotThisBrowser,
    complete_authorization,
    start_authorization,
)
from invoicehub.integrations.allegro.lifecycle import disconnect
from invoicehub.integrations.allegro.service import integration_status

router = APIRouter(prefix="/allegro", tags=["allegro"])
SETTINGS_URL = "/settings"
CANCELLED = "Allegro authorization was cancelled. No Allegro account was connected."


class AuthorizeResponse(ApiModel):
    auth_url: str


class CallbackRequest(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=2048)
    state: str = Field(min_length=1, max_length=2048)
    # The seed's clients send these; the state alone says who connects, so they are ignored
    # (and not advertised).
    tenant_id: SkipJsonSchema[str | None] = Field(default=None, max_length=64)
    user_id: SkipJsonSchema[str | None] = Field(default=None, max_length=64)


class CallbackResponse(ApiModel):
    success: bool
    integration: IntegrationOut


class SuccessResponse(ApiModel):
    success: bool


@router.get(
    "/auth/authorize",
    response_model=AuthorizeResponse,
    responses={401: {"description": "Not signed in"}},
)
def authorize(principal: PrincipalDep) -> AuthorizeResponse:
    return AuthorizeResponse(auth_url=start_authorization(principal))


@router.get("/auth/callback", include_in_schema=False, response_model=None)
def browser_callback(
    request: Request, session: SessionDep, code: str = "", state: str = "", error: str = ""
) -> Response:
    """Allegro redirects the browser here.

    It completes only in the signed-in browser session that asked for the authUrl (the state is
    bound to it). Any other caller, signed in or not, gets a page saying that nothing was
    connected; a bearer token counts for nothing here (API clients POST).
    """
    token = session_token_from_cookie_header(request.headers.get("cookie", ""))
    user = user_for_session(session, token) if token else None
    principal = principal_of(user) if user is not None else None
    if error:
        return _refused_page(CANCELLED) if principal is None else _back_to_settings(error=CANCELLED)
    try:
        integration = complete_authorization(
            session,
            code,
            state,
            principal,
            ip=client_address(request),
            browser_session_hash=session_token_hash(token) if principal is not None else "",
        )
    except ConnectError as exc:  # the browser's redirect: answered with a page, not JSON
        session.rollback()
        if principal is None or isinstance(exc, NotThisBrowser):
            return _refused_page(str(exc))
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
    integration = complete_authorization(
        session, body.code, body.state, principal, ip=client_address(request)
    )
    return CallbackResponse(
        success=True, integration=IntegrationOut.of(integration_status(integration))
    )


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


def _back_to_settings(**params: str) -> RedirectResponse:
    query = urlencode({"tab": "integrations", **params})
    return RedirectResponse(f"{SETTINGS_URL}?{query}", status_code=303)


def _refused_page(message: str) -> HTMLResponse:
    """A page of its own: the settings page would send a signed-out browser to the login form,
    losing the message."""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allegro account not connected</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>Allegro account not connected</h1>
<p id="refusal">{escape(message)}</p>
<p><a href="{SETTINGS_URL}?tab=integrations">Go to Invoice-HUB settings</a></p>
</body></html>"""
    return HTMLResponse(body, status_code=400, headers={"Cache-Control": "no-store"})
