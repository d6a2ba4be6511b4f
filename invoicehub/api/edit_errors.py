"""The 422 body shape (FastAPI's own) of refused edits and settings, and its OpenAPI entries;
api/errors.py answers the domain's refusals with them."""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_camel

from invoicehub.domain.edits import EditRefused
from invoicehub.integrations.allegro.preferences import SettingsError


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


def settings_error_detail(exc: SettingsError) -> list[dict[str, Any]]:
    """Refused integration settings in FastAPI's own 422 shape, one entry per refused field,
    named by its camelCase wire name (the settings' alias)."""
    return [
        {"loc": ["body", "settings", to_camel(field)], "msg": message, "type": "value_error"}
        for field, message in exc.errors.items()
    ]


def unknown_settings_detail(keys: list[str]) -> list[dict[str, Any]]:
    """Keys of a settings body that are not settings' wire names, in the same shape (named as
    sent: a snake_case field name is unknown on the wire)."""
    return [
        {"loc": ["body", "settings", key], "msg": f"unknown setting {key}", "type": "value_error"}
        for key in keys
    ]
