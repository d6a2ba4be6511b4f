"""LZ4 for the large values: the ledger's raw checkout forms and the KSeF XML and UPO

A checkout form is about 3 KB of JSON, over PostgreSQL's 2 KB threshold, so every ledger row is
compressed as it is written; with the default pglz that compression was a tenth of a first
sync's time (10,000 forms: 1.7 s with pglz, 1.1 s with lz4, sizes within 10 %). FA(3) XML and
UPO documents are compressed the same way. Only new values are written with lz4; stored ones stay
readable as they are. Skipped on a server built without lz4 (`default_toast_compression` does not
offer it).

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0020"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("allegro_orders", "raw"),
    ("ksef_submissions", "xml"),
    ("ksef_submissions", "upo_xml"),
)


def _lz4_available() -> bool:
    offered = op.get_bind().execute(
        sa.text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
    )
    return "lz4" in (offered.scalar() or [])


def _set(method: str) -> None:
    if not _lz4_available():
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    _set("lz4")


def downgrade() -> None:
    _set("pglz")
