"""Previous / next paging for server-side paginated lists."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType


def pagination(
    page: rx.Var,
    page_count: rx.Var,
    total: rx.Var,
    on_previous: EventType,
    on_next: EventType,
    *,
    noun: str = "items",
) -> rx.Component:
    """ "23 invoices · page 1 of 2" and the two buttons (disabled at either end)."""
    one = noun.removesuffix("s")
    return rx.flex(
        rx.text(
            total.to_string(),
            rx.cond(total == 1, f" {one}", f" {noun}"),
            " · page ",
            page.to_string(),
            " of ",
            page_count.to_string(),
            size="2",
            color="gray",
            aria_live="polite",
        ),
        rx.flex(
            rx.button(
                rx.icon("chevron-left", size=16),
                "Previous",
                variant="soft",
                size="2",
                disabled=page <= 1,
                on_click=on_previous,
                aria_label="Previous page",
            ),
            rx.button(
                "Next",
                rx.icon("chevron-right", size=16),
                variant="soft",
                size="2",
                disabled=page >= page_count,
                on_click=on_next,
                aria_label="Next page",
            ),
            spacing="2",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
        margin_top="0.75em",
    )
