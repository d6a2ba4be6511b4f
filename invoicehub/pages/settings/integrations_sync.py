"""The Integrations tab's sync panel: manual sync with live progress, recent runs, orders to review.

A manual sync only writes a run row and queues a job (the worker talks to Allegro); the panel
then polls that row from a background task until it is done or failed.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict

import reflex as rx
from sqlmodel import Session

from invoicehub import ratelimit
from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.components.cards import WIDE_ONLY
from invoicehub.components.layout import notice
from invoicehub.components.status_chip import run_chip
from invoicehub.components.tables import empty_state, scroll_table
from invoicehub.db import open_session
from invoicehub.domain.order_reasons import describe_skips
from invoicehub.domain.paging import page_count
from invoicehub.domain.plain_errors import looks_technical, plain_text
from invoicehub.i18n import N_, gettext
from invoicehub.i18n.stored import translate_stored
from invoicehub.integrations.allegro.runs import requests as runs
from invoicehub.integrations.allegro.runs.review import (
    ReviewOrder,
    allegro_order_url,
    list_review,
    skipped_by_reason,
)
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.models import SyncRun
from invoicehub.pages.settings.integrations_cards import run_cards
from invoicehub.pages.settings.integrations_state import (
    LOGIN_PATH,
    IntegrationsState,
    on_selection_change,
)
from invoicehub.pages.settings.setup_checklist import SetupState
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial
from invoicehub.state.i18n import tr, tr_value

POLL_SECONDS = 0.5
MAX_WATCH_SECONDS = 15 * 60  # past this the panel stops polling; the run goes on in the worker
RECENT_RUNS = 8
REVIEW_PAGE_SIZE = 20


class ReviewRow(TypedDict):
    """An order set aside for review, as the review table shows it."""

    order: str
    buyer: str
    amount: str
    date: str
    reason: str
    url: str
    invoice_id: str
    updated: str


def review_row(order: ReviewOrder, language: str = "pl") -> ReviewRow:
    # A technical reason becomes the seller's sentence; a stored English one is translated.
    reason = (
        plain_text(order.reason, language)
        if looks_technical(order.reason)
        else translate_stored(language, order.reason or N_("No reason recorded."))
    )
    return {
        "order": order.checkout_form_id,
        "buyer": order.buyer,
        "amount": display.amount(order.amount, order.currency),
        "date": display.when(order.ordered_at, ""),
        "reason": reason,
        "url": allegro_order_url(order.checkout_form_id),
        "invoice_id": str(order.invoice_id) if order.invoice_id else "",
        "updated": display.when(order.updated_at),
    }


def run_row(run: SyncRun, language: str = "pl", skips: str = "") -> dict[str, str]:
    return {
        "id": str(run.id),
        "integration_id": str(run.integration_id),
        "status": run.status,
        "trigger": run.trigger,
        "queued": display.when(run.queued_at),
        "summary": display.run_summary(run, language) + (f" {skips}" if skips else ""),
        "invoices": str(run.invoices_created),
    }


class SyncState(rx.State):
    sync_loading: rx.Field[bool] = rx.field(False)
    run: dict[str, str] = {}
    runs: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    review: rx.Field[list[ReviewRow]] = rx.field(default_factory=list)
    review_total: rx.Field[int] = rx.field(0)
    review_page: rx.Field[int] = rx.field(1)
    sync_error: rx.Field[str] = rx.field("")
    _watching: str = ""

    @rx.var
    def review_pages(self) -> int:
        return page_count(self.review_total, REVIEW_PAGE_SIZE)

    async def _context(self) -> tuple[Principal | None, str]:
        principal = (await self.get_state(AuthState)).principal()
        return principal, (await self.get_state(IntegrationsState)).selected_integration

    def _read(self, session: Session, principal: Principal, integration_id: str) -> SyncRun | None:
        """Reload runs and orders to review; the newest run when it is still active."""
        recent = runs.list_sync_runs(session, principal, integration_id, RECENT_RUNS)
        self.runs = [
            run_row(
                r,
                principal.language,
                describe_skips(skipped_by_reason(session, r), principal.language),
            )
            for r in recent
        ]
        entries, self.review_total = self._review_page(session, principal, integration_id)
        self.review = [review_row(e, principal.language) for e in entries]
        if self.runs and self.run.get("id") == self.runs[0]["id"]:
            self.run = self.runs[0]  # the finished run's summary, with its skips explained
        return recent[0] if recent and not runs.is_terminal(recent[0].status) else None

    def _review_page(
        self, session: Session, principal: Principal, integration_id: str
    ) -> tuple[list[ReviewOrder], int]:
        """The page of orders to review; the last page when the list shrank under it."""
        entries, total = list_review(
            session, principal, integration_id, self.review_page, REVIEW_PAGE_SIZE
        )
        if not entries and self.review_page > 1:
            self.review_page = page_count(total, REVIEW_PAGE_SIZE)
            entries, total = list_review(
                session, principal, integration_id, self.review_page, REVIEW_PAGE_SIZE
            )
        return entries, total

    @rx.event
    def review_previous(self):
        self.review_page = max(1, self.review_page - 1)
        return SyncState.refresh  # which checks the principal and the integration

    @rx.event
    def review_next(self):
        self.review_page += 1
        return SyncState.refresh

    @rx.event
    async def refresh(self):
        principal, integration_id = await self._context()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        self.sync_error = ""
        if not integration_id:
            self.runs, self.review, self.review_total, self.run = [], [], 0, {}
            return None
        with open_session() as session:
            active = self._read(session, principal, integration_id)
        if active is None:
            if self.run.get("integration_id") != integration_id:
                self.run = {}  # keep the finished run's result in view, but not another account's
            self.sync_loading = False
            return None
        self.run, self.sync_loading = run_row(active, principal.language), True
        return SyncState.watch_run

    @rx.event
    async def start_sync(self):
        principal, integration_id = await self._context()
        if principal is None:
            return rx.redirect(LOGIN_PATH)
        self.sync_error = ""
        try:
            with open_session() as session:
                run = runs.request_sync(session, principal, integration_id, trigger="manual")
                self.run = run_row(run, principal.language)
        except ratelimit.RateLimited as exc:
            wait = exc.retry_after
            self.sync_error = gettext(
                principal.language,
                "A manual sync ran less than a minute ago. Try again in {seconds} s.",
                seconds=wait,
            )
            return None
        except runs.SyncNotAllowed:
            self.sync_error = gettext(
                principal.language, "This account cannot sync now: reconnect it first."
            )
            return None
        except IntegrationNotFound:
            record_denial(self, principal, integration_id)
            self.sync_error = gettext(principal.language, "That integration does not exist.")
            return None
        self.sync_loading = True
        return SyncState.watch_run

    @rx.event(background=True)
    async def watch_run(self):
        async with self:
            principal = (await self.get_state(AuthState)).principal()
            run_id = self.run.get("id", "")
            if principal is None or not run_id or self._watching == run_id:
                return
            self._watching = run_id
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_WATCH_SECONDS
        while loop.time() < deadline:
            row = await asyncio.to_thread(_read_run, principal, run_id)
            async with self:
                selected = (await self.get_state(IntegrationsState)).selected_integration
                if self._watching != run_id:
                    return  # another run took over the panel
                if row is None or row["integration_id"] != selected:
                    self.sync_loading, self._watching = False, ""
                    return
                self.run = row
                if runs.is_terminal(row["status"]):
                    self.sync_loading, self._watching = False, ""
                    return [SyncState.refresh, IntegrationsState.refresh_status, SetupState.load]
            await asyncio.sleep(POLL_SECONDS)
        async with self:
            self.sync_loading, self._watching = False, ""


on_selection_change(SyncState.refresh)


def _read_run(principal: Principal, run_id: str) -> dict[str, str] | None:
    try:
        with open_session() as session:
            return run_row(runs.get_sync_run(session, principal, run_id), principal.language)
    except runs.RunNotFound:
        return None


def sync_progress() -> rx.Component:
    run = SyncState.run
    return rx.cond(
        run.get("id", "") != "",
        rx.flex(
            rx.cond(SyncState.sync_loading, rx.spinner(size="2")),
            run_chip(run["status"]),
            rx.text(run["summary"], size="2", id="sync-progress"),
            spacing="2",
            align="center",
            wrap="wrap",
            role="status",
            aria_live="polite",
        ),
    )


def _run_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["queued"], white_space="nowrap"),
        rx.table.cell(tr_value(row["trigger"])),
        rx.table.cell(run_chip(row["status"])),
        rx.table.cell(rx.text(row["summary"], size="2")),
    )


def sync_panel() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.heading(tr("Sync"), as_="h2", size="4"),
                rx.button(
                    rx.icon("refresh-cw", size=16),
                    tr("Manual sync"),
                    id="manual-sync",
                    on_click=SyncState.start_sync,
                    loading=SyncState.sync_loading,
                    disabled=SyncState.sync_loading
                    | (IntegrationsState.current.get("status", "") != "active"),
                ),
                justify="between",
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            notice(SyncState.sync_error, "red"),
            sync_progress(),
            rx.heading(tr("Recent syncs"), as_="h3", size="3"),
            rx.cond(
                SyncState.runs.length() > 0,
                rx.box(
                    rx.box(
                        scroll_table(
                            [N_("Started"), N_("Trigger"), N_("Status"), N_("Result")],
                            rx.foreach(SyncState.runs, _run_row),
                            label=N_("Recent syncs"),
                        ),
                        display=WIDE_ONLY,
                    ),
                    run_cards(SyncState.runs),
                    width="100%",
                ),
                empty_state(N_("No syncs yet"), N_("Run a manual sync or wait for the schedule.")),
            ),
            direction="column",
            spacing="3",
        )
    )
