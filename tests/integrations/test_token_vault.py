"""Scorecard row 17: no plaintext at rest; tampering fails; rotation keeps every row readable."""

from __future__ import annotations

import base64
import os
import subprocess
import uuid

import pytest
from sqlmodel import Session, select

from invoicehub import cli
from invoicehub import vault as secrets
from invoicehub.auth.accounts import default_company
from invoicehub.integrations.allegro.connection import tokens as vault
from invoicehub.integrations.ksef.connection import token_of, update_connection
from invoicehub.integrations.ksef.environments import KsefEnvironment
from invoicehub.models import AllegroIntegration, KsefConnection
from invoicehub.redis_conn import get_redis
from invoicehub.settings import get_settings
from tests.factories import make_integration, make_user
from tests.support import services

SECRET_ACCESS = "eyJhbGciOiJSUzI1NiJ9.secret-access-token-1234567890"
SECRET_REFRESH = "eyJhbGciOiJSUzI1NiJ9.secret-refresh-token-0987654321"


@pytest.fixture
def rotated_keys(monkeypatch: pytest.MonkeyPatch):
    """Switch INVOICEHUB_TOKEN_KEYS for one test and restore the cached settings after it."""

    def use(keys: str) -> None:
        monkeypatch.setenv("INVOICEHUB_TOKEN_KEYS", keys)
        get_settings.cache_clear()
        vault.reset_keys()
        secrets.reset_keys()

    yield use
    get_settings.cache_clear()
    vault.reset_keys()
    secrets.reset_keys()


def test_database_and_redis_dumps_contain_no_plaintext_token(session: Session):
    user = make_user(session)
    make_integration(session, user, access_token=SECRET_ACCESS, refresh_token=SECRET_REFRESH)
    pg_dump = subprocess.run(
        [
            "/usr/lib/postgresql/15/bin/pg_dump",
            "-h",
            "127.0.0.1",
            "-p",
            str(services.PG_PORT),
            "-U",
            "invoicehub",
            services.TEST_DB,
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": "invoicehub"},
    ).stdout.decode()
    redis = get_redis()
    redis_dump = b"".join(redis.dump(key) or b"" for key in redis.scan_iter()).decode("latin-1")
    for secret in (SECRET_ACCESS, SECRET_REFRESH, "secret-access", "secret-refresh"):
        assert secret not in pg_dump and secret not in redis_dump
    assert "allegro_integrations" in pg_dump


def test_stored_token_roundtrips_with_a_fresh_nonce_each_time():
    integration_id = uuid.uuid4()
    first = vault.encrypt_token(SECRET_ACCESS, integration_id)
    second = vault.encrypt_token(SECRET_ACCESS, integration_id)
    assert first != second and first.startswith("k1:")
    assert vault.decrypt_token(first, integration_id) == SECRET_ACCESS


def test_a_flipped_bit_is_refused():
    integration_id = uuid.uuid4()
    key_id, _, payload = vault.encrypt_token(SECRET_ACCESS, integration_id).partition(":")
    blob = bytearray(base64.urlsafe_b64decode(payload))
    blob[20] ^= 0x01
    tampered = f"{key_id}:{base64.urlsafe_b64encode(bytes(blob)).decode()}"
    with pytest.raises(vault.VaultError):
        vault.decrypt_token(tampered, integration_id)


def test_a_token_moved_to_another_integration_is_refused():
    stored = vault.encrypt_token(SECRET_ACCESS, uuid.uuid4())
    with pytest.raises(vault.VaultError):
        vault.decrypt_token(stored, uuid.uuid4())


def test_rotation_reencrypts_every_row_and_old_key_can_then_be_dropped(
    session: Session, rotated_keys
):
    user = make_user(session)
    ids = [
        make_integration(
            session,
            user,
            access_token=f"{SECRET_ACCESS}-{i}",
            refresh_token=f"{SECRET_REFRESH}-{i}",
        ).id
        for i in range(3)
    ]
    old = get_settings().token_keys[0]
    new = vault.generate_key("k2")
    rotated_keys(f"{new},{old}")
    assert vault.reencrypt_all() == 3
    rotated_keys(new)  # the old key is gone: every row must still decrypt
    session.expire_all()
    rows = session.exec(select(AllegroIntegration).where(AllegroIntegration.id.in_(ids))).all()  # type: ignore[attr-defined]
    assert len(rows) == 3
    for integration in rows:
        assert integration.access_token and integration.access_token.startswith("k2:")
        assert vault.decrypt_token(integration.access_token, integration.id).startswith(
            SECRET_ACCESS
        )
        assert vault.decrypt_token(integration.refresh_token or "", integration.id).startswith(
            SECRET_REFRESH
        )


def test_unknown_key_id_is_refused(rotated_keys):
    stored = vault.encrypt_token(SECRET_ACCESS, uuid.UUID(int=1))
    rotated_keys(vault.generate_key("k9"))
    with pytest.raises(vault.VaultError, match="unknown key id"):
        vault.decrypt_token(stored, uuid.UUID(int=1))


def test_rotation_reencrypts_every_ksef_token_and_none_reads_under_the_old_key_only(
    session: Session, rotated_keys, capsys: pytest.CaptureFixture[str]
):
    companies = {}
    for i in range(3):
        company = default_company(session, make_user(session).tenant_id)
        assert company is not None
        token = f"ksef-token-{i}" if i < 2 else None  # the third company has no KSeF token
        update_connection(
            session,
            company.tenant_id,
            company.id,
            environment=KsefEnvironment.EMULATOR,
            auto_send=False,
            token=token,
        )
        companies[company.id] = token
    session.commit()
    old = get_settings().token_keys[0]
    new = vault.generate_key("k2")
    rotated_keys(f"{new},{old}")

    assert cli.main(["tokens", "reencrypt"]) == 0
    assert "2 KSeF tokens" in capsys.readouterr().out

    session.expire_all()
    connections = session.exec(
        select(KsefConnection).where(KsefConnection.company_id.in_(companies))  # type: ignore[attr-defined]
    ).all()
    sealed = [c for c in connections if c.token_encrypted]
    assert len(connections) == 3 and len(sealed) == 2
    rotated_keys(new)  # the old key is gone: every KSeF token still reads
    for connection in sealed:
        assert connection.token_encrypted.startswith("k2:")  # type: ignore[union-attr]
        assert token_of(connection) == companies[connection.company_id]
    rotated_keys(old)  # and none is left readable under the old key alone
    for connection in sealed:
        with pytest.raises(secrets.VaultError, match="unknown key id"):
            token_of(connection)


def test_rotation_reencrypts_the_ksef_offline_certificate_key(session: Session, rotated_keys):
    from invoicehub.documents.ksef_offline_link import offline_signer
    from invoicehub.integrations.ksef.offline_cert import set_offline_certificate
    from tests.state.test_ksef_offline_cert import _pair

    company = default_company(session, make_user(session).tenant_id)
    assert company is not None
    cert, key, serial = _pair()
    set_offline_certificate(session, company.tenant_id, company.id, cert, key)
    session.commit()
    old = get_settings().token_keys[0]
    new = vault.generate_key("k3")
    rotated_keys(f"{new},{old}")

    assert cli.main(["tokens", "reencrypt"]) == 0

    rotated_keys(new)  # the old key is gone: the certificate's key still signs
    session.expire_all()
    signer = offline_signer(session, company.tenant_id, company.id)
    assert signer is not None and signer.serial == serial and "PRIVATE KEY" in signer.key_pem
    assert repr(signer).count("PRIVATE") == 0  # never in a repr (logs)
