"""Plain-text formats for the pages: dates in Polish time, money, counts and status words.

States call these on the server and keep strings, so every page shows the same words and
nothing the browser renders is markup.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from invoicehub.documents.formatting import WARSAW, money
from invoicehub.integrations.allegro.lifecycle import ADMIN_HOLD

NEVER = "never"
STATUS_LABELS = {
    "active": "Active",
    "needs_reauth": "Needs re-auth",
    "disabled": "Disabled",
    "disconnected": "Disconnected",
}
RUN_LABELS = {
    "queued": "Queued",
    "running": "Running",
    "retrying": "Retrying",
    "succeeded": "Done",
    "failed": "Failed",
}
INVOICE_STATUS_LABELS = {"issued": "Issued", "paid": "Paid"}
ORDER_STATE_LABELS = {
    "pending": "Pending",
    "invoiced": "Invoiced",
    "skipped": "Skipped",
    "needs_review": "Needs review",
}


def when(value: datetime | None, empty: str = NEVER) -> str:
    """`2025-11-28 10:15` in Warsaw time, or `empty`."""
    if value is None:
        return empty
    return value.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M")


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(WARSAW).date()
    return value.isoformat()


def amount(value: Decimal | None, currency: str = "PLN") -> str:
    return "" if value is None else f"{money(value)} {currency}"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def status_problem(
    status: str, error_count: int, last_error: str | None, admin_hold: bool = False
) -> str:
    """What is wrong with an integration, in plain words (empty when nothing is)."""
    if admin_hold:
        return ADMIN_HOLD
    if status == "needs_reauth":
        return "Allegro no longer accepts the saved authorization. Reconnect to resume syncing."
    if status == "disabled":
        return "Syncing was stopped after repeated failures. Reconnect the account to start again."
    if status == "disconnected":
        return "This Allegro account is disconnected. Reconnect it to sync orders again."
    if error_count:
        which = "The last sync" if error_count == 1 else f"The last {error_count} syncs"
        reason = f": {last_error}" if last_error else "."
        return f"{which} failed{reason}"
    return ""
