"""POST /auth/login: e-mail and password for a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ConfigDict, Field

from invoicehub.api.deps import PrincipalDep, SessionDep, client_address
from invoicehub.api.schema import ApiModel, ApiRequest
from invoicehub.auth.accounts import authenticate, principal_of
from invoicehub.auth.tokens import issue_access_token
from invoicehub.models import User

router = APIRouter(prefix="/auth", tags=["auth"])

GENERIC_LOGIN_ERROR = "invalid e-mail or password"


class LoginRequest(ApiRequest):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=254, examples=["demo@invoicehub.local"])
    password: str = Field(min_length=1, max_length=256, examples=["demo-password"])


class TokenResponse(ApiModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth token type, not a secret)
    expires_in: int


@router.post(
    "/login",
    response_model=TokenResponse,
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Too many tries"}},
)
def login(body: LoginRequest, request: Request, session: SessionDep) -> TokenResponse:
    user = authenticate(session, body.email, body.password, client_address(request))
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, GENERIC_LOGIN_ERROR)
    token, ttl = issue_access_token(principal_of(user))
    return TokenResponse(access_token=token, expires_in=ttl)


class MeResponse(ApiModel):
    id: str
    email: str
    name: str
    role: str
    tenant_id: str


@router.get("/me", response_model=MeResponse, responses={401: {"description": "Not signed in"}})
def me(principal: PrincipalDep, session: SessionDep) -> MeResponse:
    user = session.get(User, principal.user_id)
    if user is None or user.tenant_id != principal.tenant_id or not user.is_active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or expired token")
    return MeResponse(
        id=str(user.id),
        email=user.email,
        name=user.name,
        role=user.role,
        tenant_id=str(user.tenant_id),
    )
