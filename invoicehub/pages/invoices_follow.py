"""Components of /invoices/[invoice_id] for what follows an invoice: payments with the "Record
payment" dialog, the PDF on the Allegro order with Retry, and invoice <-> correction links."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import notice
from invoicehub.components.tables import scroll_table
from invoicehub.i18n import N_
from invoicehub.i18n.formats import DAY_INPUT_HINT
from invoicehub.pages.invoices_follow_state import InvoiceFollowState
from invoicehub.state.i18n import tr, tr_value

Follow = InvoiceFollowState
UPLOAD_LABELS = {
    "pending": N_("Queued"),
    "metadata_created": N_("Uploading"),
    "uploaded": N_("Attached"),
    "failed": N_("Failed"),
}


def _field(label: str, control_id: str, control: rx.Component) -> rx.Component:
    return rx.flex(
        rx.el.label(tr(label), html_for=control_id, class_name="rt-Text rt-r-size-2"),
        control,
        direction="column",
        spacing="1",
    )


def _payment_form() -> rx.Component:
    return rx.flex(
        _field(
            N_("Amount"),
            "payment-amount",
            rx.input(
                id="payment-amount",
                value=Follow.amount,
                on_change=Follow.set_amount,
                placeholder="123,45",
                input_mode="decimal",
            ),
        ),
        _field(
            N_("Paid on"),
            "payment-date",
            rx.input(
                id="payment-date",
                placeholder=DAY_INPUT_HINT,
                max_length=10,
                value=Follow.paid_on,
                on_change=Follow.set_paid_on,
            ),
        ),
        _field(
            N_("Method"),
            "payment-method",
            rx.input(id="payment-method", value=Follow.method, on_change=Follow.set_method),
        ),
        notice(Follow.form_error, "red"),
        rx.flex(
            rx.dialog.close(rx.button(tr("Cancel"), variant="soft", color_scheme="gray")),
            rx.button(tr("Save"), id="save-payment", on_click=Follow.save_payment),
            spacing="3",
            justify="end",
        ),
        direction="column",
        spacing="3",
    )


def payment_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("banknote", size=16),
                tr("Record payment"),
                id="record-payment",
                variant="soft",
                on_click=Follow.open_dialog,
            )
        ),
        rx.dialog.content(
            rx.dialog.title(tr("Record payment")),
            rx.dialog.description(
                rx.text(tr("Outstanding: {amount}", amount=Follow.outstanding)), size="2"
            ),
            _payment_form(),
        ),
        open=Follow.dialog_open,
        on_open_change=Follow.set_dialog_open,
    )


def _payment_row(payment) -> rx.Component:
    return rx.table.row(
        rx.table.cell(payment["paid_at"]),
        rx.table.cell(tr_value(payment["method"])),
        rx.table.cell(payment["amount"], text_align="right"),
    )


def payments_section() -> rx.Component:
    return rx.cond(
        Follow.kind == "invoice",
        rx.flex(
            rx.flex(
                rx.heading(tr("Payments"), as_="h3", size="3"),
                rx.text(
                    tr(
                        "Paid {paid} · outstanding {outstanding}",
                        paid=Follow.paid,
                        outstanding=Follow.outstanding,
                    ),
                    size="2",
                ),
                rx.spacer(),
                rx.cond(Follow.can_pay, payment_dialog()),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                Follow.payments.length() > 0,
                scroll_table(
                    [N_("Paid on"), N_("Method"), N_("Amount")],
                    rx.foreach(Follow.payments, _payment_row),
                    min_width="420px",
                    label=N_("Payments"),
                ),
            ),
            direction="column",
            spacing="2",
        ),
    )


def allegro_section() -> rx.Component:
    upload = Follow.upload
    return rx.cond(
        upload.contains("status"),  # type: ignore[attr-defined]
        rx.flex(
            rx.text(tr("On the Allegro order:"), size="2"),
            rx.badge(
                rx.match(
                    upload["status"],
                    *[(key, tr(label)) for key, label in UPLOAD_LABELS.items()],
                    upload["status"],
                ),
                id="allegro-upload-status",
            ),
            rx.text(upload["uploaded_at"], size="2", color="gray"),
            rx.cond(upload["error"] != "", rx.text(upload["error"], size="2", color="red")),
            rx.cond(
                upload["status"] != "uploaded",
                rx.button(
                    tr("Retry"),
                    id="retry-upload",
                    size="1",
                    variant="soft",
                    on_click=Follow.retry_upload,
                ),
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
    )


def _correction_link(item) -> rx.Component:
    return rx.flex(
        rx.link(item["number"], href="/invoices/" + item["id"]),
        rx.text(
            item["issue_date"], " · ", item["gross"], " · ", tr_value(item["reason"]), size="2"
        ),
        spacing="2",
        wrap="wrap",
    )


def links_section() -> rx.Component:
    corrected = Follow.corrected
    return rx.fragment(
        rx.cond(
            corrected.contains("id"),  # type: ignore[attr-defined]
            rx.callout(
                rx.flex(
                    rx.text(tr("Correction invoice to invoice")),
                    rx.link(
                        corrected["number"],
                        href="/invoices/" + corrected["id"],
                        id="corrected-invoice",
                    ),
                    rx.text(
                        tr(
                            "of {date}. Reason: {reason}",
                            date=corrected["issue_date"],
                            reason=tr_value(corrected["reason"]),
                        )
                    ),
                    wrap="wrap",
                    spacing="1",
                ),
                icon="file-diff",
            ),
        ),
        rx.cond(
            Follow.corrections.length() > 0,
            rx.flex(
                rx.heading(tr("Corrections"), as_="h3", size="3"),
                rx.foreach(Follow.corrections, _correction_link),
                direction="column",
                spacing="1",
                id="invoice-corrections",
            ),
        ),
        notice(Follow.message, "green"),
    )
