"""Factories for accounts: users with their tenant and company, and API tokens."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from invoicehub.auth.accounts import create_user, principal_of
from invoicehub.auth.tokens import issue_access_token
from invoicehub.models import Role, User

VALID_NIPS = ("1234563218", "5252674798", "7740001454", "5260250274")
# A complete seller address (art. 106e): without one no invoice is issued.
SELLER_ADDRESS = {"street": "ul. Prosta 51", "postal_code": "00-838", "city": "Warszawa"}
_counter = itertools.count(1)


def make_user(
    session: Session,
    *,
    role: Role = Role.USER,
    tenant: str | None = None,
    password: str = "correct-horse-battery",
    email: str | None = None,
    complete_company: bool = True,
    language: str = "pl",
) -> User:
    """A user of a new tenant whose company has a NIP and, unless told, a complete address."""
    n = next(_counter)
    user = create_user(
        session,
        email=email or f"user{n}@example.test",
        password=password,
        role=role,
        tenant_name=tenant or f"Tenant {n} Sp. z o.o.",
        nip=VALID_NIPS[n % len(VALID_NIPS)],
        name=f"User {n}",
        address=SELLER_ADDRESS if complete_company else None,
        language=language,
    )
    session.commit()
    return user


def bearer(user: User) -> dict[str, str]:
    token, _ = issue_access_token(principal_of(user))
    return {"Authorization": f"Bearer {token}"}


def make_integration(
    session: Session,
    user: User,
    *,
    access_token: str = "access-token-plaintext-AAA",
    refresh_token: str = "refresh-token-plaintext-BBB",
    allegro_user_id: str | None = None,
    expires_in_s: int = 43199,
    settings: dict | None = None,
):
    """An active integration with tokens stored through the vault."""
    from datetime import timedelta

    from invoicehub.integrations.allegro.connection.tokens import store_tokens
    from invoicehub.models import AllegroIntegration
    from invoicehub.models.base import utcnow

    n = next(_counter)
    integration = AllegroIntegration(
        tenant_id=user.tenant_id,
        user_id=user.id,
        allegro_user_id=allegro_user_id or str(90_000_000 + n),
        allegro_login=f"seller_{n}",
        token_expires_at=utcnow() + timedelta(seconds=expires_in_s),
        settings=settings,
    )
    session.add(integration)
    session.flush()
    store_tokens(session, integration, access_token, refresh_token)
    session.commit()
    return integration
