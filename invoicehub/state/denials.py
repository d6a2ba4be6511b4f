"""Audit a Reflex event handler's refusal the way the API audits its 403s and 404s.

Any public handler can be called over the websocket with any id, so a foreign id (answered
like a missing one) or a role the caller lacks leaves an `api.denied` row, in a transaction of
its own: the handler's own work may still roll back.
"""

from __future__ import annotations

import logging
import sys

import reflex as rx

from invoicehub.activity import record_denial as record_denial_row
from invoicehub.auth.tokens import Principal

log = logging.getLogger(__name__)

NOT_FOUND = 404
FORBIDDEN = 403


def record_denial(
    state: rx.State,
    principal: Principal,
    target: object = "",
    *,
    status: int = NOT_FOUND,
    handler: str = "",
) -> None:
    """Record that `principal` was refused by the calling handler (named unless given)."""
    handler = handler or sys._getframe(1).f_code.co_name
    try:
        record_denial_row(
            principal,
            target_type="state_handler",
            target=target,
            after={
                "handler": f"{type(state).__name__}.{handler}",
                "page": state.router.url.path,
                "status": status,
            },
            ip=state.router.session.client_ip or None,
        )
    except Exception:  # the refusal itself must still be shown
        log.warning("could not record an api.denied audit row", exc_info=False)
