"""The KSeF section of the Company tab (texts from the catalogue)."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import field, notice, page_loading
from invoicehub.i18n import N_
from invoicehub.pages.settings.ksef_state import ENVIRONMENTS, KsefSettingsState
from invoicehub.state.i18n import tr

State = KsefSettingsState


def ksef_section() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(tr("KSeF (National e-Invoicing System)"), as_="h2", size="4"),
            rx.text(
                tr(
                    "Invoices are sent to KSeF as FA(3). Generate the KSeF token in the KSeF "
                    "application (Aplikacja Podatnika) for the company's NIP; a saved token is "
                    "never shown again."
                ),
                size="2",
                color="gray",
            ),
            notice(State.message, "green"),
            notice(State.error, "red"),
            field(
                N_("Environment"),
                rx.select.root(
                    rx.select.trigger(id="ksef-environment", width="100%"),
                    rx.select.content(
                        *[rx.select.item(tr(text), value=value) for value, text in ENVIRONMENTS]
                    ),
                    value=State.environment,
                    on_change=State.set_environment,
                ),
            ),
            field(
                N_("KSeF token"),
                rx.input(
                    id="ksef-token",
                    type="password",
                    auto_complete="off",
                    placeholder=rx.cond(
                        State.token_set,
                        tr("token set (type a new one to change it)"),
                        tr("paste the token"),
                    ),
                    value=State.token_input,
                    on_change=State.set_token_input,
                ),
            ),
            rx.cond(
                State.token_set,
                rx.badge(tr("token set"), color_scheme="green", id="ksef-token-set"),
                rx.badge(tr("no token"), color_scheme="gray", id="ksef-token-set"),
            ),
            rx.flex(
                rx.switch(
                    id="ksef-auto-send", checked=State.auto_send, on_change=State.set_auto_send
                ),
                rx.el.label(
                    tr("Send invoices to KSeF automatically after a sync"),
                    html_for="ksef-auto-send",
                    class_name="rt-Text rt-r-size-2",
                ),
                spacing="2",
                align="center",
            ),
            rx.flex(
                rx.button(
                    tr("Save KSeF settings"),
                    id="ksef-save",
                    on_click=State.save,
                    disabled=page_loading(),
                ),
                rx.button(
                    tr("Verify connection"),
                    id="ksef-verify",
                    variant="soft",
                    on_click=State.verify,
                    loading=State.verifying,
                    disabled=~State.token_set | page_loading(),
                ),
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                State.verify_answer != "",
                rx.callout(
                    State.verify_answer,
                    color_scheme=rx.cond(State.verify_ok, "green", "red"),
                    id="ksef-verify-answer",
                    role="status",
                ),
            ),
            rx.cond(
                State.verified_at != "",
                rx.text(
                    tr("Last verified: {when}", when=State.verified_at), size="1", color="gray"
                ),
            ),
            direction="column",
            spacing="3",
        ),
        id="ksef-settings",
    )
