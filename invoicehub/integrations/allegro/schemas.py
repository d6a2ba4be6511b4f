"""Pydantic models of the Allegro payloads the sync reads (not every field Allegro sends).

Unknown fields are ignored, so Allegro may add fields freely. Money amounts arrive as strings and
become `Decimal` without passing through float. Field names are snake_case; the JSON names are
camelCase aliases. The sync keeps the raw JSON in its ledger; these models are the typed view.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class AllegroModel(BaseModel):
    model_config = ConfigDict(
        extra="ignore", alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class CheckoutFormStatus(StrEnum):
    BOUGHT = "BOUGHT"
    FILLED_IN = "FILLED_IN"
    READY_FOR_PROCESSING = "READY_FOR_PROCESSING"
    CANCELLED = "CANCELLED"


UNPAID_STATUSES = frozenset({CheckoutFormStatus.BOUGHT, CheckoutFormStatus.FILLED_IN})


class OrderEventType(StrEnum):
    BOUGHT = "BOUGHT"
    FILLED_IN = "FILLED_IN"
    READY_FOR_PROCESSING = "READY_FOR_PROCESSING"
    BUYER_CANCELLED = "BUYER_CANCELLED"
    FULFILLMENT_STATUS_CHANGED = "FULFILLMENT_STATUS_CHANGED"
    BUYER_MODIFIED = "BUYER_MODIFIED"
    AUTO_CANCELLED = "AUTO_CANCELLED"


CANCELLATION_EVENTS = frozenset({OrderEventType.BUYER_CANCELLED, OrderEventType.AUTO_CANCELLED})


class Price(AllegroModel):
    amount: Decimal
    currency: str


class OfferExternal(AllegroModel):
    id: str | None = None


class LineItemOffer(AllegroModel):
    id: str
    name: str
    external: OfferExternal | None = None


class LineItemTax(AllegroModel):
    """The offer's VAT for the destination country; every field may be null (#9366)."""

    rate: str | None = None
    subject: str | None = None
    exemption: str | None = None


class LineItem(AllegroModel):
    id: str
    offer: LineItemOffer
    quantity: int
    price: Price
    original_price: Price | None = None
    tax: LineItemTax | None = None
    bought_at: datetime | None = None


class CompanyId(AllegroModel):
    type: str
    value: str


class InvoiceCompany(AllegroModel):
    name: str | None = None
    ids: list[CompanyId] = Field(default_factory=list)
    vat_payer_status: str | None = None
    tax_id: str | None = None  # deprecated by Allegro in favour of `ids`

    @property
    def nip(self) -> str | None:
        """The PL_NIP id, else the deprecated `taxId`; unvalidated."""
        for company_id in self.ids:
            if company_id.type == "PL_NIP" and company_id.value:
                return company_id.value
        return self.tax_id or None


class NaturalPerson(AllegroModel):
    first_name: str | None = None
    last_name: str | None = None


class InvoiceAddress(AllegroModel):
    street: str | None = None
    city: str | None = None
    zip_code: str | None = None
    country_code: str | None = None
    company: InvoiceCompany | None = None
    natural_person: NaturalPerson | None = None


class InvoiceInfo(AllegroModel):
    required: bool = False
    address: InvoiceAddress | None = None
    due_date: str | None = None


class BuyerAddress(AllegroModel):
    street: str | None = None
    city: str | None = None
    post_code: str | None = None  # `postCode` here, `zipCode` in delivery and invoice addresses
    country_code: str | None = None


class Buyer(AllegroModel):
    id: str
    email: str | None = None
    login: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    guest: bool = False
    phone_number: str | None = None
    address: BuyerAddress | None = None


class Payment(AllegroModel):
    id: str | None = None
    type: str | None = None
    provider: str | None = None
    finished_at: datetime | None = None
    paid_amount: Price | None = None


class DeliveryAddress(AllegroModel):
    first_name: str | None = None
    last_name: str | None = None
    street: str | None = None
    city: str | None = None
    zip_code: str | None = None
    country_code: str | None = None
    company_name: str | None = None
    phone_number: str | None = None


class DeliveryMethod(AllegroModel):
    id: str | None = None
    name: str | None = None


class Delivery(AllegroModel):
    address: DeliveryAddress | None = None
    method: DeliveryMethod | None = None
    cost: Price | None = None
    smart: bool | None = None


class Summary(AllegroModel):
    total_to_pay: Price


class Marketplace(AllegroModel):
    id: str


class CheckoutForm(AllegroModel):
    id: str
    status: CheckoutFormStatus
    buyer: Buyer
    line_items: list[LineItem]
    summary: Summary
    payment: Payment | None = None
    delivery: Delivery | None = None
    invoice: InvoiceInfo | None = None
    message_to_seller: str | None = None
    marketplace: Marketplace | None = None
    updated_at: datetime | None = None
    revision: str | None = None


class CheckoutFormsPage(AllegroModel):
    checkout_forms: list[CheckoutForm]
    count: int
    total_count: int


class EventSeller(AllegroModel):
    id: str


class EventCheckoutForm(AllegroModel):
    id: str
    revision: str | None = None


class OrderEventOrder(AllegroModel):
    seller: EventSeller
    checkout_form: EventCheckoutForm


class OrderEvent(AllegroModel):
    id: str
    type: OrderEventType
    occurred_at: datetime
    order: OrderEventOrder


class OrderEventsPage(AllegroModel):
    events: list[OrderEvent]


class LatestOrderEvent(AllegroModel):
    id: str
    occurred_at: datetime


class OrderEventStats(AllegroModel):
    latest_event: LatestOrderEvent | None = None


class MeCompany(AllegroModel):
    name: str | None = None
    tax_id: str | None = None


class MeResponse(AllegroModel):
    id: str
    login: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    company: MeCompany | None = None


class TaxRate(AllegroModel):
    rate: str
    country_code: str | None = None


class OfferTaxSettings(AllegroModel):
    rates: list[TaxRate] = Field(default_factory=list)
    subject: str | None = None
    exemption: str | None = None


class ProductOffer(AllegroModel):
    id: str
    name: str | None = None
    external: OfferExternal | None = None
    tax_settings: OfferTaxSettings | None = None
