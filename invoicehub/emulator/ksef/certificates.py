"""KSeF certificates of type Offline in the emulator, and the KOD II verification page.

Real KSeF issues a KSeF certificate only for the identity in the certificate the requester
authenticated with (XAdES with a qualified signature or seal; certyfikaty-KSeF.md, open-api
25001/25002): a KSeF token, the only way Invoice-HUB authenticates, cannot enroll one. Sellers
get theirs in the Ministry's application; the emulator stands in for it on its control API:
`POST /__emulator/certificates` `{"nip", "csr"}` (a PKCS#10 CSR, DER in Base64, RSA 2048 or EC
P-256, NIP in organizationIdentifier 2.5.4.97) answers the certificate signed by the emulator's
CA with its 16-hex-digit serial number.

KOD II (kody-qr.md): `/qr/certificate/{Nip}/{context}/{seller NIP}/{serial}/{hash}/{signature}`,
the signature (RSASSA-PSS SHA-256 salt 32, or ECDSA P-256 as IEEE P1363 or DER) over the link
without `https://` and without the signature. The page checks the certificate (issued here, of
type Offline, valid, not revoked), the signature, and that the context is the certificate's NIP
and the seller's.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from invoicehub.emulator.ksef.clock import iso
from invoicehub.emulator.ksef.guards import state_of
from invoicehub.emulator.ksef.state import KsefState

VALID_DAYS = 2 * 365
CERTIFICATE_TYPES = ("Offline", "Authentication")
_SIGNING_ONLY = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


@dataclass(frozen=True)
class IssuedCertificate:
    serial: str  # 16 upper-case hex digits, as KSeF writes it
    nip: str
    certificate_type: str
    certificate: x509.Certificate
    revoked: bool = False


def _b64(value: object) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("csr must be a Base64 DER PKCS#10 request") from exc


def _check_key(csr: x509.CertificateSigningRequest) -> None:
    key = csr.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048:
        return
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return
    raise ValueError("25010: Nieprawidłowy typ lub długość klucza (RSA 2048 lub EC P-256)")


def issue(state: KsefState, nip: str, csr_der: bytes, certificate_type: str) -> IssuedCertificate:
    """Sign the CSR with the emulator's CA key (the caller holds the state lock)."""
    try:
        csr = x509.load_der_x509_csr(csr_der)
    except ValueError as exc:
        raise ValueError("25004: Niepoprawny format CSR lub niepoprawny podpis CSR") from exc
    if not csr.is_signature_valid:
        raise ValueError("25004: Niepoprawny format CSR lub niepoprawny podpis CSR")
    _check_key(csr)
    ids = csr.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)
    if not ids or nip not in str(ids[0].value):
        raise ValueError("25003: Dane w CSR nie zgadzają się z danymi podmiotu (2.5.4.97 z NIP)")
    ca = state.keys.certificates[0].certificate
    serial = secrets.randbits(63) | 1 << 56  # 16 hex digits, leading zero allowed
    now = state.clock.now_dt()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(ca.subject)
        .public_key(csr.public_key())
        .serial_number(serial)
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=VALID_DAYS))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), True
        )
        .sign(state.keys.private_key, hashes.SHA256())
    )
    issued = IssuedCertificate(f"{serial:016X}", nip, certificate_type, certificate)
    state.certificates[issued.serial] = issued
    return issued


async def enroll(request: Request) -> Response:
    state = state_of(request)
    try:
        body = json.loads(await request.body() or b"{}")
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        nip, kind = str(body.get("nip", "")), str(body.get("certificateType", "Offline"))
        if len(nip) != 10 or not nip.isdigit():
            raise ValueError("nip must be a 10-digit NIP")
        if kind not in CERTIFICATE_TYPES:
            raise ValueError("certificateType must be Offline or Authentication")
        with state.lock:
            issued = issue(state, nip, _b64(body.get("csr", "")), kind)
    except ValueError as exc:
        return JSONResponse({"error": str(exc)}, status_code=422)
    cert = issued.certificate
    return JSONResponse(
        {
            "certificate": base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii"),
            "certificateSerialNumber": issued.serial,
            "certificateType": issued.certificate_type,
            "validFrom": iso(cert.not_valid_before_utc.timestamp()),
            "validTo": iso(cert.not_valid_after_utc.timestamp()),
        },
        status_code=201,
    )


def _signature_ok(certificate: x509.Certificate, signed: bytes, signature: bytes) -> bool:
    key = certificate.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(
                signature, signed, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256()
            )
            return True
        if isinstance(key, ec.EllipticCurvePublicKey):
            if len(signature) == 64:  # IEEE P1363: r || s
                r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                signature = encode_dss_signature(r, s)
            key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
            return True
    except (InvalidSignature, ValueError):
        return False
    return False


def _page(title: str, status: int) -> HTMLResponse:
    return HTMLResponse(f"<h1>{html.escape(title)}</h1>", status_code=status)


async def verify_certificate_link(request: Request) -> Response:
    state = state_of(request)
    p = request.path_params
    try:
        signature = base64.urlsafe_b64decode(p["signature"] + "=" * (-len(p["signature"]) % 4))
    except (binascii.Error, ValueError):
        return _page("Nieprawidłowy link weryfikacyjny", 400)
    path = request.url.path.rsplit("/", 1)[0]
    signed = f"{request.url.netloc}{path}".encode()
    with state.lock:
        issued = state.certificates.get(p["serial"])
        now = state.clock.now()
    if issued is None or issued.certificate_type != "Offline" or issued.revoked:
        return _page("Certyfikat KSeF typu Offline nie istnieje lub został odwołany", 404)
    cert = issued.certificate
    if not cert.not_valid_before_utc.timestamp() <= now <= cert.not_valid_after_utc.timestamp():
        return _page("Certyfikat KSeF wystawcy jest nieważny", 410)
    if not _signature_ok(cert, signed, signature):
        return _page("Podpis linku jest nieprawidłowy", 400)
    if p["kind"] != "Nip" or p["context"] != issued.nip or p["nip"] != issued.nip:
        return _page("Wystawca nie ma uprawnień do wystawienia faktury dla tego NIP", 403)
    return _page(f"Certyfikat wystawcy jest ważny (NIP {issued.nip}, nr {issued.serial})", 200)


routes = [
    Route("/__emulator/certificates", enroll, methods=["POST"]),
    Route(
        "/qr/certificate/{kind}/{context}/{nip}/{serial}/{hash}/{signature}",
        verify_certificate_link,
        methods=["GET"],
    ),
]
