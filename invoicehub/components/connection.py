"""The "reconnecting" banner every page shows while its websocket to the server is down.

Reflex queues the events a page sends while disconnected and retries the connection with a
backoff; without a visible state a click then seems to do nothing. The banner shows from the
first failed reconnect attempt until the socket is back (Reflex's own `connectErrors`).

It replaces Reflex's own overlay (`app_wraps`): a toast "Cannot connect to server: … Check if
server is reachable at ws://…" and a pulsing icon titled "Connection Error: …", in English
whatever the user's language and naming the websocket URL. The banner reads the catalogue:
Polish until the signed-in user's language is known (a page that never connected), then theirs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import reflex as rx
from reflex.components.component import Component
from reflex.components.core.banner import has_connection_errors

from invoicehub.state.i18n import tr

RECONNECTING_TEXT = "Connection to the server lost. Reconnecting…"
RECONNECTING_HINT = "What you do now is sent once the connection is back."
BANNER_ID = "reconnecting-banner"
# Reflex's app wrap with its connection toast and icon (reflex/app.py, `App.app_wraps`).
REFLEX_OVERLAY = (5, "Overlay")


def reconnecting_banner() -> rx.Component:
    return rx.cond(
        has_connection_errors,
        rx.box(
            rx.callout.root(
                rx.callout.icon(rx.icon("wifi-off", size=16)),
                rx.callout.text(rx.text.strong(tr(RECONNECTING_TEXT)), " ", tr(RECONNECTING_HINT)),
                color_scheme="amber",
                role="status",
                size="1",
            ),
            id=BANNER_ID,
            position="fixed",
            top="0",
            left="0",
            right="0",
            z_index="1000",
        ),
    )


def reconnecting_wrap(stateful: bool) -> rx.Component | None:
    """An app wrap: only pages with a websocket (stateful) can lose it."""
    return rx.fragment(reconnecting_banner()) if stateful else None


def app_wraps() -> dict[tuple[int, str], Callable[[bool], Component | None]]:
    """Reflex's default app wraps (error boundary, the configured extra overlay) without its
    English connection overlay; fails at import if a Reflex upgrade renames it."""
    (field,) = [f for f in dataclasses.fields(rx.App) if f.name == "app_wraps"]
    wraps = field.default_factory()  # type: ignore[misc]
    del wraps[REFLEX_OVERLAY]
    return wraps
