"""The invoice in KSeF on /invoices/[invoice_id]: status, KSeF number, reason, Send/Resend and
the FA(3) XML and UPO downloads.

Every handler re-reads the signed-in principal and scopes its query to the tenant; Send leaves
an audit row like the API's and only queues the invoice (the `ksef` worker sends it).
"""

from __future__ import annotations

import re

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.db import open_session
from invoicehub.i18n import N_, gettext
from invoicehub.i18n.stored import translate_stored
from invoicehub.integrations.ksef.connection import connection_of
from invoicehub.integrations.ksef.documents import render_invoice_xml
from invoicehub.integrations.ksef.fa3 import Fa3Invalid
from invoicehub.integrations.ksef.offline import today_in_poland
from invoicehub.integrations.ksef.service import send_invoice
from invoicehub.integrations.ksef.submissions import (
    AlreadyAccepted,
    KsefView,
    submission_of,
    view_of,
)
from invoicehub.models import Invoice, KsefStatus
from invoicehub.pages.invoice_path import invoice_at, path_invoice_id
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial

# msgids, translated where shown (`tr_value`).
STATUS_LABELS = {
    "not_sent": N_("Not sent"),
    "queued": N_("Queued"),
    "sent": N_("Sent, awaiting KSeF"),
    "accepted": N_("Accepted by KSeF"),
    "rejected": N_("Rejected"),
    "offline": N_("Offline (KSeF unreachable)"),
}


def _open_deadline(view: KsefView) -> str:
    """The offline deadline while the invoice still waits to be sent (queued or offline)."""
    waiting = view.status in (KsefStatus.QUEUED.value, KsefStatus.OFFLINE.value)
    return display.day(view.offline_deadline) if waiting and view.offline_deadline else ""


def _overdue(view: KsefView) -> bool:
    deadline = view.offline_deadline
    return bool(_open_deadline(view)) and deadline is not None and deadline < today_in_poland()


def _file_stem(invoice: Invoice) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", invoice.number).strip("-") or "faktura"


class InvoiceKsefState(rx.State):
    ksef: dict[str, str] = {}
    can_send: rx.Field[bool] = rx.field(False)
    has_upo: rx.Field[bool] = rx.field(False)
    message: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")

    async def _principal(self) -> Principal | None:
        return (await self.get_state(AuthState)).principal()

    def _find(self, session: Session, principal: Principal) -> Invoice | None:
        return invoice_at(session, principal, self.router.url.path)

    def _show(self, session: Session, principal: Principal, invoice: Invoice) -> None:
        submission = submission_of(session, principal.tenant_id, invoice.id)
        view = view_of(submission)
        connection = connection_of(session, principal.tenant_id, invoice.company_id)
        self.ksef = {
            "status": view.status,
            "label": STATUS_LABELS.get(view.status, view.status),
            "number": view.ksef_number or "",
            "acquired": display.when(view.acquisition_date, ""),
            # Stored in English (integrations/ksef/texts.py), read in the seller's language.
            "reason": translate_stored(principal.language, view.error_description or ""),
            "code": view.error_code or "",
            "deadline": _open_deadline(view),
            "overdue": "true" if _overdue(view) else "",
        }
        self.can_send = (
            view.status != KsefStatus.ACCEPTED.value and connection.token_encrypted is not None
        )
        self.has_upo = bool(submission and submission.upo_xml)

    @rx.event
    async def load(self):
        principal = await self._principal()
        if principal is None:
            return
        self.message = self.error = ""
        with open_session() as session:
            invoice = self._find(session, principal)
            if invoice is None:
                record_denial(self, principal, path_invoice_id(self.router.url.path))
                self.ksef = {}
                return
            self._show(session, principal, invoice)

    @rx.event
    async def send(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        self.message = self.error = ""
        with open_session() as session:
            invoice = self._find(session, principal)
            if invoice is None:
                record_denial(self, principal, path_invoice_id(self.router.url.path))
                self.error = gettext(principal.language, "This invoice does not exist.")
                return None
            connection = connection_of(session, principal.tenant_id, invoice.company_id)
            if connection.token_encrypted is None:
                self.error = gettext(
                    principal.language, "Set the KSeF token in Settings → Company."
                )
                return None
            try:
                send_invoice(session, principal, invoice, environment=connection.environment)
            except AlreadyAccepted:
                self.error = gettext(principal.language, "KSeF has already accepted this invoice.")
                return None
            self._show(session, principal, invoice)
        self.message = gettext(principal.language, "The invoice is queued for KSeF.")
        return None

    @rx.event
    async def download_xml(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        with open_session() as session:
            invoice = self._find(session, principal)
            if invoice is None:
                record_denial(self, principal, path_invoice_id(self.router.url.path))
                return None
            submission = submission_of(session, principal.tenant_id, invoice.id)
            try:
                xml = (submission.xml if submission else None) or render_invoice_xml(
                    session, invoice
                )
            except Fa3Invalid as exc:
                self.error = gettext(
                    principal.language, "FA(3) fails validation: {problems}", problems=exc
                )
                return None
            name = f"{_file_stem(invoice)}.xml"
        return rx.download(data=xml, filename=name, mime_type="application/xml")

    @rx.event
    async def download_upo(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        with open_session() as session:
            invoice = self._find(session, principal)
            if invoice is None:
                record_denial(self, principal, path_invoice_id(self.router.url.path))
                return None
            submission = submission_of(session, principal.tenant_id, invoice.id)
            if submission is None or not submission.upo_xml:
                self.error = gettext(
                    principal.language, "The UPO appears once KSeF accepts the invoice."
                )
                return None
            upo, name = submission.upo_xml, f"UPO-{_file_stem(invoice)}.xml"
        return rx.download(data=upo, filename=name, mime_type="application/xml")
