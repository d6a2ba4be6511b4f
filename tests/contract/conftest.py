"""Fixtures for the contract tests (shared with the other emulator suites)."""

from tests.support.emulator_fixtures import api, emulator, seller
from tests.support.ksef_fixtures import auth, ksef, ksef_control, ksef_token, ksef_url

__all__ = ["api", "auth", "emulator", "ksef", "ksef_control", "ksef_token", "ksef_url", "seller"]
