"""Correction invoices (faktury korygujące, art. 106j ustawy o VAT), the pure part: from the lines
an invoice stands at now (the original's, or its latest correction's "after" lines) and what
happened (a cancellation, refunded lines, a refunded amount), the lines after the correction and
the differences per VAT rate.

Never more than was invoiced: a quantity is taken down to 0 at most and an amount to the line's
remaining gross at most, so corrections after corrections can only reach zero. A refunded amount
that matches no line (a price reduction) is spread over the lines in proportion to their gross,
rounded to the grosz with the largest remainders getting the leftover grosze, so it sums exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

from invoicehub.domain.taxes import GROSZ, compute_totals, line_amounts, split_gross

ZERO = Decimal("0.00")
# FA(3) TypKorekty: 2 = the correction takes effect in the period it is issued (a refund, a
# return or a cancellation after the sale: art. 29a ust. 13), which is every case here.
EFFECT_ON_CORRECTION_DATE = 2


class CorrectionKind(StrEnum):
    CANCELLATION = "cancellation"
    REFUND = "refund"
    PRICE_REDUCTION = "price_reduction"
    RETURN = "return"


class CorrectionError(ValueError):
    """A correction that cannot be made; the message says why."""


@dataclass(frozen=True)
class CorrectionLine:
    position: int
    name: str
    quantity: Decimal
    unit: str
    unit_gross: Decimal
    vat_rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "name": self.name,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "unitGross": str(self.unit_gross),
            "vatRate": self.vat_rate,
            "net": str(self.net),
            "vat": str(self.vat),
            "gross": str(self.gross),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CorrectionLine:
        return cls(
            position=int(data["position"]),
            name=str(data["name"]),
            quantity=Decimal(data["quantity"]),
            unit=str(data["unit"]),
            unit_gross=Decimal(data["unitGross"]),
            vat_rate=str(data["vatRate"]),
            net=Decimal(data["net"]),
            vat=Decimal(data["vat"]),
            gross=Decimal(data["gross"]),
        )


@dataclass(frozen=True)
class CorrectionChange:
    """What happened: every line to zero, quantities taken off, or amounts refunded."""

    kind: CorrectionKind
    quantities: Mapping[int, Decimal] = field(default_factory=dict)  # position -> units back
    line_amounts: Mapping[int, Decimal] = field(default_factory=dict)  # position -> gross back
    amount: Decimal = ZERO  # gross back that names no line: spread in proportion


@dataclass(frozen=True)
class RateDifference:
    rate: str
    net: Decimal
    vat: Decimal
    gross: Decimal

    def to_json(self) -> dict[str, str]:
        return {
            "rate": self.rate,
            "net": str(self.net),
            "vat": str(self.vat),
            "gross": str(self.gross),
        }


def lines_after(before: Sequence[CorrectionLine], change: CorrectionChange) -> list[CorrectionLine]:
    """The lines once `change` is applied (same positions, names, units and rates)."""
    if change.kind is CorrectionKind.CANCELLATION:
        return [_with_quantity(line, ZERO) for line in before]
    unknown = set(change.quantities) | set(change.line_amounts)
    unknown -= {line.position for line in before}
    if unknown:
        raise CorrectionError(f"no invoice line at position {sorted(unknown)[0]}")
    after = []
    for line in before:
        units = change.quantities.get(line.position, ZERO)
        if units < 0:
            raise CorrectionError("a refunded quantity cannot be negative")
        line = _with_quantity(line, max(line.quantity - units, ZERO)) if units else line
        after.append(_less_gross(line, change.line_amounts.get(line.position, ZERO)))
    if change.amount:
        shares = spread(change.amount, [line.gross for line in after])
        after = [_less_gross(line, share) for line, share in zip(after, shares, strict=True)]
    return after


def spread(amount: Decimal, grosses: Sequence[Decimal]) -> list[Decimal]:
    """`amount` (at most the sum of `grosses`) split in proportion to them, to the grosz, exact."""
    total = sum(grosses, ZERO)
    amount = min(amount, total)
    if amount <= 0 or total <= 0:
        return [ZERO for _ in grosses]
    raw = [amount * gross / total for gross in grosses]
    shares = [share.quantize(GROSZ, rounding=ROUND_DOWN) for share in raw]
    leftover = int((amount - sum(shares, ZERO)) / GROSZ)
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for index in by_remainder[:leftover]:
        shares[index] += GROSZ
    return shares


def matching_line(before: Sequence[CorrectionLine], amount: Decimal) -> int | None:
    """The one line whose remaining gross is exactly `amount` (that line was refunded), if any."""
    matches = [line.position for line in before if line.gross == amount and line.quantity > 0]
    return matches[0] if len(matches) == 1 else None


def differences(
    before: Sequence[CorrectionLine], after: Sequence[CorrectionLine]
) -> list[RateDifference]:
    """After minus before per VAT rate, on totals computed the invoice's way (per rate)."""
    old = {r.rate: r for r in compute_totals((x.vat_rate, x.gross) for x in before).by_rate}
    new = {r.rate: r for r in compute_totals((x.vat_rate, x.gross) for x in after).by_rate}
    return [
        RateDifference(
            rate,
            new[rate].net - old[rate].net,
            new[rate].vat - old[rate].vat,
            new[rate].gross - old[rate].gross,
        )
        for rate in old
    ]


def changed(before: Sequence[CorrectionLine], after: Sequence[CorrectionLine]) -> bool:
    pairs = zip(before, after, strict=True)
    return any(a.gross != b.gross or a.quantity != b.quantity for a, b in pairs)


def _with_quantity(line: CorrectionLine, quantity: Decimal) -> CorrectionLine:
    if quantity == line.quantity:
        return line
    amounts = line_amounts(line.unit_gross, quantity, line.vat_rate)
    if quantity and line.gross != line_amounts(line.unit_gross, line.quantity, line.vat_rate).gross:
        # The line was reduced by an amount before: keep its reduced price per unit.
        amounts = split_gross(line.gross * quantity / line.quantity, line.vat_rate)
    return replace(line, quantity=quantity, net=amounts.net, vat=amounts.vat, gross=amounts.gross)


def _less_gross(line: CorrectionLine, amount: Decimal) -> CorrectionLine:
    if amount <= 0:
        return line
    gross = max(line.gross - amount, ZERO)
    amounts = split_gross(gross, line.vat_rate)
    unit = (gross / line.quantity).quantize(GROSZ) if line.quantity else line.unit_gross
    return replace(line, unit_gross=unit, net=amounts.net, vat=amounts.vat, gross=amounts.gross)
