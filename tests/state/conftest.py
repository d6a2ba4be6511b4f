"""Call Reflex event handlers directly, as the websocket would, with a chosen session cookie."""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import reflex as rx
from reflex.istate.data import RouterData
from sqlmodel import Session

import invoicehub.app  # noqa: F401  (registers every page state under the root state)
from invoicehub.auth.accounts import open_session
from invoicehub.auth.browser import SESSION_COOKIE, hash_session_cookies
from invoicehub.models import User

S = TypeVar("S", bound=rx.State)
ORIGIN = "http://127.0.0.1:8000"


def session_token(session: Session, user: User) -> str:
    token = open_session(session, user)
    session.commit()
    return token


def state_for(cls: type[S], token: str | None = None, path: str = "/") -> S:
    """A fresh state tree for one browser tab at `path`, signed in with `token` (or anonymous)."""
    headers = {"origin": ORIGIN}
    if token:
        # As the web process hands it to Reflex: the session cookie's hash, never the cookie.
        headers["cookie"] = hash_session_cookies(f"{SESSION_COOKIE}={token}".encode()).decode()
    root = rx.State(_reflex_internal_init=True)
    root.router = RouterData.from_router_data(
        {"headers": headers, "pathname": path.split("?")[0], "asPath": path}
    )
    return root.get_substate(cls.get_full_name().split("."))  # type: ignore[return-value]


def call(state: rx.State, handler: str, *args: Any) -> list[Any]:
    """Run one event handler to the end; returns the events it returned or yielded."""
    fn = type(state).event_handlers[handler].fn

    async def run() -> list[Any]:
        result = fn(state, *args)
        if inspect.isasyncgen(result):
            return [item async for item in result if item is not None]
        if inspect.isawaitable(result):
            result = await result
        return [] if result is None else [result]

    # A thread of its own: Playwright's sync API may already run an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def redirects_to(events: list[Any]) -> str:
    """The path of the first redirect among `events` ("" when there is none)."""
    for spec in events:
        handler = getattr(spec, "handler", None)
        if handler is not None and handler.fn.__qualname__ == "_redirect":
            args = {str(name._js_expr): value for name, value in spec.args}
            return str(getattr(args["path"], "_var_value", args["path"]))
    return ""
