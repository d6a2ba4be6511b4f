"""Previous / next paging for server-side paginated lists."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars import NumberVar

from invoicehub.state.i18n import tr


def pagination(
    page: NumberVar,
    page_count: NumberVar,
    total: NumberVar,
    on_previous: EventType,
    on_next: EventType,
    *,
    noun: str = "items",
) -> rx.Component:
    """ "Total: 23 · page 1 of 2" and the two buttons (disabled at either end).

    `noun` names the list for assistive technology (a msgid).
    """
    return rx.flex(
        rx.text(
            tr("Total: {total} · page {page} of {pages}", total=total, page=page, pages=page_count),
            size="2",
            color="gray",
            aria_live="polite",
        ),
        rx.flex(
            rx.button(
                rx.icon("chevron-left", size=16),
                tr("Previous"),
                variant="soft",
                size="2",
                disabled=page <= 1,
                on_click=on_previous,
                aria_label=tr("Previous page"),
            ),
            rx.button(
                tr("Next"),
                rx.icon("chevron-right", size=16),
                variant="soft",
                size="2",
                disabled=page >= page_count,
                on_click=on_next,
                aria_label=tr("Next page"),
            ),
            spacing="2",
        ),
        justify="between",
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
        margin_top="0.75em",
        role="navigation",
        aria_label=tr(noun),
    )
