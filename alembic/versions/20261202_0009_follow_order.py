"""Invoices follow the Allegro order: payments, correction invoices, PDF uploads to Allegro

- invoice_payments: insert-only payment rows; the invoice turns paid when they reach its gross.
- invoices.kind / corrects_invoice_id / correction / correction_event_id: a correction invoice
  (faktura korygująca) is an `invoices` row of kind 'correction', immutable like any invoice (the
  existing invoices_guard trigger covers the new columns: only status/paid_at/payment_method may
  change). ux_invoices_correction_event: exactly one correction per source event.
- companies.correction_series: the corrections' own gap-free series.
- allegro_invoice_uploads: one row per invoice attached to its Allegro order (exactly once).
- allegro_follow_cursors: the sync's own cursors over refunds and customer returns.
- sync_runs.corrections_issued: the run result counts corrections.
- existing integrations get uploadInvoicesToAllegro=false (the default, true, is for new ones).

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(12, 2)
NOW = sa.text("now()")


def _invoice_columns() -> None:
    op.add_column(
        "invoices",
        sa.Column("kind", sa.String(16), nullable=False, server_default="invoice"),
    )
    op.add_column(
        "invoices",
        sa.Column("corrects_invoice_id", sa.Uuid(), sa.ForeignKey("invoices.id"), nullable=True),
    )
    op.add_column("invoices", sa.Column("correction", JSONB(), nullable=True))
    op.add_column("invoices", sa.Column("correction_event_id", sa.String(160), nullable=True))
    op.create_index("ix_invoices_corrects_invoice_id", "invoices", ["corrects_invoice_id"])
    op.create_index(
        "ux_invoices_correction_event",
        "invoices",
        ["tenant_id", "correction_event_id"],
        unique=True,
        postgresql_where=sa.text("correction_event_id IS NOT NULL"),
    )
    op.create_check_constraint(
        "ck_invoices_kind",
        "invoices",
        "(kind = 'invoice' AND corrects_invoice_id IS NULL)"
        " OR (kind = 'correction' AND corrects_invoice_id IS NOT NULL)",
    )


def _payments() -> None:
    op.create_table(
        "invoice_payments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.Uuid(),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("invoice_id", sa.Uuid(), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("source", sa.String(32), nullable=False, server_default="manual"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.CheckConstraint("amount > 0", name="ck_invoice_payments_positive"),
    )
    op.create_index("ix_invoice_payments_tenant_id", "invoice_payments", ["tenant_id"])
    op.create_index("ix_invoice_payments_invoice_id", "invoice_payments", ["invoice_id"])
    op.execute(
        "CREATE TRIGGER invoice_payments_insert_only BEFORE UPDATE OR DELETE ON invoice_payments"
        " FOR EACH ROW EXECUTE FUNCTION refuse_change()"
    )


def _uploads() -> None:
    op.create_table(
        "allegro_invoice_uploads",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.Uuid(),
            sa.ForeignKey("tenants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("invoice_id", sa.Uuid(), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column(
            "integration_id",
            sa.Uuid(),
            sa.ForeignKey("allegro_integrations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("checkout_form_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("allegro_invoice_id", sa.String(64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("invoice_id", name="ux_allegro_invoice_uploads_invoice"),
    )
    op.create_index(
        "ix_allegro_invoice_uploads_tenant_id", "allegro_invoice_uploads", ["tenant_id"]
    )
    op.create_table(
        "allegro_follow_cursors",
        sa.Column(
            "integration_id",
            sa.Uuid(),
            sa.ForeignKey("allegro_integrations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("refunds_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returns_since", sa.DateTime(timezone=True), nullable=True),
    )


# uploadInvoicesToAllegro defaults to true for NEW integrations: the ones that exist keep
# today's behaviour (nothing attached) until their seller turns it on.
KEEP_UPLOADS_OFF = """
    UPDATE allegro_integrations
       SET settings = coalesce(settings, '{}'::jsonb) || '{"uploadInvoicesToAllegro": false}'::jsonb
     WHERE NOT coalesce(settings, '{}'::jsonb) ? 'uploadInvoicesToAllegro'
"""


def upgrade() -> None:
    op.execute(KEEP_UPLOADS_OFF)
    _invoice_columns()
    _payments()
    _uploads()
    op.add_column(
        "companies",
        sa.Column(
            "correction_series",
            sa.String(60),
            nullable=False,
            server_default="KOR/{YYYY}/{MM}/{N}",
        ),
    )
    op.add_column(
        "sync_runs",
        sa.Column("corrections_issued", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.execute("UPDATE allegro_integrations SET settings = settings - 'uploadInvoicesToAllegro'")
    op.drop_column("sync_runs", "corrections_issued")
    op.drop_column("companies", "correction_series")
    op.drop_table("allegro_follow_cursors")
    op.drop_table("allegro_invoice_uploads")
    op.drop_table("invoice_payments")
    op.drop_constraint("ck_invoices_kind", "invoices")
    op.drop_index("ux_invoices_correction_event", "invoices")
    op.drop_index("ix_invoices_corrects_invoice_id", "invoices")
    for column in ("correction_event_id", "correction", "corrects_invoice_id", "kind"):
        op.drop_column("invoices", column)
