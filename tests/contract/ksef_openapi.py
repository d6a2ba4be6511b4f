"""Validate KSeF emulator responses against the official KSeF 2.0 OpenAPI file beside this module
(a copy of docs/open-api.json from CIRFMF/ksef-docs, MIT). The spec's paths omit the `/v2` prefix.

The schema is the one the spec documents for (path, method, status, response media type), looked up
by JSON pointer, so inline schemas (e.g. the array of public-key certificates) are checked too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).with_name("ksef-openapi.json")
SPEC_URI = "urn:ksef-openapi"
PREFIX = "/v2"


@cache
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
        return document


@cache
def _registry() -> Registry:
    return Registry().with_resource(
        SPEC_URI, Resource.from_contents(spec(), default_specification=DRAFT4)
    )


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def schema_errors(payload: Any, pointer: str) -> list[str]:
    validator = OAS30Validator(
        {"$ref": f"{SPEC_URI}#/{pointer}"},
        registry=_registry(),
        format_checker=oas30_format_checker,
    )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(payload)
    ]


def assert_component(payload: Any, name: str) -> None:
    errors = schema_errors(payload, _pointer("components", "schemas", name))
    assert not errors, f"{name} violations:\n" + "\n".join(errors[:20])


def assert_ksef_response(response: httpx.Response, path: str) -> None:
    """The status is documented for (path, method) and the body fits its schema and media type."""
    method = response.request.method.lower()
    spec_path = path.removeprefix(PREFIX)
    responses = spec()["paths"][spec_path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{method.upper()} {spec_path} does not document {status}"
    content = responses[status].get("content") or {}
    if not content:
        assert response.content == b"", f"{status} documents no body"
        return
    media = response.headers.get("content-type", "").split(";")[0].strip()
    assert media in content, f"{media!r} not among {sorted(content)} for {status}"
    if media == "application/xml":
        assert response.content.startswith(b"<?xml")
        return
    pointer = _pointer("paths", spec_path, method, "responses", status, "content", media, "schema")
    errors = schema_errors(response.json(), pointer)
    assert not errors, f"{method.upper()} {spec_path} {status} violations:\n" + "\n".join(
        errors[:20]
    )
    if status == "429":
        assert int(response.headers["Retry-After"]) >= 1
