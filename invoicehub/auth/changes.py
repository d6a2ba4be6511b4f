"""An account's units of work: each function commits the session it is given.

The browser session's start and end (the cookie route) and the Settings page's profile,
language and password; the checks themselves live in `accounts.py` (which only flushes).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from invoicehub.auth.accounts import (
    change_password,
    close_session,
    open_session,
    set_language,
    update_profile,
)
from invoicehub.models import User


def start_browser_session(session: Session, user: User) -> str:
    """Open the user's browser session; returns the cookie token."""
    token = open_session(session, user)
    session.commit()
    return token


def end_browser_session(session: Session, token: str) -> None:
    close_session(session, token)
    session.commit()


def save_profile(session: Session, user_id: uuid.UUID, *, name: str, email: str) -> User:
    user = update_profile(session, user_id, name=name, email=email)
    session.commit()
    return user


def save_language(session: Session, user_id: uuid.UUID, language: str) -> User:
    user = set_language(session, user_id, language)
    session.commit()
    return user


def save_password(session: Session, user_id: uuid.UUID, current: str, new: str) -> None:
    change_password(session, user_id, current, new)
    session.commit()
