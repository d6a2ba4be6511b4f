"""Emulator tuning numbers and the mutable runtime configuration (POST /__emulator/config)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

DEFAULT_CLIENT_ID = "invoicehub-demo"
DEFAULT_CLIENT_SECRET = "invoicehub-demo-secret"
DEFAULT_REDIRECT_PREFIXES = ("http://127.0.0.1", "http://localhost")

ALLEGRO_MEDIA_TYPE = "application/vnd.allegro.public.v1+json"
ISSUER = "https://allegro.pl/"

ACCESS_TOKEN_TTL = 43199  # seconds, what Allegro reports as expires_in (about 12 h)
REFRESH_TOKEN_TTL = 90 * 24 * 3600  # three months, sliding with every refresh
CODE_TTL = 10  # authorization codes are single-use and valid 10 s
REFRESH_GRACE = 60  # a used refresh token keeps working for 60 s (news #4136)
RATE_LIMIT_PER_MINUTE = 9000  # per client id
RATE_LIMIT_BLOCK = 60  # seconds the client id stays blocked after exceeding the limit

MAX_PAGE_WINDOW = 10_000  # offset + limit must not exceed this on listings
MAX_INVOICES_PER_ORDER = 10
MAX_INVOICE_FILE_BYTES = 3 * 1024 * 1024

# All scopes an app may declare; a missing `scope` parameter grants all of them.
ALL_SCOPES = (
    "allegro:api:profile:read",
    "allegro:api:profile:write",
    "allegro:api:sale:offers:read",
    "allegro:api:sale:offers:write",
    "allegro:api:orders:read",
    "allegro:api:orders:write",
    "allegro:api:billing:read",
    "allegro:api:payments:read",
)


@dataclass
class EmulatorConfig:
    """Knobs tests may turn through the control API; reset restores the defaults.

    Field names are the JSON keys of POST /__emulator/config, hence camelCase.
    """

    accessTokenTtl: int = ACCESS_TOKEN_TTL
    refreshTokenTtl: int = REFRESH_TOKEN_TTL
    codeTtl: int = CODE_TTL
    refreshGraceSeconds: int = REFRESH_GRACE
    rateLimitPerMinute: int = RATE_LIMIT_PER_MINUTE
    rateLimitBlockSeconds: int = RATE_LIMIT_BLOCK
    invoiceScanSeconds: float = 0.0  # antivirus scan time of an uploaded file
    rejectInvoiceWhenNotRequired: bool = False  # ORDER-WITHOUT-INVOICE (2021 rule)

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"unknown config keys: {', '.join(unknown)}")
        for name, value in changes.items():
            current = getattr(self, name)
            if isinstance(current, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be a boolean")
            elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a non-negative number")
            setattr(self, name, type(current)(value))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
