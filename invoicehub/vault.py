"""Secrets at rest: the same AES-256-GCM vault as the Allegro tokens, for any caller's AAD.

Stored form `<key id>:<base64url(nonce || ciphertext+tag)>`, keys from INVOICEHUB_TOKEN_KEYS
(the first is current), exactly as integrations/allegro/tokens.py stores Allegro tokens. The
AAD binds a secret to its owner and purpose, so a value copied to another row or another kind of
secret never decrypts.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from invoicehub.settings import get_settings

NONCE_BYTES = 12
KEY_BYTES = 32


class VaultError(Exception):
    """A secret could not be decrypted (unknown key, tampered data or another owner's AAD)."""


@lru_cache(maxsize=1)
def _keys() -> tuple[tuple[str, AESGCM], ...]:
    keys = []
    for entry in get_settings().token_keys:
        key_id, _, encoded = entry.partition(":")
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not key_id or len(raw) != KEY_BYTES:
            raise RuntimeError("INVOICEHUB_TOKEN_KEYS entries must be 'id:base64(32 bytes)'")
        keys.append((key_id, AESGCM(raw)))
    if not keys:
        raise RuntimeError("no token key configured (INVOICEHUB_TOKEN_KEYS)")
    return tuple(keys)


def reset_keys() -> None:
    _keys.cache_clear()


def seal(plaintext: str, aad: bytes) -> str:
    key_id, aead = _keys()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode(), aad)
    return f"{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def is_current_key(stored: str) -> bool:
    return stored.partition(":")[0] == _keys()[0][0]


def reseal(stored: str, aad: bytes) -> str | None:
    """`stored` sealed again with the current key; None when it already is (rotation)."""
    return None if is_current_key(stored) else seal(unseal(stored, aad), aad)


def unseal(stored: str, aad: bytes) -> str:
    key_id, _, payload = stored.partition(":")
    aead = next((a for k, a in _keys() if k == key_id), None)
    if aead is None:
        raise VaultError(f"secret encrypted with unknown key id {key_id!r}")
    try:
        blob = base64.urlsafe_b64decode(payload)
        return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad).decode()
    except (InvalidTag, ValueError) as exc:
        raise VaultError("secret could not be decrypted (tampered or another owner)") from exc
