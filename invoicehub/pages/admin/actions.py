"""The actions of one integration on the admin dashboard (Settings, Sync now, Enable/Disable),
shared by the table row (wide screens) and the card (phones), so both offer the same ones."""

from __future__ import annotations

import reflex as rx

from invoicehub.i18n import N_
from invoicehub.pages.admin.disable_dialog import AdminDisableState
from invoicehub.pages.admin.settings_dialog import AdminSettingsState
from invoicehub.pages.admin.state import AdminAllegroState
from invoicehub.state.i18n import tr

S = AdminAllegroState


def _switch(row, *, enable: bool) -> rx.Component:
    return rx.button(
        tr("Enable") if enable else tr("Disable"),
        size="1",
        color_scheme="green" if enable else "red",
        variant="soft",
        # Disabling asks first, with a reason for the seller (disable_dialog.py).
        on_click=S.set_enabled(row["id"], True)
        if enable
        else AdminDisableState.open_for(row["id"], row["login"]),
        aria_label=tr(
            N_("Enable {login}") if enable else N_("Disable {login}"), login=row["login"]
        ),
    )


def integration_actions(row, **props) -> rx.Component:
    login = row["login"]
    return rx.flex(
        rx.button(
            tr("Settings"),
            size="1",
            variant="soft",
            on_click=AdminSettingsState.open_for(row["id"]),
            aria_label=tr("Settings of {login}", login=login),
        ),
        rx.button(
            tr("Sync now"),
            size="1",
            variant="soft",
            on_click=S.sync_integration(row["id"]),
            disabled=row["status"] != "active",
            aria_label=tr("Sync {login}", login=login),
        ),
        # An admin's hold is lifted by Enable even when the seller has disconnected meanwhile.
        rx.cond(
            (row["status"] == "disabled") | (row["admin_hold"] != ""),
            _switch(row, enable=True),
            rx.cond(row["status"] == "disconnected", rx.fragment(), _switch(row, enable=False)),
        ),
        spacing="2",
        **props,
    )
