"""Coloured chips for integration, sync-run, invoice and order states (text, never markup)."""

from __future__ import annotations

import reflex as rx

from invoicehub.i18n import N_
from invoicehub.models import SyncStatus
from invoicehub.state.i18n import tr, tr_value

INTEGRATION_CHIPS = (
    ("active", N_("Active"), "green"),
    ("needs_reauth", N_("Needs re-auth"), "orange"),
    ("disabled", N_("Disabled"), "red"),
    ("disconnected", N_("Disconnected"), "gray"),
)
RUN_CHIP_LABELS = {
    SyncStatus.QUEUED: (N_("Queued"), "gray"),
    SyncStatus.RUNNING: (N_("Running"), "blue"),
    SyncStatus.RETRYING: (N_("Retrying"), "orange"),
    SyncStatus.SUCCEEDED: (N_("Done"), "green"),
    SyncStatus.FAILED: (N_("Failed"), "red"),
}
RUN_CHIPS = tuple((s.value, *RUN_CHIP_LABELS[s]) for s in SyncStatus)
INVOICE_CHIPS = (("issued", N_("Issued"), "blue"), ("paid", N_("Paid"), "green"))
ORDER_CHIPS = (
    ("pending", N_("Pending"), "gray"),
    ("invoiced", N_("Invoiced"), "green"),
    ("skipped", N_("Skipped"), "gray"),
    ("needs_review", N_("Needs review"), "orange"),
)


def _chip(value: rx.Var, chips: tuple[tuple[str, str, str], ...], **props) -> rx.Component:
    return rx.match(
        value,
        *[
            (key, rx.badge(tr(label), color_scheme=color, variant="soft", **props))
            for key, label, color in chips
        ],
        rx.badge(tr_value(value), color_scheme="gray", variant="soft", **props),
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
