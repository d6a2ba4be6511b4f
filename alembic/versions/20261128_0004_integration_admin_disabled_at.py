"""allegro_integrations.admin_disabled_at: an admin's disable that a reconnect cannot lift

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "allegro_integrations",
        sa.Column("admin_disabled_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("allegro_integrations", "admin_disabled_at")
