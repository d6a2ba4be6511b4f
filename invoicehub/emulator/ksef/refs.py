"""Reference numbers like `20250625-SO-2C3E6C8000-B675CF5D68-07` (36 characters).

Layout from the examples in open-api.json and the UPO schema's TNumerReferencyjny: date, a
two-letter
kind (CR challenge, AU authentication, SO online session, SB batch session, EE invoice, EU UPO,
EC token), two groups of 10 hex digits and a CRC-8 of the rest.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from invoicehub.integrations.ksef.ksef_number import crc8


def reference_number(kind: str, when: datetime) -> str:
    body = f"{when:%Y%m%d}-{kind}-{secrets.token_hex(5).upper()}-{secrets.token_hex(5).upper()}"
    return f"{body}-{crc8(body.encode('ascii')):02X}"
