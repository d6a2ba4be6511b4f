"""Checkout form -> what the sync does with it (ARCHITECTURE §7). Pure: no database, no HTTP.

`decide_order` reads one raw checkout form with the integration's settings and returns an
`OrderDecision`: invoice it (with its lines, buyer and payment), leave it pending, skip it, or hold
it for review with a reason a seller can act on. Everything the decision needs from the database
(the rates of known products, whether the order is already invoiced) comes in as arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from invoicehub.domain.customers import CustomerDraft
from invoicehub.domain.invoices import BuyerSnapshot
from invoicehub.domain.taxes import RATE_FRACTIONS, to_grosz
from invoicehub.integrations.allegro.preferences import AllegroSettings
from invoicehub.integrations.allegro.schemas import (
    CheckoutForm,
    CheckoutFormStatus,
    LineItem,
)
from invoicehub.integrations.allegro.sync.buyers import OrderProblem, buyer_of, customer_of

CURRENCY = "PLN"
SHIPPING_LINE_NAME = "Dostawa"
POLAND = ZoneInfo("Europe/Warsaw")  # invoice dates are Polish calendar dates
MAX_REASON = 500
PAYMENT_METHODS = {
    "ONLINE": "płatność online",
    "CASH_ON_DELIVERY": "za pobraniem",
    "WIRE_TRANSFER": "przelew",
    "SPLIT_PAYMENT": "mechanizm podzielonej płatności",
    "EXTENDED_TERM": "odroczony termin płatności",
}


class Action(StrEnum):
    INVOICE = "invoice"
    PENDING = "pending"
    SKIP = "skip"
    REVIEW = "review"


@dataclass(frozen=True)
class OrderKey:
    """The ledger columns of a checkout form, read even from a payload that does not validate."""

    checkout_form_id: str
    revision: str | None
    allegro_status: str
    updated_at: datetime | None


@dataclass(frozen=True)
class MappedLine:
    name: str
    quantity: Decimal
    unit_gross: Decimal
    vat_rate: str
    offer_id: str | None = None  # None for shipping and additional services
    sku: str | None = None
    rate_from_offer: bool = False  # the rate came from Allegro's `tax.rate`, not a fallback

    @property
    def gross(self) -> Decimal:
        return to_grosz(self.unit_gross * self.quantity)


@dataclass(frozen=True)
class OrderDecision:
    key: OrderKey
    action: Action
    reason: str | None = None
    needs_correction: bool = False
    lines: tuple[MappedLine, ...] = ()
    buyer: BuyerSnapshot | None = None
    customer: CustomerDraft | None = None  # None: snapshot only (auto_create_customer off)
    sale_date: date | None = None
    paid_at: datetime | None = None
    payment_method: str = "przelew"
    due_date: date | None = None
    buyer_login: str | None = field(default=None, compare=False)


def order_key(raw: Mapping[str, Any]) -> OrderKey | None:
    """The ledger key of a payload; None when it has no usable id (nothing can be recorded)."""
    form_id = raw.get("id") if isinstance(raw, Mapping) else None
    if not isinstance(form_id, str) or not form_id.strip() or len(form_id) > 64:
        return None
    revision, status = raw.get("revision"), raw.get("status")
    return OrderKey(
        checkout_form_id=form_id,
        revision=str(revision)[:64] if revision is not None else None,
        allegro_status=str(status)[:32] if status is not None else "UNKNOWN",
        updated_at=_parse_datetime(raw.get("updatedAt")),
    )


def decide_order(
    raw: Mapping[str, Any],
    settings: AllegroSettings,
    *,
    today: date,
    product_rates: Mapping[str, str] | None = None,
    already_invoiced: bool = False,
    parsed: CheckoutForm | ValidationError | None = None,
) -> OrderDecision:
    """What to do with one checkout form (see the module docstring); `parsed`: the form
    already validated against CheckoutForm (page_prep.py), or its validation error."""
    key = order_key(raw)
    if key is None:
        raise ValueError("a checkout form without an id cannot be decided")
    if parsed is None:
        try:
            parsed = CheckoutForm.model_validate(raw)
        except ValidationError as exc:
            parsed = exc
    if isinstance(parsed, ValidationError):
        reason = f"malformed checkout form: {_summary(parsed)}"
        return OrderDecision(key, Action.REVIEW, _clip(reason))
    form = parsed
    if form.status is CheckoutFormStatus.CANCELLED:
        if already_invoiced:
            reason = "cancelled after invoicing: issue a correction invoice"
            return OrderDecision(key, Action.SKIP, reason, needs_correction=True)
        return OrderDecision(key, Action.SKIP, "cancelled by the buyer")
    if form.status is not CheckoutFormStatus.READY_FOR_PROCESSING:
        return OrderDecision(key, Action.PENDING, f"awaiting payment ({form.status.value})")
    if already_invoiced:
        return _invoiced_again(key, form, settings)
    if not settings.auto_generate_invoices:
        return OrderDecision(key, Action.SKIP, "automatic invoicing is off")
    if settings.invoice_mode == "requested_only" and not (form.invoice and form.invoice.required):
        return OrderDecision(key, Action.SKIP, "the buyer did not ask for an invoice")
    try:
        return _invoice_decision(key, form, settings, today, product_rates or {})
    except OrderProblem as problem:
        return OrderDecision(key, Action.REVIEW, _clip(str(problem)))


def _invoiced_again(key: OrderKey, form: CheckoutForm, settings: AllegroSettings) -> OrderDecision:
    """A new revision of an invoiced order: never a second invoice, at most the payment."""
    paid_at = None
    if settings.auto_mark_as_paid and form.payment and form.payment.finished_at:
        paid_at = _aware(form.payment.finished_at)
    return OrderDecision(key, Action.SKIP, "already invoiced", paid_at=paid_at)


def _invoice_decision(
    key: OrderKey,
    form: CheckoutForm,
    settings: AllegroSettings,
    today: date,
    product_rates: Mapping[str, str],
) -> OrderDecision:
    _check_currency(form)
    buyer = buyer_of(form)
    lines = _lines(form, settings, product_rates)
    total = _check_total(form, lines, settings.include_shipping)
    payment = form.payment
    return OrderDecision(
        key,
        Action.INVOICE,
        lines=tuple(lines),
        buyer=buyer,
        customer=customer_of(form, buyer) if settings.auto_create_customer else None,
        sale_date=_sale_date(form, today),
        paid_at=_paid_at(form, total) if settings.auto_mark_as_paid else None,
        payment_method=PAYMENT_METHODS.get((payment.type if payment else None) or "", "przelew"),
        due_date=_due_date(form, today),
        buyer_login=form.buyer.login,
    )


def _check_currency(form: CheckoutForm) -> None:
    currencies = {form.summary.total_to_pay.currency}
    currencies |= {item.price.currency for item in form.line_items}
    if form.delivery and form.delivery.cost:
        currencies.add(form.delivery.cost.currency)
    foreign = sorted(c for c in currencies if c != CURRENCY)
    if foreign:
        raise OrderProblem(f"currency {', '.join(foreign)} not supported")


def normalize_rate(raw: str | None) -> str | None:
    """Allegro's "23.00" -> "23", "zw" stays; None for no rate. OrderProblem for other rates."""
    if raw is None or not str(raw).strip():
        return None
    text = str(raw).strip().lower()
    if text in RATE_FRACTIONS:
        return text
    try:
        number = Decimal(text)
        whole = number.is_finite() and number == number.to_integral_value()
    except InvalidOperation:
        whole = False
    if not whole or str(int(number)) not in RATE_FRACTIONS:
        raise OrderProblem(f"unsupported VAT rate {raw}")
    return str(int(number))


def _item_rate(
    item: LineItem, settings: AllegroSettings, product_rates: Mapping[str, str]
) -> tuple[str, bool]:
    stated = normalize_rate(item.tax.rate if item.tax else None)
    if stated is not None:
        return stated, True
    known = product_rates.get(item.offer.id)
    if known is not None:
        return known, False
    return settings.vat_rate_code, False


def _lines(
    form: CheckoutForm, settings: AllegroSettings, product_rates: Mapping[str, str]
) -> list[MappedLine]:
    if not form.line_items:
        raise OrderProblem("the order has no line items")
    lines: list[MappedLine] = []
    for item in form.line_items:
        if item.quantity < 1:
            raise OrderProblem(
                f"line {item.offer.name!r}: quantity {item.quantity} is not positive"
            )
        rate, stated = _item_rate(item, settings, product_rates)
        sku = item.offer.external.id if item.offer.external else None
        lines.append(
            MappedLine(
                name=item.offer.name,
                quantity=Decimal(item.quantity),
                unit_gross=to_grosz(item.price.amount),
                vat_rate=rate,
                offer_id=item.offer.id,
                sku=sku,
                rate_from_offer=stated,
            )
        )
    cost = _delivery_cost(form)
    if settings.include_shipping and cost > 0:
        rates = {line.vat_rate for line in lines}
        shipping_rate = rates.pop() if len(rates) == 1 else settings.vat_rate_code
        lines.append(MappedLine(SHIPPING_LINE_NAME, Decimal(1), cost, shipping_rate))
    return lines


def _delivery_cost(form: CheckoutForm) -> Decimal:
    if form.delivery and form.delivery.cost:
        return to_grosz(form.delivery.cost.amount)
    return Decimal("0.00")


def _check_total(form: CheckoutForm, lines: list[MappedLine], include_shipping: bool) -> Decimal:
    """The invoice gross; OrderProblem unless it equals what the buyer pays, to the grosz."""
    gross = sum((line.gross for line in lines), Decimal("0.00"))
    total = to_grosz(form.summary.total_to_pay.amount)
    if include_shipping:
        expected, label = total, f"totalToPay {total}"
    else:
        cost = _delivery_cost(form)
        expected, label = total - cost, f"totalToPay {total} minus delivery {cost}"
    if gross != expected:
        raise OrderProblem(f"total mismatch: lines {gross} != {label}")
    return gross


def _paid_at(form: CheckoutForm, total: Decimal) -> datetime | None:
    payment = form.payment
    if payment is None or payment.finished_at is None or payment.paid_amount is None:
        return None
    if payment.paid_amount.currency != CURRENCY or payment.paid_amount.amount < total:
        return None
    return _aware(payment.finished_at)


def _sale_date(form: CheckoutForm, today: date) -> date:
    moments = [i.bought_at for i in form.line_items if i.bought_at is not None]
    if form.payment and form.payment.finished_at:
        moments = [form.payment.finished_at]
    if not moments:
        return today
    return min(_aware(max(moments)).astimezone(POLAND).date(), today)


def _due_date(form: CheckoutForm, today: date) -> date | None:
    raw = form.invoice.due_date if form.invoice else None
    if not raw:
        return None
    try:
        due = date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return due if due >= today else None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=POLAND)


def _parse_datetime(raw: Any) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return _aware(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        return None


def _summary(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "form"
        parts.append(f"{where}: {error['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _clip(text: str) -> str:
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
