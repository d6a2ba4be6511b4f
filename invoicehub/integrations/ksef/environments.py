"""KSeF environments: only the hosts change (docs/srodowiska.md, docs/kody-qr.md)."""

from __future__ import annotations

from enum import StrEnum


class KsefEnvironment(StrEnum):
    EMULATOR = "emulator"
    TEST = "test"
    DEMO = "demo"
    PRODUCTION = "production"


_API = {
    KsefEnvironment.TEST: "https://api-test.ksef.mf.gov.pl/v2",
    KsefEnvironment.DEMO: "https://api-demo.ksef.mf.gov.pl/v2",
    KsefEnvironment.PRODUCTION: "https://api.ksef.mf.gov.pl/v2",
}


def api_base_url(env: KsefEnvironment | str, emulator_url: str) -> str:
    """The API root (ending in `/v2`) that `KsefClient` is given for `env`."""
    env = KsefEnvironment(env)
    if env is KsefEnvironment.EMULATOR:
        return f"{emulator_url.rstrip('/')}/v2"
    return _API[env]
