"""/products: the tenant's products, searchable, one page at a time."""

from __future__ import annotations

import reflex as rx

from invoicehub.components import display
from invoicehub.components.layout import page_shell
from invoicehub.components.listing import searchable_list
from invoicehub.db import session_scope
from invoicehub.documents.formatting import rate
from invoicehub.domain.products import list_products
from invoicehub.models import Product
from invoicehub.state.auth import AuthState

PAGE_SIZE = 20


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


class ProductsState(rx.State):
    items: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    search: str = ""
    loading: bool = True

    @rx.var
    def page_count(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    async def _reload(self):
        principal = (await self.get_state(AuthState)).principal()
        if principal is None:
            return rx.redirect("/login?next=/products")
        with session_scope() as session:
            items, self.total = list_products(
                session, principal.tenant_id, search=self.search[:100] or None, page=self.page, page_size=PAGE_SIZE
            )
        self.items, self.loading = [product_row(p) for p in items], False
        return None

    @rx.event
    async def load(self):
        self.page = 1
        return await self._reload()

    @rx.event
    async def set_search(self, value: str):
        self.search, self.page = value.strip(), 1
        return await self._reload()

    @rx.event
    async def previous_page(self):
        self.page = max(1, self.page - 1)
        return await self._reload()

    @rx.event
    async def next_page(self):
        self.page = min(self.page_count, self.page + 1)
        return await self._reload()


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
            empty_text="Products are added when you invoice them or when Allegro offers are synced.",
            search_id="product-search",
            placeholder="Name or SKU",
            icon="package",
        ),
        title="Products",
    )


PRODUCTS_ON_LOAD = [ProductsState.load]
