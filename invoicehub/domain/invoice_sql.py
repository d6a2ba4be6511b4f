"""The two statements behind create_invoice, written out in SQL because each replaces several.

The Allegro sync issues thousands of invoices per run, so an invoice costs two round trips:
`load_issue_context` reads the seller and checks the template, customer and products belong to
the tenant in one SELECT; `insert_invoice` takes the number and inserts the invoice and all its
lines in one statement (data-modifying CTEs run exactly once, in order of need).
`insert_invoices` does the same for a numbered batch (create_invoices): every counter bump,
invoice and line of a page in one statement. Each line copies its product's Annex 15 flag in that
same statement: the snapshot the PDF and the FA(3) read, whatever the product says later.
A batch's context read also locks its series' existing counter rows in the same round trip
(psycopg pipeline), sparing the batch numbering.lock_counters' own round trip.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session

from invoicehub import json_text
from invoicehub.db_rounds import fetch_together
from invoicehub.domain.numbering import BUMP_COUNTER_SQL, BUMP_COUNTERS_SQL

_CONTEXT = sa.text(
    """
    SELECT company.id, company.name, company.nip, company.street, company.city,
           company.postal_code, company.country_code, company.bank_account,
           company.vat_exemption_basis, company.vat_exemption_kind, company.cash_accounting,
           company.invoice_series, company.payment_days,
           (SELECT template.id FROM invoice_templates AS template
             WHERE (template.tenant_id IS NULL OR template.tenant_id = company.tenant_id)
               AND (template.id = CAST(:template_id AS uuid)
                    OR (CAST(:template_id AS uuid) IS NULL AND template.is_default))
             ORDER BY template.tenant_id IS NULL
             LIMIT 1) AS template_id,
           (SELECT count(*) FROM customers
             WHERE id = CAST(:customer_id AS uuid)
               AND tenant_id = company.tenant_id) AS customers_found,
           (SELECT count(*) FROM products
             WHERE id = ANY(CAST(:product_ids AS uuid[]))
               AND tenant_id = company.tenant_id) AS products_found
      FROM companies AS company
     WHERE company.id = :company_id AND company.tenant_id = :tenant_id
    """
)

# _CONTEXT for psycopg's pipeline (db_rounds.fetch_together): %(name)s parameters.
_CONTEXT_PG = re.sub(r"(?<!:):(\w+)", r"%(\1)s", _CONTEXT.text)
# numbering.lock_counters for the tenant's company series, but only of counter rows that exist
# (a missing one is created by lock_counters; a refused batch leaves none behind), its periods
# (counter_period) worked out in SQL, so that it can go with _CONTEXT before the series is known.
# Sorted, like lock_counters: PostgreSQL locks the rows after the sort.
_LOCK_SERIES = """
    SELECT counter.company_id, counter.pattern, counter.period, counter.last_number
      FROM companies AS company
      JOIN invoice_counters AS counter
        ON counter.company_id = company.id AND counter.pattern = company.invoice_series
     WHERE company.id = %(company_id)s AND company.tenant_id = %(tenant_id)s
       AND counter.period = ANY(ARRAY(
           SELECT CASE
                  WHEN strpos(company.invoice_series, '{MM}') > 0 THEN to_char(d, 'YYYY-MM')
                  WHEN strpos(company.invoice_series, '{YYYY}') > 0 THEN to_char(d, 'YYYY')
                  ELSE 'all' END
             FROM unnest(CAST(%(dates)s AS date[])) AS d))
     ORDER BY counter.period
       FOR UPDATE OF counter
"""

# The invoice insert does nothing when ux_invoices_source_order already holds the order; then no
# line is inserted and the statement returns no row (the caller gives the number back).
_ISSUE = sa.text(
    "WITH next_number AS ("  # noqa: S608 (constant SQL: values travel as bind parameters)
    + BUMP_COUNTER_SQL
    + """),
    invoice AS (
        INSERT INTO invoices (
            id, tenant_id, company_id, customer_id, template_id, number, status,
            issue_date, sale_date, due_date, currency, payment_method, paid_at,
            seller, buyer, total_net, total_vat, total_gross,
            source, integration_id, external_order_id, created_at)
        VALUES (
            :id, :tenant_id, :company_id, :customer_id, :template_id,
            (SELECT replace(:number_template, '{N}', CAST(last_number AS text)) FROM next_number),
            :status, :issue_date, :sale_date, :due_date, :currency, :payment_method, :paid_at,
            CAST(:seller AS jsonb), CAST(:buyer AS jsonb), :total_net, :total_vat, :total_gross,
            :source, :integration_id, :external_order_id, :created_at)
        ON CONFLICT (source, integration_id, external_order_id)
            WHERE external_order_id IS NOT NULL
            DO NOTHING
        RETURNING id, number
    ),
    lines AS (
        INSERT INTO invoice_lines (
            id, invoice_id, position, name, quantity, unit, unit_gross, vat_rate,
            net, vat, gross, product_id, annex15)
        SELECT line.id, invoice.id, line.position, line.name, line.quantity, line.unit,
               line.unit_gross, line.vat_rate, line.net, line.vat, line.gross, line.product_id,
               coalesce(product.annex15, false)
          FROM invoice
         CROSS JOIN jsonb_to_recordset(CAST(:lines AS jsonb)) AS line(
                   id uuid, position int, name text, quantity numeric, unit text,
                   unit_gross numeric, vat_rate text, net numeric, vat numeric, gross numeric,
                   product_id uuid)
          LEFT JOIN products AS product ON product.id = line.product_id
    )
    SELECT number FROM invoice
    """
).bindparams(
    sa.bindparam("seller", type_=JSONB),
    sa.bindparam("buyer", type_=JSONB),
    sa.bindparam("lines", type_=JSONB),
)


# A batch of one company series: its numbers (taken under lock_counters) and the counter bumps,
# the invoices and all their lines in one statement. An invoice whose order already has one is
# not inserted (nor its lines): the caller sees fewer ids than it sent and redoes the batch.
_ISSUE_BATCH = sa.text(
    "WITH bump AS ("  # noqa: S608 (constant SQL: values travel as bind parameters)
    + BUMP_COUNTERS_SQL
    + """),
    invoice AS (
        INSERT INTO invoices (
            id, tenant_id, company_id, customer_id, template_id, number, status,
            issue_date, sale_date, due_date, currency, payment_method, paid_at,
            seller, buyer, total_net, total_vat, total_gross,
            source, integration_id, external_order_id, created_at)
        SELECT i.id, i.tenant_id, i.company_id, i.customer_id, i.template_id, i.number, i.status,
               i.issue_date, i.sale_date, i.due_date, i.currency, i.payment_method, i.paid_at,
               i.seller, i.buyer, i.total_net, i.total_vat, i.total_gross,
               i.source, i.integration_id, i.external_order_id, i.created_at
          FROM jsonb_to_recordset(CAST(:invoices AS jsonb)) AS i(
                   id uuid, tenant_id uuid, company_id uuid, customer_id uuid, template_id uuid,
                   number text, status text, issue_date date, sale_date date, due_date date,
                   currency text, payment_method text, paid_at timestamptz, seller jsonb,
                   buyer jsonb, total_net numeric, total_vat numeric, total_gross numeric,
                   source text, integration_id uuid, external_order_id text,
                   created_at timestamptz)
        ON CONFLICT (source, integration_id, external_order_id)
            WHERE external_order_id IS NOT NULL
            DO NOTHING
        RETURNING id
    ),
    lines AS (
        INSERT INTO invoice_lines (
            id, invoice_id, position, name, quantity, unit, unit_gross, vat_rate,
            net, vat, gross, product_id, annex15)
        SELECT line.id, line.invoice_id, line.position, line.name, line.quantity, line.unit,
               line.unit_gross, line.vat_rate, line.net, line.vat, line.gross, line.product_id,
               coalesce(product.annex15, false)
          FROM jsonb_to_recordset(CAST(:lines AS jsonb)) AS line(
                   id uuid, invoice_id uuid, position int, name text, quantity numeric,
                   unit text, unit_gross numeric, vat_rate text, net numeric, vat numeric,
                   gross numeric, product_id uuid)
          JOIN invoice ON invoice.id = line.invoice_id
          LEFT JOIN products AS product ON product.id = line.product_id
    )
    SELECT id FROM invoice
    """
).bindparams(
    sa.bindparam("bumps", type_=sa.Text),
    sa.bindparam("invoices", type_=sa.Text),
    sa.bindparam("lines", type_=sa.Text),
)


@dataclass(frozen=True)
class IssueContext:
    """What an invoice needs from the database before it is written."""

    company_id: uuid.UUID
    seller: dict[str, Any]
    series: str
    payment_days: int
    template_id: uuid.UUID | None
    customers_found: int
    products_found: int


def load_issue_context(
    session: Session,
    *,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    template_id: uuid.UUID | None,
    customer_id: uuid.UUID | None,
    product_ids: list[uuid.UUID],
    lock_dates: Sequence[date] = (),
    locked: dict[tuple[uuid.UUID, str], dict[str, int]] | None = None,
) -> IssueContext | None:
    """The tenant's company (None when it is not the tenant's) with the ownership counts.

    With `lock_dates`, the company series' counter rows of their periods are also locked (as
    numbering.lock_counters does) in the same round trip, and `locked` gets
    {(company id, series): {period: last number taken}}.
    """
    params = {
        "tenant_id": tenant_id,
        "company_id": company_id,
        "template_id": template_id,
        "customer_id": customer_id,
        "product_ids": product_ids,
    }
    if not lock_dates:
        return _context_of(session.connection().execute(_CONTEXT, params).one_or_none())
    lock = {"tenant_id": tenant_id, "company_id": company_id, "dates": sorted(set(lock_dates))}
    rows, counters = fetch_together(session, [(_CONTEXT_PG, params), (_LOCK_SERIES, lock)])
    for counter in counters:
        if locked is not None:
            series = locked.setdefault((counter.company_id, counter.pattern), {})
            series[counter.period] = counter.last_number
    return _context_of(rows[0] if rows else None)


def _context_of(row: Any) -> IssueContext | None:
    if row is None:
        return None
    seller = {
        "name": row.name,
        "nip": row.nip,
        "street": row.street,
        "city": row.city,
        "postalCode": row.postal_code,
        "countryCode": row.country_code,
        "bankAccount": row.bank_account,
        "vatExemptionBasis": row.vat_exemption_basis,
        "vatExemptionKind": row.vat_exemption_kind,
        "cashAccounting": row.cash_accounting,
    }
    return IssueContext(
        company_id=row.id,
        seller=seller,
        series=row.invoice_series,
        payment_days=row.payment_days,
        template_id=row.template_id,
        customers_found=row.customers_found,
        products_found=row.products_found,
    )


def insert_invoice(
    session: Session,
    values: dict[str, Any],
    counter: dict[str, Any],
    number_template: str,
    lines: list[dict[str, Any]],
) -> str | None:
    """Take the next number and insert the invoice and lines; None when the order has one."""
    params = {**values, **counter, "number_template": number_template, "lines": lines}
    number: str | None = session.connection().execute(_ISSUE, params).scalar_one_or_none()
    return number


def insert_invoices(
    session: Session,
    counter: dict[str, Any],
    bumps: dict[str, int],
    invoices: list[dict[str, Any]],
    lines: list[dict[str, Any]],
) -> set[uuid.UUID]:
    """Bump the counters by `bumps` ({period: n}) and insert the numbered invoices and their
    lines (each line names its `invoice_id`); the ids of the invoices inserted."""
    params = {
        "company_id": counter["company_id"],
        "pattern": counter["pattern"],
        "bumps": _json([{"period": period, "n": n} for period, n in bumps.items()]),
        "invoices": _json(invoices),
        "lines": _json(lines),
    }
    return set(session.connection().execute(_ISSUE_BATCH, params).scalars())


def _json(records: list[dict[str, Any]]) -> str:
    return json_text.dumps(records, default=_plain)


def _plain(value: object) -> str:
    """Exact JSON text for the types invoices hold (decimals as strings, never floats)."""
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
