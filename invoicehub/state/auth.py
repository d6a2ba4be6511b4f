"""AuthState: who is signed in, re-checked on the server for every page load and handler."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import reflex as rx
from reflex.event import EventSpec

from invoicehub import ratelimit
from invoicehub.auth.accounts import authenticate, principal_of, user_for_session_hash
from invoicehub.auth.browser import (
    issue_login_ticket,
    safe_next_path,
    session_token_from_cookie_header,
)
from invoicehub.auth.tokens import Principal
from invoicehub.db import session_scope

LOGIN_ERROR = "Invalid e-mail or password."
# Logout is a same-site POST (a GET signs nobody out): submit a form, as a browser would.
LOGOUT_SCRIPT = (
    "const form = document.createElement('form');"
    "form.method = 'post'; form.action = '/api/v1/auth/logout';"
    "document.body.appendChild(form); form.submit();"
)


def navigate(url: str) -> EventSpec:
    """A full page load in the same tab (the server must see it, e.g. to set a cookie)."""
    return rx.call_script(f"window.location.assign({json.dumps(url)})")


class AuthState(rx.State):
    """Public vars only describe the signed-in user for display; rights come from `principal()`."""

    user_name: str = ""
    user_email: str = ""
    is_admin: bool = False
    login_error: str = ""
    login_busy: bool = False

    def session_hash(self) -> str:
        """The session cookie as the web process hands it to Reflex: the token's hash."""
        return session_token_from_cookie_header(self.router.headers.cookie)

    def principal(self) -> Principal | None:
        """The signed-in principal, read from the HttpOnly session cookie and the database."""
        token_hash = self.session_hash()
        if not token_hash:
            return None
        with session_scope() as session:
            user = user_for_session_hash(session, token_hash)
            if user is None:
                return None
            self.user_name = user.name or user.email
            self.user_email = user.email
            principal = principal_of(user)
            self.is_admin = principal.is_admin
            return principal

    def _login_redirect(self) -> EventSpec:
        return rx.redirect(f"/login?next={self.router.url.path or '/settings'}")

    @rx.event
    def require_login(self) -> EventSpec | None:
        if self.principal() is None:
            return self._login_redirect()
        return None

    @rx.event
    def require_admin(self) -> EventSpec | None:
        principal = self.principal()
        if principal is None:
            return self._login_redirect()
        if not principal.is_admin:
            return rx.redirect("/settings")
        return None

    @rx.event
    def redirect_if_signed_in(self) -> EventSpec | None:
        self.login_error = ""
        if self.router.url.query_parameters.get("error") == "expired":
            self.login_error = "The sign-in took too long. Please try again."
        if self.principal() is not None:
            return rx.redirect("/settings")
        return None

    @rx.event
    def login(self, form_data: dict[str, str]) -> EventSpec | None:
        email = (form_data.get("email") or "").strip()
        password = form_data.get("password") or ""
        if not email or not password:
            self.login_error = "Enter your e-mail and password."
            return None
        address = (
            self.router.headers.raw_headers.get("x-forwarded-for", "")
            or self.router.session.client_ip
        )
        try:
            with session_scope() as session:
                user = authenticate(session, email, password, address or "unknown")
                if user is None:
                    self.login_error = LOGIN_ERROR
                    return None
                user_id = user.id
        except ratelimit.RateLimited as exc:
            self.login_error = f"Too many attempts. Try again in {exc.retry_after} s."
            return None
        self.login_error = ""
        next_path = safe_next_path(self.router.url.query_parameters.get("next"))
        ticket = issue_login_ticket(user_id)
        return navigate(f"/api/v1/auth/session/{ticket}?{urlencode({'next': next_path})}")

    @rx.event
    def logout(self) -> EventSpec:
        self.user_name = self.user_email = ""
        self.is_admin = False
        return rx.call_script(LOGOUT_SCRIPT)
