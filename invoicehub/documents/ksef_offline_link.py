"""KOD II of an offline invoice (docs/kody-qr.md): the certificate verification link, signed with
the private key of the company's KSeF certificate of type Offline.

`{qr host}/certificate/Nip/{context NIP}/{seller NIP}/{certificate serial}/{Base64URL SHA-256 of
the FA(3) file}/{Base64URL signature}`; the signature covers the link without `https://` and
without the signature: RSASSA-PSS (SHA-256, MGF1 SHA-256, 32-byte salt) for an RSA key, ECDSA
P-256 with SHA-256 as IEEE P1363 (r || s, 32 bytes each) for an EC key. The private key is
unsealed from the vault only to sign, and never logged.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from sqlalchemy import orm

from invoicehub import vault
from invoicehub.models import KsefConnection

KEY_AAD = b"invoicehub/ksef-offline-key/"
_connections: sa.Table = KsefConnection.__table__  # type: ignore[attr-defined]


def offline_key_aad(company_id: uuid.UUID) -> bytes:
    return KEY_AAD + company_id.bytes


@dataclass(frozen=True)
class OfflineSigner:
    serial: str  # the certificate's serial number, upper-case hex
    key_pem: str = field(repr=False)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def sign_link(key_pem: str, text: bytes) -> bytes:
    key = serialization.load_pem_private_key(key_pem.encode(), password=None)
    if isinstance(key, rsa.RSAPrivateKey):
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        return key.sign(text, pss, hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(key.sign(text, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    raise ValueError("a KSeF Offline certificate key is RSA or EC P-256")


def certificate_url(
    base: str, context_nip: str, seller_nip: str, signer: OfflineSigner, xml: bytes
) -> str:
    digest = _b64url(hashlib.sha256(xml).digest())
    link = f"{base.rstrip('/')}/certificate/Nip/{context_nip}/{seller_nip}/{signer.serial}/{digest}"
    signed = link.split("://", 1)[-1].encode()
    return f"{link}/{_b64url(sign_link(signer.key_pem, signed))}"


def offline_signer(
    session: orm.Session, tenant_id: uuid.UUID, company_id: uuid.UUID
) -> OfflineSigner | None:
    """The company's Offline certificate signer, or None when it has none."""
    row = (
        session.connection()
        .execute(
            sa.select(
                _connections.c.offline_certificate_serial, _connections.c.offline_key_encrypted
            ).where(_connections.c.company_id == company_id, _connections.c.tenant_id == tenant_id)
        )
        .first()
    )
    if row is None or not row.offline_certificate_serial or not row.offline_key_encrypted:
        return None
    try:
        key_pem = vault.unseal(row.offline_key_encrypted, offline_key_aad(company_id))
    except vault.VaultError:
        return None
    return OfflineSigner(row.offline_certificate_serial, key_pem)
