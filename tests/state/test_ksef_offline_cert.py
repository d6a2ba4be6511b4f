"""The Company tab's KSeF Offline certificate card: a wrong key is refused in the seller's
language, a good pair is saved (the key fields emptied, only serial, subject and validity shown)
and can be removed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlmodel import Session

from invoicehub.pages.settings.ksef_offline_cert_state import KsefOfflineCertState
from tests.factories import make_user
from tests.state.conftest import call, session_token, state_for


def _pair() -> tuple[str, str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sprzedawca")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x01F20A5D352AE590)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), pem.decode(), "01F20A5D352AE590"


def test_the_offline_certificate_card_refuses_saves_and_removes(session: Session) -> None:
    user = make_user(session, language="pl")
    card = state_for(KsefOfflineCertState, session_token(session, user), "/settings?tab=company")
    call(card, "load")
    assert card.serial == ""
    cert, key, serial = _pair()
    _, other_key, _ = _pair()

    call(card, "set_certificate_input", cert)
    call(card, "set_key_input", other_key)
    call(card, "save")
    assert card.error == "klucz nie należy do tego certyfikatu" and card.serial == ""

    call(card, "set_key_input", key)
    call(card, "save")
    assert (card.error, card.message) == ("", "Zapisano certyfikat KSeF typu Offline.")
    assert card.serial == serial and card.subject == "CN=Sprzedawca" and card.valid_to
    assert card.key_input == card.certificate_input == ""

    call(card, "remove")
    assert card.serial == "" and card.message == "Usunięto certyfikat KSeF typu Offline."
