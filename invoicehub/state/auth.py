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
from invoicehub.db import open_session
from invoicehub.i18n import N_, gettext, has_message
from invoicehub.state.i18n import I18nState

LOGIN_ERROR = N_("Invalid e-mail or password.")
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

    user_name: rx.Field[str] = rx.field("")
    user_email: rx.Field[str] = rx.field("")
    is_admin: rx.Field[bool] = rx.field(False)
    login_error: rx.Field[str] = rx.field("")
    login_busy: rx.Field[bool] = rx.field(False)

    def session_hash(self) -> str:
        """The session cookie as the web process hands it to Reflex: the token's hash."""
        return session_token_from_cookie_header(self.router.headers.cookie)

    def principal(self) -> Principal | None:
        """The signed-in principal, read from the HttpOnly session cookie and the database."""
        token_hash = self.session_hash()
        if not token_hash:
            return None
        with open_session() as session:
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
    async def open_page(self, title_msgid: str) -> EventSpec:
        """On load: the signed-in user's language (read again: another tab may have changed
        it), then `<html lang>` and the translated `<title>` of the page."""
        i18n = await self.get_state(I18nState)
        principal = self.principal()
        return i18n.use_language(principal.language if principal else i18n.lang, title_msgid)

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

    async def _language(self) -> str:
        """The language the signed-out pages are shown in (the last one chosen in this tab)."""
        return (await self.get_state(I18nState)).lang

    @rx.event
    async def redirect_if_signed_in(self) -> EventSpec | None:
        self.login_error = ""
        if self.router.url.query_parameters.get("error") == "expired":
            self.login_error = gettext(
                await self._language(), "The sign-in took too long. Please try again."
            )
        if self.principal() is not None:
            return rx.redirect("/settings")
        return None

    @rx.event
    async def login(self, form_data: dict[str, str]) -> EventSpec | None:
        email = (form_data.get("email") or "").strip()
        password = form_data.get("password") or ""
        language = await self._language()
        if not email or not password:
            self.login_error = gettext(language, "Enter your e-mail and password.")
            return None
        address = (
            self.router.headers.raw_headers.get("x-forwarded-for", "")
            or self.router.session.client_ip
        )
        try:
            with open_session() as session:
                user = authenticate(session, email, password, address or "unknown")
                if user is None:
                    self.login_error = gettext(language, LOGIN_ERROR)
                    return None
                user_id = user.id
        except ratelimit.RateLimited as exc:
            self.login_error = gettext(
                language, "Too many attempts. Try again in {seconds} s.", seconds=exc.retry_after
            )
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


def page_title(title_msgid: str) -> EventSpec:
    """The first on_load event of every page: its language and its title (a msgid)."""
    if not has_message(title_msgid):
        msg = f"message {title_msgid!r} is missing from a catalogue"
        raise KeyError(msg)
    return AuthState.open_page(title_msgid)
