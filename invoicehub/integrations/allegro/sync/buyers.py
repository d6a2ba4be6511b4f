"""Who the invoice is for (ARCHITECTURE §7), read from a checkout form. Pure.

`invoice.address.company` with its NIP from `company.ids[type=PL_NIP]`, else the deprecated
`taxId`; else `invoice.address.naturalPerson`; else the Allegro buyer. An invalid NIP checksum
is an OrderProblem (the order waits in `needs_review`).
"""

from __future__ import annotations

from invoicehub.domain.customers import CustomerDraft
from invoicehub.domain.invoices import BuyerSnapshot
from invoicehub.domain.nip import is_valid_nip, normalize_nip
from invoicehub.integrations.allegro.schemas import CheckoutForm, InvoiceAddress
from invoicehub.models import CustomerKind

SOURCE = "allegro"


class OrderProblem(ValueError):
    """Why an order cannot be invoiced as it is (the ledger's `needs_review` reason)."""


def buyer_of(form: CheckoutForm) -> BuyerSnapshot:
    """invoice.address.company (NIP from PL_NIP, else taxId), else naturalPerson, else the buyer."""
    address = form.invoice.address if form.invoice else None
    if address is not None and address.company is not None and address.company.name:
        return _company_buyer(address)
    if address is not None and address.natural_person is not None:
        person = address.natural_person
        name = " ".join(p for p in (person.first_name, person.last_name) if p).strip()
        if name:
            return _snapshot(name, None, address, CustomerKind.PERSON)
    buyer = form.buyer
    name = " ".join(p for p in (buyer.first_name, buyer.last_name) if p).strip()
    home = buyer.address
    return BuyerSnapshot(
        name=(name or buyer.login or f"Allegro {buyer.id}")[:300],
        street=(home.street or "") if home else "",
        city=(home.city or "") if home else "",
        postal_code=(home.post_code or "") if home else "",
        country_code=((home.country_code if home else None) or "PL")[:2],
        kind=CustomerKind.PERSON.value,
    )


def _company_buyer(address: InvoiceAddress) -> BuyerSnapshot:
    company = address.company
    assert company is not None and company.name
    country = (address.country_code or "PL").upper()
    nip = company.nip if country == "PL" else None
    if nip is not None:
        nip = normalize_nip(nip)
        if not is_valid_nip(nip):
            raise OrderProblem(f"invalid NIP {company.nip}")
    return _snapshot(company.name, nip, address, CustomerKind.COMPANY)


def _snapshot(
    name: str, nip: str | None, address: InvoiceAddress, kind: CustomerKind
) -> BuyerSnapshot:
    return BuyerSnapshot(
        name=name.strip()[:300],
        nip=nip,
        street=address.street or "",
        city=address.city or "",
        postal_code=address.zip_code or "",
        country_code=(address.country_code or "PL")[:2],
        kind=kind.value,
    )


def customer_of(form: CheckoutForm, buyer: BuyerSnapshot) -> CustomerDraft:
    return CustomerDraft(
        name=buyer.name,
        kind=buyer.kind,
        nip=buyer.nip,
        email=(form.buyer.email or "")[:254],
        street=buyer.street[:200],
        city=buyer.city[:100],
        postal_code=buyer.postal_code[:16],
        country_code=buyer.country_code,
        source=SOURCE,
        external_id=form.buyer.id,
    )
