"""Batch packages (docs/sesja-wsadowa.md): one ZIP of the invoices, split binarily into parts of at
most 100 MB, each part encrypted with the session key; the declaration lists sizes and hashes."""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from typing import Any

from invoicehub.integrations.ksef.crypto import SymmetricKey, sha256_b64

MAX_PART_BYTES = 100_000_000


@dataclass(frozen=True)
class Package:
    declaration: dict[str, Any]  # `batchFile` of OpenBatchSessionRequest
    encrypted_parts: list[bytes]
    invoice_hashes: dict[str, str]


def build_zip(invoices: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, xml in invoices:
            archive.writestr(name, xml)
    return buffer.getvalue()


def split(data: bytes, max_part: int = MAX_PART_BYTES) -> list[bytes]:
    count = max(1, math.ceil(len(data) / max_part))
    size = math.ceil(len(data) / count)
    return [data[i : i + size] for i in range(0, len(data), size)]


def build_package(
    invoices: list[tuple[str, bytes]], key: SymmetricKey, max_part: int = MAX_PART_BYTES
) -> Package:
    names = [name for name, _ in invoices]
    if not invoices or len(set(names)) != len(names):
        raise ValueError("a batch needs at least one invoice and unique file names")
    package = build_zip(invoices)
    encrypted = [key.encrypt(part) for part in split(package, max_part)]
    declaration = {
        "fileSize": len(package),
        "fileHash": sha256_b64(package),
        "fileParts": [
            {"ordinalNumber": i, "fileSize": len(part), "fileHash": sha256_b64(part)}
            for i, part in enumerate(encrypted, start=1)
        ],
    }
    return Package(declaration, encrypted, {name: sha256_b64(xml) for name, xml in invoices})
