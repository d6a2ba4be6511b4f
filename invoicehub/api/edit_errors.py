"""How the API answers a refused catalog edit: 404, 409 or 422, in FastAPI's 422 body shape."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import HTTPException, status
from pydantic.alias_generators import to_camel

from invoicehub.domain.edits import EditConflict, EditRefused, RowNotFound


@contextmanager
def edit_refusals(not_found_detail: str) -> Iterator[None]:
    """A missing or foreign row answers 404, a taken unique value 409, refused input 422."""
    try:
        yield
    except RowNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, not_found_detail) from exc
    except EditConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, refusal_detail(exc)) from exc
    except EditRefused as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, refusal_detail(exc)) from exc


def refused_fields(
    description: str, field: str, message: str, status_code: int = 422
) -> dict[int | str, dict[str, Any]]:
    """A refused edit (422, or 409 for a taken unique value), documented in FastAPI's 422 shape
    (one entry per refused field)."""
    example = {"detail": [{"loc": ["body", field], "msg": message, "type": "value_error"}]}
    content = {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}, "example": example}
    return {status_code: {"description": description, "content": {"application/json": content}}}


def refusal_detail(exc: EditRefused) -> list[dict[str, Any]]:
    """A refusal from the domain (e.g. a taken SKU) in the same shape as FastAPI's 422."""
    return [
        {"loc": ["body", to_camel(field)], "msg": message, "type": "value_error"}
        for field, message in exc.errors.items()
    ]
