"""The Allegro settings form shared by the seller's Integrations tab and the admin dialog.

The form edits a flat dict keyed by the AllegroSettings field names (snake_case, as the service's
partial updates and refusals name them): switches hold booleans and selects hold strings.
`form_values` and `partial_from_form` convert from and to what the AllegroService validates; the
server's rules stay the only rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from pydantic.alias_generators import to_camel

from invoicehub.i18n import N_, gettext
from invoicehub.integrations.allegro.preferences import AllegroSettings, SyncFrequency
from invoicehub.models import VatRate
from invoicehub.state.i18n import tr

REQUESTED_ONLY = "requested_only"
SWITCHES = (
    (
        "auto_generate_invoices",
        N_("Generate invoices automatically"),
        N_("Issue an invoice for every paid order."),
    ),
    (
        "auto_create_customer",
        N_("Create customers from buyers"),
        N_("Add each new buyer to Customers."),
    ),
    (
        "auto_create_product",
        N_("Create products from offers"),
        N_("Add each new offer to Products."),
    ),
    (
        "auto_mark_as_paid",
        N_("Mark invoices as paid"),
        N_("When Allegro reports the full payment."),
    ),
    (
        "invoice_mode",
        N_("Only when the buyer asks for an invoice"),
        N_("Otherwise every order is invoiced."),
    ),
    ("include_shipping", N_("Invoice the shipping cost"), N_("Adds delivery as its own line.")),
    (
        "auto_corrections",
        N_("Issue correction invoices"),
        N_("For cancellations, refunds and returns of invoiced orders."),
    ),
    (
        "upload_invoices_to_allegro",
        N_("Attach invoices to Allegro orders"),
        N_("The buyer finds the PDF on the order page."),
    ),
)
CHOICES = ("sync_frequency_minutes", "default_vat_rate", "invoice_template_id")
FLAG_KEYS = frozenset(key for key, _, _ in SWITCHES)
# The numeric rates read the same in every language; "zw" is a word (a msgid).
VAT_RATE_LABELS = {VatRate.EXEMPT: N_("zw (exempt)")}
VAT_RATE_OPTIONS = tuple((r.value, VAT_RATE_LABELS.get(r, f"{r.value}%")) for r in VatRate)
# One msgid per frequency: Polish counts need their own word forms ("2 godziny", "6 godzin").
FREQUENCY_LABELS = {
    SyncFrequency.MINUTES_5: N_("Every 5 minutes"),
    SyncFrequency.MINUTES_15: N_("Every 15 minutes"),
    SyncFrequency.MINUTES_30: N_("Every 30 minutes"),
    SyncFrequency.HOUR: N_("Every hour"),
    SyncFrequency.HOURS_2: N_("Every 2 hours"),
    SyncFrequency.HOURS_6: N_("Every 6 hours"),
    SyncFrequency.HOURS_12: N_("Every 12 hours"),
    SyncFrequency.DAY: N_("Once a day"),
}
FREQUENCY_OPTIONS = tuple((str(m.value), FREQUENCY_LABELS[m]) for m in SyncFrequency)


def form_values(settings: AllegroSettings) -> dict[str, Any]:
    """The form's dict for stored settings."""
    values: dict[str, Any] = {key: getattr(settings, key) for key, _, _ in SWITCHES}
    values["invoice_mode"] = settings.invoice_mode == REQUESTED_ONLY
    values["sync_frequency_minutes"] = str(settings.sync_frequency_minutes)
    values["default_vat_rate"] = str(settings.default_vat_rate)
    values["invoice_template_id"] = settings.invoice_template_id
    return values


def _number_or_text(value: Any) -> Any:
    text = str(value)
    return int(text) if text.isdigit() else text


def partial_from_form(values: dict[str, Any]) -> dict[str, Any]:
    """The partial update the form asks for; wrong values go through so the server names them."""
    partial: dict[str, Any] = {key: values[key] for key, _, _ in SWITCHES if key in values}
    if "invoice_mode" in values:
        mode = values["invoice_mode"]
        partial["invoice_mode"] = (
            (REQUESTED_ONLY if mode else "all") if isinstance(mode, bool) else mode
        )
    if "sync_frequency_minutes" in values:
        partial["sync_frequency_minutes"] = _number_or_text(values["sync_frequency_minutes"])
    if "default_vat_rate" in values:
        partial["default_vat_rate"] = _number_or_text(values["default_vat_rate"])
    if "invoice_template_id" in values:
        partial["invoice_template_id"] = str(values["invoice_template_id"])
    return partial


def refusal_message(errors: dict[str, str], language: str = "pl") -> str:
    """The banner for a refused save; errors of fields the form shows appear beside them."""
    from invoicehub.i18n.validation import own_message

    others = [
        own_message(language, message)
        for key, message in errors.items()
        if key not in (*FLAG_KEYS, *CHOICES)
    ]
    if not others:
        return gettext(language, "Settings not saved: check the marked fields.")
    return gettext(language, "Settings not saved: {reasons}", reasons=" ".join(others))


def _error(errors: rx.Var, key: str) -> rx.Component:
    message = errors.get(key, "").to(str)
    return rx.cond(message != "", rx.text(message, color="red", size="1", role="alert"))


def _label(text: str, control_id: str) -> rx.Component:
    return rx.el.label(
        tr(text), html_for=control_id, class_name="rt-Text rt-r-size-2 rt-r-weight-medium"
    )


def _switch(key: str, label: str, help_text: str, ctx: dict[str, Any]) -> rx.Component:
    control_id = f"{ctx['prefix']}-{to_camel(key)}"  # the wire name: ids stay stable
    set_flag = ctx["set_flag"]
    return rx.flex(
        rx.switch(
            id=control_id,
            checked=ctx["values"][key].to(bool),
            on_change=lambda checked: set_flag(key, checked),
            disabled=ctx["disabled"],
            margin_top="2px",
        ),
        rx.flex(
            _label(label, control_id),
            rx.text(tr(help_text), size="1", color="gray"),
            _error(ctx["errors"], key),
            direction="column",
        ),
        spacing="3",
        align="start",
    )


def _select(
    key: str, label: str, items: rx.Component | list[rx.Component], ctx: dict[str, Any]
) -> rx.Component:
    control_id = f"{ctx['prefix']}-{to_camel(key)}"  # the wire name: ids stay stable
    set_choice = ctx["set_choice"]
    return rx.flex(
        _label(label, control_id),
        rx.select.root(
            rx.select.trigger(id=control_id, width="100%"),
            rx.select.content(items),
            value=ctx["values"][key].to(str),
            on_change=lambda value: set_choice(key, value),
            disabled=ctx["disabled"],
        ),
        _error(ctx["errors"], key),
        direction="column",
        spacing="1",
        width="100%",
    )


def _options(pairs: tuple[tuple[str, str], ...]) -> list[rx.Component]:
    """Select items; texts with a letter are msgids ("23%" is shown as it is)."""
    return [
        rx.select.item(tr(text) if any(c.isalpha() for c in text) else text, value=value)
        for value, text in pairs
    ]


def allegro_settings_form(
    *,
    values: rx.Var,
    errors: rx.Var,
    templates: rx.Var,
    set_flag: Callable[..., Any],
    set_choice: Callable[..., Any],
    prefix: str,
    disabled: rx.Var | bool = False,
) -> rx.Component:
    """Every AllegroSettings option, each control labelled and its server error beside it."""
    ctx = {
        "values": values,
        "errors": errors,
        "set_flag": set_flag,
        "set_choice": set_choice,
        "prefix": prefix,
        "disabled": disabled,
    }
    template_items = rx.foreach(
        templates, lambda t: rx.select.item(t["name"].to(str), value=t["id"].to(str))
    )
    return rx.flex(
        rx.heading(tr("Automatic processing"), as_="h3", size="3"),
        rx.grid(
            *[_switch(key, label, help_text, ctx) for key, label, help_text in SWITCHES],
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        rx.heading(tr("Sync and invoices"), as_="h3", size="3", margin_top="0.5em"),
        rx.grid(
            _select(
                "sync_frequency_minutes", N_("Sync frequency"), _options(FREQUENCY_OPTIONS), ctx
            ),
            _select("default_vat_rate", N_("Default VAT rate"), _options(VAT_RATE_OPTIONS), ctx),
            _select("invoice_template_id", N_("Invoice template"), template_items, ctx),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        direction="column",
        spacing="3",
        width="100%",
    )
