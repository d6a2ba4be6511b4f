"""One invoice as FA(3) needs it: frozen values, independent of the ORM (pure).

`fa3_invoice_from_issued` (snapshot.py) fills these from an issued invoice's own snapshot; the
corrections domain fills `Fa3Correction` from its model. `build_fa3` (builder.py) turns the result
into the XML. Amounts are Decimal to the grosz; VAT rates are the project's ("23", "8", "5", "0",
"zw"); lines are gross-priced (Allegro prices are gross: art. 106e ust. 7-8, P_9B/P_11A).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum, StrEnum

from invoicehub.domain.taxes import ZERO, compute_totals
from invoicehub.domain.vat_rules import ExemptionKind
from invoicehub.models import VAT_RATES

__all__ = ["ExemptionKind"]  # re-exported: Fa3Exemption.kind


class Fa3Kind(StrEnum):
    VAT = "VAT"  # faktura podstawowa
    KOR = "KOR"  # faktura korygująca


class PaymentForm(IntEnum):
    """FA(3) TFormaPlatnosci."""

    CASH = 1  # Gotówka
    CARD = 2  # Karta
    VOUCHER = 3  # Bon
    CHEQUE = 4  # Czek
    CREDIT = 5  # Kredyt
    TRANSFER = 6  # Przelew
    MOBILE = 7  # Mobilna


class CorrectionType(IntEnum):
    """FA(3) TTypKorekty: when the correction takes effect in the VAT records."""

    ORIGINAL_DATE = 1  # w dacie ujęcia faktury pierwotnej
    CORRECTION_DATE = 2  # w dacie wystawienia faktury korygującej
    OTHER_DATE = 3  # w dacie innej


@dataclass(frozen=True)
class Fa3Party:
    name: str
    nip: str | None = None  # None: a consumer (BrakID) — the seller always has one
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country_code: str = "PL"
    jst: bool = False  # Podmiot2: the invoice concerns a subordinate unit of a local government
    gv: bool = False  # Podmiot2: the buyer is a member of a VAT group


@dataclass(frozen=True)
class Fa3Line:
    name: str
    quantity: Decimal
    unit: str
    unit_gross: Decimal
    vat_rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    annex15: bool = False  # a good or service of Annex 15 to the VAT act (P_12_Zal_15)
    line_id: str | None = None  # UU_ID: pairs a KOR's line before and after the correction


@dataclass(frozen=True)
class Fa3RateTotal:
    rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class Fa3Payment:
    """Platnosc: paid (Zaplacono + DataZaplaty) or due (TerminPlatnosci), and how."""

    paid_on: date | None = None
    due_date: date | None = None
    form: PaymentForm | None = None
    other_form: str | None = None  # PlatnoscInna + OpisPlatnosci when no code fits
    bank_account: str | None = None  # NRB, 26 digits


@dataclass(frozen=True)
class Fa3Exemption:
    kind: ExemptionKind
    text: str


@dataclass(frozen=True)
class Fa3Correction:
    """What a KOR corrects: DaneFaKorygowanej, PrzyczynaKorekty, TypKorekty and the lines as they
    were before (written with StanPrzed). The KOR's own `lines` are the lines after the correction
    and its `totals` the differences after minus before (`correction_totals`)."""

    corrected_number: str
    corrected_issue_date: date
    corrected_ksef_number: str | None
    reason: str
    type: CorrectionType
    lines_before: tuple[Fa3Line, ...]


@dataclass(frozen=True, kw_only=True)
class Fa3Invoice:
    kind: Fa3Kind
    number: str
    issue_date: date
    sale_date: date
    created_at: datetime  # DataWytworzeniaFa: the invoice's own time, so the bytes never change
    currency: str
    seller: Fa3Party
    buyer: Fa3Party
    lines: tuple[Fa3Line, ...]
    totals: tuple[Fa3RateTotal, ...]
    payment: Fa3Payment | None = None
    order_number: str | None = None  # the Allegro order id (WarunkiTransakcji/Zamowienia)
    cash_accounting: bool = False  # metoda kasowa (P_16)
    split_payment: bool = False  # mechanizm podzielonej płatności (P_18A)
    exemption: Fa3Exemption | None = None
    correction: Fa3Correction | None = None

    @property
    def total_gross(self) -> Decimal:
        return sum((total.gross for total in self.totals), ZERO)


def line_totals(lines: Iterable[Fa3Line]) -> tuple[Fa3RateTotal, ...]:
    """Per-rate totals of lines, computed as the issued invoice computes them (domain.taxes)."""
    totals = compute_totals((line.vat_rate, line.gross) for line in lines)
    return tuple(Fa3RateTotal(t.rate, t.net, t.vat, t.gross) for t in totals.by_rate)


def correction_totals(
    before: Iterable[Fa3Line], after: Iterable[Fa3Line]
) -> tuple[Fa3RateTotal, ...]:
    """A KOR's per-rate differences (after minus before)."""
    old = {t.rate: t for t in line_totals(before)}
    new = {t.rate: t for t in line_totals(after)}
    rates = [rate for rate in VAT_RATES if rate in old or rate in new]
    zero = Fa3RateTotal("", ZERO, ZERO, ZERO)
    return tuple(
        Fa3RateTotal(
            rate,
            new.get(rate, zero).net - old.get(rate, zero).net,
            new.get(rate, zero).vat - old.get(rate, zero).vat,
            new.get(rate, zero).gross - old.get(rate, zero).gross,
        )
        for rate in rates
    )


def correction_of(
    original: Fa3Invoice,
    *,
    number: str,
    issue_date: date,
    created_at: datetime,
    lines_after: Iterable[Fa3Line],
    reason: str,
    correction_type: CorrectionType = CorrectionType.CORRECTION_DATE,
    corrected_ksef_number: str | None = None,
    payment: Fa3Payment | None = None,
) -> Fa3Invoice:
    """The KOR of `original` (the corrected invoice's own FA(3) view): its lines before are the
    original's, `lines_after` the state after (a line given back in full: quantity and amounts
    0), its totals the differences. Parties, order number, cash accounting, the MPP marker and
    the exemption basis are the original's: a correction corrects that invoice."""
    after = tuple(lines_after)
    return replace(
        original,
        kind=Fa3Kind.KOR,
        number=number,
        issue_date=issue_date,
        created_at=created_at,
        lines=after,
        totals=correction_totals(original.lines, after),
        payment=payment,
        correction=Fa3Correction(
            corrected_number=original.number,
            corrected_issue_date=original.issue_date,
            corrected_ksef_number=corrected_ksef_number,
            reason=reason,
            type=correction_type,
            lines_before=original.lines,
        ),
    )
