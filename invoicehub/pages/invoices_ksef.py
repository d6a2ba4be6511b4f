"""The KSeF section of /invoices/[invoice_id] (texts from the catalogue)."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import notice
from invoicehub.i18n import N_
from invoicehub.pages.invoices_ksef_state import InvoiceKsefState
from invoicehub.state.i18n import tr, tr_value

Ksef = InvoiceKsefState
# The list's filter (msgids of the catalogue); the badges show STATUS_LABELS (msgids too).
KSEF_FILTER = (
    ("all", N_("All KSeF statuses")),
    ("not_sent", N_("Not sent")),
    ("queued", N_("Queued")),
    ("sent", N_("Sent, awaiting KSeF")),
    ("accepted", N_("Accepted by KSeF")),
    ("rejected", N_("Rejected by KSeF")),
    ("offline", N_("Offline (KSeF unreachable)")),
)
STATUS_COLORS = (
    ("accepted", "green"),
    ("rejected", "red"),
    ("offline", "orange"),
    ("queued", "blue"),
    ("sent", "blue"),
)


def ksef_badge(status, label) -> rx.Component:
    """`label` is a msgid held in state (STATUS_LABELS), translated in the browser."""
    return rx.badge(tr_value(label), color_scheme=rx.match(status, *STATUS_COLORS, "gray"))


def ksef_section() -> rx.Component:
    ksef = Ksef.ksef
    return rx.cond(
        ksef.contains("status"),  # type: ignore[attr-defined]
        rx.card(
            rx.flex(
                rx.flex(
                    rx.heading("KSeF", as_="h3", size="3"),
                    rx.box(ksef_badge(ksef["status"], ksef["label"]), id="ksef-status"),
                    rx.spacer(),
                    rx.cond(
                        Ksef.can_send,
                        rx.button(
                            rx.cond(
                                ksef["status"] == "not_sent",
                                tr("Send to KSeF"),
                                tr("Send again"),
                            ),
                            id="ksef-send",
                            size="1",
                            on_click=Ksef.send,
                        ),
                    ),
                    rx.button(
                        tr("Download XML (FA(3))"),
                        id="ksef-xml",
                        size="1",
                        variant="soft",
                        on_click=Ksef.download_xml,
                    ),
                    rx.cond(
                        Ksef.has_upo,
                        rx.button(
                            tr("Download UPO"),
                            id="ksef-upo",
                            size="1",
                            variant="soft",
                            on_click=Ksef.download_upo,
                        ),
                    ),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.cond(
                    ksef["number"] != "",
                    rx.text(
                        tr("KSeF number: "), rx.code(ksef["number"], id="ksef-number"), size="2"
                    ),
                ),
                rx.cond(
                    ksef["acquired"] != "",
                    rx.text(
                        tr("Accepted on: {when}", when=ksef["acquired"]), size="2", color="gray"
                    ),
                ),
                rx.cond(
                    ksef["deadline"] != "",
                    rx.text(
                        rx.cond(
                            ksef["overdue"] != "",
                            tr(
                                "Offline invoice: the deadline to send it to KSeF ({deadline}) "
                                "has passed",
                                deadline=ksef["deadline"],
                            ),
                            tr(
                                "Offline invoice: send it to KSeF by {deadline}",
                                deadline=ksef["deadline"],
                            ),
                        ),
                        size="2",
                        color=rx.cond(ksef["overdue"] != "", "red", "orange"),
                        id="ksef-deadline",
                    ),
                ),
                rx.cond(
                    ksef["reason"] != "",
                    rx.text(ksef["reason"], size="2", color="red", id="ksef-reason"),
                ),
                notice(Ksef.message, "green"),
                notice(Ksef.error, "red"),
                direction="column",
                spacing="2",
            ),
            id="ksef-section",
        ),
    )
