"""Processing a closed batch session: parts -> decrypt -> the declared ZIP -> one record per file.

Failures of the package as a whole set the session status (docs: 405 parts don't match their
declaration, 415 unreadable key, 420 too many invoices, 430 not a ZIP, 435 a part won't decrypt).
"""

from __future__ import annotations

import io
import zipfile

from invoicehub.emulator.ksef import processing
from invoicehub.emulator.ksef.state import MAX_INVOICES_PER_SESSION, BatchPlan, KsefState, Session
from invoicehub.integrations.ksef.crypto import aes_cbc_decrypt, sha256_b64

MAX_ENTRY_BYTES = 3_000_000


def _assemble(session: Session, plan: BatchPlan) -> bytes | tuple[int, str, list[str]]:
    chunks = []
    for ordinal, (size, digest) in sorted(plan.parts.items()):
        data = plan.uploaded.get(ordinal)
        if data is None:
            return (
                405,
                "Błąd weryfikacji poprawności dostarczonych elementów paczki",
                [f"Nie przesłano części {ordinal}."],
            )
        if len(data) != size or sha256_b64(data) != digest:
            return (
                405,
                "Błąd weryfikacji poprawności dostarczonych elementów paczki",
                [f"Skrót lub rozmiar części {ordinal} nie zgadza się z deklaracją."],
            )
        try:
            chunks.append(aes_cbc_decrypt(session.key or b"", session.iv, data))
        except ValueError:
            return 435, "Błąd odszyfrowania zaszyfrowanych części archiwum", [f"Część {ordinal}."]
    package = b"".join(chunks)
    if len(package) != plan.file_size or sha256_b64(package) != plan.file_hash:
        return (
            405,
            "Błąd weryfikacji poprawności dostarczonych elementów paczki",
            ["Skrót lub rozmiar paczki ZIP nie zgadza się z deklaracją."],
        )
    return package


def process_batch(state: KsefState, session: Session) -> None:
    """Run at close: fills `session.failure` or creates one invoice record per XML file."""
    plan = session.batch
    if session.failure or plan is None:
        return
    package = _assemble(session, plan)
    if isinstance(package, tuple):
        session.failure = package
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        session.failure = (430, "Błąd dekompresji pierwotnego archiwum", [])
        return
    if len(entries) > MAX_INVOICES_PER_SESSION:
        session.failure = (420, "Przekroczony limit faktur w sesji", [])
        return
    for info in entries:
        if info.file_size > MAX_ENTRY_BYTES:
            processing.failed(state, session, "", 430, [f"{info.filename}: plik za duży."])
            continue
        processing.receive(state, session, archive.read(info), file_name=info.filename[:128])
