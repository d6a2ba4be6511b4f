"""The emulator's own RSA key pair and the two X.509 certificates that publish it.

Real KSeF publishes one certificate per `usage`
(docs/bezpieczenstwo/klucze-publiczne-do-szyfrowania.md);
the emulator issues both for the same key, self-signed, `CN = Ministerstwo Finansów`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from invoicehub.integrations.ksef.crypto import public_key_id, sha256_b64

USAGES = ("KsefTokenEncryption", "SymmetricKeyEncryption")


@dataclass(frozen=True)
class PublishedCertificate:
    usage: str
    der: bytes
    certificate: x509.Certificate

    def as_json(self) -> dict[str, object]:
        return {
            "certificate": base64.b64encode(self.der).decode("ascii"),
            "certificateId": sha256_b64(self.der),
            "publicKeyId": public_key_id(self.certificate),
            "validFrom": self.certificate.not_valid_before_utc.isoformat(),
            "validTo": self.certificate.not_valid_after_utc.isoformat(),
            "usage": [self.usage],
        }


def _certificate(key: rsa.RSAPrivateKey, usage: str, now: datetime) -> PublishedCertificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ministerstwo Finansów"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Ministerstwo Finansów"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"KSeF emulator {usage}"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3 * 365))
        .sign(key, hashes.SHA256())
    )
    return PublishedCertificate(usage, cert.public_bytes(Encoding.DER), cert)


@dataclass(frozen=True)
class KeyPair:
    private_key: rsa.RSAPrivateKey
    certificates: tuple[PublishedCertificate, ...]

    @classmethod
    def generate(cls) -> KeyPair:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(UTC)
        return cls(key, tuple(_certificate(key, usage, now) for usage in USAGES))
