"""/admin/allegro: summary cards, every tenant's integrations, notifications and queues."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import notice, page_shell
from invoicehub.components.pagination import pagination
from invoicehub.components.status_chip import status_chip
from invoicehub.components.tables import empty_state, loading_state, scroll_table
from invoicehub.i18n import N_
from invoicehub.pages.admin.actions import integration_actions
from invoicehub.pages.admin.auto_refresh import REFRESH_SECONDS, AdminAutoRefreshState
from invoicehub.pages.admin.cards import TABLE_ONLY, integration_cards
from invoicehub.pages.admin.disable_dialog import disable_dialog
from invoicehub.pages.admin.panels import AdminPanelsState, notifications_panel, queues_panel
from invoicehub.pages.admin.settings_dialog import settings_dialog
from invoicehub.pages.admin.state import ALL, SORTS, AdminAllegroState
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr, tr_value

S = AdminAllegroState
STATUS_OPTIONS = (
    (ALL, N_("All statuses")),
    ("active", N_("Active")),
    ("needs_reauth", N_("Needs re-auth")),
    ("disabled", N_("Disabled")),
    ("disconnected", N_("Disconnected")),
    ("errors", N_("With errors")),
)


def summary_card(label: str, value: rx.Var, card_id: str, size: str = "7") -> rx.Component:
    return rx.card(
        rx.text(tr(label), size="2", color="gray"),
        rx.text(tr_value(value), size=size, weight="bold", id=card_id),
        width="100%",
    )


def summary_cards() -> rx.Component:
    return rx.grid(
        summary_card(N_("Integrations"), S.summary["total"], "summary-total"),
        summary_card(N_("Active"), S.summary["active"], "summary-active"),
        summary_card(N_("With errors"), S.summary["errors"], "summary-errors"),
        summary_card(N_("Last sync"), S.summary["last_sync"], "summary-last-sync", size="4"),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="3",
        width="100%",
    )


def _select(label: str, control_id: str, value, on_change, options) -> rx.Component:
    return rx.flex(
        rx.el.label(tr(label), html_for=control_id, class_name="rt-Text rt-r-size-2"),
        rx.select.root(
            rx.select.trigger(id=control_id, min_width="11em"),
            rx.select.content(*[rx.select.item(tr(text), value=key) for key, text in options]),
            value=value,
            on_change=on_change,
        ),
        direction="column",
        spacing="1",
    )


def filters() -> rx.Component:
    return rx.flex(
        rx.flex(
            rx.el.label(tr("Search"), html_for="admin-search", class_name="rt-Text rt-r-size-2"),
            rx.input(
                id="admin-search",
                type="search",
                placeholder=tr("Allegro login, e-mail or company"),
                value=S.search,
                on_change=S.set_search,
                debounce_timeout=300,
                max_length=100,
            ),
            direction="column",
            spacing="1",
            flex="1",
            min_width="14em",
        ),
        _select(N_("Status"), "admin-status", S.status_filter, S.set_status_filter, STATUS_OPTIONS),
        _select(N_("Sort by"), "admin-sort", S.sort, S.set_sort, SORTS),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _short(value, **props) -> rx.Component:
    return rx.text(value, size="2", truncate=True, title=value, **props)


def _row(row) -> rx.Component:
    # Seller (e-mail and company) share a column and long texts truncate, so the table fits
    # 1280 px with every action visible (issue 13, item 9).
    return rx.table.row(
        rx.table.cell(
            _short(row["user"], max_width="14em"),
            _short(row["tenant"], color="gray", max_width="14em"),
        ),
        rx.table.cell(_short(row["login"], weight="medium", max_width="11em")),
        rx.table.cell(
            status_chip(row["status"]),
            rx.cond(
                row["admin_hold"] != "",
                rx.text(tr_value(row["admin_hold"]), size="1", color="gray"),
            ),
        ),
        rx.table.cell(tr_value(row["last_sync"]), white_space="nowrap"),
        rx.table.cell(
            rx.text(row["error_count"], size="2"),
            rx.cond(
                row["last_error"] != "",
                rx.text(
                    row["last_error"],
                    size="1",
                    color="gray",
                    max_width="10em",
                    truncate=True,
                    title=row["last_error"],
                ),
            ),
        ),
        rx.table.cell(integration_actions(row)),
    )


def integrations_table() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(tr("Integrations"), as_="h2", size="4"),
            filters(),
            rx.cond(
                S.loading,
                loading_state(N_("Loading integrations…")),
                rx.cond(
                    S.rows.length() > 0,
                    rx.box(
                        integration_cards(),
                        rx.box(
                            scroll_table(
                                [
                                    N_("Seller"),
                                    N_("Allegro login"),
                                    N_("Status"),
                                    N_("Last sync"),
                                    N_("Errors"),
                                    N_("Actions"),
                                ],
                                rx.foreach(S.rows, _row),
                                min_width="0",
                                label=N_("Integrations"),
                            ),
                            display=TABLE_ONLY,
                        ),
                        pagination(
                            S.page,
                            S.page_count,
                            S.total,
                            S.previous_page,
                            S.next_page,
                            noun=N_("Integrations"),
                        ),
                    ),
                    empty_state(
                        N_("No integrations match"),
                        N_("Change the search or the status filter."),
                    ),
                ),
            ),
            direction="column",
            spacing="3",
        ),
        width="100%",
    )


def admin_allegro_page() -> rx.Component:
    return page_shell(
        rx.flex(
            rx.flex(
                rx.text(
                    tr("Every seller's Allegro connection, across all companies."),
                    " ",
                    tr("Refreshed automatically every {seconds} s.", seconds=REFRESH_SECONDS),
                    color="gray",
                    data_refreshed=AdminAutoRefreshState.refreshed,
                    id="admin-intro",
                ),
                rx.button(
                    rx.icon("refresh-cw", size=16),
                    tr("Refresh"),
                    variant="soft",
                    on_click=[S.refresh, AdminPanelsState.load],
                ),
                justify="between",
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            notice(S.message, "green"),
            notice(S.error, "red"),
            summary_cards(),
            integrations_table(),
            rx.grid(
                notifications_panel(),
                queues_panel(),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="3",
                width="100%",
            ),
            settings_dialog(),
            disable_dialog(),
            direction="column",
            spacing="4",
            width="100%",
        ),
        title=N_("Allegro integrations"),
    )


ADMIN_ALLEGRO_ON_LOAD = [
    AuthState.require_admin,
    AdminAllegroState.load,
    AdminPanelsState.load,
    AdminAutoRefreshState.start,
]
