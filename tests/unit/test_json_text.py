"""The bulk statements' JSON text: orjson's output is the standard library's, byte for byte, for
what pages of orders and invoices hold; what orjson refuses still encodes as before."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from invoicehub import json_text
from invoicehub.domain.invoice_sql import _plain


def _stdlib(value: object, default=None) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default)


def test_a_raw_order_page_encodes_as_the_standard_library_does():
    raw = {
        "id": "29b7a1a0-5c43-11ee-8d2e-7b0f8d9b1c01",
        "buyer": {"login": "Zażółć gęślą jaźń", "email": "a@b.pl", "guest": False},
        "lineItems": [{"price": {"amount": "123.45", "currency": "PLN"}, "quantity": 2}],
        "weight": 0.1,
        "note": 'quote " and \\ and \n newline and emoji \U0001f600',
        "missing": None,
    }
    assert json_text.dumps([raw, raw]) == _stdlib([raw, raw])


def test_invoice_rows_encode_decimals_dates_and_ids_as_before():
    row = {
        "id": uuid.uuid4(),
        "total": Decimal("1234.50"),
        "issue_date": date(2026, 12, 2),
        "paid_at": datetime(2026, 12, 2, 9, 30, 0, 123456, tzinfo=UTC),
        "created": datetime(2026, 12, 2, 9, 30),
    }
    assert json_text.dumps([row], default=_plain) == _stdlib([row], default=_plain)


def test_what_orjson_refuses_falls_back_to_the_standard_library():
    huge = {"n": 2**70, "s": "lone \ud800 surrogate"}
    assert json_text.dumps(huge) == _stdlib(huge)
