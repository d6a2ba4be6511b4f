"""The reset emulator's control client, shared with the emulator suites."""

from tests.support.emulator_fixtures import emulator

__all__ = ["emulator"]
