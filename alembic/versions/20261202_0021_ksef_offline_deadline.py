"""ksef_submissions: the offline mode, the deadline to send to KSeF and the last deadline notice

An invoice KSeF could not take when it was issued is sent in an offline mode (docs:
tryby-offline.md) and must reach KSeF by a deadline (domain/ksef_offline.py). The sender sends
offline invoices by their deadline first; a scheduled check tells the seller when a deadline is
a day away or past (`deadline_notice` keeps the last stage told, so each is told once).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ksef_submissions", sa.Column("offline_mode", sa.String(16), nullable=True))
    op.add_column("ksef_submissions", sa.Column("send_deadline", sa.Date(), nullable=True))
    op.add_column("ksef_submissions", sa.Column("deadline_notice", sa.String(16), nullable=True))
    op.create_index(
        "ix_ksef_submissions_send_deadline",
        "ksef_submissions",
        ["send_deadline"],
        postgresql_where=sa.text("send_deadline IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_ksef_submissions_send_deadline", table_name="ksef_submissions")
    op.drop_column("ksef_submissions", "deadline_notice")
    op.drop_column("ksef_submissions", "send_deadline")
    op.drop_column("ksef_submissions", "offline_mode")
