"""An issued invoice -> Fa3Invoice, from the invoice's own snapshot only (pure).

The seller and buyer come from the invoice's `seller`/`buyer` JSON and the lines from its
`invoice_lines` rows, all written when the invoice was issued: a later edit of the company, the
customer or a product never changes an issued invoice's FA(3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from invoicehub.domain.taxes import EXEMPT
from invoicehub.domain.vat_rules import exemption_kind_of, requires_split_payment
from invoicehub.integrations.ksef.fa3.document import (
    Fa3Exemption,
    Fa3Invoice,
    Fa3Kind,
    Fa3Line,
    Fa3Party,
    Fa3Payment,
    PaymentForm,
    line_totals,
)
from invoicehub.models import Invoice, InvoiceLine

POLAND = ZoneInfo("Europe/Warsaw")  # a payment's date is a Polish calendar date
# The invoice stores the payment method in words. The first five are the words the Allegro sync
# writes for its payment types (ONLINE, CASH_ON_DELIVERY, WIRE_TRANSFER, SPLIT_PAYMENT,
# EXTENDED_TERM); the rest are what a seller types on a manual invoice. Anything else is written
# as PlatnoscInna with the seller's own words.
PAYMENT_FORMS: dict[str, PaymentForm] = {
    # ONLINE: paid through Allegro's payment operator (PayU, Przelewy24, Allegro Finance), which
    # pays the seller by transfer; the buyer's instrument (card, BLIK, pay-by-link) is not known.
    "płatność online": PaymentForm.TRANSFER,
    "za pobraniem": PaymentForm.CASH,  # CASH_ON_DELIVERY: cash to the courier
    "przelew": PaymentForm.TRANSFER,  # WIRE_TRANSFER
    # SPLIT_PAYMENT: Allegro's "Podzielona płatność" is the Polish split payment (MPP), a bank
    # transfer with the MPP message, offered above 15,000 PLN. The buyer's choice of MPP does
    # not by itself make the MPP words mandatory (P_18A follows the Annex 15 rule).
    "mechanizm podzielonej płatności": PaymentForm.TRANSFER,
    # EXTENDED_TERM: deferred payment term (provider EPT, Allegro Pay Business): trade credit.
    "odroczony termin płatności": PaymentForm.CREDIT,
    "gotówka": PaymentForm.CASH,
    "karta": PaymentForm.CARD,
    "karta płatnicza": PaymentForm.CARD,
    "bon": PaymentForm.VOUCHER,
    "czek": PaymentForm.CHEQUE,
    "kredyt": PaymentForm.CREDIT,
    "blik": PaymentForm.MOBILE,
    "płatność mobilna": PaymentForm.MOBILE,
}


def fa3_invoice_from_issued(invoice: Invoice, lines: Sequence[InvoiceLine]) -> Fa3Invoice:
    """The FA(3) view of an issued (basic, "VAT") invoice and its lines."""
    fa3_lines = tuple(fa3_line_from(line) for line in sorted(lines, key=lambda li: li.position))
    buyer = fa3_party_from_json(invoice.buyer)
    seller = invoice.seller
    return Fa3Invoice(
        kind=Fa3Kind.VAT,
        number=invoice.number,
        issue_date=invoice.issue_date,
        sale_date=invoice.sale_date,
        created_at=invoice.created_at,
        currency=invoice.currency,
        seller=fa3_party_from_json(seller),
        buyer=buyer,
        lines=fa3_lines,
        totals=line_totals(fa3_lines),
        payment=fa3_payment_of(invoice),
        order_number=invoice.external_order_id,
        cash_accounting=bool(seller.get("cashAccounting")),
        split_payment=requires_split_payment(
            invoice.total_gross, (line.annex15 for line in fa3_lines), buyer.nip
        ),
        exemption=fa3_exemption_of(seller, fa3_lines),
    )


def fa3_line_from(line: InvoiceLine) -> Fa3Line:
    return Fa3Line(
        name=line.name,
        quantity=line.quantity,
        unit=line.unit,
        unit_gross=line.unit_gross,
        vat_rate=line.vat_rate,
        net=line.net,
        vat=line.vat,
        gross=line.gross,
        annex15=bool(line.annex15),
        line_id=str(line.id),
    )


def fa3_party_from_json(data: Mapping[str, Any]) -> Fa3Party:
    """A seller or buyer snapshot (camelCase JSON, as invoices store them)."""
    return Fa3Party(
        name=str(data.get("name") or ""),
        nip=str(data["nip"]) if data.get("nip") else None,
        street=str(data.get("street") or ""),
        city=str(data.get("city") or ""),
        postal_code=str(data.get("postalCode") or ""),
        country_code=str(data.get("countryCode") or "PL"),
    )


def fa3_payment_of(invoice: Invoice) -> Fa3Payment:
    method = (invoice.payment_method or "").strip()
    form = PAYMENT_FORMS.get(method.lower())
    return Fa3Payment(
        paid_on=_polish_date(invoice.paid_at) if invoice.paid_at else None,
        due_date=None if invoice.paid_at else invoice.due_date,
        form=form,
        other_form=None if form is not None else (method or None),
        bank_account=str(invoice.seller.get("bankAccount") or "") or None,
    )


def fa3_exemption_of(seller: Mapping[str, Any], lines: Sequence[Fa3Line]) -> Fa3Exemption | None:
    """The exemption basis, required (P_19 + P_19A/B/C) when a line is "zw"; else None (P_19N)."""
    if not any(line.vat_rate == EXEMPT for line in lines):
        return None
    basis = str(seller.get("vatExemptionBasis") or "")
    return Fa3Exemption(exemption_kind_of(seller.get("vatExemptionKind"), basis), basis)


def _polish_date(moment: datetime) -> date:
    return moment.astimezone(POLAND).date()
