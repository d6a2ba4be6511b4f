"""Reconnecting honestly (issue 13, item 6): a Reconnect names the integration it is for, and
the Allegro login that comes back must be that integration's account.

Without this, signing in to Allegro as another login during a Reconnect silently connected a
second account and reported success while the broken one stayed broken. `check_reconnect_target`
is called by the OAuth callback once Allegro has said who signed in; it refuses a mismatch.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from invoicehub.i18n import N_
from invoicehub.models import AllegroIntegration

# A msgid: the settings page shows it in the seller's language (i18n/validation.py matches the
# filled-in text back to it), the API answers with the English.
RECONNECT_OTHER_LOGIN = N_(
    "You signed in to Allegro as {got}, but this connection belongs to the account {expected}. "
    "The account {expected} was not connected again. Sign out of Allegro and sign in as "
    "{expected}, or use “Connect another account” to add {got} as a new account."
)
RECONNECT_KEY = "r"  # the state payload's field naming the integration being reconnected


class ReconnectMismatch(Exception):
    """Allegro signed in another login than the integration's; the message is for the seller."""


def check_reconnect_target(
    session: Session,
    reconnect_id: str | None,
    tenant_id: uuid.UUID,
    allegro_user_id: str,
    login: str,
) -> None:
    """Refuse when the integration being reconnected belongs to another Allegro account."""
    if not reconnect_id:
        return  # "Connect (another) account": any login is welcome, as a new or known account
    try:
        target = session.get(AllegroIntegration, uuid.UUID(reconnect_id))
    except ValueError:
        target = None
    if target is None or target.tenant_id != tenant_id:
        return  # gone since the flow started: connecting is then just connecting
    if target.allegro_user_id != allegro_user_id:
        raise ReconnectMismatch(
            RECONNECT_OTHER_LOGIN.format(got=login or allegro_user_id, expected=target.login_label)
        )
