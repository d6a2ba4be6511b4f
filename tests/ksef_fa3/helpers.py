"""Issue a real invoice in the test database and build its FA(3) from the issued rows."""

from __future__ import annotations

from typing import Any

from lxml import etree
from sqlmodel import Session

from invoicehub.domain.invoices import get_invoice, get_invoice_lines
from invoicehub.integrations.ksef.fa3 import build_fa3, fa3_invoice_from_issued
from invoicehub.integrations.ksef.fa3.builder import NAMESPACE
from invoicehub.models import Company, Invoice, Product
from tests.domain.factories import issue_invoice

NS = {"f": NAMESPACE}


def fa3_of(session: Session, invoice: Invoice) -> bytes:
    """The FA(3) of the invoice as stored: re-read from the database, never the object in hand."""
    session.expire_all()
    stored = get_invoice(session, invoice.tenant_id, invoice.id)
    assert stored is not None
    return build_fa3(fa3_invoice_from_issued(stored, get_invoice_lines(session, stored.id)))


def issue_fa3(session: Session, company: Company, **overrides: Any) -> tuple[Invoice, bytes]:
    invoice = issue_invoice(session, company, **overrides)
    return invoice, fa3_of(session, invoice)


def texts(xml: bytes, path: str) -> list[str]:
    """The text of every element at `path` (XPath with the f: prefix for the FA(3) namespace)."""
    found = etree.fromstring(xml).xpath(path, namespaces=NS)
    return [str(e) if isinstance(e, str) else str(e.text) for e in found]


def text(xml: bytes, path: str) -> str | None:
    found = texts(xml, path)
    assert len(found) <= 1, f"{path} occurs {len(found)} times"
    return found[0] if found else None


def make_product(session: Session, company: Company, **fields: Any) -> Product:
    values: dict[str, Any] = {"name": "Laptop", "vat_rate": "23", "gross_price": "20000.00"}
    values.update(fields)
    product = Product(tenant_id=company.tenant_id, **values)
    session.add(product)
    session.commit()
    return product
