"""The invoice list on a phone (issue 13, item 8): one card per invoice with what matters
(number, buyer, gross, status, actions) instead of a table scrolled sideways."""

from __future__ import annotations

__all__ = ["WIDE_ONLY", "invoice_card", "invoice_cards"]

from typing import Any

import reflex as rx

from invoicehub.components.cards import PHONE_ONLY, WIDE_ONLY
from invoicehub.components.status_chip import invoice_chip
from invoicehub.state.i18n import tr


def invoice_card(row: Any) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.link(row["number"], href="/invoices/" + row["id"], weight="bold", truncate=True),
                invoice_chip(row["status"]),
                justify="between",
                align="center",
                spacing="2",
                min_width="0",
            ),
            rx.text(row["buyer"], size="2", truncate=True, title=row["buyer"]),
            rx.flex(
                rx.text(row["gross"], size="3", weight="medium", white_space="nowrap"),
                rx.text(row["issue_date"], size="2", color="gray"),
                justify="between",
                align="center",
            ),
            rx.link(tr("Open"), href="/invoices/" + row["id"], size="2"),
            direction="column",
            spacing="1",
            min_width="0",
        ),
        class_name="invoice-card",
        width="100%",
    )


def invoice_cards(items: Any) -> rx.Component:
    return rx.flex(
        rx.foreach(items, invoice_card),
        direction="column",
        spacing="2",
        width="100%",
        display=PHONE_ONLY,
        role="list",
        aria_label="Invoices (cards)",
    )
