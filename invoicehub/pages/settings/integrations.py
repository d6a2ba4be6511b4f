"""The Integrations tab (Allegro): connection, settings, manual sync and orders to review."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.allegro_settings_form import allegro_settings_form
from invoicehub.components.layout import notice, page_loading
from invoicehub.components.status_chip import status_chip
from invoicehub.components.tables import empty_state, loading_state
from invoicehub.i18n import N_
from invoicehub.pages.settings.integrations_review import review_panel
from invoicehub.pages.settings.integrations_state import IntegrationsState
from invoicehub.pages.settings.integrations_sync import SyncState, sync_panel
from invoicehub.state.i18n import tr, tr_value

State = IntegrationsState


def _fact(label: str, value: rx.Var | rx.Component, test_id: str) -> rx.Component:
    return rx.flex(
        rx.text(tr(label), size="1", color="gray"),
        rx.text(tr_value(value), size="2", weight="medium", id=test_id)
        if isinstance(value, rx.Var)
        else value,
        direction="column",
        align="start",
        min_width="8em",
    )


def account_selector() -> rx.Component:
    return rx.flex(
        rx.el.label(
            tr("Allegro account"), html_for="integration-select", class_name="rt-Text rt-r-size-2"
        ),
        rx.select.root(
            rx.select.trigger(id="integration-select", min_width="14em"),
            rx.select.content(
                rx.foreach(
                    State.integrations,
                    lambda row: rx.select.item(row["login"], value=row["id"]),
                )
            ),
            value=State.selected_integration,
            on_change=State.select_integration,
        ),
        direction="column",
        spacing="1",
    )


def disconnect_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(tr("Disconnect"), color_scheme="red", variant="soft", id="disconnect"),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(tr("Disconnect this Allegro account?")),
            rx.alert_dialog.description(
                tr(
                    "Invoice-HUB forgets the authorization of {login} and stops syncing its "
                    "orders. Invoices already issued stay.",
                    login=State.current["login"],
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(tr("Cancel"), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        tr("Disconnect"),
                        color_scheme="red",
                        id="confirm-disconnect",
                        on_click=State.disconnect,
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
    )


def connection_card() -> rx.Component:
    status = State.current["status"]
    return rx.card(
        rx.flex(
            rx.flex(
                account_selector(),
                rx.flex(
                    rx.cond(
                        (status != "active") & (State.current["admin_hold"] == ""),
                        rx.button(
                            rx.icon("plug", size=16),
                            tr("Reconnect"),
                            id="reconnect",
                            on_click=State.reconnect,
                        ),
                    ),
                    rx.cond(status != "disconnected", disconnect_dialog()),
                    rx.button(
                        rx.icon("plus", size=16),
                        tr("Connect another account"),
                        variant="soft",
                        on_click=State.connect,
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                justify="between",
                align="end",
                wrap="wrap",
                spacing="3",
            ),
            rx.flex(
                _fact(
                    N_("Status"),
                    status_chip(status, id="integration-status"),
                    "integration-status-fact",
                ),
                _fact(N_("Allegro login"), State.current["login"], "integration-login"),
                _fact(N_("Last sync"), State.current["last_sync"], "integration-last-sync"),
                _fact(N_("Next sync"), State.current["next_sync"], "integration-next-sync"),
                _fact(
                    N_("Failed syncs in a row"), State.current["error_count"], "integration-errors"
                ),
                spacing="5",
                wrap="wrap",
            ),
            rx.cond(
                State.current["problem"] != "",
                rx.callout(State.current["problem"], color_scheme="orange", icon="triangle_alert"),
            ),
            direction="column",
            spacing="4",
        )
    )


def settings_card() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(tr("Settings"), as_="h2", size="4"),
            rx.text(
                tr("These settings apply only to the Allegro account: "),
                rx.text.strong(State.current["login"]),
                size="2",
                color="gray",
                id="settings-account",
            ),
            allegro_settings_form(
                values=State.settings,
                errors=State.field_errors,
                templates=State.templates,
                set_flag=State.set_flag,
                set_choice=State.set_choice,
                prefix="allegro",
                disabled=State.saving,
            ),
            notice(State.success, "green"),
            notice(State.error, "red"),
            rx.flex(
                rx.button(
                    tr("Save settings"),
                    id="save-settings",
                    on_click=State.save_settings,
                    loading=State.saving,
                    disabled=State.saving | page_loading(),
                ),
                justify="end",
            ),
            direction="column",
            spacing="4",
        )
    )


def no_integration() -> rx.Component:
    return rx.card(
        empty_state(
            N_("No Allegro account connected"),
            N_(
                "Connect your Allegro seller account to turn paid orders into invoices "
                "automatically."
            ),
            "store",
        ),
        rx.flex(
            rx.button(
                rx.icon("plug", size=16),
                tr("Connect Allegro account"),
                id="connect-allegro",
                on_click=State.connect,
            ),
            justify="center",
            padding_bottom="1em",
        ),
    )


def company_incomplete_warning() -> rx.Component:
    return rx.cond(
        State.company_missing.length() > 0,
        rx.callout(
            rx.text(
                tr(
                    "Your company data is incomplete (missing: {fields}). Orders from Allegro "
                    "will wait for review and no invoice is issued until the company data is "
                    "complete.",
                    fields=State.company_missing.map(lambda name: tr_value(name)).join(", "),
                ),
                " ",
                rx.link(
                    tr("Complete it on the Company tab."),
                    href="/settings?tab=company",
                    id="complete-company",
                ),
            ),
            icon="triangle_alert",
            color_scheme="orange",
            role="alert",
            id="company-incomplete-warning",
        ),
    )


def integrations_tab() -> rx.Component:
    return rx.flex(
        notice(State.banner, "green"),
        notice(State.banner_error, "red"),
        company_incomplete_warning(),
        rx.cond(
            State.loading,
            loading_state(N_("Loading your Allegro accounts…")),
            rx.cond(
                State.integrations.length() > 0,
                rx.flex(
                    connection_card(),
                    settings_card(),
                    sync_panel(),
                    review_panel(),
                    direction="column",
                    spacing="4",
                ),
                no_integration(),
            ),
        ),
        direction="column",
        spacing="3",
        width="100%",
    )


INTEGRATIONS_ON_LOAD = [IntegrationsState.load]
__all__ = ["INTEGRATIONS_ON_LOAD", "SyncState", "integrations_tab"]
