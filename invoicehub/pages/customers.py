"""/customers: the tenant's buyers, searchable, one page at a time."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components.layout import page_shell
from invoicehub.components.listing import PAGE_SIZE, PagedListState, searchable_list
from invoicehub.domain.customers import list_customers
from invoicehub.models import Customer


def customer_row(customer: Customer) -> dict[str, str]:
    place = " ".join(filter(None, [customer.postal_code, customer.city]))
    return {
        "id": str(customer.id),
        "name": customer.name,
        "kind": "Company" if customer.kind == "company" else "Person",
        "nip": customer.nip or "",
        "email": customer.email,
        "place": place,
        "source": customer.source,
    }


class CustomersState(PagedListState, rx.State):
    def _fetch(self, session: Session, principal: Principal) -> tuple[list[dict[str, str]], int]:
        rows, total = list_customers(
            session,
            principal.tenant_id,
            search=self.search or None,
            page=self.page,
            page_size=PAGE_SIZE,
        )
        return [customer_row(r) for r in rows], total


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["name"], weight="medium")),
        rx.table.cell(row["kind"]),
        rx.table.cell(row["nip"], white_space="nowrap"),
        rx.table.cell(row["email"]),
        rx.table.cell(row["place"]),
        rx.table.cell(row["source"]),
    )


def customers_page() -> rx.Component:
    return page_shell(
        searchable_list(
            state=CustomersState,
            noun="customers",
            headers=["Name", "Type", "NIP", "E-mail", "City", "Source"],
            row=_row,
            empty_title="No customers found",
            empty_text="Buyers are added when you invoice them or when Allegro orders are synced.",
            search_id="customer-search",
            placeholder="Name, NIP, e-mail or city",
            icon="users",
        ),
        title="Customers",
    )


CUSTOMERS_ON_LOAD = [CustomersState.load]
