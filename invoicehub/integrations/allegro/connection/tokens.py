"""The token vault: AES-256-GCM, random 96-bit nonce, key id prefix, AAD = integration id.

Stored form: `<key id>:<base64url(nonce || ciphertext+tag)>`. Keys come from INVOICEHUB_TOKEN_KEYS
as `id:base64url(32 bytes)`, comma separated; the first is current, older ones still decrypt.
"""

from __future__ import annotations

import base64
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlmodel import Session, select

from invoicehub.models import AllegroIntegration
from invoicehub.settings import get_settings

NONCE_BYTES = 12
KEY_BYTES = 32


class VaultError(Exception):
    """A token could not be decrypted (unknown key, tampered data or wrong integration)."""


@dataclass(frozen=True)
class _Key:
    key_id: str
    aead: AESGCM


@lru_cache(maxsize=1)
def _keys() -> tuple[_Key, ...]:
    keys = []
    for entry in get_settings().token_keys:
        key_id, _, encoded = entry.partition(":")
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not key_id or len(raw) != KEY_BYTES:
            raise RuntimeError("INVOICEHUB_TOKEN_KEYS entries must be 'id:base64(32 bytes)'")
        keys.append(_Key(key_id, AESGCM(raw)))
    if not keys:
        raise RuntimeError("no token key configured (INVOICEHUB_TOKEN_KEYS)")
    return tuple(keys)


def reset_keys() -> None:
    _keys.cache_clear()


def encrypt_token(plaintext: str, integration_id: uuid.UUID) -> str:
    current = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = current.aead.encrypt(nonce, plaintext.encode(), integration_id.bytes)
    return f"{current.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt_token(stored: str, integration_id: uuid.UUID) -> str:
    key_id, _, payload = stored.partition(":")
    key = next((k for k in _keys() if k.key_id == key_id), None)
    if key is None:
        raise VaultError(f"token encrypted with unknown key id {key_id!r}")
    try:
        blob = base64.urlsafe_b64decode(payload)
        return key.aead.decrypt(
            blob[:NONCE_BYTES], blob[NONCE_BYTES:], integration_id.bytes
        ).decode()
    except (InvalidTag, ValueError) as exc:
        raise VaultError("token could not be decrypted (tampered or wrong integration)") from exc


def is_current_key(stored: str) -> bool:
    return stored.partition(":")[0] == _keys()[0].key_id


def reencrypt_integration(integration: AllegroIntegration) -> bool:
    changed = False
    for column in ("access_token", "refresh_token"):
        stored = getattr(integration, column)
        if stored and not is_current_key(stored):
            setattr(
                integration,
                column,
                encrypt_token(decrypt_token(stored, integration.id), integration.id),
            )
            changed = True
    return changed


def reencrypt_all(batch_size: int = 500) -> int:
    """Rotate every stored token to the current key; returns how many integrations changed."""
    from invoicehub.db import session_scope

    changed = 0
    with session_scope() as session:
        rows = session.exec(select(AllegroIntegration).with_for_update()).all()
        for integration in rows:
            if reencrypt_integration(integration):
                session.add(integration)
                changed += 1
                if changed % batch_size == 0:
                    session.flush()
    return changed


def generate_key(key_id: str) -> str:
    return f"{key_id}:{base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()}"


def store_tokens(
    session: Session, integration: AllegroIntegration, access_token: str, refresh_token: str
) -> None:
    integration.access_token = encrypt_token(access_token, integration.id)
    integration.refresh_token = encrypt_token(refresh_token, integration.id)
    session.add(integration)
