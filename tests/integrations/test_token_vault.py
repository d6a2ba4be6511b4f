"""Scorecard row 17: no plaintext at rest; tampering fails; rotation keeps every row readable."""

from __future__ import annotations

import base64
import os
import subprocess
import uuid

import pytest
from sqlmodel import Session, select

from invoicehub.integrations.allegro.connection import tokens as vault
from invoicehub.models import AllegroIntegration
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

    yield use
    get_settings.cache_clear()
    vault.reset_keys()


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
