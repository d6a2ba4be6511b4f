"""Polish VAT arithmetic on gross prices (Allegro prices are gross).

A line's net is its gross divided by (1 + rate), rounded half-up to the grosz, and its VAT is the
rest, so net + VAT = gross on every line. The invoice's totals per rate are computed again from the
sum of the line grosses of that rate (the "per rate" method of art. 106e ust. 1 pkt 13-14 as
practised by Polish invoicing software), not by adding rounded line nets, so the summary never
drifts by a grosz from what the buyer paid.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from invoicehub.models import VAT_RATES, VatRate

GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")
EXEMPT = VatRate.EXEMPT.value
DEFAULT_VAT_RATE = VatRate.STANDARD.value
# The fraction each rate adds on top of the net; "zw" (exempt) and "0" add nothing.
RATE_FRACTIONS: dict[str, Decimal] = {
    VatRate.STANDARD.value: Decimal("0.23"),
    VatRate.REDUCED_8.value: Decimal("0.08"),
    VatRate.REDUCED_5.value: Decimal("0.05"),
    VatRate.ZERO.value: Decimal("0"),
    VatRate.EXEMPT.value: Decimal("0"),
}
assert set(RATE_FRACTIONS) == set(VAT_RATES)


class UnknownVatRate(ValueError):
    def __init__(self, rate: str) -> None:
        super().__init__(f"unknown VAT rate {rate!r}: allowed are {', '.join(VAT_RATES)}")
        self.rate = rate


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class RateTotal:
    rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal


@dataclass(frozen=True)
class Totals:
    net: Decimal
    vat: Decimal
    gross: Decimal
    by_rate: tuple[RateTotal, ...]


def to_grosz(amount: Decimal) -> Decimal:
    """Round half-up to 0.01 (the Polish rule for VAT amounts)."""
    return amount.quantize(GROSZ, rounding=ROUND_HALF_UP)


def rate_fraction(rate: str) -> Decimal:
    try:
        return RATE_FRACTIONS[rate]
    except KeyError:
        raise UnknownVatRate(rate) from None


def split_gross(gross: Decimal, rate: str) -> LineAmounts:
    """Net and VAT contained in a gross amount at `rate`."""
    gross = to_grosz(gross)
    net = to_grosz(gross / (1 + rate_fraction(rate)))
    return LineAmounts(net=net, vat=gross - net, gross=gross)


def line_amounts(unit_gross: Decimal, quantity: Decimal, rate: str) -> LineAmounts:
    return split_gross(unit_gross * quantity, rate)


def compute_totals(lines: Iterable[tuple[str, Decimal]]) -> Totals:
    """Totals from (rate, line gross) pairs: per rate from the summed gross, then over rates."""
    gross_by_rate: dict[str, Decimal] = {}
    for rate, gross in lines:
        rate_fraction(rate)
        gross_by_rate[rate] = gross_by_rate.get(rate, ZERO) + to_grosz(gross)
    by_rate = tuple(
        RateTotal(rate=rate, **vars(split_gross(gross_by_rate[rate], rate)))
        for rate in VAT_RATES
        if rate in gross_by_rate
    )
    return Totals(
        net=sum((r.net for r in by_rate), ZERO),
        vat=sum((r.vat for r in by_rate), ZERO),
        gross=sum((r.gross for r in by_rate), ZERO),
        by_rate=by_rate,
    )
