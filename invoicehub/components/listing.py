"""The search box and frame shared by the simple searchable lists (customers, products)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from invoicehub.components.pagination import pagination
from invoicehub.components.tables import empty_state, loading_state, scroll_table


def search_box(control_id: str, placeholder: str, value: rx.Var, on_change: EventType) -> rx.Component:
    return rx.flex(
        rx.el.label("Search", html_for=control_id, class_name="rt-Text rt-r-size-2"),
        rx.input(
            id=control_id,
            type="search",
            placeholder=placeholder,
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
) -> rx.Component:
    """Search, a loading state, the table (or the empty state) and paging of a list state.

    The state provides `items`, `search`, `loading`, `page`, `page_count`, `total`,
    `set_search`, `previous_page` and `next_page`.
    """
    s = state
    return rx.flex(
        search_box(search_id, placeholder, s.search, s.set_search),  # type: ignore[attr-defined]
        rx.cond(
            s.loading,  # type: ignore[attr-defined]
            loading_state(f"Loading {noun}…"),
            rx.cond(
                s.items.length() > 0,  # type: ignore[attr-defined]
                rx.box(
                    scroll_table(headers, rx.foreach(s.items, row), label=noun.capitalize()),  # type: ignore[attr-defined,arg-type]
                    pagination(
                        s.page, s.page_count, s.total, s.previous_page, s.next_page, noun=noun  # type: ignore[attr-defined]
                    ),
                ),
                empty_state(empty_title, empty_text, icon),
            ),
        ),
        direction="column",
        spacing="4",
    )
