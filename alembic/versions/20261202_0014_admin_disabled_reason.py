"""allegro_integrations.admin_disabled_reason: why the platform admin disabled syncing

The admin gives a reason when disabling an integration (issue 13, item 9); the seller sees it on
the Integrations tab and in the notification, and the audit row keeps it too.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "allegro_integrations", sa.Column("admin_disabled_reason", sa.Text(), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("allegro_integrations", "admin_disabled_reason")
