"""Validate emulator payloads against the official Allegro OpenAPI file copied beside this module.

Allegro sends every null field ([BASIC]: "null fields are always included") while the spec marks
only a few properties `nullable`, so `drop_nulls` removes null-valued keys before validation. That
only loosens optional fields: a required field that is null disappears and then fails `required`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).with_name("allegro-openapi.yaml")
SPEC_URI = "urn:allegro-openapi"
MEDIA_TYPE = "application/vnd.allegro.public.v1+json"


@cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def _registry() -> Registry:
    resource = Resource.from_contents(spec(), default_specification=DRAFT4)
    return Registry().with_resource(SPEC_URI, resource)


def drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value]
    return value


def _validator(ref: str) -> OAS30Validator:
    return OAS30Validator(
        {"$ref": f"{SPEC_URI}{ref}"}, registry=_registry(), format_checker=oas30_format_checker
    )


def schema_errors(payload: Any, schema_name: str) -> list[str]:
    """Messages of every violation of components/schemas/`schema_name` (empty when valid)."""
    validator = _validator(f"#/components/schemas/{schema_name}")
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(drop_nulls(payload))
    ]


def response_schema_name(path: str, method: str, status: int) -> str | None:
    """The component schema the spec documents for this operation's response, if any."""
    responses = spec()["paths"][path][method.lower()]["responses"]
    response = responses.get(str(status)) or {}
    content = response.get("content") or {}
    schema = (content.get(MEDIA_TYPE) or {}).get("schema") or {}
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else None


def assert_valid(payload: Any, schema_name: str) -> None:
    errors = schema_errors(payload, schema_name)
    assert not errors, f"{schema_name} violations:\n" + "\n".join(errors[:20])


def assert_response_valid(response: Any, path: str, fallback: str | None = None) -> None:
    """The response body fits the schema the spec gives for (path, method, status).

    `fallback` names the schema for statuses the spec lists without a body schema (e.g. 401 ->
    AuthError, 404 -> ErrorsHolder); without either the test fails, so nothing passes unchecked.
    """
    method = response.request.method
    name = response_schema_name(path, method, response.status_code) or fallback
    assert name, f"no schema documented for {method} {path} {response.status_code}"
    assert_valid(response.json(), name)
