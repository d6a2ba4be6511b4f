"""KSeF's answer shapes (open-api.json): ExceptionResponse for 400, problem+json for 401/403/410,
TooManyRequestsResponse for 429. Bodies never echo a token back."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.responses import JSONResponse, Response

from invoicehub.emulator.ksef.clock import iso
from invoicehub.emulator.ksef.limits import retry_after_header

SERVICE_CTX = "srvEMUL"


class KsefHttpError(Exception):
    """Raised inside a handler; `app` turns it into the documented error response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def ok(payload: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(payload, status_code=status)


def exception_response(
    now: float, code: int, description: str, details: list[str] | None = None, status: int = 400
) -> JSONResponse:
    body = {
        "exception": {
            "exceptionDetailList": [
                {"exceptionCode": code, "exceptionDescription": description, "details": details}
            ],
            "serviceCode": uuid.uuid4().hex,
            "serviceCtx": SERVICE_CTX,
            "serviceName": "KSeF emulator",
            "timestamp": iso(now),
        }
    }
    return JSONResponse(body, status_code=status)


def bad_request(now: float, description: str, details: list[str] | None = None) -> KsefHttpError:
    # 21405 is KSeF's "Błąd walidacji danych wejściowych"; the description says what was wrong.
    return KsefHttpError(exception_response(now, 21405, description, details))


def problem(now: float, status: int, title: str, detail: str, path: str, **extra: Any) -> Response:
    body = {
        "title": title,
        "status": status,
        "detail": detail,
        "instance": path,
        "traceId": uuid.uuid4().hex,
        "timestamp": iso(now),
        **extra,
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        media_type="application/problem+json",
    )


def unauthorized(now: float, path: str, detail: str = "Brak lub nieprawidłowy token.") -> Exception:
    return KsefHttpError(problem(now, 401, "Unauthorized", detail, path))


def forbidden(now: float, path: str, detail: str, reason: str) -> KsefHttpError:
    return KsefHttpError(problem(now, 403, "Forbidden", detail, path, reasonCode=reason))


def too_many_requests(wait: float, detail: str) -> JSONResponse:
    seconds = retry_after_header(wait)
    body = {
        "status": {
            "code": 429,
            "description": "Too Many Requests",
            "details": [f"{detail} Spróbuj ponownie po {seconds} sekundach."],
        }
    }
    return JSONResponse(body, status_code=429, headers={"Retry-After": seconds})
