"""Uniform error bodies (`{"detail": ...}`), their OpenAPI docs, and the audit row for denials.

Wired by `install_error_handlers(api)` in `create_api()`. Domain errors (an integration, run or
notification the caller cannot see, a transition the integration cannot make, a foreign tenant
id) are mapped to HTTP here, once, by DOMAIN_ERRORS: routes let them propagate. A 403 or 404
answered to a signed-in caller is recorded as `api.denied` (ARCHITECTURE §8: a foreign id answers
404, so every probe of another tenant's ids leaves a trace), in its own transaction so a
rolled-back request keeps it. It also documents, on every operation, the errors that come from
shared layers rather than from the route: 401 and 429 from the bearer dependency, 400 and 413
for request bodies.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic.alias_generators import to_camel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from invoicehub.activity import record_denial
from invoicehub.admin.feed import NotificationNotFound
from invoicehub.api.deps import client_address
from invoicehub.api.edit_errors import refusal_detail, settings_error_detail
from invoicehub.api.schema import ApiModel
from invoicehub.auth.tokens import Principal
from invoicehub.domain.edits import EditConflict, EditRefused, RowNotFound
from invoicehub.domain.invoice_drafts import InvoiceAlreadyPaid, InvoiceNotFound
from invoicehub.domain.payments import PaymentRefused
from invoicehub.integrations.allegro.connection.oauth import ConnectError
from invoicehub.integrations.allegro.lifecycle import TransitionRefused
from invoicehub.integrations.allegro.preferences import SettingsError
from invoicehub.integrations.allegro.runs.requests import (
    CompanyNotFound,
    ForeignReference,
    RunNotFound,
)
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.integrations.ksef.offline_cert import OfflineCertificateInvalid
from invoicehub.integrations.ksef.submissions import AlreadyAccepted

log = logging.getLogger(__name__)

DENIAL_STATUSES = frozenset({403, 404})
# A 422 quotes at most this much of what was sent (a 100 KB field is not echoed back).
MAX_QUOTED_INPUT = 100
MAX_ERROR_MESSAGE = 300


class ErrorResponse(ApiModel):
    detail: str


_DEFAULT_DETAILS = {
    401: "authentication required",
    403: "administrator role required",
    404: "integration not found",
    409: "conflict with the current state",
    413: "request body too large (limit 1 MB)",
    429: "too many requests, try again later",
    503: "a required service is unavailable",
}


def error_responses(
    descriptions: dict[int, str | tuple[str, str]],
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries with the error body and an example, keyed by status.

    A value is the description, or (description, the `detail` the example shows).
    """
    responses: dict[int | str, dict[str, Any]] = {}
    for code, value in descriptions.items():
        description, detail = value if isinstance(value, tuple) else (value, "")
        example = {"detail": detail or _DEFAULT_DETAILS.get(code, description.lower())}
        responses[code] = {
            "model": ErrorResponse,
            "description": description,
            "content": {"application/json": {"example": example}},
        }
        if code == 429:
            responses[code]["headers"] = {
                "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
            }
    return responses


def validation_error_response(
    description: str, field: str, message: str
) -> dict[int | str, dict[str, Any]]:
    """A 422 documented in FastAPI's own shape, naming the refused field."""
    example = {
        "detail": [{"loc": ["body", "settings", field], "msg": message, "type": "value_error"}]
    }
    return {
        422: {"description": description, "content": {"application/json": {"example": example}}}
    }


def _record_denial(request: Request, principal: Principal, status_code: int) -> None:
    route = request.scope.get("route")
    params = request.path_params
    target = next(iter(params.values()), "") if params else ""
    try:
        record_denial(
            principal,
            target_type="api_route",
            target=target,
            after={
                "method": request.method,
                "route": getattr(route, "path", request.url.path),
                "status": status_code,
            },
            ip=client_address(request),
        )
    except Exception:  # the refusal itself must still be answered
        log.warning("could not record an api.denied audit row", exc_info=False)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    principal = getattr(request.state, "principal", None)
    if exc.status_code in DENIAL_STATUSES and isinstance(principal, Principal):
        await run_in_threadpool(_record_denial, request, principal, exc.status_code)
    if exc.status_code == 422 and isinstance(exc.detail, list):
        return JSONResponse(
            {"detail": clip_errors(exc.detail)}, status_code=422, headers=exc.headers
        )
    return await http_exception_handler(request, exc)


def _field_refusal(exc: Exception) -> list[dict[str, Any]]:
    """A refused input named by the domain (`field`, snake_case), in FastAPI's 422 shape."""
    field = getattr(exc, "field", None)
    loc = ["body", to_camel(field)] if field else ["body"]
    return [{"loc": loc, "msg": str(exc), "type": "value_error"}]


def _settings_refusal(exc: Exception) -> list[dict[str, Any]]:
    assert isinstance(exc, SettingsError)
    return settings_error_detail(exc)


def _edit_refusal(exc: Exception) -> list[dict[str, Any]]:
    assert isinstance(exc, EditRefused)
    return refusal_detail(exc)


# Domain error -> (status, detail): a text, None for the exception's own message, or a function
# of the exception for FastAPI's 422 shape. The most specific class of an exception wins.
Detail = str | None | Callable[[Exception], list[dict[str, Any]]]
DOMAIN_ERRORS: dict[type[Exception], tuple[int, Detail]] = {
    IntegrationNotFound: (404, "integration not found"),
    RunNotFound: (404, "sync run not found"),
    CompanyNotFound: (404, "company not found"),
    NotificationNotFound: (404, "notification not found"),
    InvoiceNotFound: (404, "invoice not found"),
    RowNotFound: (404, None),  # "customer not found", "product not found"
    TransitionRefused: (409, None),  # SyncNotAllowed among them
    AlreadyAccepted: (409, "KSeF already accepted this invoice; it is never sent again"),
    EditConflict: (409, _edit_refusal),
    EditRefused: (422, _edit_refusal),
    SettingsError: (422, _settings_refusal),
    PaymentRefused: (422, _field_refusal),
    OfflineCertificateInvalid: (422, _field_refusal),  # certificate, privateKey or password
    InvoiceAlreadyPaid: (422, _field_refusal),  # its field: the amount
    ConnectError: (400, None),
    ForeignReference: (403, None),
}


def domain_http_error(exc: Exception) -> StarletteHTTPException:
    for cls in type(exc).__mro__:
        if cls in DOMAIN_ERRORS:
            code, detail = DOMAIN_ERRORS[cls]
            body = detail(exc) if callable(detail) else detail or str(exc)
            return HTTPException(code, body)
    raise TypeError(f"{type(exc).__name__} is not a mapped domain error") from exc


async def _domain_error(request: Request, exc: Exception) -> Response:
    return await _http_error(request, domain_http_error(exc))


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": clip_errors(jsonable_encoder(exc.errors()))}, status_code=422)


def clip_errors(errors: list[Any]) -> list[Any]:
    """FastAPI's 422 entries with the quoted input, names and messages cut to a short excerpt."""
    clipped = []
    for error in errors:
        if not isinstance(error, dict):
            clipped.append(_excerpt(error))
            continue
        entry = dict(error)
        if "input" in entry:
            entry["input"] = _excerpt(entry["input"])
        if isinstance(entry.get("loc"), list | tuple):
            entry["loc"] = [_excerpt(part) for part in entry["loc"]]
        if isinstance(entry.get("msg"), str):
            entry["msg"] = _clip(entry["msg"], MAX_ERROR_MESSAGE)
        if isinstance(entry.get("ctx"), dict):
            entry["ctx"] = {k: _excerpt(v) for k, v in entry["ctx"].items()}
        clipped.append(entry)
    return clipped


def _excerpt(value: Any) -> Any:
    """Short values as they are; anything longer as the start of its JSON text."""
    if isinstance(value, bool | int | float) or value is None:
        return value
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    if len(text) <= MAX_QUOTED_INPUT:
        return value
    return _clip(text, MAX_QUOTED_INPUT)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


async def _unexpected_error(_: Request, __: Exception) -> JSONResponse:
    # Starlette re-raises after answering, so the server still logs the traceback.
    return JSONResponse({"detail": "internal server error"}, status_code=500)


HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "options", "head", "trace"})
_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
SHARED_ERRORS: dict[str, dict[int, tuple[str, str]]] = {
    "security": {
        401: ("Missing, invalid or expired bearer token", "invalid or expired token"),
        429: ("Too many requests for this user; see Retry-After", _DEFAULT_DETAILS[429]),
    },
    "requestBody": {
        400: ("The body is not valid JSON text", "There was an error parsing the body"),
        413: ("The body is over 1 MB", _DEFAULT_DETAILS[413]),
    },
}


def _shared_error(code: int, description: str, detail: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": _ERROR_REF, "example": {"detail": detail}}},
    }
    if code == 429:
        entry["headers"] = {
            "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}
        }
    return entry


def document_shared_errors(api: FastAPI) -> None:
    """Add the shared layers' errors to every operation of `api.openapi()` that can meet them."""
    build: Callable[[], dict[str, Any]] = api.openapi

    def openapi() -> dict[str, Any]:
        if api.openapi_schema:
            return api.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorResponse", ErrorResponse.model_json_schema())
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if method not in HTTP_METHODS:
                    continue
                responses = operation.setdefault("responses", {})
                for marker, errors in SHARED_ERRORS.items():
                    if not operation.get(marker):
                        continue
                    for code, (description, detail) in errors.items():
                        responses.setdefault(str(code), _shared_error(code, description, detail))
        return schema

    api.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(api: FastAPI) -> None:
    api.add_exception_handler(StarletteHTTPException, _http_error)
    for domain_error in DOMAIN_ERRORS:
        api.add_exception_handler(domain_error, _domain_error)
    api.add_exception_handler(RequestValidationError, _validation_error)
    api.add_exception_handler(Exception, _unexpected_error)
    document_shared_errors(api)
