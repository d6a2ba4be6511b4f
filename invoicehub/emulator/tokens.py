"""Authorization codes and rotating access/refresh token pairs, kept as Allegro's OAuth server does.

Tokens look like Allegro's RS256 JWTs (three base64url parts, a 256-byte signature, the claims
`exp`, `user_name`, `jti`, `client_id`, `scope[]`), but validity is decided by this store, not by
the signature: an emulator needs revocation and rotation, which a stateless check cannot give.

Refresh rotation (reference §1.3): every refresh returns a new pair and kills the previous access
token at once. The used refresh token keeps working for `refreshGraceSeconds` after its first use
so a client can retry after a dropped connection. What the real server returns on that retry is not
documented; the emulator returns the family's *current* pair again (same strings, remaining
`expires_in`) instead of minting another one, so a retry inside the grace never leaves the first
caller holding dead tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from enum import StrEnum

from invoicehub.emulator.config import ISSUER, EmulatorConfig

_JWT_HEADER = {"alg": "RS256", "typ": "JWT"}
_SIGNATURE_BYTES = 256  # an RS256 signature with a 2048-bit key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_jwt_claims(token: str) -> dict[str, object] | None:
    """The payload of a JWT-looking string, or None when it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        padded = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


def s256_challenge(code_verifier: str) -> str:
    return _b64url(hashlib.sha256(code_verifier.encode("ascii")).digest())


class TokenError(StrEnum):
    """Why a bearer token was refused."""

    MALFORMED = "malformed"
    EXPIRED = "expired"


@dataclass
class AuthCode:
    code: str
    seller_id: str
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    scopes: tuple[str, ...]
    expires_at: float


@dataclass
class TokenFamily:
    """One authorization of one seller: its pair rotates on every refresh."""

    family_id: str
    seller_id: str
    client_id: str
    scopes: tuple[str, ...]
    access_token: str = ""
    refresh_token: str = ""
    access_jti: str = ""
    access_expires_at: float = 0.0
    refresh_expires_at: float = 0.0
    revoked: bool = False


class OAuthFailure(Exception):
    """An OAuth error answer: HTTP status plus the `error` / `error_description` body."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def invalid_grant(description: str) -> OAuthFailure:
    return OAuthFailure(400, "invalid_grant", description)


class TokenStore:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self._key = secrets.token_bytes(32)
        self.codes: dict[str, AuthCode] = {}
        self.families: dict[str, TokenFamily] = {}
        self._by_access: dict[str, str] = {}
        self._by_refresh: dict[str, str] = {}
        self._used_refresh: dict[str, tuple[str, float]] = {}  # token -> (family id, first use)

    # -- minting -------------------------------------------------------------------------------

    def _mint(self, claims: dict[str, object]) -> str:
        head = _b64url(json.dumps(_JWT_HEADER, separators=(",", ":")).encode())
        body = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = f"{head}.{body}".encode()
        signature = b"".join(
            hmac.new(self._key, bytes([i]) + signing_input, hashlib.sha256).digest()
            for i in range(_SIGNATURE_BYTES // 32)
        )
        return f"{head}.{body}.{_b64url(signature)}"

    def _rotate(self, family: TokenFamily, now: float) -> None:
        self._by_access.pop(family.access_token, None)
        self._by_refresh.pop(family.refresh_token, None)
        access_jti = str(uuid.uuid4())
        access_exp = now + self.config.accessTokenTtl
        refresh_exp = now + self.config.refreshTokenTtl
        common = {
            "user_name": family.seller_id,
            "scope": list(family.scopes),
            "allegro_api": True,
            "iss": ISSUER,
            "client_id": family.client_id,
        }
        family.access_token = self._mint({**common, "exp": int(access_exp), "jti": access_jti})
        family.refresh_token = self._mint(
            {**common, "exp": int(refresh_exp), "jti": str(uuid.uuid4()), "ati": access_jti}
        )
        family.access_jti = access_jti
        family.access_expires_at = access_exp
        family.refresh_expires_at = refresh_exp
        self._by_access[family.access_token] = family.family_id
        self._by_refresh[family.refresh_token] = family.family_id

    # -- authorization codes -------------------------------------------------------------------

    def issue_code(
        self,
        *,
        seller_id: str,
        client_id: str,
        redirect_uri: str,
        code_challenge: str | None,
        scopes: tuple[str, ...],
        now: float,
    ) -> str:
        code = secrets.token_urlsafe(24)[:32]
        self.codes[code] = AuthCode(
            code, seller_id, client_id, redirect_uri, code_challenge, scopes,
            now + self.config.codeTtl,
        )  # fmt: skip
        return code

    def exchange_code(
        self,
        *,
        code: str,
        client_id: str,
        redirect_uri: str | None,
        code_verifier: str | None,
        now: float,
    ) -> TokenFamily:
        # Codes are single-use: any attempt consumes them, as a stolen code must not be retried.
        grant = self.codes.pop(code, None)
        if grant is None or grant.expires_at < now or grant.client_id != client_id:
            raise invalid_grant(f"Invalid authorization code: {code}")
        if redirect_uri != grant.redirect_uri:
            raise invalid_grant("Redirect URI mismatch.")
        if grant.code_challenge is not None and (
            not code_verifier or s256_challenge(code_verifier) != grant.code_challenge
        ):
            raise invalid_grant("Invalid code verifier")
        family = TokenFamily(str(uuid.uuid4()), grant.seller_id, grant.client_id, grant.scopes)
        self.families[family.family_id] = family
        self._rotate(family, now)
        return family

    # -- refresh -------------------------------------------------------------------------------

    def refresh(self, refresh_token: str, *, client_id: str, now: float) -> TokenFamily:
        refused = invalid_grant(f"Invalid refresh token: {refresh_token}")
        family_id = self._by_refresh.get(refresh_token)
        if family_id is not None:
            family = self.families[family_id]
            if family.client_id != client_id or family.refresh_expires_at < now:
                raise refused
            self._used_refresh[refresh_token] = (family_id, now)
            self._rotate(family, now)
            return family
        used = self._used_refresh.get(refresh_token)
        if used is None:
            raise refused
        family = self.families[used[0]]
        if (
            family.revoked
            or family.client_id != client_id
            or now - used[1] > self.config.refreshGraceSeconds
        ):
            raise refused
        return family  # the current pair, unchanged: see the module docstring

    # -- resource server -----------------------------------------------------------------------

    def authenticate(self, access_token: str, now: float) -> TokenFamily | TokenError:
        family_id = self._by_access.get(access_token)
        if family_id is None:
            if decode_jwt_claims(access_token) is None:
                return TokenError.MALFORMED
            return TokenError.EXPIRED
        family = self.families[family_id]
        if family.revoked or family.access_expires_at < now:
            return TokenError.EXPIRED
        return family

    def revoke_seller(self, seller_id: str) -> int:
        revoked = 0
        for family in self.families.values():
            if family.seller_id == seller_id and not family.revoked:
                family.revoked = True
                self._by_access.pop(family.access_token, None)
                self._by_refresh.pop(family.refresh_token, None)
                revoked += 1
        return revoked
