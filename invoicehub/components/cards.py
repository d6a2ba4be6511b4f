"""Lists as cards on a phone (issue 13, item 8): below 768 px a list shows one card per row with
what matters, instead of a table whose columns hide behind a sideways scroll."""

from __future__ import annotations

from typing import Any

import reflex as rx

# Radix breakpoints: `initial` is under 520 px, `sm` from 768 px. Tables from sm, cards below.
PHONE_ONLY = rx.breakpoints(initial="flex", sm="none")
WIDE_ONLY = rx.breakpoints(initial="none", sm="block")


def list_card(title: Any, *lines: Any, action: rx.Component | None = None) -> rx.Component:
    """A card: a bold, truncated title, a few truncated grey lines and an optional action."""
    return rx.card(
        rx.flex(
            rx.text(title, weight="bold", truncate=True, title=title),
            *[rx.text(line, size="2", color="gray", truncate=True, title=line) for line in lines],
            *([rx.flex(action, justify="end")] if action is not None else []),
            direction="column",
            spacing="1",
            min_width="0",
        ),
        class_name="list-card",
        width="100%",
    )


def phone_cards(items: Any, card: Any, label: str) -> rx.Component:
    return rx.flex(
        rx.foreach(items, card),
        direction="column",
        spacing="2",
        width="100%",
        display=PHONE_ONLY,
        aria_label=label,
    )
