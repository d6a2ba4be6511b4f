"""Stored KSeF texts and admin-hold notifications in English, the form the pages translate

KSeF submission rows stored why an invoice waits or was refused in Polish (ksef_submissions.
error_description), and notifications of an admin's hold stored the English hold text with a
Polish "Powód podany przez administratora: " before the reason. Both are now stored in English
as catalogue msgids (invoicehub/integrations/ksef/texts.py, integrations/allegro/lifecycle.py)
and translated when shown (invoicehub/i18n/stored.py); this rewrites the rows stored before, so
an English seller no longer reads them in Polish and the API returns one form. What KSeF or the
validator added after a reason (": <details>") is kept as it was.

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (Polish as stored before, English as stored now): whole texts or the start of one.
KSEF_PREFIXES = (
    (
        "Faktura nie przeszła walidacji FA(3) przed wysłaniem",
        "The invoice failed FA(3) validation before sending",
    ),
    (
        "Nieprawidłowy zakres uprawnień do wystawienia faktury",
        "Wrong scope of permissions to issue the invoice",
    ),
    (
        "Brak uprawnień do wystawienia faktury w tym kontekście (NIP)",
        "No permission to issue the invoice in this context (NIP)",
    ),
    (
        "Plik faktury jest niezgodny ze schematem FA(3)",
        "The invoice file does not match the FA(3) schema",
    ),
    ("KSeF nie mógł odszyfrować faktury", "KSeF could not decrypt the invoice"),
    (
        "Duplikat faktury: KSeF przyjął ją już wcześniej",
        "Duplicate invoice: KSeF accepted it earlier",
    ),
    ("Błąd semantyki dokumentu faktury", "Semantic error in the invoice document"),
    (
        "Nieznany błąd KSeF przy przetwarzaniu faktury",
        "Unknown KSeF error while processing the invoice",
    ),
    ("KSeF odrzucił fakturę", "KSeF rejected the invoice"),
    ("KSeF nie przyjął tokenu firmy: ", "KSeF did not accept the company's token: "),
    (
        "KSeF przyjął tę fakturę wcześniej; przyjęto jej pierwotny numer KSeF",
        "KSeF had accepted this invoice earlier; its original KSeF number was kept",
    ),
)
# The offline note: "KSeF jest niedostępny (<reason>); faktura zostanie wysłana ..." (PostgreSQL
# regular expressions: `.` matches newlines too).
OFFLINE = (
    r"^KSeF jest niedostępny \((.*)\); faktura zostanie wysłana w trybie offline, gdy KSeF wróci$",
    r"KSeF is unavailable (\1); the invoice will be sent in offline mode once KSeF is back",
)
OFFLINE_BACK = (
    r"^KSeF is unavailable \((.*)\); the invoice will be sent in offline mode once KSeF is back$",
    r"KSeF jest niedostępny (\1); faktura zostanie wysłana w trybie offline, gdy KSeF wróci",
)
ADMIN_HOLD = (
    "A platform administrator has disabled syncing for this Allegro account. "
    "Contact support to have it enabled again. "
)
REASON_PREFIX = ("Powód podany przez administratora: ", "Reason given by the administrator: ")


def _rewrite_prefix(table: str, column: str, old: str, new: str) -> None:
    # starts_with, not LIKE: the texts hold no wildcards to escape that way.
    op.get_bind().execute(
        sa.text(
            f"UPDATE {table} SET {column} = :new || substr({column}, :skip)"
            f" WHERE starts_with({column}, :old)"
        ),
        {"old": old, "new": new, "skip": len(old) + 1},
    )


def _rewrite_offline(pattern: str, replacement: str) -> None:
    op.get_bind().execute(
        sa.text(
            "UPDATE ksef_submissions SET error_description ="
            " regexp_replace(error_description, :pattern, :replacement)"
            " WHERE error_description ~ :pattern"
        ),
        {"pattern": pattern, "replacement": replacement},
    )


def upgrade() -> None:
    for polish, english in KSEF_PREFIXES:
        _rewrite_prefix("ksef_submissions", "error_description", polish, english)
    _rewrite_offline(*OFFLINE)
    polish, english = REASON_PREFIX
    _rewrite_prefix("notifications", "body", ADMIN_HOLD + polish, ADMIN_HOLD + english)


def downgrade() -> None:
    for polish, english in KSEF_PREFIXES:
        _rewrite_prefix("ksef_submissions", "error_description", english, polish)
    _rewrite_offline(*OFFLINE_BACK)
    polish, english = REASON_PREFIX
    _rewrite_prefix("notifications", "body", ADMIN_HOLD + english, ADMIN_HOLD + polish)
