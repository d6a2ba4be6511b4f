"""The Integrations tab (Allegro)."""

from __future__ import annotations

import reflex as rx


def integrations_tab() -> rx.Component:
    return rx.card(
        rx.heading("Integrations", size="4"),
        rx.text("Connect your Allegro account to turn orders into invoices.", color="gray"),
    )


INTEGRATIONS_ON_LOAD: list = []
