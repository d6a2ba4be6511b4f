"""/login: e-mail and password; one generic message for any wrong credential."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import notice, page_loading
from invoicehub.i18n import LANGUAGE_NAMES
from invoicehub.state.auth import AuthState
from invoicehub.state.i18n import I18nState, tr


def language_switch() -> rx.Component:
    """Before signing in the language is this tab's choice; after it, the user's saved one."""
    return rx.flex(
        *[
            rx.button(
                name,
                custom_attrs={"lang": code},
                variant="ghost",
                size="1",
                aria_pressed=rx.cond(I18nState.lang == code, "true", "false"),
                on_click=I18nState.choose(code),
                id=f"language-{code}",
            )
            for code, name in LANGUAGE_NAMES.items()
        ],
        spacing="3",
        justify="end",
        aria_label=tr("Language"),
        role="group",
    )


def login_page() -> rx.Component:
    return rx.center(
        rx.el.main(
            rx.card(
                rx.form(
                    rx.flex(
                        language_switch(),
                        rx.heading(tr("Sign in to Invoice-HUB"), as_="h1", size="5"),
                        notice(AuthState.login_error, "red"),
                        rx.el.label(
                            tr("E-mail"), html_for="email", class_name="rt-Text rt-r-size-2"
                        ),
                        rx.input(
                            id="email", name="email", type="email", required=True, auto_focus=True
                        ),
                        rx.el.label(
                            tr("Password"), html_for="password", class_name="rt-Text rt-r-size-2"
                        ),
                        rx.input(id="password", name="password", type="password", required=True),
                        rx.button(
                            tr("Sign in"),
                            type="submit",
                            id="sign-in",
                            width="100%",
                            disabled=page_loading(),
                        ),
                        direction="column",
                        spacing="3",
                    ),
                    on_submit=AuthState.login,
                    reset_on_submit=False,
                ),
            ),
            width="100%",
            max_width="400px",
        ),
        min_height="100vh",
        padding="1em",
    )
