"""What a seller reads about a platform admin's hold on their integration (issue 13, item 9)."""

from __future__ import annotations

from invoicehub.integrations.allegro.connection.oauth import ADMIN_HOLD

ADMIN_REASON_PREFIX = "Powód podany przez administratora: "


def admin_hold_text(reason: str | None) -> str:
    """The standard hold text, and the admin's reason when one was given."""
    return f"{ADMIN_HOLD} {ADMIN_REASON_PREFIX}{reason}" if reason else ADMIN_HOLD
