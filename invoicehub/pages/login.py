"""/login: e-mail and password; one generic message for any wrong credential."""

from __future__ import annotations

import reflex as rx

from invoicehub.components.layout import notice, page_loading
from invoicehub.state.auth import AuthState


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.flex(
                    rx.heading("Sign in to Invoice-HUB", size="5"),
                    notice(AuthState.login_error, "red"),
                    rx.el.label("E-mail", html_for="email", class_name="rt-Text rt-r-size-2"),
                    rx.input(
                        id="email", name="email", type="email", required=True, auto_focus=True
                    ),
                    rx.el.label("Password", html_for="password", class_name="rt-Text rt-r-size-2"),
                    rx.input(id="password", name="password", type="password", required=True),
                    rx.button(
                        "Sign in",
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
            width="100%",
            max_width="400px",
        ),
        min_height="100vh",
        padding="1em",
    )
