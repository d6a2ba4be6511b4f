"""products.edited_at, customers.edited_at: rows a seller edited, which a sync no longer rewrites

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("products", "customers")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "edited_at")
