"""The Reflex app: pages and the mounted API. Nothing else lives here."""

from __future__ import annotations

import reflex as rx

from invoicehub.pages.login import login_page
from invoicehub.pages.settings import SETTINGS_ON_LOAD, settings_page
from invoicehub.state.auth import AuthState
from invoicehub.web import mounted_apps, security_headers

app = rx.App(
    theme=rx.theme(accent_color="indigo", radius="medium"),
    api_transformer=[mounted_apps(), security_headers],
)
app.add_page(lambda: rx.fragment(), route="/", on_load=rx.redirect("/settings"), title="Invoice-HUB")
app.add_page(login_page, route="/login", title="Sign in · Invoice-HUB", on_load=AuthState.redirect_if_signed_in)
app.add_page(settings_page, route="/settings", title="Settings · Invoice-HUB", on_load=SETTINGS_ON_LOAD)
