"""KSeF cryptography (docs/uwierzytelnianie.md, docs/sesja-interaktywna.md, docs/sesja-wsadowa.md).

- the KSeF token travels as RSA-OAEP (SHA-256, MGF1-SHA-256) of UTF-8 `token|timestampMs`;
- invoices and batch parts: AES-256-CBC with PKCS#7 padding, a fresh 32-byte key and 16-byte IV
  per session; the key is wrapped with the same RSA-OAEP, the IV travels in clear beside it;
- hashes are SHA-256, base64-encoded (44 characters).
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _oaep() -> asym_padding.OAEP:
    return asym_padding.OAEP(
        mgf=asym_padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None
    )


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def load_certificate_b64(der_b64: str) -> x509.Certificate:
    """A certificate as `GET /security/public-key-certificates` gives it: DER in base64."""
    return x509.load_der_x509_certificate(base64.b64decode(der_b64))


def public_key_of(certificate: x509.Certificate) -> rsa.RSAPublicKey:
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("KSeF certificate does not hold an RSA key")
    return key


def public_key_id(certificate: x509.Certificate) -> str:
    """SHA-256 of the DER SubjectPublicKeyInfo, base64 (the `publicKeyId` selector)."""
    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return sha256_b64(spki)


def rsa_oaep_encrypt(public_key: rsa.RSAPublicKey, data: bytes) -> bytes:
    return public_key.encrypt(data, _oaep())


def rsa_oaep_decrypt(private_key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    return private_key.decrypt(data, _oaep())


def encrypt_ksef_token(public_key: rsa.RSAPublicKey, token: str, timestamp_ms: int) -> str:
    """Base64 `encryptedToken` for `POST /auth/ksef-token`."""
    return base64.b64encode(
        rsa_oaep_encrypt(public_key, f"{token}|{timestamp_ms}".encode())
    ).decode("ascii")


def aes_cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    padded = padder.update(data) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def aes_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """Raises ValueError on a wrong key, IV, length or padding."""
    if len(key) != 32 or len(iv) != 16:
        raise ValueError("AES-256-CBC needs a 32-byte key and a 16-byte IV")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(data) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


@dataclass(frozen=True)
class SymmetricKey:
    """One session's AES key and IV, and how they travel in `encryption` (wrapped key, IV)."""

    key: bytes
    iv: bytes

    @classmethod
    def generate(cls) -> SymmetricKey:
        return cls(os.urandom(32), os.urandom(16))

    def encryption_info(self, public_key: rsa.RSAPublicKey) -> dict[str, str]:
        return {
            "encryptedSymmetricKey": base64.b64encode(
                rsa_oaep_encrypt(public_key, self.key)
            ).decode("ascii"),
            "initializationVector": base64.b64encode(self.iv).decode("ascii"),
        }

    def encrypt(self, data: bytes) -> bytes:
        return aes_cbc_encrypt(self.key, self.iv, data)
