"""Invoice list indexes: the listing order per tenant, trigram search on number, buyer name, NIP

- ix_invoices_tenant_listing (tenant_id, issue_date DESC, created_at DESC, id): the list's
  ORDER BY, so a page (and a filtered one) is read in order from the index instead of sorting
  every one of the tenant's invoices; it replaces ix_invoices_tenant_issue_date (its prefix).
- pg_trgm GIN indexes on invoices.number, buyer ->> 'name' and buyer ->> 'nip': the list's
  search is ILIKE '%term%' on those three, which no b-tree can serve (bench/invoice_list.py:
  about 0.5 s a search at 100,000 invoices without them).

pg_trgm is a trusted extension: the database owner, who runs migrations, may create it (the web
and worker processes may connect as a role without that right).

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-02 08:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEXES = {
    "ix_invoices_number_trgm": "number",
    "ix_invoices_buyer_name_trgm": "(buyer ->> 'name')",
    "ix_invoices_buyer_nip_trgm": "(buyer ->> 'nip')",
}


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_invoices_tenant_listing"
        " ON invoices (tenant_id, issue_date DESC, created_at DESC, id)"
    )
    op.drop_index("ix_invoices_tenant_issue_date", table_name="invoices")
    for name, expression in TRIGRAM_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON invoices USING gin ({expression} gin_trgm_ops)")


def downgrade() -> None:
    for name in TRIGRAM_INDEXES:
        op.drop_index(name, table_name="invoices")
    op.create_index("ix_invoices_tenant_issue_date", "invoices", ["tenant_id", "issue_date"])
    op.drop_index("ix_invoices_tenant_listing", table_name="invoices")
