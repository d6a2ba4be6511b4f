"""In-memory state of one emulated KSeF; handlers take `state.lock` around reads and writes."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from invoicehub.emulator.faults import FaultList
from invoicehub.emulator.ksef.clock import Clock
from invoicehub.emulator.ksef.keys import KeyPair
from invoicehub.emulator.ksef.limits import RateLimiter
from invoicehub.emulator.ksef.refs import reference_number

CHALLENGE_TTL = 10 * 60  # docs/uwierzytelnianie.md: "Czas życia challenge'a wynosi 10 minut"
AUTH_TOKEN_TTL = 15 * 60
ACCESS_TOKEN_TTL = 15 * 60  # "kilkanaście minut"
REFRESH_TOKEN_TTL = 7 * 24 * 3600  # "do 7 dni"
ONLINE_SESSION_TTL = 12 * 3600  # docs/sesja-interaktywna.md: 12 hours
BATCH_PART_WINDOW = 20 * 60  # docs/sesja-wsadowa.md: parts x 20 minutes
MAX_INVOICES_PER_SESSION = 10_000


@dataclass
class KsefToken:
    token: str
    nip: str
    reference: str


@dataclass
class Challenge:
    value: str
    timestamp_ms: int
    expires_at: float
    used: bool = False


@dataclass
class AuthOperation:
    reference: str
    nip: str
    started_at: float
    ready_at: float
    code: int
    description: str
    details: list[str]
    auth_token: str
    auth_token_valid_until: float
    token_reference: str | None = None
    redeemed: bool = False
    last_refresh: float | None = None
    refresh_valid_until: float | None = None


@dataclass
class Grant:
    """A bearer token the API accepts: `access` or `refresh`, bound to one authentication."""

    kind: str
    nip: str
    operation: AuthOperation
    valid_until: float


@dataclass
class InvoiceRecord:
    reference: str
    ordinal: int
    session: Session
    invoice_hash: str
    received_at: float
    ready_at: float
    code: int
    description: str
    details: list[str] = field(default_factory=list)
    extensions: dict[str, str] | None = None
    invoice_number: str | None = None
    seller_nip: str | None = None
    kind: str | None = None
    issue_date: str | None = None
    ksef_number: str | None = None
    file_name: str | None = None
    offline: bool = False
    xml: bytes = b""


@dataclass
class BatchPlan:
    file_size: int
    file_hash: str
    parts: dict[int, tuple[int, str]]  # ordinal -> (encrypted size, encrypted hash)
    upload_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    uploaded: dict[int, bytes] = field(default_factory=dict)
    upload_deadline: float = 0.0


@dataclass
class Session:
    reference: str
    kind: str  # "online" | "batch"
    nip: str
    operation: AuthOperation
    created_at: float
    valid_until: float
    key: bytes | None
    iv: bytes
    offline: bool = False
    batch: BatchPlan | None = None
    closed_at: float | None = None
    ready_at: float | None = None
    failure: tuple[int, str, list[str]] | None = None
    invoices: list[InvoiceRecord] = field(default_factory=list)
    upo_reference: str | None = None
    updated_at: float = 0.0


class KsefState:
    def __init__(self, *, processing_delay: float = 0.2, rate_limit_scale: float = 1.0) -> None:
        self.lock = threading.RLock()
        self.clock = Clock()
        self.keys = KeyPair.generate()
        self.processing_delay = processing_delay
        self.limiter = RateLimiter(rate_limit_scale)
        self.reset()

    def reset(self) -> None:
        """Forget everything but the key pair and settings (POST /__emulator/reset)."""
        self.tokens: dict[str, KsefToken] = {}
        self.challenges: dict[str, Challenge] = {}
        self.operations: dict[str, AuthOperation] = {}
        self.grants: dict[str, Grant] = {}
        self.sessions: dict[str, Session] = {}
        self.invoices: list[InvoiceRecord] = []
        self.accepted: dict[tuple[str, str, str], InvoiceRecord] = {}
        self.faults = FaultList()
        self.outage_until: float | None = None
        self.certificates: dict[str, Any] = {}  # serial -> certificates.IssuedCertificate
        self.limiter.reset()

    def new_ref(self, kind: str) -> str:
        return reference_number(kind, self.clock.now_dt())

    def issue_token(self, nip: str) -> KsefToken:
        reference = self.new_ref("EC")
        token = KsefToken(f"{reference}|nip-{nip}|{secrets.token_hex(32)}", nip, reference)
        self.tokens[token.token] = token
        return token

    def grant(self, kind: str, operation: AuthOperation, ttl: float) -> tuple[str, float]:
        value = secrets.token_urlsafe(48)
        valid_until = self.clock.now() + ttl
        self.grants[value] = Grant(kind, operation.nip, operation, valid_until)
        return value, valid_until

    def bearer(self, value: str | None, kind: str) -> Grant | None:
        """The live grant of `kind` behind a bearer token, or None."""
        grant = self.grants.get(value or "")
        if grant is None or grant.kind != kind or grant.valid_until <= self.clock.now():
            return None
        return grant

    def context_of(self, bearer_value: str | None) -> str | None:
        grant = self.grants.get(bearer_value or "")
        return grant.nip if grant else None

    def settings_json(self) -> dict[str, Any]:
        return {
            "processingDelayMs": int(self.processing_delay * 1000),
            "rateLimitScale": self.limiter.scale,
        }
