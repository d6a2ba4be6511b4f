"""Coloured chips for integration, sync-run, invoice and order states (text, never markup)."""

from __future__ import annotations

import reflex as rx

INTEGRATION_CHIPS = (
    ("active", "Active", "green"),
    ("needs_reauth", "Needs re-auth", "orange"),
    ("disabled", "Disabled", "red"),
    ("disconnected", "Disconnected", "gray"),
)
RUN_CHIPS = (
    ("queued", "Queued", "gray"),
    ("running", "Running", "blue"),
    ("retrying", "Retrying", "orange"),
    ("succeeded", "Done", "green"),
    ("failed", "Failed", "red"),
)
INVOICE_CHIPS = (("issued", "Issued", "blue"), ("paid", "Paid", "green"))
ORDER_CHIPS = (
    ("pending", "Pending", "gray"),
    ("invoiced", "Invoiced", "green"),
    ("skipped", "Skipped", "gray"),
    ("needs_review", "Needs review", "orange"),
)


def _chip(value: rx.Var, chips: tuple[tuple[str, str, str], ...], **props) -> rx.Component:
    return rx.match(
        value,
        *[
            (key, rx.badge(label, color_scheme=color, variant="soft", **props))
            for key, label, color in chips
        ],
        rx.badge(value, color_scheme="gray", variant="soft", **props),
    )


def status_chip(status: rx.Var, **props) -> rx.Component:
    """An Allegro integration's status: active, needs re-auth, disabled or disconnected."""
    return _chip(status, INTEGRATION_CHIPS, **props)


def run_chip(status: rx.Var, **props) -> rx.Component:
    return _chip(status, RUN_CHIPS, **props)


def invoice_chip(status: rx.Var, **props) -> rx.Component:
    return _chip(status, INVOICE_CHIPS, **props)


def order_chip(state: rx.Var, **props) -> rx.Component:
    return _chip(state, ORDER_CHIPS, **props)
