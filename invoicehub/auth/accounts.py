"""Account use cases: create users (and their tenant), authenticate, change profile and password."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from invoicehub import ratelimit
from invoicehub.auth.browser import session_token_hash
from invoicehub.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from invoicehub.auth.tokens import Principal
from invoicehub.i18n import LANGUAGES, N_
from invoicehub.models import Company, Role, Tenant, User, UserSession
from invoicehub.models.base import utcnow

SESSION_TTL = timedelta(hours=12)


class AccountError(ValueError):
    """A refused account change; the message is shown to the user."""


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(func.lower(User.email) == email.strip().lower())).first()


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role = Role.USER,
    tenant_name: str | None = None,
    nip: str | None = None,
    name: str = "",
    address: Mapping[str, str] | None = None,
    language: str = "pl",
) -> User:
    """Create a user; a new tenant name creates the tenant and its default company.

    `address` (street, postal_code, city) completes that company, so it can invoice at once.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    if find_user_by_email(session, email):
        raise AccountError(f"a user with e-mail {email} already exists")
    tenant_name = tenant_name or email.split("@", 1)[-1]
    tenant = session.exec(select(Tenant).where(Tenant.name == tenant_name)).first()
    if tenant is None:
        from invoicehub.domain.companies import CompanyInput, create_company

        tenant = Tenant(name=tenant_name)
        session.add(tenant)
        session.flush()
        create_company(
            session,
            tenant.id,
            CompanyInput.model_validate({"name": tenant_name, "nip": nip or "", **(address or {})}),
            is_default=True,
        )
    user = User(
        tenant_id=tenant.id,
        email=email.strip(),
        name=name,
        password_hash=hash_password(password),
        role=role.value,
        language=language,
    )
    session.add(user)
    session.flush()
    return user


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id, tenant_id=user.tenant_id, role=Role(user.role), language=user.language
    )


def authenticate(session: Session, email: str, password: str, address: str) -> User | None:
    """Check credentials under the login rate limits; None for any wrong credential."""
    account = email.strip().lower()
    ratelimit.check(ratelimit.LOGIN_PER_ACCOUNT, account)
    ratelimit.check(ratelimit.LOGIN_PER_ADDRESS, address)
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        ratelimit.hit(ratelimit.LOGIN_PER_ACCOUNT, account)
        ratelimit.hit(ratelimit.LOGIN_PER_ADDRESS, address)
        return None
    return user


def open_session(session: Session, user: User) -> str:
    """Start a browser session; returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id, token_hash=session_token_hash(token), expires_at=utcnow() + SESSION_TTL
        )
    )
    session.flush()
    return token


def user_for_session(session: Session, token: str) -> User | None:
    return user_for_session_hash(session, session_token_hash(token)) if token else None


def user_for_session_hash(session: Session, token_hash: str) -> User | None:
    """The session's user from the token's hash: what Reflex handlers see of the cookie."""
    if not token_hash:
        return None
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_hash)).first()
    if row is None or row.expires_at <= utcnow():
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.is_active else None


def close_session(session: Session, token: str) -> None:
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == session_token_hash(token))
    ).first()
    if row is not None:
        session.delete(row)


def update_profile(session: Session, user_id: uuid.UUID, *, name: str, email: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("user not found")
    email = email.strip()
    if "@" not in email or len(email) > 254:
        raise AccountError(N_("enter a valid e-mail address"))
    other = find_user_by_email(session, email)
    if other is not None and other.id != user.id:
        raise AccountError(N_("this e-mail address is already used by another account"))
    user.name = name.strip()[:200]
    user.email = email
    user.updated_at = utcnow()
    session.add(user)
    return user


def set_language(session: Session, user_id: uuid.UUID, language: str) -> User:
    """The user's interface language; anything but a supported one is refused."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("user not found")
    if language not in LANGUAGES:
        raise AccountError("unsupported language")
    user.language = language
    user.updated_at = utcnow()
    session.add(user)
    return user


def change_password(session: Session, user_id: uuid.UUID, current: str, new: str) -> None:
    user = session.get(User, user_id)
    if user is None or not verify_password(user.password_hash, current):
        raise AccountError(N_("the current password is not correct"))
    if len(new) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the new password must have at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(new)
    user.updated_at = utcnow()
    session.add(user)


def default_company(session: Session, tenant_id: uuid.UUID) -> Company | None:
    return session.exec(select(Company).where(Company.id == default_company_id(tenant_id))).first()


def default_company_id(tenant_id: Any) -> Any:
    """The tenant's seller when none is chosen: its default company, else any of its companies.

    A scalar subquery, so that one query can carry it; `tenant_id` is a value or a column of
    the outer query.
    """
    return (
        select(Company.id)
        .where(Company.tenant_id == tenant_id)
        .order_by(col(Company.is_default).desc())
        .limit(1)
        .scalar_subquery()
    )
