"""Notifications in the interface: one row renderer, and the sellers' bell in the navbar.

The platform admin reads the admin feed on the admin dashboard; sellers get theirs (their
tenant's, or addressed to them) from the bell on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

import reflex as rx

from invoicehub.admin.feed import (
    NotificationItem,
    NotificationNotFound,
    list_notifications,
    mark_all_notifications_read,
    mark_notification_read,
)
from invoicehub.auth.tokens import Principal
from invoicehub.components import display
from invoicehub.db import open_session
from invoicehub.domain.plain_errors import plain_text
from invoicehub.i18n.stored import translate_stored
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import record_denial
from invoicehub.state.i18n import tr

SHOWN = 10


class NotificationRow(TypedDict):
    """One notification as the bell and the admin panel show it."""

    id: str
    title: str
    body: str
    kind: str
    created: str
    read: str  # "true" or ""


def notification_view(item: NotificationItem, language: str = "pl") -> NotificationRow:
    return {
        "id": item.id,
        "title": translate_stored(language, item.title),
        "body": translate_stored(language, item.body),
        "kind": item.kind,
        "created": display.when(item.created_at),
        "read": "true" if item.read else "",
    }


def seller_view(view: NotificationRow, language: str = "pl") -> NotificationRow:
    return {
        **view,
        "title": plain_text(view["title"], language),
        "body": plain_text(view["body"], language),
    }


def notification_row(item: Any, mark_read: Callable[[Any], Any]) -> rx.Component:
    """One notification: "New" while unread, its text, when, and a "Mark read" button."""
    unread = item["read"] == ""
    return rx.flex(
        rx.flex(
            rx.cond(unread, rx.badge(tr("New"), color_scheme="orange", variant="solid")),
            rx.text(item["title"], weight="medium", size="2"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(item["body"] != "", rx.text(item["body"], size="2", color="gray")),
        rx.flex(
            rx.text(item["created"], size="1", color="gray"),
            rx.cond(
                unread,
                rx.button(
                    tr("Mark read"),
                    size="1",
                    variant="ghost",
                    on_click=mark_read(item["id"]),
                    aria_label=tr("Mark read: {title}", title=item["title"]),
                ),
            ),
            justify="between",
            align="center",
        ),
        direction="column",
        spacing="1",
        padding_y="0.5em",
        border_bottom="1px solid var(--gray-a4)",
    )


class NotificationsState(rx.State):
    """The signed-in seller's latest notifications; every handler re-reads the principal."""

    items: rx.Field[list[NotificationRow]] = rx.field(default_factory=list)
    unread: rx.Field[int] = rx.field(0)

    async def _seller(self) -> Principal | None:
        principal = (await self.get_state(AuthState)).principal()
        return None if principal is None or principal.is_admin else principal

    def _read(self, principal: Principal | None) -> None:
        if principal is None:
            self.items, self.unread = [], 0
            return
        with open_session() as session:
            items, _, self.unread = list_notifications(session, principal, page_size=SHOWN)
        # Sellers read plain words; the admin feed keeps the technical text.
        self.items = [
            seller_view(notification_view(item, principal.language), principal.language)
            for item in items
        ]

    @rx.event
    async def load(self):
        self._read(await self._seller())

    @rx.event
    async def opened(self, is_open: bool):
        if is_open:
            self._read(await self._seller())

    @rx.event
    async def mark_read(self, notification_id: str):
        principal = await self._seller()
        if principal is None:
            return
        try:
            with open_session() as session:
                mark_notification_read(session, principal, notification_id)
        except NotificationNotFound:  # gone, or never this seller's: the list below is the truth
            record_denial(self, principal, notification_id)
        self._read(principal)

    @rx.event
    async def mark_all_read(self):
        principal = await self._seller()
        if principal is None:
            return
        with open_session() as session:
            mark_all_notifications_read(session, principal)
        self._read(principal)


def notifications_bell() -> rx.Component:
    s = NotificationsState
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("bell", size=16),
                rx.cond(s.unread > 0, rx.badge(s.unread.to_string(), color_scheme="orange")),
                variant="soft",
                size="2",
                aria_label=tr("Notifications"),
                id="notifications-bell",
            )
        ),
        rx.popover.content(
            rx.flex(
                rx.flex(
                    rx.heading(tr("Notifications"), as_="h2", size="3"),
                    rx.cond(
                        s.unread > 0,
                        rx.button(
                            tr("Mark all read"), size="1", variant="soft", on_click=s.mark_all_read
                        ),
                    ),
                    justify="between",
                    align="center",
                ),
                rx.cond(
                    s.items.length() > 0,
                    rx.flex(
                        rx.foreach(s.items, lambda item: notification_row(item, s.mark_read)),
                        direction="column",
                        max_height="60vh",
                        overflow_y="auto",
                    ),
                    rx.text(
                        tr("Nothing yet. Problems with your Allegro accounts show up here."),
                        size="2",
                        color="gray",
                    ),
                ),
                direction="column",
                spacing="2",
            ),
            width="min(360px, 90vw)",
            aria_label=tr("Notifications"),
        ),
        on_open_change=s.opened,
    )
