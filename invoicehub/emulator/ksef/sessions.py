"""Opening sessions (shared by online and batch) and the session status rules of open-api.json."""

from __future__ import annotations

from typing import Any

from invoicehub.emulator.ksef.guards import b64, field
from invoicehub.emulator.ksef.responses import bad_request
from invoicehub.emulator.ksef.state import Grant, KsefState, Session
from invoicehub.integrations.ksef.crypto import rsa_oaep_decrypt

FORM_CODE = {"systemCode": "FA (3)", "schemaVersion": "1-0E", "value": "FA"}
KEY_ERROR: tuple[int, str, list[str]] = (415, "Błąd odszyfrowania dostarczonego klucza", [])


def new_session(
    state: KsefState, grant: Grant, body: dict[str, Any], kind: str, ttl: float
) -> Session:
    """Validate formCode + encryption and create the session; an unreadable key fails it (415)."""
    now = state.clock.now()
    form = field(state, body, "formCode", dict)
    if {k: form.get(k) for k in FORM_CODE} != FORM_CODE:
        raise bad_request(now, "Nieobsługiwany formCode: emulator przyjmuje FA (3) 1-0E FA.")
    encryption = field(state, body, "encryption", dict)
    wrapped = b64(state, encryption.get("encryptedSymmetricKey"), "encryptedSymmetricKey")
    iv = b64(state, encryption.get("initializationVector"), "initializationVector")
    if len(iv) != 16:
        raise bad_request(now, "initializationVector musi mieć 16 bajtów.")
    try:
        key: bytes | None = rsa_oaep_decrypt(state.keys.private_key, wrapped)
    except ValueError:
        key = None
    session = Session(
        reference=state.new_ref("SO" if kind == "online" else "SB"),
        kind=kind,
        nip=grant.nip,
        operation=grant.operation,
        created_at=now,
        valid_until=now + ttl,
        key=key if key and len(key) == 32 else None,
        iv=iv,
        offline=bool(body.get("offlineMode", False)),
        updated_at=now,
    )
    if session.key is None:
        session.failure = KEY_ERROR
    state.sessions[session.reference] = session
    return session


def expire(session: Session, now: float) -> None:
    """An online session past its 12 hours is closed by KSeF itself."""
    if session.kind == "online" and session.closed_at is None and now >= session.valid_until:
        session.closed_at = session.valid_until
        session.ready_at = session.valid_until


def _outcome(session: Session, now: float, done: str) -> tuple[int, str, list[str]]:
    if session.failure:
        return session.failure
    if not session.invoices:
        return 440, "Sesja anulowana", ["Nie przesłano faktur"]
    if not any(r.code == 200 for r in session.invoices):
        return 445, "Błąd weryfikacji, brak poprawnych faktur", []
    return 200, done, []


def session_status(session: Session, now: float) -> tuple[int, str, list[str]]:
    expire(session, now)
    if session.kind == "online":
        if session.closed_at is None:
            if session.failure:
                return session.failure
            return 100, "Sesja interaktywna otwarta", []
        if now < (session.ready_at or 0) or any(now < r.ready_at for r in session.invoices):
            return 170, "Sesja interaktywna zamknięta", []
        return _outcome(session, now, "Sesja interaktywna przetworzona pomyślnie")
    if session.closed_at is None:
        plan = session.batch
        if plan and now > plan.upload_deadline:
            return 440, "Sesja anulowana", ["Przekroczono czas wysyłki"]
        return 100, "Sesja wsadowa rozpoczęta", []
    if now < (session.ready_at or 0) or any(now < r.ready_at for r in session.invoices):
        return 150, "Trwa przetwarzanie", []
    return _outcome(session, now, "Sesja wsadowa przetworzona pomyślnie")
