"""`PrincipalRoute`: a GET route called without FastAPI's per-request dependency solving.

For the reads behind every seller's page (the Allegro settings and status, a Redis read on a
cache hit): FastAPI spent about 55 us of CPU per request solving and checking their two
parameters, a fifth of the whole request. Such a route is declared, documented and guarded like
any other (same signature, same OpenAPI, the API's exception handlers answer whatever it
raises); per request it calls the endpoint with the matched `str` path parameters and
`get_principal(request)`, which is what `PrincipalDep` resolves to (token check and per-user
limit included).

The shortcut is only taken where it changes nothing: the constructor refuses an endpoint with
any other parameter or dependency (query, header, body, a non-`str` path parameter), a sync
endpoint, or one not declared to return a Response (FastAPI would serialize anything else).
tests/unit/test_api_routes.py checks the same of every inclusion of such a route.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from fastapi import APIRouter, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from invoicehub.api.deps import get_principal

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def principal_get(router: APIRouter, path: str, **options: Any) -> Callable[[Endpoint], Endpoint]:
    """`@router.get(path, **options)`, the route being a PrincipalRoute."""

    def decorator(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(
            path, endpoint, methods=["GET"], route_class_override=PrincipalRoute, **options
        )
        return endpoint

    return decorator


class PrincipalRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        principal_name = principal_parameter(self.dependant)
        if principal_name is None:
            raise TypeError(f"{self.path}: not an endpoint PrincipalRoute can call (module doc)")
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            principal = await get_principal(request)
            response: Response = await endpoint(
                **request.path_params, **{principal_name: principal}
            )
            return response

        return handler


def principal_parameter(dependant: Dependant) -> str | None:
    """The endpoint's principal parameter name if `dependant` has only `str` path parameters
    and `PrincipalDep`, is async and returns a Response; None otherwise."""
    call = dependant.call
    if call is None or not inspect.iscoroutinefunction(call):
        return None
    returns = inspect.signature(call, eval_str=True).return_annotation
    if not (isinstance(returns, type) and issubclass(returns, Response)):
        return None
    others = (
        dependant.query_params,
        dependant.header_params,
        dependant.cookie_params,
        dependant.body_params,
        dependant.request_param_name,
        dependant.websocket_param_name,
        dependant.http_connection_param_name,
        dependant.response_param_name,
        dependant.background_tasks_param_name,
        dependant.security_scopes_param_name,
    )
    if any(others) or [d.call for d in dependant.dependencies] != [get_principal]:
        return None
    if any(param.field_info.annotation is not str for param in dependant.path_params):
        return None
    return dependant.dependencies[0].name
