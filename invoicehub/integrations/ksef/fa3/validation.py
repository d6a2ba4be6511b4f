"""FA(3) validation: the official XSD plus what KSeF checks beyond it, in words a seller can act on.

`validate_fa3(xml)` returns one `Fa3Problem(field, message)` per fault, `field` being the element
path below `Faktura` (e.g. "Podmiot1/Adres/AdresL1", "Fa/FaWiersz[2]/P_7"). An XML with problems
is never stored nor sent: `render_valid_fa3` raises `Fa3Invalid` instead. The schemas are loaded
once per process (module-level cache) since loading one costs far more than a validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from invoicehub.domain.nip import is_valid_nip
from invoicehub.integrations.ksef.fa3.builder import NAMESPACE, build_fa3
from invoicehub.integrations.ksef.fa3.document import Fa3Invoice

_HERE = Path(__file__).resolve().parent
FA3_XSD = _HERE / "xsd" / "schemat_FA(3)_v1-0E.xsd"
UPO_XSD = _HERE.parent / "upo_xsd" / "upo-v4-3.xsd"
BOM = b"\xef\xbb\xbf"
MAX_BYTES = 1_000_000  # KSeF: an invoice without attachments
_NS = "{" + NAMESPACE + "}"

# What each field is, for the seller (and where to fix it).
FIELD_LABELS = {
    "Podmiot1/DaneIdentyfikacyjne/NIP": "the seller's NIP (Company tab)",
    "Podmiot1/DaneIdentyfikacyjne/Nazwa": "the seller's name (Company tab)",
    "Podmiot1/Adres/KodKraju": "the seller's country code (Company tab)",
    "Podmiot1/Adres/AdresL1": "the seller's address (Company tab: street, postal code, city)",
    "Podmiot1/Adres/AdresL2": "the seller's postal code and city (Company tab)",
    "Podmiot2/DaneIdentyfikacyjne/NIP": "the buyer's NIP",
    "Podmiot2/DaneIdentyfikacyjne/Nazwa": "the buyer's name",
    "Podmiot2/Adres/KodKraju": "the buyer's country code",
    "Podmiot2/Adres/AdresL1": "the buyer's street address",
    "Podmiot2/Adres/AdresL2": "the buyer's postal code and city",
    "Naglowek/DataWytworzeniaFa": "the time the invoice was created",
    "Fa/KodWaluty": "the currency",
    "Fa/P_1": "the issue date",
    "Fa/P_2": "the invoice number",
    "Fa/P_6": "the sale date",
    "Fa/P_15": "the total amount due",
    "Fa/Adnotacje/Zwolnienie/P_19A": "the VAT exemption basis (Company tab)",
    "Fa/Adnotacje/Zwolnienie/P_19B": "the VAT exemption basis (Company tab)",
    "Fa/Adnotacje/Zwolnienie/P_19C": "the VAT exemption basis (Company tab)",
    "Fa/PrzyczynaKorekty": "the reason of the correction",
    "Fa/DaneFaKorygowanej/NrFaKorygowanej": "the number of the corrected invoice",
    "Fa/DaneFaKorygowanej/DataWystFaKorygowanej": "the issue date of the corrected invoice",
    "Fa/DaneFaKorygowanej/NrKSeFFaKorygowanej": "the KSeF number of the corrected invoice",
    "Fa/FaWiersz/P_7": "the name of a line",
    "Fa/FaWiersz/P_8A": "the unit of a line",
    "Fa/FaWiersz/P_8B": "the quantity of a line",
    "Fa/FaWiersz/P_9B": "the unit gross price of a line",
    "Fa/FaWiersz/P_11A": "the gross value of a line",
    "Fa/FaWiersz/P_12": "the VAT rate of a line",
    "Fa/Platnosc/OpisPlatnosci": "the payment method",
    "Fa/Platnosc/RachunekBankowy/NrRB": "the seller's bank account (Company tab)",
    "Fa/WarunkiTransakcji/Zamowienia/NrZamowienia": "the order number",
}
_FACETS = {
    "minLength": "is empty",
    "pattern": "has the wrong format",
    "enumeration": "is not one of the values KSeF accepts",
    "minInclusive": "is before the earliest date or below the smallest value KSeF accepts",
    "maxInclusive": "is after the latest date or above the largest value KSeF accepts",
    "totalDigits": "has too many digits",
    "fractionDigits": "has too many decimals",
}
_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
_MAX_LENGTH = re.compile(r"maximum length of '(\d+)'")
_FACET = re.compile(r"\[facet '(\w+)'\]")


@dataclass(frozen=True)
class Fa3Problem:
    field: str
    message: str


class Fa3Invalid(ValueError):
    def __init__(self, problems: list[Fa3Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


@cache
def fa3_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FA3_XSD)))


@cache
def upo_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(UPO_XSD)))


def render_valid_fa3(doc: Fa3Invoice) -> bytes:
    """The FA(3) bytes of `doc`, validated; Fa3Invalid (with its problems) if KSeF would refuse."""
    xml = build_fa3(doc)
    problems = validate_fa3(xml)
    if problems:
        raise Fa3Invalid(problems)
    return xml


def validate_fa3(xml: bytes) -> list[Fa3Problem]:
    """Every reason KSeF would refuse `xml` as FA(3), as (field, plain words); [] when valid."""
    if xml.startswith(BOM):
        return [Fa3Problem("", "the file starts with a byte order mark (BOM): KSeF refuses it")]
    if len(xml) > MAX_BYTES:
        return [Fa3Problem("", f"the invoice is larger than {MAX_BYTES:,} bytes")]
    try:
        root = etree.fromstring(xml, parser=_parser())
    except etree.XMLSyntaxError as exc:
        return [Fa3Problem("", f"not well-formed XML: {exc.msg}")]
    schema = fa3_schema()
    if schema.validate(root):
        return _nip_problems(root) + _correction_problems(root)
    problems = [_problem(error, root) for error in schema.error_log]
    return list(dict.fromkeys(problems))  # one problem per field and message


@cache
def _parser() -> etree.XMLParser:
    # No network, no entities: the bytes are ours or a client's, never a reason to fetch.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _problem(error: etree._LogEntry, root: etree._Element) -> Fa3Problem:
    named = _ELEMENT.search(error.message)
    name = named.group(1) if named else ""
    element = _element_of(root, name, error.line)
    if element is None:
        return Fa3Problem(name, _explain(name, error.message))
    field = _path(element)
    expected = _expected(error.message)
    if "This element is not expected" in error.message and expected:
        # A required element is missing before this one: libxml2 lists the optional elements
        # that could come first, then the required one.
        parent = field.rpartition("/")[0]
        missing = f"{parent}/{expected[-1]}" if parent else expected[-1]
        return Fa3Problem(missing, f"{_label(missing)} is missing")
    return Fa3Problem(field, _explain(field, error.message))


def _element_of(root: etree._Element, name: str, line: int) -> etree._Element | None:
    """The element an error is about: the one of that name on the error's line (our XML has one
    element per line), else the only one of that name in the document."""
    named = list(root.iter(_NS + name))
    on_line = [e for e in named if e.sourceline == line]
    if len(on_line) == 1:
        return on_line[0]
    return named[0] if len(named) == 1 else None


def _expected(message: str) -> list[str]:
    if "Expected is" not in message:
        return []
    return re.findall(r"\{[^}]*\}(\w+)", message.split("Expected is", 1)[1])


def _label(field: str) -> str:
    return FIELD_LABELS.get(re.sub(r"\[\d+\]", "", field), field or "the document")


def _explain(field: str, message: str) -> str:
    label = _label(field)
    if "Missing child element" in message:
        return f"{label} lacks {', '.join(_expected(message)) or 'a required part'}"
    if "This element is not expected" in message:
        return f"{label} is not allowed here"
    facet = _FACET.search(message)
    if facet and facet.group(1) == "maxLength":
        limit = _MAX_LENGTH.search(message)
        return f"{label} is too long (at most {limit.group(1) if limit else '?'} characters)"
    if facet and facet.group(1) in _FACETS:
        return f"{label} {_FACETS[facet.group(1)]}"
    if "is not a valid value" in message:
        return f"{label} is not a valid value"
    return f"{label}: {_ELEMENT.sub('', message).strip(' :')}"


def _nip_problems(root: etree._Element) -> list[Fa3Problem]:
    """KSeF (production) checks the NIP checksum of the seller and the buyer."""
    problems = []
    for party, who in (("Podmiot1", "seller"), ("Podmiot2", "buyer")):
        nip = root.findtext(f"{_NS}{party}/{_NS}DaneIdentyfikacyjne/{_NS}NIP")
        if nip is not None and not is_valid_nip(nip):
            problems.append(
                Fa3Problem(
                    f"{party}/DaneIdentyfikacyjne/NIP",
                    f"the {who}'s NIP {nip} is not a valid NIP (its checksum does not match)",
                )
            )
    return problems


def _correction_problems(root: etree._Element) -> list[Fa3Problem]:
    """The schema lets a KOR omit what it corrects (the group is optional); KSeF does not."""
    kind = root.findtext(f"{_NS}Fa/{_NS}RodzajFaktury")
    if kind == "KOR" and root.find(f"{_NS}Fa/{_NS}DaneFaKorygowanej") is None:
        message = "a correction invoice must name the invoice it corrects (number and date)"
        return [Fa3Problem("Fa/DaneFaKorygowanej", message)]
    return []


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _path(element: etree._Element) -> str:
    """Local names from below the root, with [n] where a parent repeats the element."""
    parts = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        parent = node.getparent()
        assert parent is not None
        same = [child for child in parent if child.tag == node.tag]
        name = _local(node)
        parts.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name)
        node = parent
    return "/".join(reversed(parts))
