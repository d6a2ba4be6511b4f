"""/settings: tabs Profile, Company and Integrations."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import page_shell
from invoicehub.components.tables import loading_state
from invoicehub.i18n import N_
from invoicehub.pages.settings.forms import company_tab, profile_tab
from invoicehub.pages.settings.integrations import INTEGRATIONS_ON_LOAD, integrations_tab
from invoicehub.pages.settings.ksef import ksef_section
from invoicehub.pages.settings.ksef_offline_cert import ksef_offline_cert_section
from invoicehub.pages.settings.ksef_offline_cert_state import KsefOfflineCertState
from invoicehub.pages.settings.ksef_state import KsefSettingsState
from invoicehub.pages.settings.setup_checklist import SetupState, setup_checklist
from invoicehub.pages.settings.state import SettingsState
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr


def settings_page() -> rx.Component:
    return page_shell(
        setup_checklist(),
        # Until load has read ?tab=, no tab shows: ?tab=integrations never flashes Profile.
        rx.cond(
            SettingsState.tab == "",
            loading_state(),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(tr("Profile"), value="profile", id="tab-profile"),
                    rx.tabs.trigger(tr("Company"), value="company", id="tab-company"),
                    rx.tabs.trigger(
                        tr("Integrations"), value="integrations", id="tab-integrations"
                    ),
                ),
                rx.tabs.content(profile_tab(), value="profile", padding_top="1em"),
                rx.tabs.content(
                    rx.flex(
                        company_tab(),
                        ksef_section(),
                        ksef_offline_cert_section(),
                        direction="column",
                        spacing="4",
                    ),
                    value="company",
                    padding_top="1em",
                ),
                rx.tabs.content(integrations_tab(), value="integrations", padding_top="1em"),
                value=SettingsState.tab,
                on_change=SettingsState.set_tab,
            ),
        ),
        title=N_("Settings"),
    )


SETTINGS_ON_LOAD = [
    AuthState.require_login,
    SettingsState.load,
    KsefSettingsState.load,
    KsefOfflineCertState.load,
    *INTEGRATIONS_ON_LOAD,
    SetupState.load,
]
