"""The admin's integrations on a phone or a narrow window (issue 13, items 8 and 9): one card
per integration with what matters (Allegro login, status, seller and company, last sync,
failures) and every action, instead of a table scrolled sideways. From 992 px the table shows."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.status_chip import status_chip
from invoicehub.pages.admin.actions import integration_actions
from invoicehub.pages.admin.state import AdminAllegroState
from invoicehub.state.i18n import tr, tr_value

# Cards below Reflex's `lg` breakpoint (62em, 992 px), the table from there: the table needs
# about 1000 px to show every column and action without scrolling.
CARDS_ONLY = rx.breakpoints(initial="flex", lg="none")
TABLE_ONLY = rx.breakpoints(initial="none", lg="block")


def _line(value, size: str = "2") -> rx.Component:
    return rx.text(value, size=size, color="gray", truncate=True, title=value)


def integration_card(row) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.text(row["login"], weight="bold", truncate=True, title=row["login"]),
                status_chip(row["status"]),
                justify="between",
                align="center",
                spacing="2",
                min_width="0",
            ),
            _line(row["user"]),
            _line(row["tenant"]),
            rx.cond(
                row["admin_hold"] != "",
                rx.text(tr_value(row["admin_hold"]), size="1", color="gray"),
            ),
            rx.text(
                tr("Last sync"), ": ", tr_value(row["last_sync"]), size="2", white_space="nowrap"
            ),
            rx.text(tr("Errors"), ": ", row["error_count"], size="2"),
            rx.cond(row["last_error"] != "", _line(row["last_error"], size="1")),
            integration_actions(row, wrap="wrap", margin_top="0.25em"),
            direction="column",
            spacing="1",
            min_width="0",
        ),
        class_name="admin-integration-card",
        role="listitem",
        width="100%",
    )


def integration_cards() -> rx.Component:
    return rx.flex(
        rx.foreach(AdminAllegroState.rows, integration_card),
        direction="column",
        spacing="2",
        width="100%",
        display=CARDS_ONLY,
        role="list",
        aria_label=tr("Integrations"),
    )
