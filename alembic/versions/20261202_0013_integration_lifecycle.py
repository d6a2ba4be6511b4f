"""allegro_integrations.is_active is derived from the status (integration lifecycle in one module)

The column only ever repeated the status: false exactly when the status is `disabled` or
`disconnected`. Before dropping it, a row that would disagree (switched off by hand, status still
`active`) is moved to `disabled`, so nothing that was not syncing starts to. The due-syncs partial
index is rebuilt on the status alone.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-02 08:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "allegro_integrations"
DUE_INDEX = "ix_allegro_integrations_due"


def upgrade() -> None:
    op.execute(f"UPDATE {TABLE} SET status = 'disabled' WHERE NOT is_active AND status = 'active'")
    op.drop_index(DUE_INDEX, table_name=TABLE)
    op.drop_column(TABLE, "is_active")
    op.create_index(
        DUE_INDEX, TABLE, ["next_sync_at"], postgresql_where=sa.text("status = 'active'")
    )


def downgrade() -> None:
    op.drop_index(DUE_INDEX, table_name=TABLE)
    op.add_column(
        TABLE, sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False)
    )
    op.execute(f"UPDATE {TABLE} SET is_active = status NOT IN ('disabled', 'disconnected')")
    op.create_index(
        DUE_INDEX,
        TABLE,
        ["next_sync_at"],
        postgresql_where=sa.text("status = 'active' AND is_active"),
    )
