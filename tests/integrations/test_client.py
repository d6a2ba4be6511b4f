"""AllegroApiClient and AllegroAuthClient against a real emulator process: headers, paging and the
translation of every failure into a typed error, with tokens kept out of logs and exceptions."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from invoicehub.integrations.allegro.client import AllegroApiClient
from invoicehub.integrations.allegro.connection.oauth_client import (
    AllegroAuthClient,
    code_challenge_s256,
    new_code_verifier,
)
from invoicehub.integrations.allegro.errors import (
    AuthError,
    BadRequest,
    NotFound,
    RateLimited,
    TransientError,
)
from invoicehub.integrations.allegro.schemas import CheckoutForm, MeResponse, OrderEvent
from tests.support.emulator import (
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT_URI,
    SellerTokens,
    connect_seller,
)

LOGIN = "sklep-klienta"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allegro"
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def seller(emulator: httpx.Client) -> SellerTokens:
    return connect_seller(emulator, LOGIN)


@pytest.fixture
def sent() -> list[httpx.Request]:
    return []


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(
    emulator_url: str, seller: SellerTokens, sent: list[httpx.Request], sleeps: list[float]
) -> Iterator[AllegroApiClient]:
    """The API client on a recording HTTP client, with its back-off sleeps recorded, not slept."""
    http = httpx.Client(event_hooks={"request": [sent.append]})
    yield AllegroApiClient(
        seller.access_token, base_url=emulator_url, http=http, sleep=sleeps.append
    )
    http.close()


@pytest.fixture
def auth(emulator_url: str) -> Iterator[AllegroAuthClient]:
    with AllegroAuthClient(
        CLIENT_ID, CLIENT_SECRET, oauth_url=f"{emulator_url}/auth/oauth"
    ) as auth_client:
        yield auth_client


def _generate(emulator: httpx.Client, count: int, seed: int = 1) -> list[str]:
    body = {"count": count, "seed": seed}
    return emulator.post(f"/__emulator/sellers/{LOGIN}/orders/generate", json=body).json()["ids"]


def _fault(emulator: httpx.Client, **fault: object) -> None:
    emulator.post("/__emulator/faults", json={"count": 1, **fault}).raise_for_status()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- requests and paging ---------------------------------------------------------------------


def test_api_calls_send_accept_and_bearer(
    client: AllegroApiClient, seller: SellerTokens, sent: list[httpx.Request]
) -> None:
    me = MeResponse.model_validate(client.get_me())
    assert me.login == LOGIN
    assert sent[0].headers["accept"] == "application/vnd.allegro.public.v1+json"
    assert sent[0].headers["authorization"] == f"Bearer {seller.access_token}"


def test_checkout_forms_page_and_detail(client: AllegroApiClient, emulator: httpx.Client) -> None:
    ids = _generate(emulator, 30)
    page = client.list_checkout_forms(limit=10, status=["READY_FOR_PROCESSING", "CANCELLED"])
    assert page["count"] <= 10 and page["totalCount"] >= page["count"]
    form = CheckoutForm.model_validate(client.get_checkout_form(ids[0]))
    assert form.id == ids[0] and form.summary.total_to_pay.amount > 0


def test_iter_checkout_forms_walks_every_order_in_pages_of_100(
    client: AllegroApiClient, emulator: httpx.Client
) -> None:
    ids = _generate(emulator, 250)
    pages = list(client.iter_checkout_forms())
    assert [len(p) for p in pages] == [100, 100, 50]
    assert sorted(f["id"] for p in pages for f in p) == sorted(ids)


def test_iter_checkout_forms_gets_past_the_10000_window(
    client: AllegroApiClient, emulator: httpx.Client, sent: list[httpx.Request]
) -> None:
    ids = _generate(emulator, 10_150)
    seen = [f["id"] for page in client.iter_checkout_forms() for f in page]
    assert len(seen) == len(set(seen)) == 10_150 and set(seen) == set(ids)
    offsets = [int(r.url.params["offset"]) for r in sent]
    assert max(offsets) + 100 <= 10_000
    assert any("updatedAt.gte" in r.url.params for r in sent)


def test_iter_order_events_pages_from_a_cursor(
    client: AllegroApiClient, emulator: httpx.Client
) -> None:
    _generate(emulator, 500)
    pages = list(client.iter_order_events(limit=1000))
    events = [OrderEvent.model_validate(e) for page in pages for e in page]
    assert len(pages) > 1 and [int(e.id) for e in events] == sorted(int(e.id) for e in events)
    later = list(client.iter_order_events(from_id=events[-3].id))
    assert [e["id"] for page in later for e in page] == [e.id for e in events[-2:]]
    assert client.get_event_stats()["latestEvent"]["id"] == events[-1].id


def test_invoice_metadata_upload_and_listing(
    client: AllegroApiClient, emulator: httpx.Client, sent: list[httpx.Request]
) -> None:
    order_id = _generate(emulator, 1)[0]
    invoice_id = client.create_invoice_metadata(order_id, "FV_1.pdf", "FV/2026/11/1")["id"]
    assert sent[-1].headers["content-type"] == "application/vnd.allegro.public.v1+json"
    assert client.upload_invoice_file(order_id, invoice_id, PDF) is None
    assert sent[-1].headers["content-type"] == "application/pdf" and sent[-1].content == PDF
    [invoice] = client.list_invoices(order_id)["invoices"]
    assert invoice["id"] == invoice_id and invoice["invoiceNumber"] == "FV/2026/11/1"


def test_product_offer_carries_tax_settings(
    client: AllegroApiClient, emulator: httpx.Client
) -> None:
    order_id = _generate(emulator, 1)[0]
    offer_id = client.get_checkout_form(order_id)["lineItems"][0]["offer"]["id"]
    assert "taxSettings" in client.get_product_offer(offer_id)


# -- error translation -----------------------------------------------------------------------


def test_short_retry_after_is_waited_once_then_succeeds(
    client: AllegroApiClient, emulator: httpx.Client, sleeps: list[float]
) -> None:
    _fault(emulator, pathPattern="/me", status=429, retryAfter=1)
    assert client.get_me()["login"] == LOGIN
    assert sleeps == [1.0]


def test_repeated_429_raises_rate_limited_after_one_retry(
    client: AllegroApiClient, emulator: httpx.Client, sleeps: list[float]
) -> None:
    _fault(emulator, pathPattern="/me", status=429, retryAfter=1, count=2)
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    assert caught.value.retry_after == 1.0
    assert sleeps == [1.0]


def test_long_retry_after_raises_rate_limited_at_once(
    client: AllegroApiClient, emulator: httpx.Client, sleeps: list[float]
) -> None:
    _fault(emulator, pathPattern="/me", status=429, retryAfter=30)
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    assert caught.value.retry_after == 30.0 and sleeps == []


def test_real_rate_limit_block_raises_rate_limited(
    client: AllegroApiClient, emulator: httpx.Client
) -> None:
    emulator.post("/__emulator/config", json={"rateLimitPerMinute": 1})
    client.get_me()
    with pytest.raises(RateLimited) as caught:
        client.get_me()
    assert caught.value.retry_after == 60.0


def test_server_errors_are_transient(client: AllegroApiClient, emulator: httpx.Client) -> None:
    _fault(emulator, pathPattern="/order/events", status=503)
    with pytest.raises(TransientError) as caught:
        client.list_order_events()
    assert caught.value.status_code == 503


def test_a_stalled_call_times_out_as_transient(
    emulator_url: str, seller: SellerTokens, emulator: httpx.Client
) -> None:
    _fault(emulator, pathPattern="/me", delayMs=1500)
    quick = AllegroApiClient(seller.access_token, base_url=emulator_url, timeout=httpx.Timeout(0.3))
    with quick, pytest.raises(TransientError, match="timed out"):
        quick.get_me()


def test_connection_refused_is_transient(seller: SellerTokens) -> None:
    dead = AllegroApiClient(seller.access_token, base_url=f"http://127.0.0.1:{_free_port()}")
    with dead, pytest.raises(TransientError):
        dead.get_me()


def test_400_is_bad_request_with_allegro_errors(
    client: AllegroApiClient, emulator: httpx.Client
) -> None:
    _fault(emulator, pathPattern="/order/checkout-forms", status=400)
    with pytest.raises(BadRequest) as caught:
        client.list_checkout_forms()
    assert caught.value.status_code == 400 and caught.value.codes == ["VALIDATION_ERROR"]


def test_paging_window_violation_is_bad_request(client: AllegroApiClient) -> None:
    with pytest.raises(BadRequest) as caught:
        client.list_checkout_forms(offset=9950, limit=100)
    assert caught.value.status_code == 422 and "10000" in str(caught.value)


def test_unknown_order_is_not_found(client: AllegroApiClient) -> None:
    with pytest.raises(NotFound) as caught:
        client.get_checkout_form("c93df771-353e-11ee-9e0d-11d3ebef3a15")
    assert caught.value.codes == ["CheckoutFormNotFoundException"]


def test_401_is_auth_error_without_the_token(
    client: AllegroApiClient, emulator: httpx.Client, seller: SellerTokens
) -> None:
    emulator.post(f"/__emulator/sellers/{LOGIN}/revoke")
    with pytest.raises(AuthError) as caught:
        client.get_me()
    assert caught.value.oauth_error == "invalid_token" and caught.value.status_code == 401
    assert seller.access_token not in str(caught.value) and seller.access_token not in repr(
        caught.value
    )


def test_injected_401_is_auth_error(client: AllegroApiClient, emulator: httpx.Client) -> None:
    _fault(emulator, pathPattern="/me", status=401)
    with pytest.raises(AuthError) as caught:
        client.get_me()
    assert caught.value.oauth_error == "invalid_token"


# -- typed payloads --------------------------------------------------------------------------


def test_fixtures_parse_into_typed_checkout_forms() -> None:
    for path in sorted(FIXTURES.glob("checkout_form__*.json")):
        form = CheckoutForm.model_validate_json(path.read_text(encoding="utf-8"))
        total = form.summary.total_to_pay.amount
        assert isinstance(total, Decimal) and total == Decimal(str(total))
        assert all(isinstance(item.price.amount, Decimal) for item in form.line_items)
    company = CheckoutForm.model_validate_json(
        (FIXTURES / "checkout_form__taxid_only.json").read_text(encoding="utf-8")
    ).invoice
    assert company and company.address and company.address.company
    assert company.address.company.nip == "243-780-58-97"


# -- OAuth -----------------------------------------------------------------------------------


def _authorize(emulator: httpx.Client, auth: AllegroAuthClient, verifier: str) -> str:
    emulator.post("/__emulator/sellers", json={"login": LOGIN})
    url = auth.build_authorize_url(
        REDIRECT_URI, state="st-1", code_challenge=code_challenge_s256(verifier)
    )
    redirect = emulator.post(
        "/__emulator/oauth/approve", json={"authUrl": url, "login": LOGIN}
    ).json()
    query = parse_qs(urlsplit(redirect["redirectUrl"]).query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def test_code_exchange_and_refresh(
    emulator: httpx.Client, auth: AllegroAuthClient, emulator_url: str
) -> None:
    verifier = new_code_verifier()
    tokens = auth.exchange_code(_authorize(emulator, auth, verifier), REDIRECT_URI, verifier)
    assert tokens.expires_in == 43199 and tokens.token_type == "bearer"
    access = tokens.access_token.get_secret_value()
    assert access not in repr(tokens) and tokens.refresh_token.get_secret_value() not in str(tokens)
    refreshed = auth.refresh(tokens.refresh_token)
    assert refreshed.access_token.get_secret_value() != access
    with AllegroApiClient(refreshed.access_token.get_secret_value(), base_url=emulator_url) as api:
        assert api.get_me()["login"] == LOGIN
    assert emulator.get("/__emulator/stats").json()["tokenCalls"] == {
        "authorization_code": 1,
        "refresh_token": 1,
    }


def test_token_requests_use_a_form_body_and_basic_auth(
    emulator: httpx.Client, emulator_url: str
) -> None:
    sent: list[httpx.Request] = []
    http = httpx.Client(event_hooks={"request": [sent.append]})
    auth = AllegroAuthClient(
        CLIENT_ID, CLIENT_SECRET, oauth_url=f"{emulator_url}/auth/oauth", http=http
    )
    verifier = new_code_verifier()
    auth.exchange_code(_authorize(emulator, auth, verifier), REDIRECT_URI, verifier)
    request = sent[0]
    assert (
        request.headers["authorization"]
        == "Basic " + httpx.BasicAuth(CLIENT_ID, CLIENT_SECRET)._auth_header[6:]
    )
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert b"grant_type=authorization_code" in request.content and not request.url.query
    http.close()


def test_dead_refresh_token_is_invalid_grant_without_the_token(
    emulator: httpx.Client, auth: AllegroAuthClient, seller: SellerTokens
) -> None:
    emulator.post(f"/__emulator/sellers/{LOGIN}/revoke")
    with pytest.raises(AuthError) as caught:
        auth.refresh(seller.refresh_token)
    assert caught.value.oauth_error == "invalid_grant" and caught.value.status_code == 400
    assert seller.refresh_token not in str(caught.value)


def test_wrong_client_secret_is_invalid_client(
    emulator: httpx.Client, emulator_url: str, seller: SellerTokens
) -> None:
    with (
        AllegroAuthClient(
            CLIENT_ID, "wrong-secret", oauth_url=f"{emulator_url}/auth/oauth"
        ) as wrong,
        pytest.raises(AuthError) as caught,
    ):
        wrong.refresh(seller.refresh_token)
    assert caught.value.oauth_error == "invalid_client" and "wrong-secret" not in str(caught.value)


def test_token_endpoint_outage_is_transient(
    emulator: httpx.Client, auth: AllegroAuthClient, seller: SellerTokens
) -> None:
    _fault(emulator, pathPattern="/auth/oauth/token", status=502)
    with pytest.raises(TransientError):
        auth.refresh(seller.refresh_token)


def test_secrets_never_reach_the_logs(
    caplog: pytest.LogCaptureFixture,
    emulator: httpx.Client,
    emulator_url: str,
    auth: AllegroAuthClient,
    seller: SellerTokens,
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = auth.refresh(seller.refresh_token)
    access = tokens.access_token.get_secret_value()
    with AllegroApiClient(access, base_url=emulator_url) as api:
        api.get_me()
        _fault(emulator, pathPattern="/me", status=429, retryAfter=1)
        api.get_me()
        emulator.post(f"/__emulator/sellers/{LOGIN}/revoke")
        with pytest.raises(AuthError):
            api.get_me()
    with pytest.raises(AuthError):
        auth.refresh(tokens.refresh_token)
    assert caplog.records, "expected DEBUG records from the client"
    logged = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records)
    for secret in (
        access,
        tokens.refresh_token.get_secret_value(),
        seller.refresh_token,
        CLIENT_SECRET,
    ):
        assert secret not in logged
    basic = httpx.BasicAuth(CLIENT_ID, CLIENT_SECRET)._auth_header
    assert "Bearer ey" not in logged and basic not in logged  # no Authorization header values
    assert CLIENT_SECRET not in repr(auth) and access not in repr(api)
