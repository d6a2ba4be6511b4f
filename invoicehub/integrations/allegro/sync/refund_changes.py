"""Allegro refunds, customer returns and cancellations as correction changes (pure).

Invoice lines follow the checkout form's `lineItems` in order (positions 1..n), then the delivery
line ("Dostawa") when the invoice has one, so a line item id or an offer id names a position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from invoicehub.domain.corrections import (
    ZERO,
    CorrectionChange,
    CorrectionKind,
    CorrectionLine,
    matching_line,
)
from invoicehub.integrations.allegro.sync.mapping import SHIPPING_LINE_NAME

FINISHED_RETURNS = frozenset({"FINISHED", "FINISHED_APT"})  # the money was refunded
OPEN_RETURNS = frozenset(
    {"CREATED", "DISPATCHED", "IN_TRANSIT", "DELIVERED", "WAREHOUSE_DELIVERED",
     "WAREHOUSE_VERIFICATION"}
)  # fmt: skip
CANCEL_REASONS = {
    "BUYER_CANCELLED": "Anulowanie zamówienia przez kupującego",
    "AUTO_CANCELLED": "Automatyczne anulowanie zamówienia przez Allegro",
}


@dataclass(frozen=True)
class SourcedChange:
    event_id: str  # the unique key of the source event
    change: CorrectionChange
    reason: str  # in Polish, printed on the correction


def cancellation(form_id: str, cause: str | None = None) -> SourcedChange:
    reason = CANCEL_REASONS.get(cause or "", "Anulowanie zamówienia")
    return SourcedChange(
        f"cancel:{form_id}",
        CorrectionChange(CorrectionKind.CANCELLATION),
        f"{reason} (zamówienie Allegro {form_id}) — korekta do zera",
    )


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str((value or {}).get("amount")))
    except InvalidOperation:
        return ZERO
    return amount if amount.is_finite() and amount > 0 else ZERO


def _positions(form: Mapping[str, Any], key: str) -> dict[str, int]:
    items = form.get("lineItems") or []
    if key == "offer":
        return {str((i.get("offer") or {}).get("id")): n for n, i in enumerate(items, start=1)}
    return {str(i.get("id")): n for n, i in enumerate(items, start=1)}


def refund_change(
    form: Mapping[str, Any], refund: Mapping[str, Any], before: Sequence[CorrectionLine]
) -> SourcedChange:
    """The correction of one refund: its refunded line quantities and amounts; an amount that
    names no line is the one line it equals, else a price reduction spread over the lines."""
    positions = _positions(form, "line")
    quantities: dict[int, Decimal] = {}
    amounts: dict[int, Decimal] = {}
    for item in refund.get("lineItems") or []:
        position = positions.get(str(item.get("id")))
        if position is None:
            continue
        if item.get("type") == "AMOUNT":
            amounts[position] = amounts.get(position, ZERO) + _amount(item.get("value"))
        else:
            quantities[position] = quantities.get(position, ZERO) + Decimal(
                str(item.get("quantity") or 0)
            )
    delivery = _amount((refund.get("delivery") or {}).get("value"))
    shipping = next((line.position for line in before if line.name == SHIPPING_LINE_NAME), None)
    if delivery and shipping is not None:
        amounts[shipping] = amounts.get(shipping, ZERO) + delivery
    number = str(refund.get("id"))
    if quantities or amounts:
        change = CorrectionChange(CorrectionKind.REFUND, quantities, amounts)
        return SourcedChange(
            f"refund:{number}", change, f"Zwrot płatności za towar (zwrot {number})"
        )
    total = _amount(refund.get("totalValue"))
    line = matching_line(before, total)
    if line is not None:
        whole = next(x.quantity for x in before if x.position == line)
        change = CorrectionChange(CorrectionKind.REFUND, {line: whole})
        return SourcedChange(
            f"refund:{number}", change, f"Zwrot płatności za towar (zwrot {number})"
        )
    change = CorrectionChange(CorrectionKind.PRICE_REDUCTION, amount=total)
    reason = f"Obniżka ceny — częściowy zwrot płatności (zwrot {number})"
    return SourcedChange(f"refund:{number}", change, reason)


def return_change(form: Mapping[str, Any], customer_return: Mapping[str, Any]) -> SourcedChange:
    """The correction of a finished customer return: the returned quantities of its offers."""
    positions = _positions(form, "offer")
    quantities: dict[int, Decimal] = {}
    for item in customer_return.get("items") or []:
        position = positions.get(str(item.get("offerId")))
        if position is not None:
            quantities[position] = quantities.get(position, ZERO) + Decimal(
                str(item.get("quantity") or 0)
            )
    reference = customer_return.get("referenceNumber") or customer_return.get("id")
    return SourcedChange(
        f"return:{customer_return.get('id')}",
        CorrectionChange(CorrectionKind.RETURN, quantities),
        f"Zwrot towaru przez kupującego (zwrot nr {reference})",
    )


def _units(form: Mapping[str, Any], refund: Mapping[str, Any]) -> dict[int, Decimal]:
    positions = _positions(form, "line")
    units: dict[int, Decimal] = {}
    for item in refund.get("lineItems") or []:
        position = positions.get(str(item.get("id")))
        if position is not None and item.get("type", "QUANTITY") == "QUANTITY":
            units[position] = units.get(position, ZERO) + Decimal(str(item.get("quantity") or 0))
    return units


def beyond_returns(
    form: Mapping[str, Any],
    refund: Mapping[str, Any],
    order_refunds: Sequence[Mapping[str, Any]],
    returned: Mapping[int, Decimal],
) -> dict[int, Decimal]:
    """The units of `refund` that returns did not already correct: returned units are paid back
    by the order's refunds in their order, so only what the refunds up to this one refund beyond
    the returned units is left for this refund's correction."""
    mine = _units(form, refund)
    earlier: dict[int, Decimal] = {}
    for other in order_refunds:
        if other.get("id") == refund.get("id"):
            break
        if other.get("status") == "SUCCESS":
            for position, units in _units(form, other).items():
                earlier[position] = earlier.get(position, ZERO) + units
    left = {}
    for position, units in mine.items():
        covered = max(returned.get(position, ZERO) - earlier.get(position, ZERO), ZERO)
        if units > covered:
            left[position] = units - covered
    return left
