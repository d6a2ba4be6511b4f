"""ProductsState (the list) and ProductEditState (the edit dialog) of /products."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.components.catalog_dialogs import EditDialogState
from invoicehub.components.listing import PAGE_SIZE, PagedListState
from invoicehub.documents.formatting import rate
from invoicehub.domain.edits import find_for_edit, parse_edit
from invoicehub.domain.products import ProductEdit, list_products
from invoicehub.models import Product
from invoicehub.services.catalog import save_product


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


class ProductEditState(EditDialogState, rx.State):
    def _form_of(self, session: Session, principal: Principal, row_id: str) -> dict[str, str]:
        product = find_for_edit(session, Product, principal.tenant_id, row_id, lock=False)
        return {
            "name": product.name,
            "sku": product.sku or "",
            "unit": product.unit,
            "vat_rate": product.vat_rate,
            "gross_price": f"{product.gross_price:.2f}",
            "annex15": "true" if product.annex15 else "false",
        }

    def _save(
        self, session: Session, principal: Principal, row_id: str, form: dict[str, str], ip: str
    ) -> dict[str, str]:
        edit = parse_edit(ProductEdit, form)
        return product_row(save_product(session, principal, row_id, edit, ip=ip))

    def _list_state(self) -> type[PagedListState]:
        return ProductsState
