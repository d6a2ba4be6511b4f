"""Recent syncs on a phone (issue 13, item 8): one card per run instead of a table whose result
column would hide behind a sideways scroll."""

from __future__ import annotations

from typing import Any

import reflex as rx

from invoicehub.components.cards import PHONE_ONLY
from invoicehub.components.status_chip import run_chip


def run_card(row: Any) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.text(row["queued"], size="2", weight="medium"),
                run_chip(row["status"]),
                justify="between",
                align="center",
            ),
            rx.text(row["trigger"], size="1", color="gray"),
            rx.text(row["summary"], size="2"),
            direction="column",
            spacing="1",
        ),
        width="100%",
    )


def run_cards(rows: Any) -> rx.Component:
    return rx.flex(
        rx.foreach(rows, run_card),
        direction="column",
        spacing="2",
        width="100%",
        display=PHONE_ONLY,
        class_name="run-cards",
    )
