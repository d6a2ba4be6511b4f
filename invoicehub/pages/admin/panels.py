"""The admin dashboard's side panels: admin notifications (mark read) and the RQ queues."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from invoicehub.admin.overview import (
    NotificationNotFound,
    list_notifications,
    mark_notification_read,
    queue_overview,
)
from invoicehub.components.notifications import (
    NotificationRow,
    notification_row,
    notification_view,
)
from invoicehub.db import open_session
from invoicehub.i18n import N_, gettext
from invoicehub.pages.admin.access import admin_principal, refusal
from invoicehub.redis_conn import get_redis
from invoicehub.state.i18n import tr

NOTIFICATIONS_SHOWN = 8


class QueueRow(TypedDict):
    """One RQ queue's counts, as texts."""

    name: str
    queued: str
    started: str
    failed: str
    scheduled: str


class AdminPanelsState(rx.State):
    notifications: rx.Field[list[NotificationRow]] = rx.field(default_factory=list)
    unread: rx.Field[int] = rx.field(0)
    queues: rx.Field[list[QueueRow]] = rx.field(default_factory=list)
    workers: rx.Field[int] = rx.field(0)
    failed_jobs: rx.Field[int] = rx.field(0)
    queued_jobs: rx.Field[int] = rx.field(0)
    queue_error: rx.Field[str] = rx.field("")
    _language: str = "pl"

    async def _reload(self):
        admin = await admin_principal(self)
        if admin is None:
            return await refusal(self)
        with open_session() as session:
            items, _, self.unread = list_notifications(
                session, admin, page=1, page_size=NOTIFICATIONS_SHOWN
            )
        self._language = admin.language
        self.notifications = [notification_view(n, admin.language) for n in items]
        self._read_queues()
        return None

    def _read_queues(self) -> None:
        try:
            overview = queue_overview(get_redis())
        except Exception as exc:  # the dashboard must render even when Redis is down
            self.queue_error = gettext(
                self._language, "Queues unavailable: {reason}", reason=type(exc).__name__
            )
            return
        self.queue_error = ""
        self.queues = [
            {
                "name": q.name,
                "queued": str(q.queued),
                "started": str(q.started),
                "failed": str(q.failed),
                "scheduled": str(q.scheduled),
            }
            for q in overview.queues
        ]
        self.workers = len(overview.workers)
        self.failed_jobs = sum(q.failed for q in overview.queues)
        self.queued_jobs = sum(q.queued for q in overview.queues)

    @rx.event
    async def load(self):
        return await self._reload()

    @rx.event
    async def mark_read(self, notification_id: str):
        admin = await admin_principal(self)
        if admin is None:
            return await refusal(self)
        try:
            with open_session() as session:
                mark_notification_read(session, admin, notification_id)
        except NotificationNotFound:
            pass
        return await self._reload()


def notifications_panel() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.heading(tr("Notifications"), as_="h2", size="3"),
                rx.badge(
                    tr("Unread: {count}", count=AdminPanelsState.unread),
                    color_scheme=rx.cond(AdminPanelsState.unread > 0, "orange", "gray"),
                    id="unread-count",
                ),
                justify="between",
                align="center",
            ),
            rx.cond(
                AdminPanelsState.notifications.length() > 0,
                rx.flex(
                    rx.foreach(
                        AdminPanelsState.notifications,
                        lambda item: notification_row(item, AdminPanelsState.mark_read),
                    ),
                    direction="column",
                ),
                rx.text(tr("No notifications."), size="2", color="gray"),
            ),
            direction="column",
            spacing="2",
        ),
        width="100%",
    )


def _queue_row(queue) -> rx.Component:
    return rx.table.row(
        rx.table.cell(queue["name"]),
        rx.table.cell(queue["queued"]),
        rx.table.cell(queue["started"]),
        rx.table.cell(queue["scheduled"]),
        rx.table.cell(queue["failed"]),
    )


def _queue_card(queue) -> rx.Component:
    """One queue on a phone: its name and counts in two short lines, nothing to scroll."""
    return rx.box(
        rx.text(queue["name"], weight="bold", size="2"),
        rx.text(
            tr("Waiting"),
            ": ",
            queue["queued"],
            " · ",
            tr("Running"),
            ": ",
            queue["started"],
            " · ",
            tr("Scheduled"),
            ": ",
            queue["scheduled"],
            " · ",
            tr("Failed jobs"),
            ": ",
            queue["failed"],
            size="2",
            color="gray",
        ),
        class_name="admin-queue-card",
        role="listitem",
        padding_y="0.25em",
    )


def queues_panel() -> rx.Component:
    s = AdminPanelsState
    return rx.card(
        rx.flex(
            rx.flex(
                rx.heading(tr("Job queues"), as_="h2", size="3"),
                rx.link(
                    tr("Open queue dashboard"), href="/admin/rq/", reload_document=True, size="2"
                ),
                justify="between",
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(
                s.queue_error != "",
                rx.text(s.queue_error, color="red", size="2"),
                rx.flex(
                    rx.text(
                        tr(
                            "Waiting: {queued} · failed: {failed} · workers: {workers}",
                            queued=s.queued_jobs,
                            failed=s.failed_jobs,
                            workers=s.workers,
                        ),
                        size="2",
                        weight="medium",
                        id="queue-glance",
                    ),
                    rx.flex(
                        rx.foreach(s.queues, _queue_card),
                        direction="column",
                        role="list",
                        display=rx.breakpoints(initial="flex", sm="none"),
                    ),
                    rx.box(
                        rx.table.root(
                            rx.table.header(
                                rx.table.row(
                                    *[
                                        rx.table.column_header_cell(tr(h))
                                        for h in (
                                            N_("Queue"),
                                            N_("Waiting"),
                                            N_("Running"),
                                            N_("Scheduled"),
                                            N_("Failed jobs"),
                                        )
                                    ]
                                )
                            ),
                            rx.table.body(rx.foreach(s.queues, _queue_row)),
                            size="1",
                        ),
                        overflow_x="auto",
                        width="100%",
                        display=rx.breakpoints(initial="none", sm="block"),
                    ),
                    direction="column",
                    spacing="2",
                ),
            ),
            direction="column",
            spacing="2",
        ),
        width="100%",
    )
