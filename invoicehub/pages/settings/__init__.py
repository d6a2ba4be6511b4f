"""/settings: tabs Profile, Company and Integrations."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import page_shell
from invoicehub.i18n import N_
from invoicehub.pages.settings.forms import company_tab, profile_tab
from invoicehub.pages.settings.integrations import INTEGRATIONS_ON_LOAD, integrations_tab
from invoicehub.pages.settings.state import SettingsState
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr


def settings_page() -> rx.Component:
    return page_shell(
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(tr("Profile"), value="profile", id="tab-profile"),
                rx.tabs.trigger(tr("Company"), value="company", id="tab-company"),
                rx.tabs.trigger(tr("Integrations"), value="integrations", id="tab-integrations"),
            ),
            rx.tabs.content(profile_tab(), value="profile", padding_top="1em"),
            rx.tabs.content(company_tab(), value="company", padding_top="1em"),
            rx.tabs.content(integrations_tab(), value="integrations", padding_top="1em"),
            value=SettingsState.tab,
            on_change=SettingsState.set_tab,
        ),
        title=N_("Settings"),
    )


SETTINGS_ON_LOAD = [AuthState.require_login, SettingsState.load, *INTEGRATIONS_ON_LOAD]
