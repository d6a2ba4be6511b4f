"""Orders set aside for review on the Integrations tab: one card per order (buyer, amount, date,
reason, its page on Allegro) with a Retry button that fetches and decides that order again.

The list itself is read by SyncState (with the runs); Retry only queues a run (the worker talks to
Allegro) and hands it to the sync panel, which follows it like a manual sync.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from invoicehub import ratelimit
from invoicehub.components.layout import notice
from invoicehub.components.pagination import pagination
from invoicehub.components.tables import empty_state
from invoicehub.db import open_session
from invoicehub.i18n import N_, gettext
from invoicehub.integrations.allegro.runs import requests as runs
from invoicehub.integrations.allegro.runs.review import OrderNotHeld, retry_held_order
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.pages.settings.integrations_state import LOGIN_PATH, IntegrationsState
from invoicehub.pages.settings.integrations_sync import SyncState, run_row
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr

NOT_HELD = N_("This order is no longer waiting for review.")


class ReviewState(rx.State):
    retry_message: rx.Field[str] = rx.field("")
    retry_error: rx.Field[str] = rx.field("")
    retrying: rx.Field[str] = rx.field("")  # the order whose retry is being queued

    @rx.event
    async def retry_order(self, checkout_form_id: str):
        principal = (await self.get_state(AuthState)).principal()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        integration_id = (await self.get_state(IntegrationsState)).selected_integration
        self.retry_message = self.retry_error = ""
        language = principal.language
        try:
            with open_session() as session:
                run = retry_held_order(session, principal, integration_id, checkout_form_id)
                row = run_row(run, language)
        except OrderNotHeld:
            self.retry_error = gettext(language, NOT_HELD)
            return SyncState.refresh
        except ratelimit.RateLimited as exc:
            self.retry_error = gettext(
                language, "Too many retries at once. Try again in {wait} s.", wait=exc.retry_after
            )
            return None
        except runs.SyncNotAllowed:
            self.retry_error = gettext(
                language, "This account cannot sync now: connect it again first."
            )
            return None
        except IntegrationNotFound:
            self.retry_error = gettext(language, NOT_HELD)
            return None
        self.retry_message = gettext(
            language, "Order {order} will be fetched and checked again.", order=checkout_form_id
        )
        sync = await self.get_state(SyncState)
        sync.run, sync.sync_loading, sync.sync_error = row, True, ""
        return SyncState.watch_run


def _fact(value: Any, **props: Any) -> rx.Component:
    return rx.text(value, size="2", truncate=True, max_width="100%", **props)


def review_card(row: Any) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.text(
                    row["order"],
                    size="1",
                    font_family="monospace",
                    color="gray",
                    truncate=True,
                    class_name="review-order",
                ),
                rx.text(row["amount"], size="3", weight="bold", white_space="nowrap"),
                justify="between",
                align="center",
                spacing="2",
                width="100%",
            ),
            _fact(row["buyer"], weight="medium"),
            _fact(row["date"], color="gray"),
            rx.text(row["reason"], size="2"),
            rx.flex(
                rx.link(
                    rx.flex(
                        rx.icon("external-link", size=14),
                        tr("Open on Allegro"),
                        align="center",
                        spacing="1",
                    ),
                    href=row["url"],
                    is_external=True,
                    size="2",
                ),
                rx.cond(
                    row["invoice_id"] != "",
                    rx.link(tr("Open invoice"), href="/invoices/" + row["invoice_id"], size="2"),
                ),
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    tr("Retry"),
                    size="2",
                    variant="soft",
                    on_click=ReviewState.retry_order(row["order"]),
                    disabled=SyncState.sync_loading,
                    aria_label=tr("Retry") + ": " + row["order"],
                    class_name="review-retry",
                ),
                justify="between",
                align="center",
                wrap="wrap",
                spacing="3",
            ),
            direction="column",
            spacing="1",
            min_width="0",
        ),
        class_name="review-row",
        width="100%",
    )


def review_panel() -> rx.Component:
    s = SyncState
    return rx.card(
        rx.flex(
            rx.heading(tr("Orders to review ({count})", count=s.review_total), as_="h3", size="3"),
            notice(ReviewState.retry_message, "green"),
            notice(ReviewState.retry_error, "red"),
            rx.cond(
                s.review.length() > 0,
                rx.flex(
                    rx.foreach(s.review, review_card),
                    rx.cond(
                        s.review_pages > 1,
                        pagination(
                            s.review_page,
                            s.review_pages,
                            s.review_total,
                            s.review_previous,
                            s.review_next,
                            noun=N_("Orders to review"),
                        ),
                    ),
                    direction="column",
                    spacing="2",
                    width="100%",
                    aria_label="Orders to review",
                ),
                empty_state(
                    N_("Nothing to review"),
                    N_("Orders that cannot be invoiced show up here."),
                    "check",
                ),
            ),
            rx.cond(
                s.review_total > 0,
                rx.text(
                    tr(
                        "Fix the cause (for example the company details or the default VAT "
                        "rate), then run a manual sync: it tries these orders again."
                    ),
                    size="2",
                    color="gray",
                ),
            ),
            direction="column",
            spacing="3",
        )
    )
