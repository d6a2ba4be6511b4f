"""OAuth2 as Allegro serves it under /auth/oauth: authorize (HTML consent) and token."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from invoicehub.emulator.config import ALL_SCOPES
from invoicehub.emulator.guards import apply_fault, get_state
from invoicehub.emulator.pages import consent_page, error_page
from invoicehub.emulator.responses import dumps, oauth_error
from invoicehub.emulator.state import EmulatorState
from invoicehub.emulator.tokens import OAuthFailure, TokenFamily

_STANDARD_PARAMS = frozenset(
    {
        "response_type",
        "client_id",
        "redirect_uri",
        "code_challenge",
        "code_challenge_method",
        "prompt",
        "state",
        "scope",
    }
)


@dataclass(frozen=True)
class AuthorizeRequest:
    client_id: str
    redirect_uri: str
    state: str | None
    code_challenge: str | None
    scopes: tuple[str, ...]
    extra: tuple[tuple[str, str], ...]


def _redirect_allowed(uri: str, prefixes: tuple[str, ...]) -> bool:
    if "#" in uri:
        return False
    # The character after the prefix must end the host, so http://localhost.evil.example fails.
    return any(uri == p or (uri.startswith(p) and uri[len(p)] in ":/?") for p in prefixes)


def parse_authorize(state: EmulatorState, pairs: list[tuple[str, str]]) -> AuthorizeRequest | str:
    """The validated authorize request, or the reason (Polish) to show on the error page."""
    params = dict(pairs)
    if params.get("response_type") != "code":
        return "Nieprawidłowy parametr response_type: obsługiwany jest tylko „code”."
    if params.get("client_id") != state.client.client_id:
        return "Nieznana aplikacja: nieprawidłowy client_id."
    redirect_uri = params.get("redirect_uri", "")
    if not _redirect_allowed(redirect_uri, state.client.redirect_prefixes):
        return "Nieprawidłowy adres przekierowania (redirect_uri)."
    challenge = params.get("code_challenge") or None
    method = params.get("code_challenge_method")
    if (challenge or method) and (method != "S256" or not challenge):
        return "PKCE: wymagane są code_challenge i code_challenge_method=S256."
    requested = tuple(params.get("scope", "").split())
    scopes = tuple(s for s in requested if s in ALL_SCOPES) if requested else ALL_SCOPES
    extra = tuple((k, v) for k, v in pairs if k not in _STANDARD_PARAMS)
    return AuthorizeRequest(
        params["client_id"], redirect_uri, params.get("state"), challenge, scopes, extra
    )


def _redirect_with(uri: str, params: list[tuple[str, str]]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + params
    return urlunsplit(parts._replace(query=urlencode(query)))


def approve(state: EmulatorState, auth: AuthorizeRequest, login: str | None) -> str | None:
    """Approve as the seller `login`; the redirect URL, or None when there is no such seller."""
    with state.lock:
        seller = state.sellers.get(login or "")
        if seller is None:
            return None
        code = state.tokens.issue_code(
            seller_id=seller.id,
            client_id=auth.client_id,
            redirect_uri=auth.redirect_uri,
            code_challenge=auth.code_challenge,
            scopes=auth.scopes,
            now=state.now(),
        )
    params = [("code", code)]
    if auth.state is not None:
        params.append(("state", auth.state))
    return _redirect_with(auth.redirect_uri, params + list(auth.extra))


def deny(auth: AuthorizeRequest) -> str:
    params = [("error", "access_denied")]
    if auth.state is not None:
        params.append(("state", auth.state))
    return _redirect_with(auth.redirect_uri, params)


async def authorize_page(request: Request) -> Response:
    state = get_state(request)
    pairs = parse_qsl(request.url.query, keep_blank_values=True)
    auth = parse_authorize(state, pairs)
    if isinstance(auth, str):
        return HTMLResponse(error_page(auth), status_code=400)
    with state.lock:
        sellers = list(state.sellers.values())
    html = consent_page(
        app_name=state.client.name,
        sellers=sellers,
        query_string=request.url.query,
        scopes=auth.scopes,
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


async def authorize_submit(request: Request) -> Response:
    state = get_state(request)
    form = dict(parse_qsl((await request.body()).decode(errors="replace"), keep_blank_values=True))
    pairs = parse_qsl(form.get("query", ""), keep_blank_values=True)
    auth = parse_authorize(state, pairs)
    if isinstance(auth, str):
        return HTMLResponse(error_page(auth), status_code=400)
    if form.get("decision") != "allow":
        return RedirectResponse(deny(auth), status_code=302)
    target = approve(state, auth, form.get("login"))
    if target is None:
        return HTMLResponse(error_page("Nieznane konto sprzedawcy."), status_code=400)
    return RedirectResponse(target, status_code=302)


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    return client_id, secret


def token_body(family: TokenFamily, now: float) -> dict[str, object]:
    return {
        "access_token": family.access_token,
        "token_type": "bearer",
        "refresh_token": family.refresh_token,
        "expires_in": max(0, round(family.access_expires_at - now)),
        "scope": " ".join(family.scopes),
        "allegro_api": True,
        "iss": "https://allegro.pl/",
        "jti": family.access_jti,
    }


def _client_id(state: EmulatorState, request: Request, params: Mapping[str, str]) -> str:
    """The authenticated client id; raises OAuthFailure when the client is not authenticated."""
    basic = _basic_credentials(request)
    client = state.client
    if basic is not None:
        if basic != (client.client_id, client.client_secret):
            raise OAuthFailure(401, "Unauthorized", "Unauthorized")
        return client.client_id
    # PKCE: no Basic header, the public client id plus the verifier stand in for the secret.
    pkce = params.get("grant_type") == "authorization_code" and params.get("code_verifier")
    if pkce and params.get("client_id") == client.client_id:
        return client.client_id
    if pkce:
        raise OAuthFailure(401, "Unauthorized", "Unauthorized")
    raise OAuthFailure(
        401, "unauthorized", "Full authentication is required to access this resource"
    )


def _grant(state: EmulatorState, request: Request, params: Mapping[str, str]) -> TokenFamily:
    grant_type = params.get("grant_type", "")
    client_id = _client_id(state, request, params)
    now = state.now()
    if grant_type == "authorization_code":
        if not params.get("code"):
            raise OAuthFailure(400, "invalid_request", "An authorization code must be supplied.")
        return state.tokens.exchange_code(
            code=params["code"],
            client_id=client_id,
            redirect_uri=params.get("redirect_uri"),
            code_verifier=params.get("code_verifier"),
            now=now,
        )
    if grant_type == "refresh_token":
        if not params.get("refresh_token"):
            raise OAuthFailure(400, "invalid_request", "A refresh token must be supplied.")
        return state.tokens.refresh(params["refresh_token"], client_id=client_id, now=now)
    raise OAuthFailure(400, "unsupported_grant_type", f"Unsupported grant type: {grant_type}")


async def token(request: Request) -> Response:
    state = get_state(request)
    # Allegro takes the parameters from the query string as well as from a form body.
    params = dict(parse_qsl(request.url.query, keep_blank_values=True))
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl((await request.body()).decode(), keep_blank_values=True))
    with state.lock:
        state.stats.token_calls[params.get("grant_type") or "(none)"] += 1
    faulted = await apply_fault(state, request, oauth=True)
    if faulted is not None:
        return faulted
    try:
        with state.lock:
            family = _grant(state, request, params)
            body = token_body(family, state.now())
    except OAuthFailure as failure:
        return oauth_error(failure.status, failure.error, failure.description)
    return Response(
        dumps(body),
        media_type="application/json;charset=UTF-8",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


routes = [
    Route("/auth/oauth/authorize", authorize_page, methods=["GET"]),
    Route("/auth/oauth/authorize", authorize_submit, methods=["POST"]),
    Route("/auth/oauth/token", token, methods=["POST"]),
]
