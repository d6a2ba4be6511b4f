"""The Profile and Company tab contents."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import field, notice, page_loading
from invoicehub.domain.seller_data import REQUIRED_SELLER_FIELDS
from invoicehub.pages.settings.state import SettingsState

COMPANY_LABELS = (
    ("name", "Company name"),
    ("nip", "NIP"),
    ("street", "Street"),
    ("postal_code", "Postal code"),
    ("city", "City"),
    ("country_code", "Country code"),
    ("bank_account", "Bank account (NRB)"),
    ("invoice_series", "Invoice series pattern"),
    ("correction_series", "Correction invoice series pattern"),
    ("vat_exemption_basis", 'VAT exemption basis (needed to invoice "zw" lines)'),
)
# FA(3) P_19A/B/C; "" lets the basis' words decide when saved.
EXEMPTION_KINDS = (
    ("A", "Polish VAT act or its regulations"),
    ("B", "VAT directive 2006/112/EC"),
    ("C", "Another legal basis"),
)
CASH_ACCOUNTING_CHOICES = (
    ("false", "No"),
    ("true", 'Yes: invoices say "metoda kasowa"'),
)


def profile_tab() -> rx.Component:
    return rx.flex(
        rx.card(
            rx.form(
                rx.flex(
                    rx.heading("Profile", size="4"),
                    notice(SettingsState.profile_message, "green"),
                    notice(SettingsState.profile_error, "red"),
                    field(
                        "Name",
                        rx.input(id="name", name="name", default_value=SettingsState.profile_name),
                    ),
                    field(
                        "E-mail",
                        rx.input(
                            id="email",
                            name="email",
                            type="email",
                            default_value=SettingsState.profile_email,
                        ),
                    ),
                    rx.button(
                        "Save profile", type="submit", id="save-profile", disabled=page_loading()
                    ),
                    direction="column",
                    spacing="3",
                ),
                on_submit=SettingsState.save_profile,
                reset_on_submit=False,
            )
        ),
        rx.card(
            rx.form(
                rx.flex(
                    rx.heading("Change password", size="4"),
                    notice(SettingsState.password_message, "green"),
                    notice(SettingsState.password_error, "red"),
                    field(
                        "Current password",
                        rx.input(id="current_password", name="current_password", type="password"),
                    ),
                    field(
                        "New password",
                        rx.input(id="new_password", name="new_password", type="password"),
                    ),
                    field(
                        "Repeat new password",
                        rx.input(id="confirm_password", name="confirm_password", type="password"),
                    ),
                    rx.button(
                        "Change password",
                        type="submit",
                        id="change-password",
                        disabled=page_loading(),
                    ),
                    direction="column",
                    spacing="3",
                ),
                on_submit=SettingsState.save_password,
                reset_on_submit=True,
            )
        ),
        direction="column",
        spacing="4",
    )


def company_input(key: str, label: str) -> rx.Component:
    return field(
        f"{label} *" if key in REQUIRED_SELLER_FIELDS else label,
        rx.input(
            id=f"company-{key}",
            value=SettingsState.company.get(key, ""),
            on_change=lambda value: SettingsState.set_company_field(key, value),
        ),
        SettingsState.company_errors.get(key, ""),
    )


def invoicing_blocked_banner() -> rx.Component:
    return rx.cond(
        SettingsState.company_missing.length() > 0,
        rx.callout(
            rx.text(
                "Invoicing is blocked until the company data is complete. Missing: ",
                SettingsState.company_missing.join(", "),
                ". Orders wait for review meanwhile; after saving, run a manual sync.",
            ),
            icon="triangle_alert",
            color_scheme="orange",
            role="alert",
            id="invoicing-blocked",
        ),
    )


def company_choice(key: str, label: str, options: tuple[tuple[str, str], ...]) -> rx.Component:
    return field(
        label,
        rx.select.root(
            rx.select.trigger(id=f"company-{key}", width="100%", placeholder="Choose"),
            rx.select.content(*[rx.select.item(text, value=value) for value, text in options]),
            value=SettingsState.company.get(key, ""),
            on_change=lambda value: SettingsState.set_company_field(key, value),
        ),
        SettingsState.company_errors.get(key, ""),
    )


def company_tab() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading("Company", size="4"),
            rx.text(
                "These details are printed on your invoices as the seller.", size="2", color="gray"
            ),
            notice(SettingsState.company_message, "green"),
            invoicing_blocked_banner(),
            rx.grid(
                *[company_input(key, label) for key, label in COMPANY_LABELS],
                company_choice("vat_exemption_kind", "Exemption basis comes from", EXEMPTION_KINDS),
                company_choice(
                    "cash_accounting", "Cash accounting (metoda kasowa)", CASH_ACCOUNTING_CHOICES
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.text(
                "* required on every invoice (art. 106e ustawy o VAT). "
                "Series tokens: {YYYY} year, {MM} month, {N} running number.",
                size="1",
                color="gray",
            ),
            rx.button(
                "Save company",
                id="save-company",
                on_click=SettingsState.save_company,
                loading=SettingsState.company_saving,
                disabled=SettingsState.company_saving | page_loading(),
            ),
            direction="column",
            spacing="3",
        )
    )
