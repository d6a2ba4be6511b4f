"""/customers: the tenant's buyers, searchable, one page at a time."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import page_shell
from invoicehub.components.listing import searchable_list
from invoicehub.db import session_scope
from invoicehub.domain.customers import list_customers
from invoicehub.models import Customer
from invoicehub.state.auth import AuthState

PAGE_SIZE = 20


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


class CustomersState(rx.State):
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
            return rx.redirect("/login?next=/customers")
        with session_scope() as session:
            items, self.total = list_customers(
                session, principal.tenant_id, search=self.search[:100] or None, page=self.page, page_size=PAGE_SIZE
            )
        self.items, self.loading = [customer_row(c) for c in items], False
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
