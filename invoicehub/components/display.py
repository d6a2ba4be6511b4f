"""Plain-text formats for the pages: dates in Polish time, money, counts and status words.

States call these on the server and keep strings, so every page shows the same words and
nothing the browser renders is markup. Dates read `05.03.2026`, amounts `1 234,56 zł` in
both interface languages (see invoicehub.i18n.formats); words come from the catalogue.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from invoicehub.domain.plain_errors import plain_failure
from invoicehub.i18n import N_, gettext
from invoicehub.i18n.formats import format_amount, format_day, format_moment
from invoicehub.integrations.allegro.lifecycle import admin_hold_text
from invoicehub.models import SyncRun, SyncStatus

# Returned as msgids: the pages show them through `tr_value`.
NEVER = N_("never")
NOT_PAID = N_("not paid")
NOT_SCHEDULED = N_("not scheduled")
# Stored values the pages show through `tr_value`: sources, the Allegro import's unit and its
# payment methods (Polish words, as printed on the invoice; translated for English readers).
STORED_WORDS = (
    N_("allegro"),
    N_("manual"),
    N_("scheduled"),
    N_("szt."),
    N_("płatność online"),
    N_("za pobraniem"),
    N_("przelew"),
    N_("mechanizm podzielonej płatności"),
    N_("odroczony termin płatności"),
)


def when(value: datetime | None, empty: str = NEVER) -> str:
    """`28.11.2025 10:15` in Warsaw time, or `empty`."""
    if value is None:
        return empty
    return format_moment(value)


def day(value: date | datetime | None) -> str:
    return format_day(value)


def amount(value: Decimal | None, currency: str = "PLN") -> str:
    return "" if value is None else format_amount(value, currency)


def status_problem(
    status: str,
    error_count: int,
    last_error: str | None,
    admin_hold: bool = False,
    admin_reason: str | None = None,
    language: str = "pl",
) -> str:
    """What is wrong with an integration, in plain words (empty when nothing is)."""
    if admin_hold:
        return admin_hold_text(admin_reason, language)
    if status == "needs_reauth":
        return gettext(
            language,
            "Allegro no longer accepts the saved authorization. Reconnect to resume syncing.",
        )
    if status == "disabled":
        return gettext(
            language,
            "Syncing was stopped after repeated failures. Reconnect the account to start again.",
        )
    if status == "disconnected":
        return gettext(
            language, "This Allegro account is disconnected. Reconnect it to sync orders again."
        )
    if error_count:
        if not last_error:
            return gettext(language, "Failed syncs in a row: {count}.", count=error_count)
        # The seller's words for the failure (domain/plain_errors.py), never the raw error.
        return gettext(
            language,
            "Failed syncs in a row: {count}. Last error: {error}",
            count=error_count,
            error=plain_failure(last_error, language),
        )
    return ""


def run_summary(run: SyncRun, language: str = "pl") -> str:
    """Where a run is, in plain words ("label: count" forms: no plural rules needed)."""
    if run.status == SyncStatus.QUEUED:
        return gettext(language, "Queued: waiting for a worker to pick it up…")
    if run.status == SyncStatus.RUNNING:
        return gettext(
            language, "Running. Orders fetched so far: {orders}…", orders=run.orders_fetched
        )
    if run.status == SyncStatus.RETRYING:
        return gettext(
            language,
            "Retrying after attempt {attempt} failed: {error}",
            attempt=run.attempts,
            error=plain_failure(run.error, language),  # the seller's words, not the stored detail
        )
    if run.status == SyncStatus.FAILED:
        return gettext(language, "Failed: {error}", error=plain_failure(run.error, language))
    done = gettext(
        language,
        "Done. Orders fetched: {orders}, invoices created: {invoices}, customers added: "
        "{customers}, products added: {products}, skipped: {skipped}, to review: {review}.",
        orders=run.orders_fetched,
        invoices=run.invoices_created,
        customers=run.customers_created,
        products=run.products_created,
        skipped=run.skipped,
        review=run.needs_review,
    )
    if run.corrections_issued:
        done += " " + gettext(
            language, "Corrections issued: {count}.", count=run.corrections_issued
        )
    return done
