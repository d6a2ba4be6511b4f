"""What follows an invoice on /invoices/[invoice_id]: its payments (the "Record payment" dialog),
its PDF on the Allegro order (status, Retry) and the link between an invoice and its corrections.

Every handler re-reads the signed-in principal and scopes every query to its tenant; changes
leave audit rows, like the API's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.db import open_session
from invoicehub.domain.correction_issue import corrections_of
from invoicehub.domain.invoice_drafts import InvoiceError
from invoicehub.domain.invoice_queries import get_invoice
from invoicehub.domain.payments import payment_state
from invoicehub.domain.plain_errors import plain_text
from invoicehub.i18n import N_, gettext
from invoicehub.i18n.formats import format_day, parse_day
from invoicehub.i18n.validation import own_message
from invoicehub.integrations.allegro.runs.upload_requests import request_upload
from invoicehub.integrations.allegro.sync.invoice_uploads import upload_of
from invoicehub.models import Invoice, InvoiceKind
from invoicehub.pages.invoice_path import invoice_at, path_invoice_id
from invoicehub.services.payments import pay_invoice
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial


def _link(invoice: Invoice) -> dict[str, str]:
    return {
        "id": str(invoice.id),
        "number": invoice.number,
        "issue_date": display.day(invoice.issue_date),
        "gross": display.amount(invoice.total_gross, invoice.currency),
        "reason": str((invoice.correction or {}).get("reason") or ""),
    }


class InvoiceFollowState(rx.State):
    kind: rx.Field[str] = rx.field(default_factory=lambda: InvoiceKind.INVOICE.value)
    outstanding: rx.Field[str] = rx.field("")
    paid: rx.Field[str] = rx.field("")
    can_pay: rx.Field[bool] = rx.field(False)
    payments: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    corrections: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    corrected: dict[str, str] = {}
    upload: dict[str, str] = {}
    dialog_open: rx.Field[bool] = rx.field(False)
    amount: rx.Field[str] = rx.field("")
    paid_on: rx.Field[str] = rx.field("")
    method: rx.Field[str] = rx.field("przelew")
    form_error: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")

    async def _principal(self) -> Principal | None:
        return (await self.get_state(AuthState)).principal()

    def _find(self, session: Session, principal: Principal) -> Invoice | None:
        return invoice_at(session, principal, self.router.url.path)

    @rx.event
    async def load(self):
        principal = await self._principal()
        if principal is None:
            return
        self.message = ""
        with open_session() as session:
            invoice = self._find(session, principal)
            if invoice is not None:
                self._show(session, principal, invoice)

    def _show(self, session: Session, principal: Principal, invoice: Invoice) -> None:
        self.kind = invoice.kind
        state = payment_state(session, invoice)
        self.outstanding = display.amount(state.outstanding, invoice.currency)
        self.paid = display.amount(state.paid, invoice.currency)
        self.can_pay = invoice.kind == InvoiceKind.INVOICE and state.outstanding > 0
        self.payments = [
            {
                "amount": display.amount(p.amount, invoice.currency),
                "paid_at": display.when(p.paid_at),
                "method": p.method,
            }
            for p in state.payments
        ]
        self.corrections = [
            _link(c) for c in corrections_of(session, principal.tenant_id, invoice.id)
        ]
        original = (
            get_invoice(session, principal.tenant_id, invoice.corrects_invoice_id)
            if invoice.corrects_invoice_id
            else None
        )
        self.corrected = _link(original) if original else {}
        if original:
            self.corrected["reason"] = str((invoice.correction or {}).get("reason") or "")
        upload = upload_of(session, principal.tenant_id, invoice.id)
        self.upload = (
            {
                "status": upload.status,
                "allegro_id": upload.allegro_invoice_id or "",
                "uploaded_at": display.when(upload.uploaded_at, ""),
                "error": plain_text(upload.error, principal.language),
            }
            if upload
            else {}
        )

    @rx.event
    def open_dialog(self):
        self.dialog_open, self.form_error = True, ""
        self.paid_on = format_day(datetime.now(UTC))

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = value

    @rx.event
    def set_amount(self, value: str):
        self.amount = value.strip().replace(",", ".")[:20]

    @rx.event
    def set_paid_on(self, value: str):
        self.paid_on = value[:10]

    @rx.event
    def set_method(self, value: str):
        self.method = value[:40]

    @rx.event
    async def save_payment(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        try:
            amount = Decimal(self.amount)
            paid_on = parse_day(self.paid_on)
            if paid_on is None:
                raise ValueError(self.paid_on)
            paid_at = datetime(paid_on.year, paid_on.month, paid_on.day, 12, tzinfo=UTC)
        except (InvalidOperation, ValueError):
            self.form_error = gettext(
                principal.language, "Enter an amount like 123,45 and a date like 05.03.2026."
            )
            return None
        try:
            with open_session() as session:
                invoice = self._find(session, principal)
                if invoice is None:
                    record_denial(self, principal, path_invoice_id(self.router.url.path))
                    self.form_error = gettext(principal.language, "This invoice does not exist.")
                    return None
                state = pay_invoice(session, principal, invoice.id, amount, paid_at, self.method)
                self._show(session, principal, state.invoice)
        except InvoiceError as exc:
            self.form_error = own_message(principal.language, str(exc))
            return None
        self.dialog_open, self.amount = False, ""
        self.message = gettext(principal.language, "Payment recorded.")
        from invoicehub.pages.invoices_state import InvoiceDetailState

        return InvoiceDetailState.load

    @rx.event
    async def retry_upload(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        with open_session() as session:
            invoice = self._find(session, principal)
            queued = invoice is not None and request_upload(
                session, principal, invoice.id, action="invoice.allegro_upload_retried"
            )
        self.message = gettext(
            principal.language, N_("Upload queued.") if queued else N_("Nothing to upload.")
        )
        return InvoiceFollowState.load
