"""A company's KSeF connection: environment, the write-only KSeF token, auto-send, verification.

The KSeF token is sealed in the vault with its own AAD (purpose + company id): it is never
returned, logged or stored in clear, and a sealed value copied to another company (or used as
another kind of secret) does not decrypt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import Session, col, select

from invoicehub import vault
from invoicehub.documents.ksef_offline_link import offline_key_aad
from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.environments import KsefEnvironment, api_base_url
from invoicehub.integrations.ksef.errors import KsefError
from invoicehub.models import Company, KsefConnection
from invoicehub.models.base import utcnow
from invoicehub.settings import get_settings

TOKEN_AAD = b"invoicehub/ksef-token/"
MAX_TOKEN_LENGTH = 512
_connections: sa.Table = KsefConnection.__table__  # type: ignore[attr-defined]


class KsefNotConfigured(Exception):
    """The company has no KSeF token (or its NIP is missing): nothing can be sent."""


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    reason: str | None = None


def token_aad(company_id: uuid.UUID) -> bytes:
    return TOKEN_AAD + company_id.bytes


def connection_of(session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID) -> KsefConnection:
    """The company's connection row (created with the defaults on first use; two first uses at
    once meet on the unique company id)."""
    find = sa.select(_connections.c.id).where(
        _connections.c.company_id == company_id, _connections.c.tenant_id == tenant_id
    )
    connection_id = session.connection().execute(find).scalar_one_or_none()
    if connection_id is None:
        session.connection().execute(
            insert(_connections)
            .values(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                company_id=company_id,
                environment=KsefEnvironment.EMULATOR.value,
                auto_send=False,
            )
            .on_conflict_do_nothing(index_elements=["company_id"])
        )
        connection_id = session.connection().execute(find).scalar_one()
    connection = session.get(KsefConnection, connection_id, populate_existing=True)
    assert connection is not None
    return connection


def update_connection(
    session: Session,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    *,
    environment: KsefEnvironment,
    auto_send: bool,
    token: str | None = None,
) -> KsefConnection:
    """`token` None keeps the stored one, "" removes it. A new token or environment must be
    verified again."""
    connection = connection_of(session, tenant_id, company_id)
    if token is not None or environment.value != connection.environment:
        connection.verified_at = None
        connection.last_error = None
    if token is not None:
        token = token.strip()
        connection.token_encrypted = vault.seal(token, token_aad(company_id)) if token else None
    connection.environment = environment.value
    connection.auto_send = auto_send
    connection.updated_at = utcnow()
    session.add(connection)
    session.flush()
    return connection


def reencrypt_tokens(session: Session) -> int:
    """Seal every company's KSeF token and Offline certificate key with the current key (key
    rotation, all tenants: run by `invoicehub tokens reencrypt`); returns how many changed. Rows
    are locked so a secret saved meanwhile is not overwritten with the old one."""
    rows = session.exec(
        select(KsefConnection)
        .where(
            sa.or_(
                col(KsefConnection.token_encrypted).is_not(None),
                col(KsefConnection.offline_key_encrypted).is_not(None),
            )
        )
        .with_for_update()
    ).all()
    changed = 0
    for connection in rows:
        token = connection.token_encrypted
        resealed = vault.reseal(token, token_aad(connection.company_id)) if token else None
        if resealed is not None:
            connection.token_encrypted = resealed
            changed += 1
        key = connection.offline_key_encrypted
        aad = offline_key_aad(connection.company_id)
        resealed = vault.reseal(key, aad) if key else None
        if resealed is not None:
            connection.offline_key_encrypted = resealed
            changed += 1
        session.add(connection)
    session.flush()
    return changed


def token_of(connection: KsefConnection) -> str:
    if not connection.token_encrypted:
        raise KsefNotConfigured("no KSeF token is set for this company")
    return vault.unseal(connection.token_encrypted, token_aad(connection.company_id))


def open_client(connection: KsefConnection, *, timeout: float = 10.0) -> KsefClient:
    base = api_base_url(connection.environment, get_settings().ksef_emulator_url)
    return KsefClient(base, timeout=timeout, poll_interval=0.2, poll_timeout=60.0)


def authenticate(client: KsefClient, connection: KsefConnection, nip: str) -> KsefAuth:
    if not nip:
        raise KsefNotConfigured("the company has no NIP")
    return client.authenticate(nip, token_of(connection))


def verify_connection(
    session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID
) -> VerifyResult:
    """Authenticate now with the stored token; remember when it worked or why it did not."""
    connection = connection_of(session, tenant_id, company_id)
    company = session.get(Company, company_id)
    try:
        with open_client(connection) as client:
            authenticate(client, connection, company.nip if company else "")
    except (KsefError, KsefNotConfigured, vault.VaultError) as exc:
        connection.last_error = str(exc)[:1000]
        result = VerifyResult(False, connection.last_error)
    else:
        connection.verified_at, connection.last_error = utcnow(), None
        result = VerifyResult(True)
    session.add(connection)
    session.flush()
    return result
