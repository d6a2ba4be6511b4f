"""The admin settings dialog: any integration's options, with the seller's validation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from invoicehub.admin.overview import admin_get_settings, admin_update_settings
from invoicehub.components.allegro_settings_form import (
    CHOICES,
    FLAG_KEYS,
    allegro_settings_form,
    form_values,
    partial_from_form,
    refusal_message,
)
from invoicehub.components.layout import notice
from invoicehub.db import open_session
from invoicehub.domain.templates import list_templates
from invoicehub.i18n import gettext
from invoicehub.i18n.validation import own_message
from invoicehub.integrations.allegro.preferences import SettingsError
from invoicehub.integrations.allegro.service import IntegrationNotFound, find_integration
from invoicehub.pages.admin.access import admin_principal, refusal
from invoicehub.pages.admin.state import AdminAllegroState
from invoicehub.state.i18n import tr


class AdminSettingsState(rx.State):
    open: rx.Field[bool] = rx.field(False)
    integration_id: rx.Field[str] = rx.field("")
    title: rx.Field[str] = rx.field("")
    settings: dict[str, Any] = {}
    field_errors: dict[str, str] = {}
    templates: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    saving: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    success: rx.Field[str] = rx.field("")

    @rx.event
    async def open_for(self, integration_id: str):
        admin = await admin_principal(self)
        if admin is None:
            return await refusal(self)
        self.error = self.success = ""
        self.field_errors = {}
        try:
            with open_session() as session:
                integration = find_integration(session, admin, integration_id)
                self.settings = form_values(admin_get_settings(session, admin, integration_id))
                self.templates = [
                    {"id": str(t.id), "name": t.name}
                    for t in list_templates(session, integration.tenant_id)
                ]
                self.title = integration.login_label
        except IntegrationNotFound:
            admin_state = await self.get_state(AdminAllegroState)
            admin_state.error = gettext(admin.language, "That integration does not exist.")
            return None
        self.integration_id, self.open = integration_id, True
        return None

    @rx.event
    async def set_open(self, open_: bool):
        if await admin_principal(self) is None:
            return await refusal(self)
        self.open = bool(open_)
        return None

    @rx.event
    async def set_flag(self, key: str, checked: bool):
        if await admin_principal(self) is None:
            return await refusal(self)
        if key in FLAG_KEYS:
            self.settings[key] = checked
            self.field_errors.pop(key, None)
            self.success = ""
        return None

    @rx.event
    async def set_choice(self, key: str, value: str):
        if await admin_principal(self) is None:
            return await refusal(self)
        if key in CHOICES:
            self.settings[key] = value
            self.field_errors.pop(key, None)
            self.success = ""
        return None

    @rx.event
    async def save(self):
        admin = await admin_principal(self)
        if admin is None:
            yield await refusal(self)
            return
        self.saving, self.error, self.success = True, "", ""
        yield
        try:
            with open_session() as session:
                saved = admin_update_settings(
                    session, admin, self.integration_id, partial_from_form(self.settings)
                )
            self.settings, self.field_errors = form_values(saved), {}
            self.success = gettext(admin.language, "Settings saved.")
        except SettingsError as exc:
            self.field_errors = {
                key: own_message(admin.language, text) for key, text in exc.errors.items()
            }
            self.error = refusal_message(exc.errors, admin.language)
            with open_session() as session:
                self.settings = form_values(admin_get_settings(session, admin, self.integration_id))
        except IntegrationNotFound:
            self.error = gettext(admin.language, "That integration does not exist any more.")
        finally:
            self.saving = False


def settings_dialog() -> rx.Component:
    s = AdminSettingsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("Settings of {login}", login=s.title)),
            rx.dialog.description(
                tr("Changes apply to the seller's integration at once and are audited."),
                size="2",
                color="gray",
            ),
            rx.flex(
                notice(s.success, "green"),
                notice(s.error, "red"),
                allegro_settings_form(
                    values=s.settings,
                    errors=s.field_errors,
                    templates=s.templates,
                    set_flag=s.set_flag,
                    set_choice=s.set_choice,
                    prefix="admin",
                    disabled=s.saving,
                ),
                rx.flex(
                    rx.dialog.close(rx.button(tr("Close"), variant="soft", color_scheme="gray")),
                    rx.button(
                        tr("Save settings"),
                        id="admin-save-settings",
                        on_click=s.save,
                        loading=s.saving,
                        disabled=s.saving,
                    ),
                    spacing="3",
                    justify="end",
                ),
                direction="column",
                spacing="3",
                margin_top="1em",
            ),
            max_width="720px",
        ),
        open=s.open,
        on_open_change=s.set_open,
    )
