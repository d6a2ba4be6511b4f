"""The company's KSeF certificate of type Offline, which signs KOD II of offline invoices.

KSeF issues a KSeF certificate only to a requester authenticated with the certificate whose
identity it certifies (certyfikaty-KSeF.md; open-api errors 25001/25002 for other ways of
authenticating): a KSeF token, Invoice-HUB's way in, cannot enroll one. So the seller requests
an Offline certificate in the Ministry's application (or, for the emulator, its control API) and
gives Invoice-HUB the certificate and its private key. We check them (PEM or Base64 DER
certificate, PEM private key, optionally password-protected; RSA 2048+ or EC P-256; the key
matches the certificate; not expired) and keep the certificate in clear (it is public) and the
key sealed in the vault with its own AAD. The key is never returned or logged.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlmodel import Session

from invoicehub import vault
from invoicehub.documents.ksef_offline_link import offline_key_aad
from invoicehub.integrations.ksef.connection import connection_of
from invoicehub.models import KsefConnection
from invoicehub.models.base import utcnow

MAX_PEM_LENGTH = 20_000


class OfflineCertificateInvalid(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OfflineCertificateInfo:
    serial_number: str
    valid_to: datetime
    subject: str


def _certificate(text: str) -> x509.Certificate:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            return x509.load_pem_x509_certificate(text.encode())
        return x509.load_der_x509_certificate(base64.b64decode(text, validate=True))
    except (ValueError, binascii.Error) as exc:
        raise OfflineCertificateInvalid(
            "certificate", "not an X.509 certificate (PEM, or DER in Base64)"
        ) from exc


def _private_key(text: str, password: str | None) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(
            text.strip().encode(), password=password.encode() if password else None
        )
    except (ValueError, TypeError) as exc:
        raise OfflineCertificateInvalid(
            "privateKey", "not a PEM private key, or the password is wrong"
        ) from exc
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size >= 2048:
        return key
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
        return key
    raise OfflineCertificateInvalid(
        "privateKey", "the key must be RSA (2048 bits or more) or EC P-256"
    )


def check_offline_certificate(
    certificate: str, private_key: str, password: str | None = None
) -> tuple[x509.Certificate, str]:
    """(the certificate, the key as unencrypted PKCS#8 PEM) once both are valid together."""
    if len(certificate) > MAX_PEM_LENGTH or len(private_key) > MAX_PEM_LENGTH:
        raise OfflineCertificateInvalid("certificate", "too long for a certificate or key")
    cert = _certificate(certificate)
    key = _private_key(private_key, password)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    encoding = serialization.Encoding.DER
    if key.public_key().public_bytes(encoding, public) != cert.public_key().public_bytes(
        encoding, public
    ):
        raise OfflineCertificateInvalid("privateKey", "the key does not belong to the certificate")
    if cert.not_valid_after_utc <= utcnow():
        raise OfflineCertificateInvalid("certificate", "the certificate has expired")
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return cert, pem


def set_offline_certificate(
    session: Session,
    tenant_id: uuid.UUID,
    company_id: uuid.UUID,
    certificate: str,
    private_key: str,
    password: str | None = None,
) -> OfflineCertificateInfo:
    cert, key_pem = check_offline_certificate(certificate, private_key, password)
    connection = connection_of(session, tenant_id, company_id)
    der = cert.public_bytes(serialization.Encoding.DER)
    connection.offline_certificate = base64.b64encode(der).decode("ascii")
    connection.offline_certificate_serial = f"{cert.serial_number:016X}"
    connection.offline_certificate_valid_to = cert.not_valid_after_utc
    connection.offline_key_encrypted = vault.seal(key_pem, offline_key_aad(company_id))
    connection.updated_at = utcnow()
    session.add(connection)
    session.flush()
    info = info_of(connection)
    assert info is not None
    return info


def clear_offline_certificate(
    session: Session, tenant_id: uuid.UUID, company_id: uuid.UUID
) -> None:
    connection = connection_of(session, tenant_id, company_id)
    connection.offline_certificate = connection.offline_certificate_serial = None
    connection.offline_certificate_valid_to = connection.offline_key_encrypted = None
    connection.updated_at = utcnow()
    session.add(connection)
    session.flush()


def info_of(connection: KsefConnection) -> OfflineCertificateInfo | None:
    """What may be shown of the stored certificate (never the key)."""
    serial, valid_to = (
        connection.offline_certificate_serial,
        connection.offline_certificate_valid_to,
    )
    if not serial or valid_to is None or not connection.offline_certificate:
        return None
    cert = x509.load_der_x509_certificate(base64.b64decode(connection.offline_certificate))
    return OfflineCertificateInfo(serial, valid_to, cert.subject.rfc4514_string())
