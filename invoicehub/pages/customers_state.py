"""CustomersState (the list) and CustomerEditState (the edit dialog) of /customers."""

from __future__ import annotations

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components.catalog_dialogs import EditDialogState
from invoicehub.components.listing import PAGE_SIZE, PagedListState
from invoicehub.domain.customer_queries import list_customers
from invoicehub.domain.customers import CustomerEdit
from invoicehub.domain.edits import find_for_edit, parse_edit
from invoicehub.i18n import N_
from invoicehub.models import Customer
from invoicehub.services.catalog import save_customer

FIELDS = ("name", "nip", "email", "street", "postal_code", "city", "country_code")


def customer_row(customer: Customer) -> dict[str, str]:
    place = " ".join(filter(None, [customer.postal_code, customer.city]))
    return {
        "id": str(customer.id),
        "name": customer.name,
        "kind": N_("Company") if customer.kind == "company" else N_("Person"),
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


class CustomerEditState(EditDialogState, rx.State):
    def _form_of(self, session: Session, principal: Principal, row_id: str) -> dict[str, str]:
        customer = find_for_edit(session, Customer, principal.tenant_id, row_id, lock=False)
        return {key: getattr(customer, key) or "" for key in FIELDS}

    def _save(
        self, session: Session, principal: Principal, row_id: str, form: dict[str, str], ip: str
    ) -> dict[str, str]:
        edit = parse_edit(CustomerEdit, form)
        return customer_row(save_customer(session, principal, row_id, edit, ip=ip))

    def _list_state(self) -> type[PagedListState]:
        return CustomersState
