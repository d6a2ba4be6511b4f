"""The API's routers are tried in ROUTER_MODULES order (the most requested first, for speed):
that is safe only while no two routes answer the same method and path. PrincipalRoutes (called
without dependency solving) take only endpoints they call exactly as FastAPI would."""

from __future__ import annotations

import re

import pytest
from fastapi import Request, Response
from fastapi.routing import APIRoute, iter_route_contexts

from invoicehub.api.app import create_api
from invoicehub.api.deps import PrincipalDep, SessionDep
from invoicehub.api.lean_route import PrincipalRoute, principal_parameter

Route = tuple[str, set[str], re.Pattern[str]]


def _api_routes() -> list[Route]:
    found = []
    for included in create_api().router.routes:
        router = getattr(included, "original_router", None)
        for route in router.routes if router is not None else [included]:
            methods = getattr(route, "methods", None)
            if methods:
                found.append((route.path, set(methods), route.path_regex))
    return found


def _overlaps(routes: list[Route]) -> list[tuple[str, list[str]]]:
    overlaps = []
    for path, methods, _ in routes:
        sample = re.sub(r"\{[^}]+\}", "x1", path)
        owners = [
            other for other, verbs, regex in routes if verbs & methods and regex.match(sample)
        ]
        if len(owners) > 1:
            overlaps.append((path, owners))
    return overlaps


def test_no_two_routes_answer_the_same_method_and_path():
    routes = _api_routes()
    assert len(routes) > 40  # every router was found
    assert _overlaps(routes) == []


def test_a_route_that_shadows_another_is_found():
    shadow = APIRoute("/allegro/settings/x1", endpoint=lambda: None, methods=["GET"])
    overlaps = _overlaps([*_api_routes(), (shadow.path, set(shadow.methods), shadow.path_regex)])
    assert [path for path, _ in overlaps] == [
        "/allegro/settings/{integration_id}",
        "/allegro/settings/x1",
    ]


def test_every_principal_route_is_called_as_fastapi_would_call_it():
    """A PrincipalRoute skips dependency solving: wherever it is included, its endpoint must have
    nothing to solve but `str` path parameters and the principal (no router-level dependency)."""
    contexts = [
        context
        for context in iter_route_contexts(create_api().routes)
        if isinstance(context.original_route, PrincipalRoute)
    ]
    assert {context.path for context in contexts} == {
        "/allegro/settings/{integration_id}",
        "/allegro/status/{integration_id}",
    }
    for context in contexts:
        assert principal_parameter(context.dependant) == "principal", context.path


async def _query(integration_id: str, principal: PrincipalDep, q: str) -> Response:
    return Response()


def _sync(integration_id: str, principal: PrincipalDep) -> Response:
    return Response()


async def _model(integration_id: str, principal: PrincipalDep) -> dict[str, str]:
    return {}


async def _number(integration_id: int, principal: PrincipalDep) -> Response:
    return Response()


async def _session(integration_id: str, principal: PrincipalDep, session: SessionDep) -> Response:
    return Response()


async def _request(integration_id: str, principal: PrincipalDep, request: Request) -> Response:
    return Response()


async def _anonymous(integration_id: str) -> Response:
    return Response()


@pytest.mark.parametrize(
    "endpoint", [_query, _sync, _model, _number, _session, _request, _anonymous]
)
def test_a_principal_route_refuses_an_endpoint_it_would_call_differently(endpoint):
    with pytest.raises(TypeError, match="not an endpoint PrincipalRoute can call"):
        PrincipalRoute("/x/{integration_id}", endpoint, methods=["GET"])


async def _fine(integration_id: str, principal: PrincipalDep) -> Response:
    return Response()


def test_a_principal_route_takes_path_parameters_and_the_principal():
    route = PrincipalRoute("/x/{integration_id}", _fine, methods=["GET"])
    assert principal_parameter(route.dependant) == "principal"
