"""Fixtures for the contract tests (shared with the other emulator suite)."""

from tests.support.emulator_fixtures import api, emulator, seller

__all__ = ["api", "emulator", "seller"]
