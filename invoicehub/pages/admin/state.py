"""AdminAllegroState: the summary cards and every tenant's integrations, a page at a time."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from invoicehub.admin.overview import (
    AdminIntegrationRow,
    InvalidQuery,
    integration_summary,
    list_all_integrations,
)
from invoicehub.components import display
from invoicehub.db import open_session
from invoicehub.domain.paging import page_count
from invoicehub.i18n import N_, gettext
from invoicehub.integrations.allegro import lifecycle
from invoicehub.integrations.allegro.runs import requests as runs
from invoicehub.integrations.allegro.service import IntegrationNotFound
from invoicehub.models import SyncStatus
from invoicehub.models.allegro import login_label
from invoicehub.pages.admin.access import admin_principal, refusal
from invoicehub.pages.admin.panels import AdminPanelsState

PAGE_SIZE = 25
ALL = "all"
STATUS_FILTERS = ("active", "needs_reauth", "disabled", "disconnected", "errors")
SORTS = (
    ("-last_sync_at", N_("Last sync, newest first")),
    ("last_sync_at", N_("Last sync, oldest first")),
    ("-sync_error_count", N_("Most failed syncs")),
    ("allegro_login", N_("Allegro login A-Z")),
    ("status", N_("Status")),
    ("-created_at", N_("Newest connections")),
)
# Run statuses as the "Sync queued for …" message names them (msgids).
RUN_STATUS_WORDS: dict[str, str] = {
    SyncStatus.QUEUED: N_("queued"),
    SyncStatus.RUNNING: N_("running"),
    SyncStatus.RETRYING: N_("retrying"),
    SyncStatus.SUCCEEDED: N_("succeeded"),
    SyncStatus.FAILED: N_("failed"),
}
SORT_KEYS = tuple(key for key, _ in SORTS)


class AdminRow(TypedDict):
    """One integration as the admin table shows it (texts, ready to render)."""

    id: str
    user: str
    tenant: str
    login: str
    status: str
    last_sync: str
    error_count: str
    last_error: str
    admin_hold: str


def admin_row(row: AdminIntegrationRow) -> AdminRow:
    return {
        "id": row.id,
        "user": row.user_email,
        "tenant": row.tenant_name,
        "login": login_label(row.allegro_login, row.allegro_user_id, ""),
        "status": row.status,
        "last_sync": display.when(row.last_sync_at),
        "error_count": str(row.sync_error_count),
        "last_error": row.last_sync_error or "",
        "admin_hold": N_("by an admin") if row.admin_disabled_at is not None else "",
    }


class AdminAllegroState(rx.State):
    summary: dict[str, str] = {}
    rows: rx.Field[list[AdminRow]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    search: rx.Field[str] = rx.field("")
    status_filter: rx.Field[str] = rx.field(ALL)
    sort: rx.Field[str] = rx.field(SORT_KEYS[0])
    loading: rx.Field[bool] = rx.field(True)
    message: rx.Field[str] = rx.field("")
    error: rx.Field[str] = rx.field("")

    @rx.var
    def page_count(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    async def _reload(self, *, summary: bool = False):
        if await admin_principal(self) is None:
            return await refusal(self)
        with open_session() as session:
            if summary:
                counts = integration_summary(session)
                self.summary = {
                    "total": str(counts.total),
                    "active": str(counts.active),
                    "errors": str(counts.errors),
                    "last_sync": display.when(counts.last_sync_at),
                }
            try:
                items, self.total = list_all_integrations(
                    session,
                    status=self.status_filter if self.status_filter in STATUS_FILTERS else None,
                    search=self.search or None,
                    sort=self.sort,
                    page=self.page,
                    page_size=PAGE_SIZE,
                )
            except InvalidQuery as exc:
                self.error = str(exc)
                return None
        self.rows, self.loading = [admin_row(r) for r in items], False
        return None

    @rx.event
    async def load(self):
        self.page, self.message, self.error = 1, "", ""
        return await self._reload(summary=True)

    @rx.event
    async def refresh(self):
        return await self._reload(summary=True)

    @rx.event
    async def set_search(self, value: str):
        self.search, self.page = value.strip()[:100], 1
        return await self._reload()

    @rx.event
    async def set_status_filter(self, value: str):
        self.status_filter, self.page = (value if value in STATUS_FILTERS else ALL), 1
        return await self._reload()

    @rx.event
    async def set_sort(self, value: str):
        self.sort, self.page = (value if value in SORT_KEYS else SORT_KEYS[0]), 1
        return await self._reload()

    @rx.event
    async def previous_page(self):
        self.page = max(1, self.page - 1)
        return await self._reload()

    @rx.event
    async def next_page(self):
        self.page = min(self.page_count, self.page + 1)
        return await self._reload()

    @rx.event
    async def sync_integration(self, integration_id: str):
        admin = await admin_principal(self)
        if admin is None:
            return await refusal(self)
        self.message = self.error = ""
        try:
            with open_session() as session:
                run = runs.request_sync(
                    session, admin, integration_id, trigger="admin", enforce_rate_limit=False
                )
                self.message = gettext(
                    admin.language,
                    "Sync {status} for {login}.",
                    status=gettext(admin.language, RUN_STATUS_WORDS.get(run.status, run.status)),
                    login=self._login_of(integration_id),
                )
        except runs.SyncNotAllowed as exc:
            self.error = gettext(admin.language, "Cannot sync: {reason}.", reason=exc)
        except IntegrationNotFound:
            self.error = gettext(admin.language, "That integration does not exist.")
        return await self._reload(summary=True) or AdminPanelsState.load

    def _login_of(self, integration_id: str) -> str:
        return next((r["login"] for r in self.rows if r["id"] == integration_id), "")

    @rx.event
    async def set_enabled(self, integration_id: str, enabled: bool):
        admin = await admin_principal(self)
        if admin is None:
            return await refusal(self)
        self.message = self.error = ""
        if not enabled:  # a disable needs a reason for the seller: AdminDisableState.confirm
            self.error = "Disable asks for a reason: use the Disable button."
            return None
        try:
            with open_session() as session:
                integration = lifecycle.set_enabled(session, admin, integration_id, bool(enabled))
                login = integration.login_label
            self.message = gettext(
                admin.language,
                N_("{login} enabled.") if enabled else N_("{login} disabled."),
                login=login,
            )
        except runs.SyncNotAllowed as exc:
            self.error = gettext(admin.language, "Cannot enable: {reason}.", reason=exc)
        except IntegrationNotFound:
            self.error = gettext(admin.language, "That integration does not exist.")
        return await self._reload(summary=True) or AdminPanelsState.load
