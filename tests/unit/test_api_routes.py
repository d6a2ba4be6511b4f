"""The API's routers are tried in ROUTER_MODULES order (the most requested first, for speed):
that is safe only while no two routes answer the same method and path."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from invoicehub.api.app import create_api

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
