"""KSeF emulator fixtures shared by tests/ksef and tests/contract: one process per test session,
reset before every test, a `KsefClient` on it and an authenticated seller."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from invoicehub.integrations.ksef.client import KsefAuth, KsefClient
from invoicehub.integrations.ksef.environments import KsefEnvironment, api_base_url
from tests.support import services
from tests.support.ksef_emulator import SELLER_NIP, ksef_emulator_process, new_token


@pytest.fixture(scope="session")
def ksef_url() -> Iterator[str]:
    with ksef_emulator_process(services.free_port(), "--processing-ms", "50") as url:
        yield url


@pytest.fixture
def ksef_control(ksef_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ksef_url, timeout=30.0) as control:
        control.post("/__emulator/reset").raise_for_status()
        yield control


@pytest.fixture
def ksef_token(ksef_control: httpx.Client) -> str:
    return new_token(ksef_control, SELLER_NIP)


@pytest.fixture
def ksef(ksef_url: str, ksef_control: httpx.Client) -> Iterator[KsefClient]:
    base = api_base_url(KsefEnvironment.EMULATOR, ksef_url)
    with KsefClient(base, timeout=5.0, poll_interval=0.1, poll_timeout=10.0) as client:
        yield client


@pytest.fixture
def auth(ksef: KsefClient, ksef_token: str) -> KsefAuth:
    return ksef.authenticate(SELLER_NIP, ksef_token)
