"""The "reconnecting" banner every page shows while its websocket to the server is down.

Reflex queues the events a page sends while disconnected and retries the connection with a
backoff; without a visible state a click then seems to do nothing. The banner shows from the
first failed reconnect attempt until the socket is back (Reflex's own `connectErrors`).

It replaces Reflex's own connection overlay (components/app_wraps.py). The banner reads the
catalogue: Polish until the signed-in user's language is known (a page that never connected),
then theirs.
"""

from __future__ import annotations

import reflex as rx
from reflex.components.core.banner import has_connection_errors

from invoicehub.state.i18n import tr

RECONNECTING_TEXT = "Connection to the server lost. Reconnecting…"
RECONNECTING_HINT = "What you do now is sent once the connection is back."
BANNER_ID = "reconnecting-banner"


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
