"""The Profile and Company tab contents."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import field, notice, page_loading
from invoicehub.domain.seller_data import REQUIRED_SELLER_FIELDS
from invoicehub.i18n import LANGUAGE_NAMES, N_
from invoicehub.pages.settings.state import SettingsState
from invoicehub.state.i18n import tr, tr_value

COMPANY_LABELS = (
    ("name", N_("Company name")),
    ("nip", N_("NIP")),
    ("street", N_("Street")),
    ("postal_code", N_("Postal code")),
    ("city", N_("City")),
    ("country_code", N_("Country code")),
    ("bank_account", N_("Bank account (NRB)")),
    ("invoice_series", N_("Invoice series pattern")),
    ("correction_series", N_("Correction invoice series pattern")),
    ("vat_exemption_basis", N_('VAT exemption basis (needed to invoice "zw" lines)')),
)
# FA(3) P_19A/B/C; "" lets the basis' words decide when saved.
EXEMPTION_KINDS = (
    ("A", N_("Polish VAT act or its regulations")),
    ("B", N_("VAT directive 2006/112/EC")),
    ("C", N_("Another legal basis")),
)
CASH_ACCOUNTING_CHOICES = (
    ("false", N_("No")),
    ("true", N_('Yes: invoices say "metoda kasowa"')),
)
# The words `missing_seller_fields` names missing art. 106e data with, shown via `tr_value`.
MISSING_FIELD_NAMES = (
    N_("company"),
    N_("name"),
    N_("street"),
    N_("postal code"),
    N_("city"),
    N_("country"),
)


def language_card() -> rx.Component:
    """The interface language, saved for the user at once (the invoice PDF stays Polish)."""
    return rx.card(
        rx.flex(
            rx.heading(tr("Language"), as_="h2", size="4"),
            notice(SettingsState.language_message, "green"),
            field(
                N_("Interface language"),
                rx.select.root(
                    rx.select.trigger(id="profile-language", width="100%"),
                    rx.select.content(
                        *[
                            rx.select.item(name, value=code, custom_attrs={"lang": code})
                            for code, name in LANGUAGE_NAMES.items()
                        ]
                    ),
                    value=SettingsState.profile_language,
                    on_change=SettingsState.save_language,
                    disabled=page_loading(),
                ),
            ),
            rx.text(tr("Invoices and their PDFs are always in Polish."), size="1", color="gray"),
            direction="column",
            spacing="3",
        )
    )


def profile_tab() -> rx.Component:
    return rx.flex(
        rx.card(
            rx.form(
                rx.flex(
                    rx.heading(tr("Profile"), as_="h2", size="4"),
                    notice(SettingsState.profile_message, "green"),
                    notice(SettingsState.profile_error, "red"),
                    field(
                        N_("Name"),
                        rx.input(id="name", name="name", default_value=SettingsState.profile_name),
                    ),
                    field(
                        N_("E-mail"),
                        rx.input(
                            id="email",
                            name="email",
                            type="email",
                            default_value=SettingsState.profile_email,
                        ),
                    ),
                    rx.button(
                        tr("Save profile"),
                        type="submit",
                        id="save-profile",
                        disabled=page_loading(),
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
                    rx.heading(tr("Change password"), as_="h2", size="4"),
                    notice(SettingsState.password_message, "green"),
                    notice(SettingsState.password_error, "red"),
                    field(
                        N_("Current password"),
                        rx.input(id="current_password", name="current_password", type="password"),
                    ),
                    field(
                        N_("New password"),
                        rx.input(id="new_password", name="new_password", type="password"),
                    ),
                    field(
                        N_("Repeat new password"),
                        rx.input(id="confirm_password", name="confirm_password", type="password"),
                    ),
                    rx.button(
                        tr("Change password"),
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
        language_card(),
        direction="column",
        spacing="4",
    )


def company_input(key: str, label: str) -> rx.Component:
    return field(
        tr(label) + " *" if key in REQUIRED_SELLER_FIELDS else tr(label),
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
                tr(
                    "Invoicing is blocked until the company data is complete. Missing: "
                    "{fields}. Orders wait for review meanwhile; after saving, run a manual sync.",
                    fields=SettingsState.company_missing.map(lambda name: tr_value(name)).join(
                        ", "
                    ),
                ),
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
            rx.select.trigger(id=f"company-{key}", width="100%", placeholder=tr("Choose")),
            rx.select.content(*[rx.select.item(tr(text), value=value) for value, text in options]),
            value=SettingsState.company.get(key, ""),
            on_change=lambda value: SettingsState.set_company_field(key, value),
        ),
        SettingsState.company_errors.get(key, ""),
    )


def company_tab() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.heading(tr("Company"), as_="h2", size="4"),
            rx.text(
                tr("These details are printed on your invoices as the seller."),
                size="2",
                color="gray",
            ),
            notice(SettingsState.company_message, "green"),
            invoicing_blocked_banner(),
            rx.grid(
                *[company_input(key, label) for key, label in COMPANY_LABELS],
                company_choice(
                    "vat_exemption_kind", N_("Exemption basis comes from"), EXEMPTION_KINDS
                ),
                company_choice(
                    "cash_accounting",
                    N_("Cash accounting (metoda kasowa)"),
                    CASH_ACCOUNTING_CHOICES,
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.text(
                tr(
                    "* required on every invoice (art. 106e of the VAT act). "
                    "Series tokens: {YYYY} year, {MM} month, {N} running number."
                ),
                size="1",
                color="gray",
            ),
            rx.button(
                tr("Save company"),
                id="save-company",
                on_click=SettingsState.save_company,
                loading=SettingsState.company_saving,
                disabled=SettingsState.company_saving | page_loading(),
            ),
            direction="column",
            spacing="3",
        )
    )
