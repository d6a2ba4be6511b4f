"""Allegro's OAuth2 token endpoint for one registered application (HTTP only)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable
from urllib.parse import urlencode

import httpx
from pydantic import BaseModel, ConfigDict, SecretStr

from invoicehub.integrations.allegro.client import DEFAULT_TIMEOUT, _send
from invoicehub.integrations.allegro.errors import TransientError, translate_error
from invoicehub.settings import get_settings


class TokenResponse(BaseModel):
    """The token endpoint's answer; the tokens are SecretStr so they never show in a repr."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    access_token: SecretStr
    refresh_token: SecretStr
    expires_in: int
    scope: str = ""
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


def new_code_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe characters (43-128 are allowed)."""
    return secrets.token_urlsafe(48)


def code_challenge_s256(code_verifier: str) -> str:
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class AllegroAuthClient:
    """Allegro's OAuth2 endpoints for one registered application (client id + secret)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        oauth_url: str | None = None,
        http: httpx.Client | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.oauth_url = (oauth_url or get_settings().allegro_oauth_url).rstrip("/")
        self._http = http or httpx.Client()
        self._owns_http = http is None
        self._timeout = timeout

    def __repr__(self) -> str:
        return f"AllegroAuthClient(client_id={self.client_id!r}, oauth_url={self.oauth_url!r})"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> AllegroAuthClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def build_authorize_url(
        self,
        redirect_uri: str,
        state: str,
        code_challenge: str,
        *,
        scopes: Iterable[str] | None = None,
        prompt: str | None = None,
    ) -> str:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        if scopes:
            params["scope"] = " ".join(scopes)
        if prompt:
            params["prompt"] = prompt
        return f"{self.oauth_url}/authorize?{urlencode(params)}"

    def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> TokenResponse:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return self._token_request(form, code)

    def refresh(self, refresh_token: str | SecretStr) -> TokenResponse:
        token = (
            refresh_token.get_secret_value()
            if isinstance(refresh_token, SecretStr)
            else refresh_token
        )
        return self._token_request({"grant_type": "refresh_token", "refresh_token": token}, token)

    def _token_request(self, form: dict[str, str], secret_param: str) -> TokenResponse:
        basic = base64.b64encode(f"{self.client_id}:{self._client_secret}".encode()).decode()
        request = self._http.build_request(
            "POST",
            f"{self.oauth_url}/token",
            data=form,
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
            timeout=self._timeout,
        )
        response = _send(self._http, request, f"POST /token ({form['grant_type']})")
        if not response.is_success:
            raise translate_error(response, secret_param, self._client_secret)
        try:
            return TokenResponse.model_validate(response.json())
        except ValueError:
            raise TransientError(
                f"POST /token: unreadable token response ({response.status_code})"
            ) from None
