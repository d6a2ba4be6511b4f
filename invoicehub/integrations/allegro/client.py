"""HTTP clients for Allegro: `AllegroApiClient` (REST, one method per endpoint) and
`AllegroAuthClient` (OAuth2 token endpoint). HTTP only: no database, no token storage.

Every failure is a typed `AllegroError` (see errors.py). Tokens and the client secret never reach a
log line, an exception message or a repr.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from invoicehub.integrations.allegro.errors import (
    AllegroError,
    RateLimited,
    TransientError,
    response_json,
    translate_error,
)
from invoicehub.settings import get_settings

logger = logging.getLogger(__name__)

ALLEGRO_MEDIA_TYPE = "application/vnd.allegro.public.v1+json"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
MAX_INLINE_RETRY_AFTER = 2.0  # a 429 asking for at most this many seconds is waited out once
CHECKOUT_FORMS_PAGE = 100  # Allegro's maximum `limit` for checkout forms
EVENTS_PAGE = 1000  # Allegro's maximum `limit` for order events
LISTING_WINDOW = 10_000  # offset + limit may not exceed this on listings

Sleep = Callable[[float], None]


BETA_MEDIA_TYPE = "application/vnd.allegro.beta.v1+json"


def format_allegro_datetime(value: datetime | str) -> str:
    """Allegro's query format: UTC, milliseconds, `Z`. Strings pass through unchanged."""
    if isinstance(value, str):
        return value
    if value.tzinfo is None:
        raise ValueError("datetimes sent to Allegro must be timezone-aware")
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _send(http: httpx.Client, request: httpx.Request, where: str) -> httpx.Response:
    """Send, turning transport failures into TransientError (without the request's headers)."""
    started = time.monotonic()
    try:
        response = http.send(request)
    except httpx.TimeoutException as exc:
        raise TransientError(f"{where}: timed out ({type(exc).__name__})") from None
    except httpx.TransportError as exc:
        raise TransientError(f"{where}: {type(exc).__name__}: {exc}") from None
    logger.debug(
        "Allegro %s -> %s in %.0f ms (trace-id %s)",
        where,
        response.status_code,
        (time.monotonic() - started) * 1000,
        response.headers.get("trace-id"),
    )
    return response


def _path_segment(value: str) -> str:
    return quote(str(value), safe="")


class AllegroApiClient:
    """Allegro REST API on behalf of one seller (one access token). Returns raw JSON dicts."""

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str | None = None,
        http: httpx.Client | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._access_token = access_token
        self.base_url = (base_url or get_settings().allegro_api_url).rstrip("/")
        self._http = http or httpx.Client()
        self._owns_http = http is None
        self._timeout = timeout
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"AllegroApiClient(base_url={self.base_url!r})"

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> AllegroApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
        accept: str = ALLEGRO_MEDIA_TYPE,
    ) -> Any:
        headers = {"Accept": accept, "Authorization": f"Bearer {self._access_token}"}
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False).encode()
            content_type = ALLEGRO_MEDIA_TYPE
        if content_type:
            headers["Content-Type"] = content_type
        where = f"{method} {path}"
        for attempt in range(2):
            request = self._http.build_request(
                method,
                self.base_url + path,
                params=httpx.QueryParams([*params]) if params else None,
                content=content,
                headers=headers,
                timeout=self._timeout,
            )
            response = _send(self._http, request, where)
            if response.is_success:
                return response_json(response)
            error = translate_error(response, self._access_token)
            retry_after = error.retry_after if isinstance(error, RateLimited) else None
            if attempt == 0 and retry_after is not None and retry_after <= MAX_INLINE_RETRY_AFTER:
                logger.info("Allegro %s rate limited; retrying in %.1f s", where, retry_after)
                self._sleep(retry_after)
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    # -- account ------------------------------------------------------------------------------

    def get_me(self) -> dict[str, Any]:
        return self._request("GET", "/me")

    # -- orders -------------------------------------------------------------------------------

    def list_checkout_forms(
        self,
        *,
        offset: int = 0,
        limit: int = CHECKOUT_FORMS_PAGE,
        status: str | Iterable[str] | None = None,
        updated_at_gte: datetime | str | None = None,
        updated_at_lte: datetime | str | None = None,
        bought_at_gte: datetime | str | None = None,
        bought_at_lte: datetime | str | None = None,
        sort: str | None = None,
    ) -> dict[str, Any]:
        """One page `{checkoutForms, count, totalCount}`; `offset + limit` must stay <= 10 000."""
        params = [("offset", str(offset)), ("limit", str(limit))]
        statuses = [status] if isinstance(status, str) else list(status or [])
        params += [("status", s) for s in statuses]
        for name, value in (
            ("updatedAt.gte", updated_at_gte),
            ("updatedAt.lte", updated_at_lte),
            ("lineItems.boughtAt.gte", bought_at_gte),
            ("lineItems.boughtAt.lte", bought_at_lte),
        ):
            if value is not None:
                params.append((name, format_allegro_datetime(value)))
        if sort:
            params.append(("sort", sort))
        return self._request("GET", "/order/checkout-forms", params=params)

    def get_checkout_form(self, checkout_form_id: str) -> dict[str, Any]:
        return self._request("GET", f"/order/checkout-forms/{_path_segment(checkout_form_id)}")

    def iter_checkout_forms(
        self,
        *,
        status: str | Iterable[str] | None = None,
        updated_at_gte: datetime | str | None = None,
        updated_at_lte: datetime | str | None = None,
        page_size: int = CHECKOUT_FORMS_PAGE,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of checkout forms, oldest `updatedAt` first, past the 10 000-item window.

        Allegro refuses offset + limit > 10 000, so when the window is used up the listing restarts
        at the last `updatedAt` seen (`updatedAt.gte`), skipping the ids already yielded there.
        A form updated while paging may be yielded twice; the ledger dedupes by id and revision.
        """
        statuses = [status] if isinstance(status, str) else list(status or [])
        window_start = format_allegro_datetime(updated_at_gte) if updated_at_gte else None
        offset = 0
        last_updated: str | None = None
        at_last_updated: set[str] = set()
        skip: set[str] = set()
        while True:
            if offset + page_size > LISTING_WINDOW:
                if last_updated is None or last_updated == window_start:
                    raise AllegroError(
                        f"more than {LISTING_WINDOW} checkout forms share updatedAt {last_updated}"
                    )
                window_start, offset, skip = last_updated, 0, set(at_last_updated)
            page = self.list_checkout_forms(
                offset=offset,
                limit=page_size,
                status=statuses,
                updated_at_gte=window_start,
                updated_at_lte=updated_at_lte,
                sort="updatedAt",
            )
            forms: list[dict[str, Any]] = page.get("checkoutForms") or []
            fresh = [form for form in forms if form.get("id") not in skip]
            for form in forms:
                if form.get("updatedAt") != last_updated:
                    last_updated, at_last_updated = form.get("updatedAt"), set()
                at_last_updated.add(str(form.get("id")))
            if fresh:
                yield fresh
            if len(forms) < page_size:
                return
            offset += len(forms)

    # -- order events -------------------------------------------------------------------------

    def list_order_events(
        self,
        from_id: str | None = None,
        types: Iterable[str] | None = None,
        limit: int = EVENTS_PAGE,
    ) -> dict[str, Any]:
        """`{events}` strictly after `from_id`, oldest first (the oldest retained when None)."""
        params = [("limit", str(limit))]
        if from_id is not None:
            params.append(("from", str(from_id)))
        params += [("type", t) for t in types or []]
        return self._request("GET", "/order/events", params=params)

    def iter_order_events(
        self,
        from_id: str | None = None,
        types: Iterable[str] | None = None,
        limit: int = EVENTS_PAGE,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of events after `from_id` until the journal is exhausted."""
        type_list = list(types or [])
        cursor = from_id
        while True:
            events = self.list_order_events(cursor, type_list, limit).get("events") or []
            if not events:
                return
            yield events
            cursor = str(events[-1]["id"])
            if len(events) < limit:
                return

    def get_event_stats(self) -> dict[str, Any]:
        return self._request("GET", "/order/event-stats")

    # -- invoices -----------------------------------------------------------------------------

    def create_invoice_metadata(
        self, order_id: str, file_name: str, invoice_number: str | None
    ) -> dict[str, Any]:
        """Step 1 of attaching an invoice: returns `{id}` of the new invoice slot."""
        body: dict[str, Any] = {"file": {"name": file_name}}
        if invoice_number is not None:
            body["invoiceNumber"] = invoice_number
        path = f"/order/checkout-forms/{_path_segment(order_id)}/invoices"
        return self._request("POST", path, json_body=body)

    def upload_invoice_file(self, order_id: str, invoice_id: str, pdf: bytes) -> None:
        """Step 2: the raw PDF bytes (not multipart), at most 3 MB."""
        path = (
            f"/order/checkout-forms/{_path_segment(order_id)}"
            f"/invoices/{_path_segment(invoice_id)}/file"
        )
        self._request("PUT", path, content=pdf, content_type="application/pdf")

    def list_invoices(self, order_id: str) -> dict[str, Any]:
        return self._request("GET", f"/order/checkout-forms/{_path_segment(order_id)}/invoices")

    # -- refunds and returns (read by integrations/allegro/refunds.py) ------------------------

    def list_refunds(self, params: list[tuple[str, str]]) -> dict[str, Any]:
        return self._request("GET", "/payments/refunds", params=params)

    def list_customer_returns(self, params: list[tuple[str, str]]) -> dict[str, Any]:
        """A beta resource: Allegro serves it only under its beta media type."""
        return self._request(
            "GET", "/order/customer-returns", params=params, accept=BETA_MEDIA_TYPE
        )

    # -- offers -------------------------------------------------------------------------------

    def get_product_offer(self, offer_id: str) -> dict[str, Any]:
        return self._request("GET", f"/sale/product-offers/{_path_segment(offer_id)}")
