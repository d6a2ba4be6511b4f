"""UPO (urzędowe poświadczenie odbioru) XML valid against upo-v4-3.xsd, per invoice or session."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from invoicehub.emulator.ksef.schemas import UPO_NS
from invoicehub.emulator.ksef.state import InvoiceRecord, Session


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, f"{{{UPO_NS}}}{name}")
    if text is not None:
        node.text = text
    return node


def _document(root: etree._Element, record: InvoiceRecord) -> None:
    doc = _add(root, "Dokument")
    _add(doc, "NipSprzedawcy", record.seller_nip)
    _add(doc, "NumerKSeFDokumentu", record.ksef_number)
    _add(doc, "NumerFaktury", record.invoice_number)
    _add(doc, "DataWystawieniaFaktury", record.issue_date)
    _add(doc, "DataPrzeslaniaDokumentu", _when(record.received_at))
    _add(doc, "DataNadaniaNumeruKSeF", _when(record.ready_at))
    _add(doc, "SkrotDokumentu", record.invoice_hash)
    _add(doc, "TrybWysylki", "Offline" if record.offline else "Online")


def build_upo(session: Session, records: list[InvoiceRecord], *, page: bool = False) -> bytes:
    """UTF-8 UPO of `records` (accepted invoices of `session`); `page` adds OpisPotwierdzenia."""
    root = etree.Element(f"{{{UPO_NS}}}Potwierdzenie", nsmap={None: UPO_NS})
    root.set("wersjaSchemy", "4-3")
    _add(root, "NazwaPodmiotuPrzyjmujacego", "Ministerstwo Finansów")
    _add(root, "NumerReferencyjnySesji", session.reference)
    auth = _add(root, "Uwierzytelnienie")
    _add(_add(auth, "IdKontekstu"), "Nip", session.nip)
    _add(auth, "NumerReferencyjnyTokenaKSeF", session.operation.token_reference)
    if page:
        description = _add(root, "OpisPotwierdzenia")
        for name, value in (
            ("Strona", 1),
            ("LiczbaStron", 1),
            ("ZakresDokumentowOd", 1),
            ("ZakresDokumentowDo", len(records)),
            ("CalkowitaLiczbaDokumentow", len(records)),
        ):
            _add(description, name, str(value))
    _add(root, "NazwaStrukturyLogicznej", "Schemat_FA(3)_v1-0E.xsd")
    _add(root, "KodFormularza", "FA (3)")
    for record in records:
        _document(root, record)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
