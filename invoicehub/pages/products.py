"""/products: the tenant's products, searchable, one page at a time, each editable in a dialog."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.cards import list_card
from invoicehub.components.catalog_dialogs import (
    choice_input,
    edit_button,
    edit_dialog,
    flag_input,
    text_input,
)
from invoicehub.components.layout import page_shell
from invoicehub.components.listing import searchable_list
from invoicehub.documents.formatting import rate
from invoicehub.i18n import N_
from invoicehub.models import VAT_RATES
from invoicehub.pages.products_state import ProductEditState, ProductsState, product_row
from invoicehub.state.i18n import tr_value

__all__ = ["PRODUCTS_ON_LOAD", "ProductsState", "product_row", "products_page"]
PREFIX = "product"


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium")),
        rx.table.cell(row["sku"], white_space="nowrap"),
        rx.table.cell(tr_value(row["unit"])),
        rx.table.cell(row["rate"]),
        rx.table.cell(row["price"], white_space="nowrap", text_align="right"),
        rx.table.cell(tr_value(row["source"])),
        rx.table.cell(edit_button(ProductEditState, row)),
    )


def _card(row) -> rx.Component:
    return list_card(
        row["name"],
        row["price"] + " · VAT " + row["rate"],
        row["sku"],
        action=edit_button(ProductEditState, row),
    )


def product_dialog() -> rx.Component:
    s = ProductEditState
    return edit_dialog(
        s,
        title=N_("Edit product"),
        help_text=N_(
            "Allegro syncs keep what you save here: the VAT rate is used for order lines that "
            "carry none, and the name, unit and price stay as you set them. Issued invoices "
            "do not change."
        ),
        fields=[
            text_input(s, "name", N_("Name"), PREFIX),
            text_input(s, "sku", N_("SKU"), PREFIX),
            text_input(s, "unit", N_("Unit"), PREFIX),
            choice_input(
                s,
                "vat_rate",
                N_("VAT rate"),
                PREFIX,
                [(r, rate(r)) for r in VAT_RATES],
                translate=False,
            ),
            text_input(s, "gross_price", N_("Gross price (PLN)"), PREFIX, input_mode="decimal"),
            flag_input(s, "annex15", N_("Annex 15 good (split payment above 15,000 PLN)"), PREFIX),
        ],
        save_id="save-product",
    )


def products_page() -> rx.Component:
    return page_shell(
        searchable_list(
            state=ProductsState,
            noun=N_("Products"),
            headers=[
                N_("Name"),
                N_("SKU"),
                N_("Unit"),
                N_("VAT"),
                N_("Gross price"),
                N_("Source"),
                N_("Actions"),
            ],
            row=_row,
            card=_card,
            empty_title=N_("No products found"),
            empty_text=N_("Products are added when you invoice them or Allegro offers are synced."),
            search_id="product-search",
            placeholder=N_("Name or SKU"),
            icon="package",
            loading=N_("Loading products…"),
        ),
        product_dialog(),
        title=N_("Products"),
    )


PRODUCTS_ON_LOAD = [ProductsState.load]
