"""The app shell: top navigation, user menu and a responsive content column."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.notifications import NotificationsState, notifications_bell
from invoicehub.i18n import N_
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import tr

NAV_LINKS = (
    (N_("Invoices"), "/invoices"),
    (N_("Customers"), "/customers"),
    (N_("Products"), "/products"),
    (N_("Settings"), "/settings"),
)
ADMIN_LINKS = ((N_("Allegro admin"), "/admin/allegro"), (N_("Queues"), "/admin/rq/"))


def nav_link(label: str, href: str) -> rx.Component:
    # /admin/rq is mounted beside Reflex, not a Reflex page: the browser must load it itself.
    return rx.link(
        tr(label),
        href=href,
        size="2",
        weight="medium",
        underline="hover",
        reload_document=href.startswith("/admin/rq"),
    )


def _menu_link(label: str, href: str) -> rx.Component:
    # /admin/rq is not a Reflex page: the browser must load it itself.
    go = (
        rx.call_script(f"window.location.assign('{href}')")
        if href.startswith("/admin/rq")
        else rx.redirect(href)
    )
    return rx.menu.item(tr(label), on_click=go)


def phone_menu() -> rx.Component:
    """Below 768 px the links fold into one menu button instead of wrapping into rows."""
    return rx.box(
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("menu", size=18),
                    variant="soft",
                    size="2",
                    aria_label=tr("Menu"),
                    id="phone-menu",
                )
            ),
            rx.menu.content(
                *[_menu_link(label, href) for label, href in NAV_LINKS],
                rx.cond(
                    AuthState.is_admin,
                    rx.fragment(*[_menu_link(label, href) for label, href in ADMIN_LINKS]),
                ),
            ),
        ),
        display=rx.breakpoints(initial="block", sm="none"),
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("user", size=16),
                rx.text(
                    AuthState.user_name,
                    max_width="12em",
                    truncate=True,
                    id="navbar-user-name",
                    # On a phone the name is the menu's first line: the bar keeps its width.
                    display=rx.breakpoints(initial="none", sm="block"),
                ),
                variant="soft",
                size="2",
                aria_label=tr("User menu"),
            )
        ),
        rx.menu.content(
            rx.menu.item(
                rx.text(AuthState.user_name, truncate=True, max_width="16em"),
                disabled=True,
                display=rx.breakpoints(initial="flex", sm="none"),
            ),
            rx.menu.item(
                rx.text(AuthState.user_email, truncate=True, max_width="16em"), disabled=True
            ),
            rx.menu.separator(),
            rx.menu.item(tr("Profile settings"), on_click=rx.redirect("/settings?tab=profile")),
            rx.menu.item(tr("Sign out"), color="red", on_click=AuthState.logout),
        ),
    )


def navbar() -> rx.Component:
    return rx.flex(
        rx.link(
            rx.text(
                "Invoice-HUB",
                size=rx.breakpoints(initial="4", sm="5"),
                weight="bold",
                white_space="nowrap",
            ),
            href="/settings",
            underline="none",
            color="inherit",
        ),
        rx.el.nav(
            rx.flex(
                *[nav_link(label, href) for label, href in NAV_LINKS],
                rx.cond(
                    AuthState.is_admin,
                    rx.fragment(*[nav_link(label, href) for label, href in ADMIN_LINKS]),
                ),
                spacing="4",
                wrap="wrap",
                align="center",
            ),
            aria_label=tr("Main navigation"),
            flex="1",
            display=rx.breakpoints(initial="none", sm="flex"),
        ),
        rx.box(flex="1", display=rx.breakpoints(initial="block", sm="none")),
        phone_menu(),
        rx.cond(
            AuthState.is_admin,
            rx.fragment(),  # the admin reads the admin feed on the dashboard
            rx.box(notifications_bell(), on_mount=NotificationsState.load),
        ),
        user_menu(),
        spacing=rx.breakpoints(initial="2", sm="4"),
        wrap="nowrap",
        align="center",
        padding_x="1em",
        padding_y="0.75em",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
    )


def page_shell(*children: rx.Component, title: str) -> rx.Component:
    """The navbar and the page's <main> under its one h1 (`title` is a msgid)."""
    return rx.box(
        rx.el.header(navbar()),
        rx.el.main(
            rx.heading(tr(title), as_="h1", size="6", margin_bottom="0.75em"),
            *children,
            width="100%",
            max_width="1100px",
            margin_x="auto",
            padding="1em",
        ),
        width="100%",
        overflow_x="hidden",
    )


def page_loading() -> rx.Var[bool]:
    """True until the page's on_load handlers have run.

    They run as a follow-up to hydration, so a form sent earlier would be answered and then
    overwritten by them (a sign-in error cleared, a form reloaded): submit buttons wait for it.
    """
    return ~rx.State.is_hydrated


def notice(message: rx.Var, color: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, color_scheme=color, role="status", margin_y="0.5em"),
    )


def field(label: str | rx.Var, control: rx.Component, error: rx.Var | str = "") -> rx.Component:
    """A labelled control; with an error the control is aria-invalid and described by it.

    `label` is a msgid (or an already translated Var); `error` is a translated text.
    """
    control_id = control.id or ""
    if isinstance(error, rx.Var):
        control.custom_attrs["aria-invalid"] = rx.cond(error != "", "true", "false")
        control.custom_attrs["aria-describedby"] = rx.cond(error != "", f"{control_id}-error", "")
    return rx.flex(
        rx.el.label(
            tr(label) if isinstance(label, str) else label,
            html_for=control_id,
            class_name="rt-Text rt-r-size-2 rt-r-weight-medium",
        ),
        control,
        rx.cond(
            error != "",
            rx.text(error, color="red", size="1", role="alert", id=f"{control_id}-error"),
        ),
        direction="column",
        spacing="1",
        width="100%",
    )
