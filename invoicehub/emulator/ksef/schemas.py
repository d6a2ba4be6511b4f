"""The vendored FA(3) and UPO v4-3 schemas, loaded with lxml once per process.

The emulator validates what it receives against the same files the product validates before
sending (invoicehub/integrations/ksef/fa3/xsd, upo_xsd), so both sides agree on what is valid.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from lxml import etree

_KSEF = Path(__file__).resolve().parents[2] / "integrations" / "ksef"
FA3_XSD = _KSEF / "fa3" / "xsd" / "schemat_FA(3)_v1-0E.xsd"
UPO_XSD = _KSEF / "upo_xsd" / "upo-v4-3.xsd"
FA3_NS = "http://crd.gov.pl/wzor/2025/06/25/13775/"
UPO_NS = "http://upo.schematy.mf.gov.pl/KSeF/v4-3"

# lxml schema objects are not safe to use from two threads at once.
validation_lock = threading.Lock()


@cache
def fa3_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FA3_XSD)))


@cache
def upo_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(UPO_XSD)))


def safe_parser() -> etree.XMLParser:
    """No DTD loading, no entity expansion, no network: received XML is untrusted."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def schema_errors(schema: etree.XMLSchema, document: etree._ElementTree) -> list[str]:
    with validation_lock:
        if schema.validate(document):
            return []
        return [f"linia {e.line}: {e.message}" for e in schema.error_log]
