"""FA(3) data: exemption basis kind and cash accounting on companies, Annex 15 on products and
(snapshotted at issue time) on invoice lines

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a constant default rewrites no row and fires no row trigger, so the
    # immutability triggers of invoice_lines are untouched: old lines read as "not Annex 15".
    op.add_column(
        "companies",
        sa.Column("vat_exemption_kind", sa.String(length=1), nullable=False, server_default=""),
    )
    op.create_check_constraint(
        "ck_companies_vat_exemption_kind", "companies", "vat_exemption_kind IN ('', 'A', 'B', 'C')"
    )
    op.add_column(
        "companies",
        sa.Column("cash_accounting", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "products", sa.Column("annex15", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "invoice_lines",
        sa.Column("annex15", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("invoice_lines", "annex15")
    op.drop_column("products", "annex15")
    op.drop_column("companies", "cash_accounting")
    op.drop_constraint("ck_companies_vat_exemption_kind", "companies", type_="check")
    op.drop_column("companies", "vat_exemption_kind")
