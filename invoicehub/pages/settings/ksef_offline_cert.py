"""The KSeF Offline certificate card of the Company tab (texts from the catalogue)."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import field, notice, page_loading
from invoicehub.i18n import N_
from invoicehub.pages.settings.ksef_offline_cert_state import KsefOfflineCertState
from invoicehub.state.i18n import tr

State = KsefOfflineCertState


def ksef_offline_cert_section() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(tr("KSeF Offline certificate (QR code II)"), as_="h2", size="4"),
            rx.text(
                tr(
                    "An invoice issued while KSeF is unreachable carries a second QR code, "
                    "signed with a KSeF certificate of type Offline. Request the certificate in "
                    "the KSeF application (Aplikacja Podatnika, signing in with a qualified "
                    "signature or seal) and paste it here with its private key; the key is "
                    "never shown again."
                ),
                size="2",
                color="gray",
            ),
            notice(State.message, "green"),
            notice(State.error, "red"),
            rx.cond(
                State.serial != "",
                rx.text(
                    tr(
                        "Certificate {serial} ({subject}), valid until {until}",
                        serial=State.serial,
                        subject=State.subject,
                        until=State.valid_to,
                    ),
                    size="2",
                    id="ksef-offline-cert",
                ),
                rx.badge(tr("no Offline certificate"), color_scheme="gray", id="ksef-offline-cert"),
            ),
            field(
                N_("Certificate (PEM or Base64 DER)"),
                rx.text_area(
                    id="ksef-offline-cert-input",
                    value=State.certificate_input,
                    on_change=State.set_certificate_input,
                    rows="4",
                ),
            ),
            field(
                N_("Private key (PEM)"),
                rx.text_area(
                    id="ksef-offline-key-input",
                    value=State.key_input,
                    on_change=State.set_key_input,
                    rows="4",
                    auto_complete=False,
                ),
            ),
            field(
                N_("Key password (if it has one)"),
                rx.input(
                    id="ksef-offline-key-password",
                    type="password",
                    auto_complete="off",
                    value=State.password_input,
                    on_change=State.set_password_input,
                ),
            ),
            rx.flex(
                rx.button(
                    tr("Save the Offline certificate"),
                    id="ksef-offline-cert-save",
                    on_click=State.save,
                    disabled=page_loading(),
                ),
                rx.cond(
                    State.serial != "",
                    rx.button(
                        tr("Remove the Offline certificate"),
                        id="ksef-offline-cert-remove",
                        variant="soft",
                        color_scheme="red",
                        on_click=State.remove,
                    ),
                ),
                spacing="3",
                wrap="wrap",
            ),
            direction="column",
            spacing="3",
        ),
        id="ksef-offline-certificate",
    )
