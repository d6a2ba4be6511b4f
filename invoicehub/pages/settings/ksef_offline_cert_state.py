"""KsefOfflineCertState: the KSeF Offline certificate card of the Company tab (KOD II).

The seller pastes the certificate and its private key (with the key's password if it has one);
the key is write-only: the fields are cleared once saved and never filled from the database, the
card shows only the serial number, subject and end of validity. Every handler re-checks the
signed-in principal; changes are audited without the key.
"""

from __future__ import annotations

import reflex as rx

from invoicehub.auth.accounts import default_company
from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.db import open_session
from invoicehub.i18n import N_, gettext
from invoicehub.integrations.ksef.offline_cert import MAX_PEM_LENGTH, OfflineCertificateInvalid
from invoicehub.integrations.ksef.service import (
    offline_certificate,
    remove_offline_certificate,
    save_offline_certificate,
)
from invoicehub.state.auth import AuthState

# offline_cert.py's refusals (English), as msgids shown in the seller's language.
REFUSALS = (
    N_("not an X.509 certificate (PEM, or DER in Base64)"),
    N_("not a PEM private key, or the password is wrong"),
    N_("the key must be RSA (2048 bits or more) or EC P-256"),
    N_("the key does not belong to the certificate"),
    N_("the certificate has expired"),
    N_("too long for a certificate or key"),
)


class KsefOfflineCertState(rx.State):
    serial: rx.Field[str] = rx.field("")
    subject: rx.Field[str] = rx.field("")
    valid_to: rx.Field[str] = rx.field("")
    certificate_input: rx.Field[str] = rx.field("")
    key_input: rx.Field[str] = rx.field("")
    password_input: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")

    async def _principal(self) -> Principal | None:
        return (await self.get_state(AuthState)).principal()

    def _show(self, principal: Principal) -> None:
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            info = (
                offline_certificate(session, principal.tenant_id, company.id)
                if company is not None
                else None
            )
        self.serial = info.serial_number if info else ""
        self.subject = info.subject if info else ""
        self.valid_to = display.when(info.valid_to, "") if info else ""

    @rx.event
    async def load(self):
        principal = await self._principal()
        if principal is None:
            return
        self.message = self.error = ""
        self.certificate_input = self.key_input = self.password_input = ""
        self._show(principal)

    @rx.event
    def set_certificate_input(self, value: str) -> None:
        self.certificate_input = value[:MAX_PEM_LENGTH]

    @rx.event
    def set_key_input(self, value: str) -> None:
        self.key_input = value[:MAX_PEM_LENGTH]

    @rx.event
    def set_password_input(self, value: str) -> None:
        self.password_input = value[:200]

    @rx.event
    async def save(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        self.message = self.error = ""
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            if company is None:
                self.error = gettext(principal.language, "This account has no company.")
                return None
            try:
                save_offline_certificate(
                    session,
                    principal,
                    company.id,
                    certificate=self.certificate_input,
                    private_key=self.key_input,
                    password=self.password_input or None,
                )
            except OfflineCertificateInvalid as exc:  # refused before anything was written
                self.error = gettext(principal.language, str(exc))
                return None
        self.certificate_input = self.key_input = self.password_input = ""
        self._show(principal)
        self.message = gettext(principal.language, "The KSeF Offline certificate is saved.")
        return None

    @rx.event
    async def remove(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        self.message = self.error = ""
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            if company is None:
                return None
            remove_offline_certificate(session, principal, company.id)
        self._show(principal)
        self.message = gettext(principal.language, "The KSeF Offline certificate is removed.")
        return None
