"""Fa3Invoice -> FA(3) XML bytes (pure, byte-stable: the same document gives the same bytes).

UTF-8 without a BOM (KSeF refuses one), elements in the schema's order, amounts with two decimals,
quantities without trailing zeros, the creation time taken from the invoice (never "now").
Lines are gross-priced (P_9B unit gross, P_11A line gross, art. 106e ust. 7-8): Allegro prices
are gross and the invoice's VAT is computed from the gross per rate (domain.taxes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

from invoicehub.integrations.ksef.fa3.document import (
    ExemptionKind,
    Fa3Correction,
    Fa3Invoice,
    Fa3Kind,
    Fa3Line,
    Fa3Party,
    Fa3Payment,
    Fa3RateTotal,
)
from invoicehub.models import VatRate

NAMESPACE = "http://crd.gov.pl/wzor/2025/06/25/13775/"
SYSTEM_INFO = "Invoice-HUB"
# Fa: the per-rate fields (net, VAT). "0" is the domestic 0% rate, "zw" the exempt sale.
RATE_FIELDS: dict[str, tuple[str, str | None]] = {
    VatRate.STANDARD.value: ("P_13_1", "P_14_1"),
    VatRate.REDUCED_8.value: ("P_13_2", "P_14_2"),
    VatRate.REDUCED_5.value: ("P_13_3", "P_14_3"),
    VatRate.ZERO.value: ("P_13_6_1", None),
    VatRate.EXEMPT.value: ("P_13_7", None),
}
# FaWiersz/P_12 (TStawkaPodatku): a domestic 0% sale is "0 KR".
LINE_RATES = {rate.value: rate.value for rate in VatRate} | {VatRate.ZERO.value: "0 KR"}
_EXEMPTION_FIELDS = {
    ExemptionKind.ACT: "P_19A",
    ExemptionKind.DIRECTIVE: "P_19B",
    ExemptionKind.OTHER: "P_19C",
}
# Characters XML 1.0 forbids and those KSeF refuses (weryfikacja-faktury.md): never in a value.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff\U0004fffe\U0004ffff"
    "\U0005fffe\U0005ffff\U0006fffe\U0006ffff\U0007fffe\U0007ffff\U0008fffe\U0008ffff"
    "\U0009fffe\U0009ffff\U000afffe\U000affff\U000bfffe\U000bffff\U000cfffe\U000cffff"
    "\U000dfffe\U000dffff\U000efffe\U000effff\U000ffffe\U000fffff\U0010fffe\U0010ffff]"
)


def build_fa3(doc: Fa3Invoice) -> bytes:
    """The FA(3) XML of `doc`: UTF-8, no BOM, byte-stable. Not validated (see render_valid_fa3).

    Written as text rather than through an element tree: a few times faster, and the layout
    (declaration, two-space indent, one element per line) is fixed by this code alone.
    """
    out = _Writer()
    with out.element("Faktura", f' xmlns="{NAMESPACE}"'):
        _header(out, doc.created_at)
        _seller(out, doc.seller)
        _buyer(out, doc.buyer)
        _fa(out, doc)
    return out.bytes()


class _Writer:
    def __init__(self) -> None:
        self.parts = ["<?xml version='1.0' encoding='UTF-8'?>\n"]
        self.indent = ""

    @contextmanager
    def element(self, tag: str, attributes: str = "") -> Iterator[None]:
        self.parts.append(f"{self.indent}<{tag}{attributes}>\n")
        self.indent += "  "
        yield
        self.indent = self.indent[:-2]
        self.parts.append(f"{self.indent}</{tag}>\n")

    def add(self, tag: str, value: object) -> None:
        self.parts.append(f"{self.indent}<{tag}>{_text(value)}</{tag}>\n")

    def bytes(self) -> bytes:
        return "".join(self.parts).encode("utf-8")


def _text(value: object) -> str:
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, Decimal):
        return _amount(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return _escape(str(value))


def _escape(value: str) -> str:
    text = _FORBIDDEN.sub(" ", value).strip()
    if any(c in text for c in "&<>\r"):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = text.replace("\r", "&#13;")
    return text


def _amount(value: Decimal) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _quantity(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text == "-0" else text


def _header(out: _Writer, created_at: datetime) -> None:
    with out.element("Naglowek"):
        out.parts.append(
            f'{out.indent}<KodFormularza kodSystemowy="FA (3)" wersjaSchemy="1-0E">FA'
            "</KodFormularza>\n"
        )
        out.add("WariantFormularza", 3)
        out.add("DataWytworzeniaFa", created_at)
        out.add("SystemInfo", SYSTEM_INFO)


def _address(out: _Writer, party: Fa3Party, *, required: bool) -> None:
    lines = [party.street.strip(), f"{party.postal_code} {party.city}".strip()]
    lines = [line for line in lines if line]
    if not lines and not required:
        return
    with out.element("Adres"):
        out.add("KodKraju", party.country_code or "PL")
        out.add("AdresL1", lines[0] if lines else "")
        if len(lines) > 1:
            out.add("AdresL2", lines[1])


def _seller(out: _Writer, seller: Fa3Party) -> None:
    with out.element("Podmiot1"):
        with out.element("DaneIdentyfikacyjne"):
            out.add("NIP", seller.nip or "")
            out.add("Nazwa", seller.name)
        _address(out, seller, required=True)


def _buyer(out: _Writer, buyer: Fa3Party) -> None:
    with out.element("Podmiot2"):
        with out.element("DaneIdentyfikacyjne"):
            if buyer.nip:
                out.add("NIP", buyer.nip)
            else:
                out.add("BrakID", 1)  # a consumer: no tax identifier
            out.add("Nazwa", buyer.name)
        _address(out, buyer, required=False)
        out.add("JST", 1 if buyer.jst else 2)
        out.add("GV", 1 if buyer.gv else 2)


def _fa(out: _Writer, doc: Fa3Invoice) -> None:
    with out.element("Fa"):
        out.add("KodWaluty", doc.currency)
        out.add("P_1", doc.issue_date)
        out.add("P_2", doc.number)
        if doc.sale_date != doc.issue_date:
            out.add("P_6", doc.sale_date)
        _rate_totals(out, doc.totals)
        out.add("P_15", doc.total_gross)
        _annotations(out, doc)
        kind = Fa3Kind(doc.kind)  # a plain "VAT" / "KOR" is accepted too
        out.add("RodzajFaktury", kind.value)
        before = doc.correction.lines_before if doc.correction is not None else ()
        if kind is Fa3Kind.KOR and doc.correction is not None:
            _corrected(out, doc.correction)
        # One number per row; a KOR's rows before the correction come first (StanPrzed).
        rows = [(line, True) for line in before] + [(line, False) for line in doc.lines]
        for number, (line, is_before) in enumerate(rows, start=1):
            _line(out, number, line, before=is_before)
        if doc.payment is not None:
            _payment(out, doc.payment)
        if doc.order_number:
            with out.element("WarunkiTransakcji"), out.element("Zamowienia"):
                out.add("NrZamowienia", doc.order_number)


def _rate_totals(out: _Writer, totals: tuple[Fa3RateTotal, ...]) -> None:
    by_rate = {total.rate: total for total in totals}
    for rate, (net_field, vat_field) in RATE_FIELDS.items():
        total = by_rate.get(rate)
        if total is None:
            continue
        out.add(net_field, total.net)
        if vat_field is not None:
            out.add(vat_field, total.vat)


def _annotations(out: _Writer, doc: Fa3Invoice) -> None:
    with out.element("Adnotacje"):
        out.add("P_16", 1 if doc.cash_accounting else 2)  # metoda kasowa
        out.add("P_17", 2)  # samofakturowanie: never
        out.add("P_18", 2)  # odwrotne obciążenie: never (no "oo" rate)
        out.add("P_18A", 1 if doc.split_payment else 2)  # mechanizm podzielonej płatności
        with out.element("Zwolnienie"):
            if doc.exemption is not None:
                out.add("P_19", 1)
                field = _EXEMPTION_FIELDS[ExemptionKind(doc.exemption.kind)]
                out.add(field, doc.exemption.text)
            else:
                out.add("P_19N", 1)
        with out.element("NoweSrodkiTransportu"):
            out.add("P_22N", 1)  # no new means of transport
        out.add("P_23", 2)  # no simplified triangular procedure
        with out.element("PMarzy"):
            out.add("P_PMarzyN", 1)  # no margin scheme


def _corrected(out: _Writer, correction: Fa3Correction) -> None:
    out.add("PrzyczynaKorekty", correction.reason)
    out.add("TypKorekty", int(correction.type))
    with out.element("DaneFaKorygowanej"):
        out.add("DataWystFaKorygowanej", correction.corrected_issue_date)
        out.add("NrFaKorygowanej", correction.corrected_number)
        if correction.corrected_ksef_number:
            out.add("NrKSeF", 1)
            out.add("NrKSeFFaKorygowanej", correction.corrected_ksef_number)
        else:
            out.add("NrKSeFN", 1)  # the corrected invoice was issued outside KSeF


def _line(out: _Writer, number: int, line: Fa3Line, *, before: bool) -> None:
    with out.element("FaWiersz"):
        out.add("NrWierszaFa", number)
        if line.line_id:
            out.add("UU_ID", line.line_id)
        out.add("P_7", line.name)
        out.add("P_8A", line.unit)
        out.add("P_8B", _quantity(line.quantity))
        out.add("P_9B", line.unit_gross)
        out.add("P_11A", line.gross)
        out.add("P_12", LINE_RATES.get(line.vat_rate, line.vat_rate))
        if line.annex15:
            out.add("P_12_Zal_15", 1)
        if before:
            out.add("StanPrzed", 1)


def _payment(out: _Writer, payment: Fa3Payment) -> None:
    with out.element("Platnosc"):
        if payment.paid_on is not None:
            out.add("Zaplacono", 1)
            out.add("DataZaplaty", payment.paid_on)
        elif payment.due_date is not None:
            with out.element("TerminPlatnosci"):
                out.add("Termin", payment.due_date)
        if payment.form is not None:
            out.add("FormaPlatnosci", int(payment.form))
        elif payment.other_form:
            out.add("PlatnoscInna", 1)
            out.add("OpisPlatnosci", payment.other_form)
        if payment.bank_account:
            with out.element("RachunekBankowy"):
                out.add("NrRB", payment.bank_account)
