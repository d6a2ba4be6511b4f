"""Searchable, paged lists (customers, products, invoices): the shared state mixin and frame."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventSpec, EventType
from sqlmodel import Session

from invoicehub.auth.tokens import Principal
from invoicehub.components.cards import WIDE_ONLY, phone_cards
from invoicehub.components.pagination import pagination
from invoicehub.components.tables import empty_state, loading_state, scroll_table
from invoicehub.db import open_session
from invoicehub.domain.paging import page_count
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr

PAGE_SIZE = 20
MAX_SEARCH = 100


def search_box(
    control_id: str, placeholder: str, value: rx.Var, on_change: EventType
) -> rx.Component:
    return rx.flex(
        rx.el.label(tr("Search"), html_for=control_id, class_name="rt-Text rt-r-size-2"),
        rx.input(
            id=control_id,
            type="search",
            placeholder=tr(placeholder),
            value=value,
            on_change=on_change,
            debounce_timeout=300,
            max_length=100,
        ),
        direction="column",
        spacing="1",
        max_width="28em",
        width="100%",
    )


def searchable_list(
    *,
    state: type[rx.State],
    noun: str,
    headers: list[str],
    row: object,
    empty_title: str,
    empty_text: str,
    search_id: str,
    placeholder: str,
    icon: str,
    loading: str = "Loading…",
    card: object | None = None,
) -> rx.Component:
    """Search, a loading state, the table (or the empty state) and paging of a list state.

    The state provides `items`, `search`, `loading`, `page`, `page_count`, `total`,
    `set_search`, `previous_page` and `next_page`. Texts are msgids; `noun` names the list
    ("Customers") and `loading` is its loading text.
    """
    # The page's own list state: its vars are read by name (no common base declares them).
    s: Any = state
    return rx.flex(
        search_box(search_id, placeholder, s.search, s.set_search),
        rx.cond(
            s.loading,
            loading_state(loading),
            rx.cond(
                s.items.length() > 0,
                rx.box(
                    rx.box(
                        scroll_table(headers, rx.foreach(s.items, row), label=noun),
                        display=WIDE_ONLY if card is not None else "block",
                    ),
                    phone_cards(s.items, card, noun) if card is not None else rx.fragment(),
                    pagination(
                        s.page,
                        s.page_count,
                        s.total,
                        s.previous_page,
                        s.next_page,
                        noun=noun,
                    ),
                ),
                empty_state(empty_title, empty_text, icon),
            ),
        ),
        direction="column",
        spacing="4",
    )


class PagedListState(rx.State, mixin=True):
    """Search and server-side paging of one tenant-scoped list; subclasses implement `_fetch`.

    Every handler reads the principal again, so the list is always the signed-in tenant's.
    """

    items: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    search: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(True)

    @rx.var
    def page_count(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _fetch(self, session: Session, principal: Principal) -> tuple[list[dict[str, str]], int]:
        raise NotImplementedError

    async def _reload(self) -> EventSpec | None:
        principal = (await self.get_state(AuthState)).principal()
        if principal is None:
            return rx.redirect(f"/login?next={self.router.url.path or '/'}")
        with open_session() as session:
            self.items, self.total = self._fetch(session, principal)
        self.loading = False
        return None

    @rx.event
    async def load(self):
        self.page = 1
        return await self._reload()

    @rx.event
    async def set_search(self, value: str):
        self.search, self.page = value.strip()[:MAX_SEARCH], 1
        return await self._reload()

    @rx.event
    async def previous_page(self):
        self.page = max(1, self.page - 1)
        return await self._reload()

    @rx.event
    async def next_page(self):
        self.page = min(self.page_count, self.page + 1)
        return await self._reload()
