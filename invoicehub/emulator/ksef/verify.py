"""What KSeF checks on each received invoice (docs/faktury/weryfikacja-faktury.md), in order:
size, UTF-8 without BOM, well-formed XML without processing instructions, the FA(3) schema, the
seller being the session's context (else 410), P_1 not later than acquisition (450), and
uniqueness of (Podmiot1 NIP, RodzajFaktury, P_2) — decided by the caller, who holds the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from invoicehub.emulator.ksef.schemas import FA3_NS, fa3_schema, safe_parser, schema_errors

MAX_INVOICE_BYTES = 1_000_000
BOM = b"\xef\xbb\xbf"
_FORBIDDEN_CHARS = re.compile("[\x7f-\x84\x86-\x9f\ufdd0-\ufdef]")

CODE_DESCRIPTIONS = {
    100: "Faktura przyjęta do dalszego przetwarzania",
    150: "Trwa przetwarzanie",
    200: "Sukces",
    405: "Przetwarzanie anulowane z powodu błędu sesji",
    410: "Nieprawidłowy zakres uprawnień",
    430: "Błąd weryfikacji pliku faktury",
    435: "Błąd odszyfrowania pliku",
    440: "Duplikat faktury",
    450: "Błąd weryfikacji semantyki dokumentu faktury",
}


@dataclass
class Verdict:
    code: int
    details: list[str] = field(default_factory=list)
    invoice_number: str | None = None
    seller_nip: str | None = None
    kind: str | None = None
    issue_date: str | None = None

    @property
    def description(self) -> str:
        return CODE_DESCRIPTIONS[self.code]


def _text(root: etree._Element, path: str) -> str | None:
    node = root.find(path, {"fa": FA3_NS})
    return node.text.strip() if node is not None and node.text else None


def _parse(xml: bytes) -> etree._ElementTree | Verdict:
    if len(xml) > MAX_INVOICE_BYTES:
        return Verdict(430, [f"Rozmiar faktury {len(xml)} B przekracza 1 MB (1 000 000 B)."])
    if xml.startswith(BOM):
        return Verdict(430, ["Faktura musi być kodowana w UTF-8 bez znaku BOM."])
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Verdict(430, [f"Faktura nie jest poprawnym UTF-8: {exc.reason}."])
    if _FORBIDDEN_CHARS.search(text):
        return Verdict(430, ["Faktura zawiera niedozwolone znaki Unicode."])
    try:
        document = etree.ElementTree(etree.fromstring(xml, safe_parser()))
    except etree.XMLSyntaxError as exc:
        return Verdict(430, [f"Niepoprawny dokument XML: {exc}"])
    if document.getroot().xpath("//processing-instruction()") or any(
        isinstance(node, etree._ProcessingInstruction)
        for node in document.getroot().itersiblings(preceding=True)
    ):
        return Verdict(430, ["Faktura nie może zawierać instrukcji przetwarzania XML."])
    return document


def verify_invoice(xml: bytes, *, context_nip: str, acquisition: date) -> Verdict:
    """The verdict for one decrypted invoice, before the duplicate check (code 200 if it passes)."""
    parsed = _parse(xml)
    if isinstance(parsed, Verdict):
        return parsed
    root = parsed.getroot()
    if root.tag != f"{{{FA3_NS}}}Faktura":
        return Verdict(430, [f"Dokument nie jest fakturą FA (3): element główny {root.tag}."])
    errors = schema_errors(fa3_schema(), parsed)
    if errors:
        return Verdict(430, errors[:20])
    verdict = Verdict(
        200,
        invoice_number=_text(root, "fa:Fa/fa:P_2"),
        seller_nip=_text(root, "fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP"),
        kind=_text(root, "fa:Fa/fa:RodzajFaktury"),
        issue_date=_text(root, "fa:Fa/fa:P_1"),
    )
    if verdict.seller_nip != context_nip:
        verdict.code = 410
        verdict.details = [
            f"Brak uprawnień do wystawienia faktury sprzedawcy {verdict.seller_nip} "
            f"w kontekście {context_nip}."
        ]
    elif verdict.issue_date and date.fromisoformat(verdict.issue_date) > acquisition:
        verdict.code = 450
        verdict.details = [
            f"Data wystawienia faktury (P_1) {verdict.issue_date} jest późniejsza niż data "
            f"przyjęcia {acquisition.isoformat()}."
        ]
    return verdict
