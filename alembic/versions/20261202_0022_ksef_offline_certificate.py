"""ksef_connections: the company's KSeF certificate of type Offline for KOD II

KOD II (docs: kody-qr.md) on an offline invoice is a link signed with the private key of a KSeF
certificate of type Offline. The seller obtains it in the Ministry's application (KSeF issues
certificates only to a requester authenticated with a qualified signature or seal, never with a
KSeF token) and gives it to Invoice-HUB: the certificate (DER, public), its serial number and
validity, and the private key sealed in the AES-GCM vault with its own AAD.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("ksef_connections", sa.Column("offline_certificate", sa.Text(), nullable=True))
    op.add_column(
        "ksef_connections", sa.Column("offline_certificate_serial", sa.String(40), nullable=True)
    )
    op.add_column(
        "ksef_connections",
        sa.Column("offline_certificate_valid_to", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("ksef_connections", sa.Column("offline_key_encrypted", sa.Text(), nullable=True))


def downgrade() -> None:
    for column in (
        "offline_key_encrypted",
        "offline_certificate_valid_to",
        "offline_certificate_serial",
        "offline_certificate",
    ):
        op.drop_column("ksef_connections", column)
