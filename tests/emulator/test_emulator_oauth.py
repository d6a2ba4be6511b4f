"""The emulator's OAuth server behaves like Allegro's (reference §1)."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.emulator import (
    ALLEGRO_ACCEPT,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SellerTokens,
    approve,
    authorize_url,
    pkce_pair,
)

BASIC = (CLIENT_ID, CLIENT_SECRET)


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _exchange(control: httpx.Client, code: str, **extra: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, **extra}
    return control.post("/auth/oauth/token", data=data, auth=BASIC)


def _refresh(control: httpx.Client, refresh_token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return control.post("/auth/oauth/token", data=data, auth=BASIC)


def _me(emulator_url: str, access_token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {access_token}", "Accept": ALLEGRO_ACCEPT}
    return httpx.get(f"{emulator_url}/me", headers=headers)


@pytest.fixture
def login(emulator: httpx.Client) -> str:
    emulator.post(
        "/__emulator/sellers", json={"login": "sklep-oauth", "companyName": "<b>Firma & Syn</b>"}
    )
    return "sklep-oauth"


def test_consent_page_lists_sellers_with_escaped_names(emulator: httpx.Client, login: str) -> None:
    page = emulator.get(authorize_url(str(emulator.base_url).rstrip("/")))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'name="login"' in page.text and 'id="allow"' in page.text and "Zezwól" in page.text
    assert "&lt;b&gt;Firma &amp; Syn&lt;/b&gt;" in page.text and "<b>Firma" not in page.text


@pytest.mark.parametrize(
    "redirect_uri",
    ["https://evil.example/cb", "http://localhost.evil.example/cb", "http://10.0.0.1/cb", ""],
)
def test_bad_redirect_uri_shows_an_error_page_and_never_redirects(
    emulator: httpx.Client, login: str, redirect_uri: str
) -> None:
    url = authorize_url(str(emulator.base_url).rstrip("/"), redirect_uri=redirect_uri)
    page = emulator.get(url)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "nie możemy wyświetlić strony" in page.text


def test_unknown_client_shows_an_error_page(emulator: httpx.Client, login: str) -> None:
    page = emulator.get(authorize_url(str(emulator.base_url).rstrip("/"), client_id="someone-else"))
    assert page.status_code == 400 and "location" not in page.headers


def test_allow_redirects_with_code_state_and_extra_params(
    emulator: httpx.Client, login: str
) -> None:
    url = authorize_url(str(emulator.base_url).rstrip("/"), state="s t/ą", tenant="42")
    form = {"query": urlsplit(url).query, "login": login, "decision": "allow"}
    response = emulator.post("/auth/oauth/authorize", data=form)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["s t/ą"] and query["tenant"] == ["42"] and query["code"][0]


def test_deny_redirects_with_access_denied(emulator: httpx.Client, login: str) -> None:
    url = authorize_url(str(emulator.base_url).rstrip("/"), state="xyz")
    form = {"query": urlsplit(url).query, "login": login, "decision": "deny"}
    response = emulator.post("/auth/oauth/authorize", data=form)
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert response.status_code == 302 and query == {"error": ["access_denied"], "state": ["xyz"]}


def test_code_exchange_with_basic_auth_returns_allegro_shaped_tokens(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    code = approve(emulator, authorize_url(emulator_url), login)
    response = _exchange(emulator, code)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 43199
    assert body["allegro_api"] is True and body["jti"]
    seller_id = emulator.get("/__emulator/sellers").json()["sellers"][0]["id"]
    claims = _claims(body["access_token"])
    assert claims["user_name"] == seller_id and claims["client_id"] == CLIENT_ID
    assert "allegro:api:orders:read" in claims["scope"] and isinstance(claims["scope"], list)
    assert claims["jti"] == body["jti"] and claims["exp"] > 0
    assert body["scope"] == " ".join(claims["scope"])
    assert _me(emulator_url, body["access_token"]).status_code == 200


def test_token_parameters_may_come_in_the_query_string(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    code = approve(emulator, authorize_url(emulator_url), login)
    params = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    response = emulator.post("/auth/oauth/token", params=params, auth=BASIC)
    assert response.status_code == 200


def test_pkce_exchange_needs_no_client_secret(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    verifier, challenge = pkce_pair()
    code = approve(emulator, authorize_url(emulator_url, code_challenge=challenge), login)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        "client_id": CLIENT_ID,
    }
    response = emulator.post("/auth/oauth/token", data=data)
    assert response.status_code == 200 and response.json()["access_token"]


def test_pkce_with_a_wrong_verifier_is_invalid_grant(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    _, challenge = pkce_pair()
    code = approve(emulator, authorize_url(emulator_url, code_challenge=challenge), login)
    response = _exchange(emulator, code, code_verifier="x" * 50)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_code_works_once(emulator: httpx.Client, emulator_url: str, login: str) -> None:
    code = approve(emulator, authorize_url(emulator_url), login)
    assert _exchange(emulator, code).status_code == 200
    again = _exchange(emulator, code)
    assert again.status_code == 400
    assert again.json() == {
        "error": "invalid_grant",
        "error_description": f"Invalid authorization code: {code}",
    }


def test_a_code_expires_after_ten_seconds(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    code = approve(emulator, authorize_url(emulator_url), login)
    emulator.post("/__emulator/clock", json={"advanceSeconds": 11})
    response = _exchange(emulator, code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_redirect_uri_must_match_the_authorize_step(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    code = approve(emulator, authorize_url(emulator_url), login)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://127.0.0.1:9/other",
    }
    response = emulator.post("/auth/oauth/token", data=data, auth=BASIC)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Redirect URI mismatch.",
    }


def test_wrong_client_secret_is_401(emulator: httpx.Client, emulator_url: str, login: str) -> None:
    code = approve(emulator, authorize_url(emulator_url), login)
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    response = emulator.post("/auth/oauth/token", data=data, auth=(CLIENT_ID, "wrong"))
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "error_description": "Unauthorized"}


def test_no_client_authentication_is_401(emulator: httpx.Client) -> None:
    response = emulator.post(
        "/auth/oauth/token", data={"grant_type": "refresh_token", "refresh_token": "x"}
    )
    assert response.status_code == 401
    assert (
        response.json()["error_description"]
        == "Full authentication is required to access this resource"
    )


def test_refresh_rotates_the_pair_and_kills_the_old_access_token(
    emulator: httpx.Client, emulator_url: str, seller: SellerTokens
) -> None:
    response = _refresh(emulator, seller.refresh_token)
    assert response.status_code == 200
    fresh = response.json()
    assert fresh["access_token"] != seller.access_token
    assert fresh["refresh_token"] != seller.refresh_token
    old = _me(emulator_url, seller.access_token)
    assert old.status_code == 401 and old.json()["error"] == "invalid_token"
    assert _me(emulator_url, fresh["access_token"]).status_code == 200


def test_refresh_retried_within_grace_returns_the_same_newest_pair(
    emulator: httpx.Client, emulator_url: str, seller: SellerTokens
) -> None:
    first = _refresh(emulator, seller.refresh_token).json()
    emulator.post("/__emulator/clock", json={"advanceSeconds": 59})
    retried = _refresh(emulator, seller.refresh_token)
    assert retried.status_code == 200
    assert retried.json()["access_token"] == first["access_token"]
    assert retried.json()["refresh_token"] == first["refresh_token"]
    assert _me(emulator_url, first["access_token"]).status_code == 200


def test_refresh_token_is_dead_after_the_grace(
    emulator: httpx.Client, seller: SellerTokens
) -> None:
    assert _refresh(emulator, seller.refresh_token).status_code == 200
    emulator.post("/__emulator/clock", json={"advanceSeconds": 61})
    response = _refresh(emulator, seller.refresh_token)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": f"Invalid refresh token: {seller.refresh_token}",
    }


def test_access_token_expires(
    emulator: httpx.Client, emulator_url: str, seller: SellerTokens
) -> None:
    emulator.post("/__emulator/clock", json={"advanceSeconds": 43200})
    response = _me(emulator_url, seller.access_token)
    assert response.status_code == 401
    assert response.json()["error_description"].startswith("Access token expired: ")


def test_configured_token_lifetime_is_reported(
    emulator: httpx.Client, emulator_url: str, login: str
) -> None:
    emulator.post("/__emulator/config", json={"accessTokenTtl": 120}).raise_for_status()
    code = approve(emulator, authorize_url(emulator_url), login)
    assert _exchange(emulator, code).json()["expires_in"] == 120


def test_revoke_kills_access_and_refresh_tokens(
    emulator: httpx.Client, emulator_url: str, seller: SellerTokens
) -> None:
    assert emulator.post(f"/__emulator/sellers/{seller.login}/revoke").json() == {"revoked": 1}
    assert _me(emulator_url, seller.access_token).status_code == 401
    assert _refresh(emulator, seller.refresh_token).json()["error"] == "invalid_grant"


def test_stats_count_token_calls_by_grant_type(
    emulator: httpx.Client, seller: SellerTokens
) -> None:
    _refresh(emulator, seller.refresh_token)
    stats = emulator.get("/__emulator/stats").json()
    assert stats["tokenCalls"] == {"authorization_code": 1, "refresh_token": 1}
