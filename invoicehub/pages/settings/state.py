"""SettingsState: the Profile and Company tabs (the Integrations tab has its own state)."""

from __future__ import annotations

import json

import reflex as rx
from pydantic import ValidationError

from invoicehub.auth.accounts import (
    AccountError,
    default_company,
)
from invoicehub.auth.changes import save_language, save_password, save_profile
from invoicehub.auth.tokens import Principal
from invoicehub.db import open_session
from invoicehub.domain.companies import CompanyInput
from invoicehub.domain.seller_data import missing_seller_fields
from invoicehub.i18n import gettext
from invoicehub.i18n.validation import own_message, plain_errors
from invoicehub.models import User
from invoicehub.pages.settings.integrations_state import IntegrationsState
from invoicehub.pages.settings.setup_checklist import SetupState
from invoicehub.services.company import save_company
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import I18nState

TABS = ("profile", "company", "integrations")
COMPANY_FIELDS = (
    "name",
    "nip",
    "street",
    "city",
    "postal_code",
    "country_code",
    "bank_account",
    "invoice_series",
    "correction_series",
    "vat_exemption_basis",
    "vat_exemption_kind",
)
# Yes/no fields: held as "true"/"false" in the form like every other value.
COMPANY_FLAGS = ("cash_accounting",)


class SettingsState(rx.State):
    # "" until load has read ?tab=: no tab is shown before the requested one
    tab: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)
    profile_name: rx.Field[str] = rx.field("")
    profile_email: rx.Field[str] = rx.field("")
    profile_message: rx.Field[str] = rx.field("")
    profile_error: rx.Field[str] = rx.field("")
    profile_language: rx.Field[str] = rx.field("pl")
    language_message: rx.Field[str] = rx.field("")
    password_message: rx.Field[str] = rx.field("")
    password_error: rx.Field[str] = rx.field("")
    company: dict[str, str] = {}
    company_errors: dict[str, str] = {}
    company_message: rx.Field[str] = rx.field("")
    company_saving: rx.Field[bool] = rx.field(False)
    # What art. 106e still needs from the stored company: invoicing is blocked while non-empty.
    company_missing: rx.Field[list[str]] = rx.field(default_factory=list)
    company_dirty: rx.Field[bool] = rx.field(False)  # the Company form has edits not saved yet
    _pending_tab: str = ""

    async def _principal(self) -> Principal | None:
        auth = await self.get_state(AuthState)
        return auth.principal()

    @rx.event
    async def load(self):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login?next=/settings")
        # Only a ?tab= in the URL moves the tab: a click made while the page loaded must stay.
        requested = self.router.url.query_parameters.get("tab")
        if requested is not None:
            self.tab = requested if requested in TABS else "profile"
        elif not self.tab:
            self.tab = "profile"
        with open_session() as session:
            user = session.get(User, principal.user_id)
            if user is not None:
                self.profile_name, self.profile_email = user.name, user.email
                self.profile_language = user.language
            self._fill_company(default_company(session, principal.tenant_id))
        self.company_errors, self.company_dirty = {}, False
        self._clear_messages()
        return None

    def _clear_messages(self) -> None:
        """An earlier action's outcome goes when a new action starts."""
        self.profile_message = self.profile_error = ""
        self.password_message = self.password_error = ""
        self.company_message = ""
        self.language_message = ""

    def _fill_company(self, company) -> None:
        if company is None:
            self.company = {}
            self.company_missing = ["company"]
            return
        self.company = {key: str(getattr(company, key) or "") for key in COMPANY_FIELDS}
        for key in COMPANY_FLAGS:
            self.company[key] = "true" if getattr(company, key) else "false"
        self.company_missing = missing_seller_fields(company)

    @rx.event
    async def set_tab(self, tab: str):
        tab = tab if tab in TABS else "profile"
        integrations = await self.get_state(IntegrationsState)
        unsaved = (self.tab == "company" and self.company_dirty) or (
            self.tab == "integrations" and integrations.settings_dirty
        )
        if unsaved and tab != self.tab:
            self._pending_tab = tab
            language = (await self.get_state(I18nState)).lang
            leave = gettext(language, "You have unsaved changes. Leave the tab without saving?")
            ask = f"window.confirm({json.dumps(leave, ensure_ascii=False)})"
            return rx.call_script(ask, callback=SettingsState.leave_tab)
        return self._show_tab(tab)

    @rx.event
    async def leave_tab(self, confirmed: bool):
        """The answer to "leave with unsaved edits?": yes drops the edits, no stays."""
        tab, self._pending_tab = self._pending_tab, ""
        principal = await self._principal()
        if not confirmed or not tab or principal is None:
            return None
        integrations = await self.get_state(IntegrationsState)
        with open_session() as session:
            self._fill_company(default_company(session, principal.tenant_id))
            if integrations.settings_dirty:
                integrations._read(session, principal)
        self.company_dirty, self.company_errors = False, {}
        return self._show_tab(tab)

    def _show_tab(self, tab: str):
        self.tab = tab
        self._clear_messages()
        return rx.call_script(f"history.replaceState(null, '', '/settings?tab={self.tab}')")

    @rx.event
    def set_company_field(self, key: str, value: str) -> None:
        if key in COMPANY_FIELDS or key in COMPANY_FLAGS:
            self.company[key] = value
            self.company_errors.pop(key, None)
            self.company_dirty = True

    @rx.event
    async def save_profile(self, form_data: dict[str, str]):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        self._clear_messages()
        name = form_data.get("name", "").strip()
        if not name:
            self.profile_error = gettext(principal.language, "Enter your full name.")
            return None
        try:
            with open_session() as session:
                user = save_profile(
                    session,
                    principal.user_id,
                    name=name,
                    email=form_data.get("email", ""),
                )
                self.profile_name, self.profile_email = user.name, user.email
        except AccountError as exc:
            self.profile_error = own_message(principal.language, str(exc))
            return None
        self.profile_message = gettext(principal.language, "Profile saved.")
        auth = await self.get_state(AuthState)
        auth.user_name = self.profile_name or self.profile_email  # the navbar shows it at once
        return None

    @rx.event
    async def save_language(self, language: str):
        """Save the user's interface language and switch every text of the open page to it."""
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        try:
            with open_session() as session:
                self.profile_language = save_language(session, principal.user_id, language).language
        except AccountError:
            return None
        self.language_message = gettext(self.profile_language, "Language saved.")
        # Texts the server wrote (integration problems, sync results, notifications) are read
        # again in the new language; other pages read theirs when they load.
        from invoicehub.components.notifications import NotificationsState
        from invoicehub.pages.settings.integrations_state import IntegrationsState
        from invoicehub.pages.settings.integrations_sync import SyncState

        return [
            (await self.get_state(I18nState)).use_language(self.profile_language),
            IntegrationsState.refresh_status,
            SyncState.refresh,
            NotificationsState.load,
        ]

    @rx.event
    async def save_password(self, form_data: dict[str, str]):
        principal = await self._principal()
        if principal is None:
            return rx.redirect("/login")
        self._clear_messages()
        if form_data.get("new_password") != form_data.get("confirm_password"):
            self.password_error = gettext(principal.language, "The new passwords do not match.")
            return None
        try:
            with open_session() as session:
                save_password(
                    session,
                    principal.user_id,
                    form_data.get("current_password", ""),
                    form_data.get("new_password", ""),
                )
        except AccountError as exc:
            self.password_error = own_message(principal.language, str(exc))
            return None
        self.password_message = gettext(principal.language, "Password changed.")
        return rx.set_value("current_password", "")

    @rx.event
    async def save_company(self):
        principal = await self._principal()
        if principal is None:
            yield rx.redirect("/login")
            return
        self._clear_messages()
        self.company_saving = True
        yield
        try:
            data = CompanyInput.model_validate(
                {key: self.company.get(key, "") for key in COMPANY_FIELDS}
                | {key: self.company.get(key) == "true" for key in COMPANY_FLAGS}
            )
        except ValidationError as exc:
            self.company_errors = plain_errors(principal.language, exc.errors())
            self.company_saving = False
            return
        with open_session() as session:
            company = default_company(session, principal.tenant_id)
            if company is None:
                self.company_errors = {
                    "name": gettext(principal.language, "No company found for your account.")
                }
            else:
                self._fill_company(save_company(session, principal, company.id, data))
                self.company_errors = {}
                self.company_message = gettext(principal.language, "Company saved.")
                self.company_dirty = False
        self.company_saving = False
        yield SetupState.load
