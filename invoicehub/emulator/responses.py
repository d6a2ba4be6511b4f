"""Allegro-shaped responses: the versioned media type, the `errors` envelope, OAuth error bodies."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from invoicehub.emulator.config import ALLEGRO_MEDIA_TYPE

GENERIC_USER_MESSAGE = "The request contains incorrect data. Contact the author of the application."


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def allegro_json(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    body = payload if isinstance(payload, bytes) else dumps(payload)
    return Response(body, status_code=status, media_type=ALLEGRO_MEDIA_TYPE, headers=headers)


def error_entry(
    code: str,
    message: str,
    *,
    path: str | None = None,
    user_message: str | None = None,
    null_user_message: bool = False,
) -> dict[str, Any]:
    # Field order and the explicit nulls follow the bodies observed on the real API.
    return {
        "code": code,
        "message": message,
        "details": None,
        "path": path,
        "userMessage": None if null_user_message else (user_message or message),
    }


def allegro_error(
    status: int,
    code: str,
    message: str,
    *,
    path: str | None = None,
    user_message: str | None = None,
    null_user_message: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    entry = error_entry(
        code, message, path=path, user_message=user_message, null_user_message=null_user_message
    )
    return allegro_json({"errors": [entry]}, status, headers)


def not_acceptable() -> Response:
    entry = error_entry(
        "NotAcceptableException",
        "Not acceptable representation requested. Please check 'Accept' request header",
        user_message=GENERIC_USER_MESSAGE,
    )
    return allegro_json({"errors": [{**entry, "metadata": {}}]}, 406)


def too_many_requests(retry_after: float | None) -> Response:
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after is not None else None
    return allegro_error(
        429,
        "TOO_MANY_REQUESTS",
        "Too Many Requests.",
        path="",
        user_message="The maximum number of queries per user has been exceeded. "
        "Try again in a few moments.",
        headers=headers,
    )


def not_found(path: str | None = None) -> Response:
    return allegro_error(
        404,
        "NotFoundException",
        "Not found",
        user_message="Funkcja niedostępna. Skontaktuj się z autorem aplikacji.",
    )


def validation_error(message: str, path: str, status: int = 422) -> Response:
    return allegro_error(status, "VALIDATION_ERROR", message, path=path, user_message=message)


def oauth_error(status: int, error: str, description: str) -> Response:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if status == 401:
        headers["WWW-Authenticate"] = f'Bearer realm="allegro", error="{error}"'
    return Response(
        dumps({"error": error, "error_description": description}),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def api_unauthorized(error: str, description: str) -> Response:
    """401 from the resource server: OAuth-style body (the one exception to the errors envelope)."""
    return Response(
        dumps({"error": error, "error_description": description}),
        status_code=401,
        media_type=ALLEGRO_MEDIA_TYPE,
        headers={"WWW-Authenticate": f'Bearer realm="allegro", error="{error}"'},
    )


def control_json(payload: Any, status: int = 200) -> Response:
    return Response(dumps(payload), status_code=status, media_type="application/json")


def control_error(message: str, status: int = 400) -> Response:
    return control_json({"error": message}, status)
