"""Tables that scroll sideways inside their own box (the page never does), and empty states."""

from __future__ import annotations

import reflex as rx

from invoicehub.i18n import N_
from invoicehub.state.i18n import tr


def scroll_table(
    headers: list[str], body: rx.Component, *, min_width: str = "640px", label: str = ""
) -> rx.Component:
    """A table in a horizontally scrollable, keyboard-focusable region of its own.

    `headers` and `label` are msgids ("#" and other symbols are kept as they are).
    """
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(_header(h), white_space="nowrap")
                        for h in headers
                    ]
                )
            ),
            rx.table.body(body),
            variant="surface",
            size="2",
            min_width=min_width,
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        max_width="100%",
        tab_index=0,
        role="region",
        aria_label=tr(label or "Table"),
    )


def _header(text: str) -> rx.Var | str:
    return text if not text.strip("#") else tr(text)


def empty_state(title: str, text: str = "", icon: str = "inbox") -> rx.Component:
    """`title` and `text` are msgids."""
    return rx.flex(
        rx.icon(icon, size=32, color="var(--gray-9)"),
        rx.text(tr(title), weight="medium"),
        rx.cond(
            text != "",
            rx.text(tr(text) if text else "", size="2", color="gray", text_align="center"),
        ),
        direction="column",
        align="center",
        spacing="2",
        padding_y="2em",
        width="100%",
    )


def loading_state(text: str = N_("Loading…")) -> rx.Component:
    return rx.flex(
        rx.spinner(size="2"),
        rx.text(tr(text), size="2", color="gray"),
        align="center",
        justify="center",
        spacing="2",
        padding_y="1.5em",
        width="100%",
        role="status",
    )


def cell(value: rx.Var | str, **props) -> rx.Component:
    return rx.table.cell(value, **props)
