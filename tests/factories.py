"""Factories for accounts: users with their tenant and company, and API tokens."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from invoicehub.auth.accounts import create_user, principal_of
from invoicehub.auth.tokens import issue_access_token
from invoicehub.models import Role, User

VALID_NIPS = ("1234563218", "5252674798", "7740001454", "5260250274")
_counter = itertools.count(1)


def make_user(
    session: Session,
    *,
    role: Role = Role.USER,
    tenant: str | None = None,
    password: str = "correct-horse-battery",
    email: str | None = None,
) -> User:
    n = next(_counter)
    user = create_user(
        session,
        email=email or f"user{n}@example.test",
        password=password,
        role=role,
        tenant_name=tenant or f"Tenant {n} Sp. z o.o.",
        nip=VALID_NIPS[n % len(VALID_NIPS)],
        name=f"User {n}",
    )
    session.commit()
    return user


def bearer(user: User) -> dict[str, str]:
    token, _ = issue_access_token(principal_of(user))
    return {"Authorization": f"Bearer {token}"}
