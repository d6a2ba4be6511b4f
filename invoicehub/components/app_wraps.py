"""The app wraps around every page, without Reflex's own English texts (issue 13, item 2).

Reflex's defaults (`rx.App.app_wraps`) show a toast "Cannot connect to server: … Check if server
is reachable at ws://…" and an icon titled "Connection Error: …" while the websocket is down,
and, when a page fails to render, "An error occurred while rendering this page." over the raw
JavaScript stack with a "Built with Reflex" link. Here the connection overlay is left out (the
reconnecting banner, components/connection.py, says it in the user's language) and the error
page is the app's own: a plain sentence in Polish and English (it renders outside the state, so
the reader's language is unknown there), a way back, no stack.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import cast

import reflex as rx
from reflex.components.base.error_boundary import ErrorBoundary
from reflex.components.component import Component
from reflex.event import noop

from invoicehub.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext

# Reflex's wraps (reflex/app.py): its connection toast and icon, and its error boundary.
REFLEX_OVERLAY = (5, "Overlay")
REFLEX_ERROR_BOUNDARY = (55, "ErrorBoundary")
ERROR_TITLE = N_("Something went wrong while showing this page.")
ERROR_HINT = N_("Reload the page. If it happens again, go back to the settings.")
ERROR_PAGE_CLASS = "render-error"

Wraps = dict[tuple[int, str], Callable[[bool], Component | None]]


def _in_language(language: str) -> rx.Component:
    # One h1 (the default language's); no `id`s: Reflex would give them a React ref, which a
    # fallback rendered outside any component cannot hold.
    heading = rx.el.h1 if language == DEFAULT_LANGUAGE else rx.el.h2
    return rx.el.div(
        heading(gettext(language, ERROR_TITLE), style={"fontSize": "1.25rem"}),
        rx.el.p(gettext(language, ERROR_HINT)),
        rx.el.p(
            rx.el.a(gettext(language, "Go to settings"), href="/settings"),
        ),
        lang=language,
        style={"marginBottom": "1.5rem"},
    )


def error_page() -> rx.Component:
    """What a page that failed to render shows instead (the error itself goes to the server's
    log through Reflex's handler, never to the seller)."""
    return rx.el.main(
        *[_in_language(language) for language in LANGUAGES],
        class_name=ERROR_PAGE_CLASS,
        role="alert",
        style={
            "maxWidth": "40rem",
            "margin": "10vh auto",
            "padding": "1rem",
            "fontFamily": "system-ui, sans-serif",
        },
    )


def _error_boundary(stateful: bool) -> Component:
    return ErrorBoundary.create(
        fallback_render=rx.Var.create(error_page()),
        **({"on_error": noop()} if not stateful else {}),
    )


def app_wraps() -> Wraps:
    """Reflex's default app wraps with the two above replaced; fails at import if a Reflex
    upgrade renames them."""
    (field,) = [f for f in dataclasses.fields(rx.App) if f.name == "app_wraps"]
    wraps = cast(Callable[[], Wraps], field.default_factory)()
    del wraps[REFLEX_OVERLAY]
    if REFLEX_ERROR_BOUNDARY not in wraps:
        raise KeyError(REFLEX_ERROR_BOUNDARY)
    wraps[REFLEX_ERROR_BOUNDARY] = _error_boundary
    return wraps
