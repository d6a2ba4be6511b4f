"""Fixtures for the KSeF tests (shared with tests/contract)."""

from tests.support.ksef_fixtures import auth, ksef, ksef_control, ksef_token, ksef_url

__all__ = ["auth", "ksef", "ksef_control", "ksef_token", "ksef_url"]
