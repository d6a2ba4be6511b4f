"""The hand-written checkout form fixtures used by mapping tests are real-shaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.contract.openapi import assert_valid

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "allegro"
CHECKOUT_FORMS = sorted(FIXTURES.glob("checkout_form__*.json"))


def test_fixture_set_is_complete() -> None:
    assert len(CHECKOUT_FORMS) >= 10


@pytest.mark.parametrize("path", CHECKOUT_FORMS, ids=lambda p: p.stem)
def test_fixture_fits_checkout_form(path: Path) -> None:
    assert_valid(json.loads(path.read_text(encoding="utf-8")), "CheckoutForm")
