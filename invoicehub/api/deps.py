"""FastAPI dependencies: database session, the authenticated principal, role checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from invoicehub import ratelimit
from invoicehub.auth.tokens import InvalidToken, Principal, decode_access_token
from invoicehub.db import get_engine, read_session

_bearer = HTTPBearer(auto_error=False, description="JWT from POST /api/v1/auth/login")


async def get_session() -> AsyncIterator[Session]:
    # Async on purpose: creating and closing a Session costs no thread hop this way (a sync
    # generator dependency runs in the threadpool twice per request); routes stay sync.
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


async def get_read_session() -> AsyncIterator[Session]:
    """A session for routes that only read, one statement at a time (autocommit)."""
    with read_session() as session:
        yield session


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "authentication required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        principal = decode_access_token(credentials.credentials)
    except InvalidToken as exc:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
        ) from exc
    await ratelimit.hit_async(ratelimit.API_PER_USER, str(principal.user_id))
    request.state.principal = principal
    return principal


async def require_admin(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "administrator role required")
    return principal


SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
AdminDep = Annotated[Principal, Depends(require_admin)]
