from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture
def control(emulator_url: str) -> Iterator[httpx.Client]:
    """The emulator's control API, reset for this test."""
    with httpx.Client(base_url=emulator_url, timeout=60) as client:
        client.post("/__emulator/reset").raise_for_status()
        yield client
