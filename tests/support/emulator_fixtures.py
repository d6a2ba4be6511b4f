"""Emulator test fixtures shared by tests/emulator and tests/contract: a reset emulator and a
connected seller.

`emulator_url` (one emulator process per test session) comes from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.emulator import ALLEGRO_ACCEPT, SellerTokens, connect_seller, control_client

SELLER_LOGIN = "sklep-testowy"


@pytest.fixture
def emulator(emulator_url: str) -> Iterator[httpx.Client]:
    """The control API of a freshly reset emulator."""
    with control_client(emulator_url) as control:
        control.post("/__emulator/reset").raise_for_status()
        yield control


@pytest.fixture
def seller(emulator: httpx.Client) -> SellerTokens:
    return connect_seller(emulator, SELLER_LOGIN, companyName="Sklep Testowy Sp. z o.o.")


@pytest.fixture
def api(emulator_url: str, seller: SellerTokens) -> Iterator[httpx.Client]:
    """A plain HTTP client on the Allegro API with the seller's token, Accept and Content-Type.

    Allegro wants its versioned media type on JSON bodies too; `json=` would send application/json.
    """
    headers = {**seller.headers(), "Content-Type": ALLEGRO_ACCEPT}
    with httpx.Client(base_url=emulator_url, headers=headers, timeout=30.0) as client:
        yield client
