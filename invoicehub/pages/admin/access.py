"""The admin pages' server-side guard: every handler calls `admin_principal` first."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from invoicehub.auth.tokens import Principal
from invoicehub.state.auth import AuthState

ADMIN_PATH = "/admin/allegro"


async def admin_principal(state: rx.State) -> Principal | None:
    """The signed-in platform admin, or None for anyone else (who then changes nothing)."""
    principal = (await state.get_state(AuthState)).principal()
    return principal if principal is not None and principal.is_admin else None


async def refusal(state: rx.State) -> EventSpec:
    """Where a refused caller goes: the login page, or the seller's own settings."""
    principal = (await state.get_state(AuthState)).principal()
    return rx.redirect(f"/login?next={ADMIN_PATH}" if principal is None else "/settings")
