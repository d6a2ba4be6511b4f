"""allegro_orders.fetch_attempts/fetch_retry_at (an order Allegro answered 404 for is fetched
again later) and allegro_integrations.reconciled_at (the daily reconciliation)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 03:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "allegro_orders",
        sa.Column("fetch_attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column(
        "allegro_orders", sa.Column("fetch_retry_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_allegro_orders_fetch_retry",
        "allegro_orders",
        ["integration_id", "fetch_retry_at"],
        postgresql_where=sa.text("fetch_retry_at IS NOT NULL"),
    )
    op.add_column(
        "allegro_integrations",
        sa.Column("reconciled_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("allegro_integrations", "reconciled_at")
    op.drop_index("ix_allegro_orders_fetch_retry", table_name="allegro_orders")
    op.drop_column("allegro_orders", "fetch_retry_at")
    op.drop_column("allegro_orders", "fetch_attempts")
