"""Rules of the VAT act that decide what an invoice must say, beyond its arithmetic (pure).

Shared by the PDF and the FA(3) document, so both print the same words from the same snapshot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Any

# Art. 106e ust. 1 pkt 18a with art. 108a ust. 1a: the words "mechanizm podzielonej płatności" are
# required when the amount due *exceeds* 15,000 PLN (art. 19 pkt 2 Prawa przedsiębiorców:
# "przekracza"), the supply is made to a taxpayer and a line is a good or service of Annex 15.
SPLIT_PAYMENT_THRESHOLD = Decimal("15000.00")
SPLIT_PAYMENT_WORDS = "mechanizm podzielonej płatności"
CASH_ACCOUNTING_WORDS = "metoda kasowa"  # art. 106e ust. 1 pkt 16


class ExemptionKind(StrEnum):
    """Where the legal basis of a "zw" (VAT-exempt) sale comes from (FA(3) Adnotacje/Zwolnienie)."""

    ACT = "A"  # P_19A: the Polish VAT act or its regulations
    DIRECTIVE = "B"  # P_19B: Council Directive 2006/112/EC
    OTHER = "C"  # P_19C: another legal basis


def requires_split_payment(
    total_gross: Decimal, annex15_lines: Iterable[bool], buyer_nip: str | None
) -> bool:
    """True when the invoice must carry the MPP words (and FA(3) P_18A=1)."""
    return bool(buyer_nip) and total_gross > SPLIT_PAYMENT_THRESHOLD and any(annex15_lines)


def required_words(
    seller: Mapping[str, Any],
    buyer: Mapping[str, Any],
    total_gross: Decimal,
    annex15_lines: Iterable[bool],
) -> list[str]:
    """The words art. 106e ust. 1 pkt 16 and 18a require on this invoice, from its snapshot."""
    words = [CASH_ACCOUNTING_WORDS] if seller.get("cashAccounting") else []
    if requires_split_payment(total_gross, annex15_lines, buyer.get("nip")):
        words.append(SPLIT_PAYMENT_WORDS)
    return words


def exemption_kind_of(kind: str | None, basis: str) -> ExemptionKind:
    """The kind of an exemption basis: the seller's choice, or for invoices issued before the
    choice existed, read from the words of the basis (a directive is cited by its number)."""
    if kind in {k.value for k in ExemptionKind}:
        return ExemptionKind(kind)
    text = basis.lower()
    if "2006/112" in text or "dyrektyw" in text:
        return ExemptionKind.DIRECTIVE
    if "ustaw" in text or "art." in text:
        return ExemptionKind.ACT
    return ExemptionKind.OTHER
