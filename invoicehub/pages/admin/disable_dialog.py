"""Disabling an integration from the admin dashboard: confirm, and say why (issue 13, item 9).

The reason is stored on the integration and in the audit row, and the seller reads it on their
Integrations tab and in the notification.
"""

from __future__ import annotations

import reflex as rx

from invoicehub.db import open_session
from invoicehub.i18n import gettext
from invoicehub.integrations.allegro import lifecycle
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.pages.admin.access import admin_principal, refusal
from invoicehub.pages.admin.panels import AdminPanelsState
from invoicehub.pages.admin.state import AdminAllegroState
from invoicehub.state.i18n import tr

MAX_REASON = 500


class AdminDisableState(rx.State):
    open: rx.Field[bool] = rx.field(False)
    integration_id: rx.Field[str] = rx.field("")
    login: rx.Field[str] = rx.field("")
    reason: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")

    @rx.event
    async def open_for(self, integration_id: str, login: str):
        if await admin_principal(self) is None:
            return await refusal(self)
        self.integration_id, self.login = integration_id, login
        self.reason, self.error, self.open = "", "", True
        admin_state = await self.get_state(AdminAllegroState)
        admin_state.message = admin_state.error = ""
        return None

    @rx.event
    def set_reason(self, value: str):
        self.reason = value[:MAX_REASON]

    @rx.event
    def set_open(self, value: bool):
        self.open = bool(value)

    @rx.event
    async def confirm(self):
        admin = await admin_principal(self)
        if admin is None:
            return await refusal(self)
        if not self.reason.strip():
            self.error = gettext(admin.language, "Give the reason for disabling.")
            return None
        admin_state = await self.get_state(AdminAllegroState)
        try:
            with open_session() as session:
                integration = lifecycle.set_enabled(
                    session, admin, self.integration_id, False, reason=self.reason
                )
                login = integration.login_label
        except IntegrationNotFound:
            admin_state.error = gettext(admin.language, "That integration does not exist.")
        else:
            admin_state.message = gettext(admin.language, "{login} disabled.", login=login)
        self.open = False
        return [AdminAllegroState.refresh, AdminPanelsState.load]


def disable_dialog() -> rx.Component:
    s = AdminDisableState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("Disable syncing for this account?")),
            rx.dialog.description(
                tr(
                    "Syncing of the account {login} stops until an administrator enables it. "
                    "The seller will see the reason given.",
                    login=s.login,
                ),
                size="2",
            ),
            rx.flex(
                rx.el.label(
                    tr("Reason (shown to the seller)"),
                    html_for="disable-reason",
                    class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
                ),
                rx.text_area(
                    id="disable-reason",
                    value=s.reason,
                    on_change=s.set_reason,
                    max_length=MAX_REASON,
                    required=True,
                    aria_invalid=rx.cond(s.error != "", "true", "false"),
                ),
                rx.cond(s.error != "", rx.text(s.error, size="2", color="red", role="alert")),
                direction="column",
                spacing="1",
                margin_top="1em",
            ),
            rx.flex(
                rx.dialog.close(rx.button(tr("Cancel"), variant="soft", color_scheme="gray")),
                rx.button(
                    tr("Disable"),
                    color_scheme="red",
                    id="confirm-disable",
                    on_click=s.confirm,
                ),
                spacing="3",
                justify="end",
                margin_top="1em",
            ),
        ),
        open=s.open,
        on_open_change=s.set_open,
    )
