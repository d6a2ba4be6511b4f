from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "allegro"


@pytest.fixture
def control(emulator_url: str) -> Iterator[httpx.Client]:
    """The emulator's control API, reset for this test."""
    with httpx.Client(base_url=emulator_url, timeout=60) as client:
        client.post("/__emulator/reset").raise_for_status()
        yield client


def ready_order(fixture: str = "mixed_rates_shipping") -> dict:
    order = json.loads((FIXTURES / f"checkout_form__{fixture}.json").read_text())
    order["id"] = str(uuid.uuid4())
    order["revision"] = None
    order["updatedAt"] = None
    return order
