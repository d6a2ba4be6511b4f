"""The KSeF section of the Company tab (texts in Polish)."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import field, notice, page_loading
from invoicehub.i18n import N_
from invoicehub.pages.settings.ksef_state import ENVIRONMENTS, KsefSettingsState

State = KsefSettingsState


def ksef_section() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading("KSeF (Krajowy System e-Faktur)", as_="h2", size="4"),
            rx.text(
                "Faktury wysyłane są do KSeF jako FA(3). Token KSeF wygenerujesz w aplikacji "
                "KSeF (Aplikacja Podatnika) dla NIP-u firmy; zapisany token nie jest już "
                "nigdy pokazywany.",
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
                        *[rx.select.item(text, value=value) for value, text in ENVIRONMENTS]
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
                        State.token_set, "token ustawiony (wpisz nowy, aby zmienić)", "wklej token"
                    ),
                    value=State.token_input,
                    on_change=State.set_token_input,
                ),
            ),
            rx.cond(
                State.token_set,
                rx.badge("token ustawiony", color_scheme="green", id="ksef-token-set"),
                rx.badge("brak tokenu", color_scheme="gray", id="ksef-token-set"),
            ),
            rx.flex(
                rx.switch(
                    id="ksef-auto-send", checked=State.auto_send, on_change=State.set_auto_send
                ),
                rx.el.label(
                    "Wysyłaj faktury do KSeF automatycznie po synchronizacji",
                    html_for="ksef-auto-send",
                    class_name="rt-Text rt-r-size-2",
                ),
                spacing="2",
                align="center",
            ),
            rx.flex(
                rx.button(
                    "Zapisz ustawienia KSeF",
                    id="ksef-save",
                    on_click=State.save,
                    disabled=page_loading(),
                ),
                rx.button(
                    "Sprawdź połączenie",
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
                rx.text("Ostatnio zweryfikowano: ", State.verified_at, size="1", color="gray"),
            ),
            direction="column",
            spacing="3",
        ),
        id="ksef-settings",
    )
