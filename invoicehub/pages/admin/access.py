"""The admin pages' server-side guard: every handler calls `admin_principal` first."""

from __future__ import annotations

import sys

import reflex as rx
from reflex.event import EventSpec

from invoicehub.auth.tokens import Principal
from invoicehub.state.auth import AuthState
from invoicehub.state.denials import FORBIDDEN, record_denial

ADMIN_PATH = "/admin/allegro"


async def admin_principal(state: rx.State) -> Principal | None:
    """The signed-in platform admin, or None for anyone else (who then changes nothing)."""
    principal = (await state.get_state(AuthState)).principal()
    if principal is not None and not principal.is_admin:
        # Called from the handler being refused: name it, not this helper.
        handler = sys._getframe(1).f_code.co_name
        record_denial(state, principal, status=FORBIDDEN, handler=handler)
        return None
    return principal


async def refusal(state: rx.State) -> EventSpec:
    """Where a refused caller goes: the login page, or the seller's own settings."""
    principal = (await state.get_state(AuthState)).principal()
    return rx.redirect(f"/login?next={ADMIN_PATH}" if principal is None else "/settings")
