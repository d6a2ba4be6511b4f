"""IntegrationsState: the seller's Allegro accounts and their settings (the seed's AllegroSettings).

Every handler re-reads the principal from the session cookie; integration ids the browser sends
go through the tenant-scoped AllegroService, so a foreign id behaves like a missing one.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from sqlmodel import Session

from invoicehub.auth.accounts import default_company
from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.components.allegro_settings_form import (
    CHOICES,
    FLAG_KEYS,
    form_values,
    partial_from_form,
    refusal_message,
)
from invoicehub.db import open_session
from invoicehub.domain.plain_errors import plain_text
from invoicehub.domain.seller_data import missing_seller_fields
from invoicehub.domain.templates import list_templates
from invoicehub.i18n import N_, gettext
from invoicehub.i18n.validation import own_message
from invoicehub.integrations.allegro import lifecycle, service
from invoicehub.integrations.allegro.connection.oauth import start_authorization
from invoicehub.integrations.allegro.preferences import SettingsError
from invoicehub.models import AllegroIntegration
from invoicehub.models.allegro import login_label
from invoicehub.pages.settings.setup_checklist import SetupState
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial

LOGIN_PATH = "/login?next=/settings?tab=integrations"
CLEAN_URL_SCRIPT = "history.replaceState(history.state, '', '/settings?tab=integrations')"
GONE = N_("That integration does not exist any more.")


def integration_row(integration: AllegroIntegration, language: str = "pl") -> dict[str, str]:
    return {
        "id": str(integration.id),
        "login": login_label(
            integration.allegro_login,
            integration.allegro_user_id,
            gettext(language, "Allegro account"),
        ),
        "status": integration.status,
        "last_sync": display.when(integration.last_sync_at),
        "next_sync": display.when(integration.next_sync_at, display.NOT_SCHEDULED),
        "error_count": str(integration.sync_error_count),
        "admin_hold": "yes" if integration.admin_disabled_at is not None else "",
        "problem": display.status_problem(
            integration.status,
            integration.sync_error_count,
            integration.last_sync_error,
            admin_hold=integration.admin_disabled_at is not None,
            admin_reason=integration.admin_disabled_reason,
            language=language,
        ),
    }


class IntegrationsState(rx.State):
    integrations: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    selected_integration: rx.Field[str] = rx.field("")
    settings: dict[str, Any] = {}
    field_errors: dict[str, str] = {}
    templates: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    loading: rx.Field[bool] = rx.field(True)
    saving: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    success: rx.Field[str] = rx.field("")
    # connect, disconnect and the OAuth callback's outcome, above the cards
    banner: rx.Field[str] = rx.field("")
    banner_error: rx.Field[str] = rx.field("")
    # The seller company's missing art. 106e data: synced orders would wait for review.
    company_missing: rx.Field[list[str]] = rx.field(default_factory=list)
    settings_dirty: rx.Field[bool] = rx.field(False)  # the settings form has edits not saved yet

    @rx.var
    def current(self) -> dict[str, str]:
        for row in self.integrations:
            if row["id"] == self.selected_integration:
                return row
        return {}

    async def _principal(self) -> Principal | None:
        return (await self.get_state(AuthState)).principal()

    def _read_rows(self, session: Session, principal: Principal) -> None:
        """Reload the list and keep a valid selection."""
        rows = service.list_integrations(session, principal)
        self.integrations = [integration_row(i, principal.language) for i in rows]
        ids = [row["id"] for row in self.integrations]
        if self.selected_integration not in ids:
            self.selected_integration = ids[0] if ids else ""

    def _read(self, session: Session, principal: Principal) -> None:
        """Reload the list and show the selected integration's stored settings."""
        self._read_rows(session, principal)
        self.templates = [
            {"id": str(t.id), "name": t.name} for t in list_templates(session, principal.tenant_id)
        ]
        self.field_errors, self.settings_dirty = {}, False
        self.settings = (
            form_values(service.get_settings(session, principal, self.selected_integration))
            if self.selected_integration
            else {}
        )

    @rx.event
    async def load(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        params = self.router.url.query_parameters
        self.banner_error = plain_text(
            own_message(principal.language, params.get("error", "")[:300]), principal.language
        )
        if not params.get("error"):
            self.banner_error = ""
        self.banner = self.error = self.success = ""
        connected = params.get("connected", "")
        if connected:
            self.selected_integration = connected
        with open_session() as session:
            self._read(session, principal)
            company = default_company(session, principal.tenant_id)
            self.company_missing = missing_seller_fields(company) if company else ["company"]
        self.loading = False
        if connected and self.selected_integration == connected:
            self.banner = gettext(
                principal.language,
                "Allegro account {login} connected.",
                login=self.current.get("login", ""),
            )
        if connected or "error" in params:
            # The message is shown once: a reload or a shared link must not announce it again.
            return [*_refresh_sync(), rx.call_script(CLEAN_URL_SCRIPT)]
        return _refresh_sync()

    @rx.event
    async def refresh_status(self):
        """Re-read status, last sync and errors (after a sync) without touching the form."""
        principal = await self._principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        with open_session() as session:
            self._read_rows(session, principal)
        return None

    @rx.event
    async def select_integration(self, integration_id: str):
        principal = await self._principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        self.banner_error = self.banner = self.error = self.success = ""
        with open_session() as session:
            try:
                service.find_integration(session, principal, integration_id)
            except service.IntegrationNotFound:
                record_denial(self, principal, integration_id)
                self.banner_error = gettext(principal.language, "That integration does not exist.")
                return None
            self.selected_integration = integration_id
            self._read(session, principal)
        return _refresh_sync()

    @rx.event
    async def set_flag(self, key: str, checked: bool):
        if await self._principal() is None:
            return rx.redirect(LOGIN_PATH)
        if key in FLAG_KEYS:
            self.settings[key] = checked
            self.field_errors.pop(key, None)
            self.success, self.settings_dirty = "", True
        return None

    @rx.event
    async def set_choice(self, key: str, value: str):
        if await self._principal() is None:
            return rx.redirect(LOGIN_PATH)
        if key in CHOICES:
            self.settings[key] = value
            self.field_errors.pop(key, None)
            self.success, self.settings_dirty = "", True
        return None

    @rx.event
    async def save_settings(self):
        principal = await self._principal()
        if principal is None:
            yield rx.redirect(LOGIN_PATH)
            return
        self.saving, self.error, self.success = True, "", ""
        yield
        try:
            with open_session() as session:
                saved = service.update_settings(
                    session, principal, self.selected_integration, partial_from_form(self.settings)
                )
            self.settings, self.field_errors = form_values(saved), {}
            self.success = gettext(principal.language, "Settings saved.")
            self.settings_dirty = False
            yield SetupState.load  # "save the settings" may be the step just done
        except SettingsError as exc:
            self.field_errors = {
                key: own_message(principal.language, text) for key, text in exc.errors.items()
            }
            self.error = refusal_message(exc.errors, principal.language)
            with open_session() as session:
                self.settings = form_values(
                    service.get_settings(session, principal, self.selected_integration)
                )
        except service.IntegrationNotFound:
            record_denial(self, principal, self.selected_integration)
            self.error = gettext(principal.language, GONE)
        finally:
            self.saving = False

    @rx.event
    async def connect(self):
        """Send the browser to Allegro's consent page (same tab; Allegro redirects back)."""
        principal = await self._principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        # Bound to this browser session: Allegro's redirect completes only here.
        session_hash = (await self.get_state(AuthState)).session_hash()
        return rx.redirect(start_authorization(principal, browser_session_hash=session_hash))

    @rx.event
    async def reconnect(self):
        """Like connect, but only the selected integration's Allegro account is accepted back."""
        principal = await self._principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        with open_session() as session:
            try:
                integration = service.find_integration(
                    session, principal, self.selected_integration
                )
            except service.IntegrationNotFound:
                self.banner_error = "That integration does not exist any more."
                return None
        session_hash = (await self.get_state(AuthState)).session_hash()
        return rx.redirect(
            start_authorization(
                principal, browser_session_hash=session_hash, reconnect=str(integration.id)
            )
        )

    @rx.event
    async def disconnect(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        self.banner_error = self.banner = ""
        with open_session() as session:
            try:
                lifecycle.disconnect(session, principal, self.selected_integration)
            except service.IntegrationNotFound:
                record_denial(self, principal, self.selected_integration)
                self.banner_error = gettext(principal.language, GONE)
                return None
            login = self.current.get("login", "")
            self._read(session, principal)
        self.banner = gettext(
            principal.language,
            "Allegro account {login} disconnected. No more orders will be synced.",
            login=login,
        )
        return _refresh_sync()


# Handlers to run after the selected integration changes. The sync panel registers its reload
# here: its module imports this one, so this one must not import it back.
_AFTER_SELECTION: list[Any] = []


def on_selection_change(handler: Any) -> None:
    """Run `handler` (an event handler) after every load, selection and disconnect."""
    if handler not in _AFTER_SELECTION:
        _AFTER_SELECTION.append(handler)


def _refresh_sync() -> list[Any]:
    return list(_AFTER_SELECTION)
