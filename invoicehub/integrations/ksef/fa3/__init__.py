"""FA(3): the structured invoice KSeF accepts, built from an issued invoice's snapshot (pure).

Public API: the document dataclasses (`Fa3Invoice`, `Fa3Party`, `Fa3Line`, `Fa3Payment`,
`Fa3Correction`, ...), `fa3_invoice_from_issued(invoice, lines)`, `correction_of(original, ...)`
(a KOR), `build_fa3(doc) -> bytes`,
`validate_fa3(xml) -> list[Fa3Problem]`, `render_valid_fa3(doc)` (raises `Fa3Invalid`),
`fa3_schema()` and `upo_schema()`.
"""

from invoicehub.integrations.ksef.fa3.builder import build_fa3
from invoicehub.integrations.ksef.fa3.document import (
    CorrectionType,
    ExemptionKind,
    Fa3Correction,
    Fa3Exemption,
    Fa3Invoice,
    Fa3Kind,
    Fa3Line,
    Fa3Party,
    Fa3Payment,
    Fa3RateTotal,
    PaymentForm,
    correction_of,
    correction_totals,
    line_totals,
)
from invoicehub.integrations.ksef.fa3.snapshot import (
    fa3_invoice_from_issued,
    fa3_line_from,
    fa3_party_from_json,
)
from invoicehub.integrations.ksef.fa3.validation import (
    Fa3Invalid,
    Fa3Problem,
    fa3_schema,
    render_valid_fa3,
    upo_schema,
    validate_fa3,
)

__all__ = [
    "CorrectionType",
    "ExemptionKind",
    "Fa3Correction",
    "Fa3Exemption",
    "Fa3Invalid",
    "Fa3Invoice",
    "Fa3Kind",
    "Fa3Line",
    "Fa3Party",
    "Fa3Payment",
    "Fa3Problem",
    "Fa3RateTotal",
    "PaymentForm",
    "build_fa3",
    "correction_of",
    "correction_totals",
    "fa3_invoice_from_issued",
    "fa3_line_from",
    "fa3_party_from_json",
    "fa3_schema",
    "line_totals",
    "render_valid_fa3",
    "upo_schema",
    "validate_fa3",
]
