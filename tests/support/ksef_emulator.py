"""Run the KSeF emulator as a real process for tests (`python -m invoicehub.emulator.ksef`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.emulator import wait_ready

ROOT = Path(__file__).resolve().parents[2]
SELLER_NIP = "5252674798"  # the Podmiot1 NIP of tests/ksef/fixtures/fa3_vat_b2b.xml
FIXTURE = ROOT / "tests" / "ksef" / "fixtures" / "fa3_vat_b2b.xml"


def log_path(port: int) -> Path:
    path = ROOT / ".data" / "test" / "logs" / f"ksef-emulator-{port}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def ksef_emulator_process(port: int, *extra_args: str) -> Iterator[str]:
    """Start the emulator on `port` (stderr to a log file), yield its base URL, stop it on exit."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    args = ["--host", "127.0.0.1", "--port", str(port), "--log-level", "info", *extra_args]
    with log_path(port).open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoicehub.emulator.ksef", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, process=process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def fa3_invoice(number: str = "FV/1/02/2026", seller_nip: str = SELLER_NIP) -> bytes:
    """The hand-written FA(3) fixture (valid against the XSD) with another P_2 and seller NIP."""
    xml = FIXTURE.read_bytes()
    xml = xml.replace(b"<P_2>FV/1/02/2026</P_2>", f"<P_2>{number}</P_2>".encode())
    return xml.replace(b"<NIP>5252674798</NIP>", f"<NIP>{seller_nip}</NIP>".encode())


def new_token(control: httpx.Client, nip: str = SELLER_NIP) -> str:
    response = control.post("/__emulator/tokens", json={"nip": nip})
    response.raise_for_status()
    return str(response.json()["token"])


def offline_certificate(
    control: httpx.Client, nip: str, *, key_type: str = "ec", password: bytes | None = None
) -> tuple[str, str, str]:
    """A KSeF certificate of type Offline for `nip` from the emulator's control API (standing in
    for the Ministry's application): (certificate PEM, private key PEM, serial number)."""
    import base64

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        ec.generate_private_key(ec.SECP256R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Sprzedawca {nip}"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sprzedawca testowy"),
            x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, f"VATPL-{nip}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
        ]
    )
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())
    der = csr.public_bytes(serialization.Encoding.DER)
    answer = control.post(
        "/__emulator/certificates",
        json={"nip": nip, "csr": base64.b64encode(der).decode(), "certificateType": "Offline"},
    )
    answer.raise_for_status()
    body = answer.json()
    cert = x509.load_der_x509_certificate(base64.b64decode(body["certificate"]))
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()
    cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return cert_pem, key_pem, body["certificateSerialNumber"]
