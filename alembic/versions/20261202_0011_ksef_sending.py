"""KSeF sending: per-company connection settings and per-invoice submissions

- ksef_connections: one row per company (environment, KSeF token encrypted in the vault with its
  own AAD, auto-send, when the connection was last verified).
- ksef_submissions: one row per invoice (unique: sent exactly once) with its status, the exact
  FA(3) bytes sent, KSeF number, acquisition date, UPO, the rejection code and reason, offline.
  Issued invoices stay immutable: nothing KSeF says is written on `invoices`.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("now()")


def _stamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(
        name,
        sa.DateTime(timezone=True),
        nullable=nullable,
        server_default=None if nullable else NOW,
    )


def upgrade() -> None:
    op.create_table(
        "ksef_connections",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "company_id",
            sa.Uuid(),
            sa.ForeignKey("companies.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("environment", sa.String(16), nullable=False),
        sa.Column("token_encrypted", sa.Text(), nullable=True),
        sa.Column("auto_send", sa.Boolean(), nullable=False),
        _stamp("verified_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
    )
    op.create_index("ix_ksef_connections_tenant_id", "ksef_connections", ["tenant_id"])
    op.create_table(
        "ksef_submissions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column(
            "tenant_id", sa.Uuid(), sa.ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column(
            "company_id",
            sa.Uuid(),
            sa.ForeignKey("companies.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("invoice_id", sa.Uuid(), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("environment", sa.String(16), nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=True),
        sa.Column("xml_sha256", sa.String(64), nullable=True),
        sa.Column("session_reference", sa.String(64), nullable=True),
        sa.Column("invoice_reference", sa.String(64), nullable=True),
        sa.Column("ksef_number", sa.String(40), nullable=True),
        _stamp("acquisition_date", nullable=True),
        sa.Column("upo_xml", sa.LargeBinary(), nullable=True),
        sa.Column("error_code", sa.String(16), nullable=True),
        sa.Column("error_description", sa.Text(), nullable=True),
        sa.Column("offline", sa.Boolean(), nullable=False),
        _stamp("offline_since", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _stamp("sent_at", nullable=True),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.UniqueConstraint("invoice_id", name="ux_ksef_submissions_invoice"),
    )
    op.create_index("ix_ksef_submissions_tenant_id", "ksef_submissions", ["tenant_id"])
    op.create_index("ix_ksef_submissions_ksef_number", "ksef_submissions", ["ksef_number"])
    op.create_index(
        "ix_ksef_submissions_company_status", "ksef_submissions", ["company_id", "status"]
    )
    op.create_index(
        "ix_ksef_submissions_tenant_status", "ksef_submissions", ["tenant_id", "status"]
    )


def downgrade() -> None:
    op.drop_table("ksef_submissions")
    op.drop_table("ksef_connections")
