"""/customers: the tenant's buyers, searchable, one page at a time, each editable in a dialog."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.cards import list_card
from invoicehub.components.catalog_dialogs import edit_button, edit_dialog, text_input
from invoicehub.components.layout import page_shell
from invoicehub.components.listing import searchable_list
from invoicehub.i18n import N_
from invoicehub.pages.customers_state import CustomerEditState, CustomersState, customer_row
from invoicehub.state.i18n import tr_value

__all__ = ["CUSTOMERS_ON_LOAD", "CustomersState", "customer_row", "customers_page"]
PREFIX = "customer"
LABELS = (
    ("name", N_("Name")),
    ("nip", N_("NIP")),
    ("email", N_("E-mail")),
    ("street", N_("Street")),
    ("postal_code", N_("Postal code")),
    ("city", N_("City")),
    ("country_code", N_("Country code")),
)


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium")),
        rx.table.cell(tr_value(row["kind"])),
        rx.table.cell(row["nip"], white_space="nowrap"),
        rx.table.cell(row["email"]),
        rx.table.cell(row["place"]),
        rx.table.cell(tr_value(row["source"])),
        rx.table.cell(edit_button(CustomerEditState, row)),
    )


def _card(row) -> rx.Component:
    return list_card(
        row["name"],
        row["nip"],
        row["email"],
        row["place"],
        action=edit_button(CustomerEditState, row),
    )


def customer_dialog() -> rx.Component:
    s = CustomerEditState
    return edit_dialog(
        s,
        title=N_("Edit customer"),
        help_text=N_(
            "Invoices keep the buyer details they were issued with: saving here never changes "
            "an issued invoice. Allegro syncs keep what you save; a NIP makes the customer a "
            "company."
        ),
        fields=[text_input(s, key, label, PREFIX) for key, label in LABELS],
        save_id="save-customer",
    )


def customers_page() -> rx.Component:
    return page_shell(
        searchable_list(
            state=CustomersState,
            noun=N_("Customers"),
            headers=[
                N_("Name"),
                N_("Type"),
                N_("NIP"),
                N_("E-mail"),
                N_("City"),
                N_("Source"),
                N_("Actions"),
            ],
            row=_row,
            card=_card,
            empty_title=N_("No customers found"),
            empty_text=N_(
                "Buyers are added when you invoice them or when Allegro orders are synced."
            ),
            search_id="customer-search",
            placeholder=N_("Name, NIP, e-mail or city"),
            icon="users",
            loading=N_("Loading customers…"),
        ),
        customer_dialog(),
        title=N_("Customers"),
    )


CUSTOMERS_ON_LOAD = [CustomersState.load]
