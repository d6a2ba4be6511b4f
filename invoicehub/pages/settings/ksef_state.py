"""KsefSettingsState: the KSeF section of the Company tab (environment, write-only token,
auto-send, "Verify connection"). Every handler re-checks the signed-in principal; the token is
never sent back to the browser (only whether one is set); changes are audited without it."""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from invoicehub.auth.accounts import default_company
from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.db import open_session
from invoicehub.i18n import N_, gettext
from invoicehub.integrations.ksef.connection import MAX_TOKEN_LENGTH, VerifyResult
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.integrations.ksef.service import (
    connection_settings,
    save_connection,
    verify_and_record,
)
from invoicehub.models import KsefConnection
from invoicehub.state.auth import AuthState

ENVIRONMENTS = (
    ("emulator", N_("Emulator (local, for testing)")),
    ("test", N_("KSeF test (api-test)")),
    ("demo", N_("KSeF demo / pre-production")),
    ("production", N_("KSeF production")),
)


class KsefSettingsState(rx.State):
    environment: rx.Field[str] = rx.field(default_factory=lambda: KsefEnvironment.EMULATOR.value)
    auto_send: rx.Field[bool] = rx.field(False)
    token_set: rx.Field[bool] = rx.field(False)
    verified_at: rx.Field[str] = rx.field("")
    # what the seller types; cleared once saved, never filled from the DB
    token_input: rx.Field[str] = rx.field("")
    message: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")
    verify_answer: rx.Field[str] = rx.field("")
    verify_ok: rx.Field[bool] = rx.field(False)
    verifying: rx.Field[bool] = rx.field(False)

    async def _principal(self) -> Principal | None:
        return (await self.get_state(AuthState)).principal()

    def _fill(self, connection: KsefConnection) -> None:
        self.environment = connection.environment
        self.auto_send = connection.auto_send
        self.token_set = connection.token_encrypted is not None
        self.verified_at = display.when(connection.verified_at, "")

    @rx.event
    async def load(self):
        principal = await self._principal()
        if principal is None:
            return
        self.message = self.error = self.verify_answer = self.token_input = ""
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            if company is not None:
                self._fill(connection_settings(session, principal.tenant_id, company.id))

    @rx.event
    def set_environment(self, value: str) -> None:
        if value in {env.value for env in KsefEnvironment}:
            self.environment = value

    @rx.event
    def set_auto_send(self, value: bool) -> None:
        self.auto_send = bool(value)

    @rx.event
    def set_token_input(self, value: str) -> None:
        self.token_input = value[:MAX_TOKEN_LENGTH]

    @rx.event
    async def save(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        self.message = self.error = ""
        token = self.token_input.strip() or None
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            if company is None:
                self.error = gettext(principal.language, "This account has no company.")
                return None
            connection = save_connection(
                session,
                principal,
                company.id,
                environment=KsefEnvironment(self.environment),
                auto_send=self.auto_send,
                token=token,
            )
            self._fill(connection)
        self.token_input = ""
        self.message = gettext(principal.language, "KSeF settings saved.")
        return None

    @rx.event
    async def verify(self):
        principal = await self._principal()
        if principal is None:
            yield rx.redirect("/login")
            return
        self.verifying, self.verify_answer = True, ""
        yield
        result = await asyncio.to_thread(_verify, principal)
        self.verifying, self.verify_ok = False, result.ok
        # KSeF's own words as they came; ours (no company) are a msgid.
        reason = gettext(principal.language, result.reason) if result.reason else ""
        self.verify_answer = (
            gettext(principal.language, "The KSeF connection works: the token authenticated.")
            if result.ok
            else gettext(principal.language, "KSeF refused: {reason}", reason=reason)
        )
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            if company is not None:
                self._fill(connection_settings(session, principal.tenant_id, company.id))


def _verify(principal: Principal) -> VerifyResult:
    with open_session() as session:
        company = default_company(session, principal.tenant_id)
        if company is None:
            return VerifyResult(False, N_("this account has no company"))
        company_id: uuid.UUID = company.id
        return verify_and_record(session, principal, company_id)
