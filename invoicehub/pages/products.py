"""/products: the tenant's products, searchable, one page at a time."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.components.layout import page_shell
from invoicehub.components.listing import PAGE_SIZE, PagedListState, searchable_list
from invoicehub.documents.formatting import rate
from invoicehub.domain.products import list_products
from invoicehub.models import Product


def product_row(product: Product) -> dict[str, str]:
    return {
        "id": str(product.id),
        "name": product.name,
        "sku": product.sku or "",
        "unit": product.unit,
        "rate": rate(product.vat_rate),
        "price": display.amount(product.gross_price),
        "source": product.source,
    }


class ProductsState(PagedListState, rx.State):
    def _fetch(self, session: Session, principal: Principal) -> tuple[list[dict[str, str]], int]:
        rows, total = list_products(
            session,
            principal.tenant_id,
            search=self.search or None,
            page=self.page,
            page_size=PAGE_SIZE,
        )
        return [product_row(r) for r in rows], total


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium")),
        rx.table.cell(row["sku"], white_space="nowrap"),
        rx.table.cell(row["unit"]),
        rx.table.cell(row["rate"]),
        rx.table.cell(row["price"], white_space="nowrap", text_align="right"),
        rx.table.cell(row["source"]),
    )


def products_page() -> rx.Component:
    return page_shell(
        searchable_list(
            state=ProductsState,
            noun="products",
            headers=["Name", "SKU", "Unit", "VAT", "Gross price", "Source"],
            row=_row,
            empty_title="No products found",
            empty_text="Products are added when you invoice them or Allegro offers are synced.",
            search_id="product-search",
            placeholder="Name or SKU",
            icon="package",
        ),
        title="Products",
    )


PRODUCTS_ON_LOAD = [ProductsState.load]
