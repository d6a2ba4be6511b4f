"""The 404 page: the app's navigation and a way back, instead of a bare "404" (issue 13, item 7)."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import page_shell
from invoicehub.i18n import N_
from invoicehub.state.auth import page_title
from invoicehub.state.i18n import tr


def not_found_page() -> rx.Component:
    return page_shell(
        rx.flex(
            rx.text(
                tr("This page does not exist or has moved."),
                color="gray",
                # Reflex does not run the "404" route's on_load for every unknown address: the
                # language and title come with the page itself.
                on_mount=page_title(N_("Page not found")),
            ),
            rx.link(tr("Go to settings"), href="/settings", id="not-found-home"),
            direction="column",
            spacing="3",
        ),
        title=N_("Page not found"),
    )
